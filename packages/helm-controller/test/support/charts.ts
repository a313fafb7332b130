// Small real Helm charts for tests and benchmarks, packaged with the real helm binary.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { findHelmBinary } from '@fluxion/testenv';

const run = promisify(execFile);

export interface ChartOptions {
  name?: string;
  version: string;
  /** Extra templates, by file name. */
  templates?: Record<string, string>;
  /** values.schema.json content. */
  schema?: object;
  values?: string;
  /** Leave out the default Deployment/Service/ConfigMap. */
  bare?: boolean;
  /** Chart.yaml kubeVersion constraint. */
  kubeVersion?: string;
}

/** A Service, a ConfigMap (data from `.Values.message`) and a Deployment scaled to `.Values.replicaCount` (0). */
export const defaultTemplates: Record<string, string> = {
  'configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  message: {{ .Values.message | quote }}
  secret: {{ .Values.secretMessage | default "" | quote }}
`,
  'service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  selector:
    app: {{ .Release.Name }}
  ports:
    - port: 80
      targetPort: 8080
`,
  'deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}
    spec:
      containers:
        - name: app
          image: "{{ .Values.image }}"
`,
};

/** Writes the chart and runs `helm package`; returns the .tgz bytes. */
export async function packageChart(options: ChartOptions): Promise<Buffer> {
  const name = options.name ?? 'small';
  const dir = await mkdtemp(join(tmpdir(), 'chart-src-'));
  try {
    const chartDir = join(dir, name);
    await mkdir(join(chartDir, 'templates'), { recursive: true });
    await writeFile(
      join(chartDir, 'Chart.yaml'),
      `apiVersion: v2\nname: ${name}\nversion: ${options.version}\nappVersion: "1.0.${options.version.split('.')[1] ?? 0}"\ntype: application\n${options.kubeVersion ? `kubeVersion: "${options.kubeVersion}"\n` : ''}`,
    );
    await writeFile(
      join(chartDir, 'values.yaml'),
      options.values ?? 'replicaCount: 0\nmessage: hello\nimage: registry.example.invalid/app:1.0\n',
    );
    if (options.schema) await writeFile(join(chartDir, 'values.schema.json'), JSON.stringify(options.schema, null, 2));
    const templates = { ...(options.bare ? {} : defaultTemplates), ...(options.templates ?? {}) };
    for (const [file, text] of Object.entries(templates)) {
      await mkdir(dirname(join(chartDir, 'templates', file)), { recursive: true });
      await writeFile(join(chartDir, 'templates', file), text);
    }
    await run(findHelmBinary(), ['package', chartDir, '--destination', dir], {
      env: {
        ...process.env,
        HELM_CACHE_HOME: join(dir, '.h'),
        HELM_CONFIG_HOME: join(dir, '.h'),
        HELM_DATA_HOME: join(dir, '.h'),
      },
    });
    return await readFile(join(dir, `${name}-${options.version}.tgz`));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
