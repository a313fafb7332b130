// A TCP forwarder in front of the API server that a test can cut (drop every connection, refuse new ones) and restore.
import net from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

export interface TcpProxy {
  port: number;
  /** Drops open connections and refuses new ones until resume(): the network between client and server is gone. */
  cut(): void;
  resume(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let isCut = false;
  const server = net.createServer((client) => {
    if (isCut) return client.destroy();
    const upstream = net.connect(targetPort, targetHost);
    sockets.add(client).add(upstream);
    const forget = (): void => {
      sockets.delete(client);
      sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', forget).on('close', forget);
    upstream.on('error', forget).on('close', forget);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    cut: () => {
      isCut = true;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    resume: () => {
      isCut = false;
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A proxy in front of the API server of `admin`, and a kubeconfig with the same credentials that goes through it. */
export async function proxyApiServer(admin: KubeConfig): Promise<{ proxy: TcpProxy; kubeConfig: KubeConfig }> {
  const cluster = admin.getCurrentCluster();
  const user = admin.getCurrentUser();
  if (!cluster || !user) throw new Error('control plane kubeconfig has no cluster or user');
  const server = new URL(cluster.server);
  const proxy = await startTcpProxy(server.hostname, Number(server.port));
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromClusterAndUser({ ...cluster, server: `https://127.0.0.1:${proxy.port}` }, user);
  return { proxy, kubeConfig };
}
