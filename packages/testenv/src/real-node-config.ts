// The configuration files of a real node: containerd, CNI, kubelet, kube-proxy and CoreDNS, with the settings this
// kind of sandbox needs (cgroup v1 through cgroupfs, no setrlimit, restricted oom_score_adj, no image registry).
import { join } from 'node:path';
import { cniNetworkName } from './real-node-teardown.ts';

export interface NodeNetwork {
  /** The machine's address: the API server advertises it, CoreDNS listens on it, pods reach the host by it. */
  hostIp: string;
  podSubnet: string;
  bridge: string;
  /** Where host-local keeps its leases: the node's own, so a new node starts with every address free. */
  ipamDir: string;
}

export interface NodeConfigInput {
  network: NodeNetwork;
  kubeconfigPath: string;
  kubeletPort: number;
  kubeletHealthPort: number;
  proxyHealthPort: number;
  proxyMetricsPort: number;
  dnsHealthPort: number;
  /** runc's default spec as JSON, without rlimits. */
  baseRuntimeSpec: string;
}

export interface NodeConfigFiles {
  contents: Record<string, string>;
  containerdConfig: string;
  containerdSocket: string;
  baseSpec: string;
  cniDir: string;
  kubeletConfig: string;
  kubeProxyConfig: string;
  corefile: string;
}

export function nodeConfigFiles(dir: string, input: NodeConfigInput): NodeConfigFiles {
  const paths = {
    containerdConfig: join(dir, 'containerd.toml'),
    containerdSocket: join(dir, 'containerd.sock'),
    baseSpec: join(dir, 'base-runtime-spec.json'),
    cniDir: join(dir, 'cni'),
    kubeletConfig: join(dir, 'kubelet.yaml'),
    kubeProxyConfig: join(dir, 'kube-proxy.yaml'),
    corefile: join(dir, 'Corefile'),
  };
  return {
    ...paths,
    contents: {
      [paths.containerdConfig]: containerdToml(dir, paths),
      [paths.baseSpec]: input.baseRuntimeSpec,
      [join(paths.cniDir, '10-fluxion.conflist')]: cniConflist(input.network),
      [paths.kubeletConfig]: kubeletYaml(input, paths.containerdSocket),
      [paths.kubeProxyConfig]: kubeProxyYaml(input),
      [paths.corefile]: corefile(input),
    },
  };
}

function containerdToml(dir: string, paths: { containerdSocket: string; baseSpec: string; cniDir: string }): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return `version = 2
root = "${join(dir, 'containerd-root')}"
state = "${join(dir, 'containerd-state')}"

[grpc]
  address = "${paths.containerdSocket}"

[${cri}]
  sandbox_image = "localhost/fluxion/pause:1"
  # without it runc fails with "can't get final child's PID from pipe" in this sandbox
  restrict_oom_score_adj = true

[${cri}.containerd]
  snapshotter = "native"
  default_runtime_name = "runc"

[${cri}.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
  # runc's default spec without rlimits: setrlimit is refused here
  base_runtime_spec = "${paths.baseSpec}"

[${cri}.containerd.runtimes.runc.options]
  SystemdCgroup = false
  # runc's state beside the node's, so a stopped node's containers can be found and removed
  Root = "${join(dir, 'runc')}"

[${cri}.cni]
  bin_dir = "/usr/lib/cni"
  conf_dir = "${paths.cniDir}"
`;
}

function cniConflist(network: NodeNetwork): string {
  return JSON.stringify(
    {
      cniVersion: '0.4.0',
      name: cniNetworkName(network.bridge),
      plugins: [
        {
          type: 'bridge',
          bridge: network.bridge,
          isGateway: true,
          ipMasq: true,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet: network.podSubnet }]],
            routes: [{ dst: '0.0.0.0/0' }],
            dataDir: network.ipamDir,
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  );
}

function kubeletYaml(input: NodeConfigInput, socket: string): string {
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# cgroup v1 (hybrid) here: cgroupfs, and no QoS or allocatable cgroups
cgroupDriver: cgroupfs
failCgroupV1: false
cgroupsPerQOS: false
enforceNodeAllocatable: []
failSwapOn: false
# a test machine's disk is whatever it is: never evict, never collect images
evictionHard:
  memory.available: "0%"
  nodefs.available: "0%"
  nodefs.inodesFree: "0%"
  imagefs.available: "0%"
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
# test only: the API server reaches logs and exec without client certificates
authentication:
  anonymous:
    enabled: true
  webhook:
    enabled: false
authorization:
  mode: AlwaysAllow
containerRuntimeEndpoint: unix://${socket}
address: ${input.network.hostIp}
port: ${input.kubeletPort}
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: ${input.kubeletHealthPort}
clusterDomain: cluster.local
clusterDNS:
  - ${input.network.hostIp}
serializeImagePulls: false
`;
}

function kubeProxyYaml(input: NodeConfigInput): string {
  return `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: ${input.kubeconfigPath}
mode: iptables
clusterCIDR: ${input.network.podSubnet}
# replies from a Service's pod on the same bridge must come back through the host to be un-NATed
iptables:
  masqueradeAll: true
healthzBindAddress: 127.0.0.1:${input.proxyHealthPort}
metricsBindAddress: 127.0.0.1:${input.proxyMetricsPort}
# leave the machine's conntrack sysctls alone
conntrack:
  maxPerCore: 0
  min: 0
`;
}

function corefile(input: NodeConfigInput): string {
  const { hostIp } = input.network;
  return `cluster.local in-addr.arpa ip6.arpa {
    bind ${hostIp}
    health 127.0.0.1:${input.dnsHealthPort}
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig ${input.kubeconfigPath}
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    cache 5
}
. {
    bind ${hostIp}
    forward . /etc/resolv.conf
}
`;
}
