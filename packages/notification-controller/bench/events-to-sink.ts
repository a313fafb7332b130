// Benchmark: bin/notification-controller as its own process on a private control plane, fed by Kubernetes Events
// recorded as the toolkit's controllers record them, delivering to a local webhook sink through 100 Alerts.
// Prints: Event recorded -> delivered latency (p50, p99; target p50 < 100 ms), then a burst of 10,000 Events: every
// one delivered exactly once (none lost, none doubled), time to drain, and the controller's peak RSS (target < 120 MiB);
// then the same burst through Flux's HTTP event API, which the API server does not pace.
// Run: node packages/notification-controller/bench/events-to-sink.ts [--latency=200] [--burst=10000] [--alerts=100]
// The controller runs as the image runs it (its Node flags and MALLOC_ARENA_MAX); BENCH_NODE_ARGS replaces the flags,
// BENCH_CONTROLLER runs another build of it (a bundle: BENCH_CONTROLLER=packages/notification-controller/dist/...mjs).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type GitRepository, installCrds } from '@fluxion/api';
import { createClient, EventRecorder } from '@fluxion/runtime';
import { freePort, median, pollUntil, startControlPlane, startWebhookSink, StopPolling } from '@fluxion/testenv';

const flag = (name: string, fallback: number): number => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.split('=')[1]) : fallback;
};
const latencyEvents = flag('latency', 200);
const burstEvents = flag('burst', 10_000);
const alertCount = flag('alerts', 100);
const providerCount = 10;
const namespace = 'bench';
const binary =
  process.env['BENCH_CONTROLLER'] || fileURLToPath(new URL('../bin/notification-controller', import.meta.url));
const mib = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** CPU seconds the process has used (user + system), to tell its own cost from the machine's pace. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function memoryKib(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

console.log(`events-to-sink: starting a control plane and a webhook sink...`);
const controlPlane = await startControlPlane();
const sink = await startWebhookSink();
let controller: ReturnType<typeof spawn> | undefined;
let failed = false;
try {
  const kubeConfig = controlPlane.kubeConfig();
  await installCrds(kubeConfig);
  const client = createClient({ kubeConfig, qps: 1000, burst: 2000 });
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  const repositories: GitRepository[] = [];
  for (let i = 0; i < alertCount; i++) {
    repositories.push(
      await client.create<GitRepository>({
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name: `repo-${i}`, namespace },
        spec: { interval: '1h', url: `https://example.com/repo-${i}.git` },
      }),
    );
  }
  for (let i = 0; i < providerCount; i++) {
    await client.create({
      apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
      kind: 'Provider',
      metadata: { name: `sink-${i}`, namespace },
      spec: { type: 'generic', address: `${sink.url}/p${i}` },
    });
  }
  for (let i = 0; i < alertCount; i++) {
    await client.create({
      apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
      kind: 'Alert',
      metadata: { name: `alert-${i}`, namespace },
      spec: {
        providerRef: { name: `sink-${i % providerCount}` },
        eventSources: [{ kind: 'GitRepository', name: `repo-${i}` }],
      },
    });
  }

  const [healthPort, eventsPort] = await Promise.all([freePort(), freePort()]);
  controller = spawn(
    process.execPath,
    [
      ...(process.env['BENCH_NODE_ARGS']?.split(' ').filter(Boolean) ?? ['--max-semi-space-size=8']),
      binary,
      `--kubeconfig=${controlPlane.kubeconfigPath}`,
      '--metrics-addr=0',
      `--health-addr=127.0.0.1:${healthPort}`,
      `--events-addr=127.0.0.1:${eventsPort}`,
      '--receiverAddr=0',
      '--watch-all-namespaces=false',
      '--kube-api-qps=500',
      '--kube-api-burst=1000',
      '--log-level=warn',
    ],
    {
      // glibc's arenas as the Dockerfile sets them
      env: { MALLOC_ARENA_MAX: '2', ...process.env, RUNTIME_NAMESPACE: namespace },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const pid = controller.pid ?? 0;
  await pollUntil(
    'notification-controller /readyz',
    async () => ((await fetch(`http://127.0.0.1:${healthPort}/readyz`).catch(() => undefined))?.ok ? true : undefined),
    60_000,
  );
  // the Events watch starts after the caches are synced; one warm-up event proves the path end to end
  const recorder = new EventRecorder(client, { reportingController: 'source-controller' });
  const record = (index: number, message: string) =>
    recorder.record({
      object: repositories[index % alertCount]!,
      type: 'Normal',
      reason: 'NewArtifact',
      message,
      annotations: { 'source.toolkit.fluxcd.io/revision': `main@sha1:${index.toString(16).padStart(40, '0')}` },
    });
  const delivered = (message: string) =>
    sink.waitFor((request) => request.body.includes(`"message":"${message}"`), 30_000);
  await record(0, 'warm-up');
  await delivered('warm-up');
  const idle = memoryKib(pid);
  console.log(`controller ready (pid ${pid}), RSS ${mib(idle.rss)}`);

  // 1. latency: one Event at a time, from the create call to the sink's receipt
  const latencies: number[] = [];
  for (let i = 0; i < latencyEvents; i++) {
    const message = `latency ${i}`;
    const began = Date.now();
    await record(i, message);
    const request = await delivered(message);
    latencies.push(request.receivedAt - began);
  }
  console.log(
    `latency, Event recorded -> delivered (${latencyEvents} events): p50 ${median(latencies)} ms, p99 ${percentile(latencies, 99)} ms (target p50 < 100 ms)`,
  );

  // 2. burst: 10,000 Events as fast as the API server takes them, each matching exactly one Alert
  const kubernetes = await burst(
    'Kubernetes Events',
    (index) => record(index, `burst ${index}`).then(() => undefined),
    'burst',
  );
  // 3. the same through Flux's event API: the controller's own pace, not the API server's
  const http = await burst(
    'HTTP event API',
    async (index) => {
      const object = repositories[index % alertCount]!;
      const response = await fetch(`http://127.0.0.1:${eventsPort}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          involvedObject: {
            apiVersion: 'source.toolkit.fluxcd.io/v1',
            kind: 'GitRepository',
            name: object.metadata?.name,
            namespace,
          },
          severity: 'info',
          timestamp: new Date().toISOString(),
          message: `http ${index}`,
          reason: 'NewArtifact',
          reportingController: 'source-controller',
        }),
      });
      if (response.status !== 202) throw new Error(`event API answered ${response.status}`);
    },
    'http',
  );
  const memory = memoryKib(pid);
  console.log(
    `controller peak RSS ${mib(memory.peak)} (target < 120 MiB), RSS after the bursts ${mib(memory.rss)}, idle before ${mib(idle.rss)}; ` +
      `load average ${loadavg()
        .map((load) => load.toFixed(1))
        .join(' ')}`,
  );
  if (!kubernetes || !http) failed = true;

  async function burst(door: string, send: (index: number) => Promise<void>, prefix: string): Promise<boolean> {
    const before = sink.requests.length;
    const began = performance.now();
    const cpuBefore = cpuSeconds(pid);
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < burstEvents) await send(next++);
      }),
    );
    const sentIn = performance.now() - began;
    let lastCount = -1;
    let progressAt = performance.now();
    await pollUntil(
      `${door} burst drained`,
      async () => {
        const count = sink.requests.length - before;
        if (count !== lastCount) {
          lastCount = count;
          progressAt = performance.now();
        }
        if (count >= burstEvents) return true;
        if (performance.now() - progressAt > 30_000)
          throw new StopPolling(`no progress for 30 s at ${count}/${burstEvents}`);
        return undefined;
      },
      600_000,
      100,
    );
    const drainedIn = performance.now() - began;
    const cpu = cpuSeconds(pid) - cpuBefore;
    // a moment for late duplicates to show up before counting
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const counts = new Map<string, number>();
    for (const request of sink.requests.slice(before)) {
      const { message, involvedObject } = JSON.parse(request.body) as {
        message: string;
        involvedObject: { name: string };
      };
      const expectedPath = `/p${Number(involvedObject.name.slice('repo-'.length)) % providerCount}`;
      if (request.path !== expectedPath) throw new Error(`${message} went to ${request.path}, not ${expectedPath}`);
      counts.set(message, (counts.get(message) ?? 0) + 1);
    }
    const missing = burstEvents - [...counts.keys()].filter((message) => message.startsWith(`${prefix} `)).length;
    const doubled = [...counts.values()].filter((count) => count > 1).length;
    console.log(
      `burst via ${door}: ${burstEvents} events across ${alertCount} Alerts / ${providerCount} Providers, sent in ${(sentIn / 1000).toFixed(1)} s, ` +
        `all delivered in ${(drainedIn / 1000).toFixed(1)} s (${Math.round(burstEvents / (drainedIn / 1000))}/s), controller CPU ${cpu.toFixed(1)} s; missing ${missing}, doubled ${doubled} (expected 0 and 0)`,
    );
    return missing === 0 && doubled === 0;
  }
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  controller?.kill('SIGTERM');
  await sink.stop();
  await controlPlane.stop();
}
process.exit(failed ? 1 : 0);
