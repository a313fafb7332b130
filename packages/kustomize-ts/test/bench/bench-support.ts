// Shared pieces of the kustomize-ts benchmarks: generated kustomization trees, timed runs with peak RSS, and the summary table.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageDir = fileURLToPath(new URL('../../', import.meta.url));
export const kustomizeTsExecutable = join(packageDir, 'bin', 'kustomize-ts');

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** `--runs N` on the command line, else the default. */
export function runsFromArgs(defaultRuns: number): number {
  const index = process.argv.indexOf('--runs');
  const value = index >= 0 ? Number(process.argv[index + 1]) : defaultRuns;
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--runs needs a positive integer, got ${process.argv[index + 1]}`);
  return value;
}

export function makeTempDir(label: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `kustomize-ts-bench-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeFile(root: string, relativePath: string, content: string): void {
  const path = join(root, relativePath);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** `cpuMs` (user + system) is the steadier figure on a shared machine, where wall time depends on the other load. */
export type TimedRun = {
  status: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  cpuMs: number;
  peakRssKiB: number;
};

/** Runs a command under /usr/bin/time to learn its peak RSS (largest process in the tree), timing it from here. */
export function runTimed(command: string, args: string[], cwd: string): TimedRun {
  const { dir, remove } = makeTempDir('time');
  const timeReport = join(dir, 'time.txt');
  // The executable's shebang finds `node` on PATH: use the Node running the benchmark.
  const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', '%M %U %S', '-o', timeReport, command, ...args], {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const wallMs = performance.now() - started;
  if (result.error) throw result.error;
  const [rss, user, system] = (readFileSync(timeReport, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number);
  remove();
  const cpuMs = ((user ?? Number.NaN) + (system ?? Number.NaN)) * 1000;
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    wallMs,
    cpuMs,
    peakRssKiB: rss ?? Number.NaN,
  };
}

export function kubectlKustomizeArgs(dir: string): { command: string; args: string[] } {
  const custom = process.env.KUSTOMIZE_BIN;
  return custom ? { command: custom, args: ['build', dir] } : { command: 'kubectl', args: ['kustomize', dir] };
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

export function formatMiB(kib: number): string {
  return `${(kib / 1024).toFixed(1)} MiB`;
}

export function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}

export function progress(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

const workloadKinds = ['Deployment', 'Service', 'ConfigMap', 'Secret', 'ServiceAccount'] as const;

/** One generated object; Deployments reference their ConfigMap, Secret and ServiceAccount so name references have work to do. */
function generatedObject(index: number): string {
  const kind = workloadKinds[index % workloadKinds.length];
  const app = `app-${Math.floor(index / workloadKinds.length)}`;
  switch (kind) {
    case 'Deployment':
      return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  labels:
    app: ${app}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${app}
  template:
    metadata:
      labels:
        app: ${app}
    spec:
      serviceAccountName: ${app}
      containers:
      - name: main
        image: ghcr.io/acme/service:1.0.0
        ports:
        - name: http
          containerPort: 8080
        envFrom:
        - configMapRef:
            name: ${app}
        env:
        - name: PASSWORD
          valueFrom:
            secretKeyRef:
              name: ${app}
              key: password
        resources:
          requests:
            cpu: 50m
            memory: 64Mi
`;
    case 'Service':
      return `apiVersion: v1
kind: Service
metadata:
  name: ${app}
spec:
  selector:
    app: ${app}
  ports:
  - name: http
    port: 80
    targetPort: http
`;
    case 'ConfigMap':
      return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${app}
data:
  LOG_LEVEL: info
  INDEX: "${index}"
`;
    case 'Secret':
      return `apiVersion: v1
kind: Secret
metadata:
  name: ${app}
type: Opaque
stringData:
  password: generated-${index}
`;
    default:
      return `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${app}
`;
  }
}

/**
 * Writes a base of `objectCount` objects (files of 50, each folder its own kustomization) and
 * `layers` overlays on top, each adding the transformers a real repo uses. Returns the top overlay.
 */
export function writeLayeredTree(root: string, objectCount: number, layers: number): string {
  const filesPerFolder = 10;
  const objectsPerFile = 50;
  const fileCount = Math.ceil(objectCount / objectsPerFile);
  const folders: string[] = [];
  for (let file = 0; file < fileCount; file++) {
    const folder = `base/group-${Math.floor(file / filesPerFolder)}`;
    if (!folders.includes(folder)) folders.push(folder);
    const docs: string[] = [];
    for (let index = file * objectsPerFile; index < Math.min(objectCount, (file + 1) * objectsPerFile); index++) {
      docs.push(generatedObject(index));
    }
    writeFile(root, `${folder}/objects-${file}.yaml`, docs.join('---\n'));
  }
  for (const folder of folders) {
    const files = Array.from({ length: fileCount }, (_, file) => file)
      .filter((file) => `base/group-${Math.floor(file / filesPerFolder)}` === folder)
      .map((file) => `- objects-${file}.yaml`);
    writeFile(root, `${folder}/kustomization.yaml`, `resources:\n${files.join('\n')}\n`);
  }
  writeFile(
    root,
    'base/kustomization.yaml',
    `resources:\n${folders.map((folder) => `- ${folder.slice('base/'.length)}`).join('\n')}\ncommonLabels:\n  app.kubernetes.io/part-of: generated\n`,
  );
  let previous = 'base';
  for (let layer = 1; layer <= layers; layer++) {
    const dir = `overlays/layer-${layer}`;
    writeFile(root, `${dir}/kustomization.yaml`, overlayKustomization(layer, `../../${previous}`));
    writeFile(root, `${dir}/settings.env`, `LAYER=${layer}\nREGION=eu-west-${layer}\n`);
    previous = dir;
  }
  return join(root, previous);
}

function overlayKustomization(layer: number, parent: string): string {
  const perLayer = [
    `namePrefix: l${layer}-
commonAnnotations:
  acme.io/layer: "${layer}"`,
    `namespace: generated-${layer}
images:
- name: ghcr.io/acme/service
  newTag: 1.${layer}.0`,
    `labels:
- pairs:
    acme.io/env: prod
  includeTemplates: true
replicas:
- name: l1-app-0
  count: 3`,
  ];
  return `resources:
- ${parent}
${perLayer[(layer - 1) % perLayer.length]}
configMapGenerator:
- name: layer-${layer}-settings
  envs:
  - settings.env
patches:
- target:
    kind: Deployment
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: any
    spec:
      template:
        spec:
          containers:
          - name: main
            env:
            - name: LAYER
              value: "${layer}"
- target:
    kind: Service
  patch: |-
    - op: add
      path: /metadata/labels/layer-${layer}
      value: patched
`;
}
