// fluxion install: Fluxion's Helm chart with the chosen controllers, through helm (upgrade --install, or template).
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { booleanFlag, listFlag, stringFlag } from '../args.ts';
import { CliError, UsageError } from '../cli-error.ts';
import type { CommandContext } from '../command.ts';
import { didYouMean } from '../nearest.ts';

const exec = promisify(execFile);
const valuesKeys: Record<string, string> = {
  source: 'sourceController',
  kustomize: 'kustomizeController',
  helm: 'helmController',
  notification: 'notificationController',
  'image-reflector': 'imageReflectorController',
  'image-automation': 'imageAutomationController',
};
const repoChart = join(import.meta.dirname, '..', '..', '..', '..', 'charts', 'fluxion');
// the CLI's npm package carries the chart in chart/, beside the bundle's dist/
const packagedChart = join(import.meta.dirname, '..', 'chart');
const defaultChart = existsSync(join(packagedChart, 'Chart.yaml')) ? packagedChart : repoChart;

export async function run(context: CommandContext): Promise<number> {
  const chart = stringFlag(context.flags, 'chart') ?? defaultChart;
  if (!existsSync(join(chart, 'Chart.yaml')))
    throw new CliError(`no Helm chart at ${chart}; pass the charts/fluxion directory with --chart`);
  const values = readFileSync(join(chart, 'values.yaml'), 'utf8');
  const built = Object.keys(valuesKeys).filter((component) =>
    new RegExp(`^${valuesKeys[component]}:\\n  enabled: true`, 'm').test(values),
  );
  const requested = listFlag(context.flags, 'components');
  const components = requested.length ? requested : built;
  for (const component of components) {
    if (!valuesKeys[component])
      throw new UsageError(
        `--components: unknown component "${component}"${didYouMean(component, Object.keys(valuesKeys))}`,
      );
  }
  const namespace =
    typeof context.flags['namespace'] === 'string' ? (context.flags['namespace'] as string) : 'flux-system';
  const sets = Object.entries(valuesKeys).flatMap(([component, key]) => [
    '--set',
    `${key}.enabled=${components.includes(component)}`,
  ]);
  const helm = findHelm();
  const exportOnly = booleanFlag(context.flags, 'export');
  const kubeconfig = stringFlag(context.flags, 'kubeconfig') ?? process.env['KUBECONFIG'];
  const contextName = stringFlag(context.flags, 'context');
  const args = exportOnly
    ? ['template', 'fluxion', chart, '--namespace', namespace, ...sets]
    : [
        'upgrade',
        'fluxion',
        chart,
        '--install',
        '--namespace',
        namespace,
        '--create-namespace',
        '--wait=false',
        ...sets,
        ...(kubeconfig ? ['--kubeconfig', kubeconfig] : []),
        ...(contextName ? ['--kube-context', contextName] : []),
      ];
  if (!exportOnly)
    context.terminal.err(`► installing Fluxion (${components.join(', ')}) into namespace ${namespace}\n`);
  try {
    const { stdout } = await exec(helm, args, { maxBuffer: 64 * 1024 * 1024 });
    if (exportOnly) context.terminal.out(stdout);
    else
      context.terminal.out(
        `${context.terminal.green('✔')} installed: ${components.map((component) => `${component}-controller`).join(', ')}; run fluxion check\n`,
      );
    return 0;
  } catch (error) {
    const stderr = ((error as { stderr?: string }).stderr ?? (error as Error).message).trim();
    throw new CliError(`helm ${args[0]} failed: ${stderr}`);
  }
}

/** FLUXION_HELM, the cache `make setup` fills, or helm on PATH. */
function findHelm(): string {
  const cacheRoot =
    process.env['FLUXION_CACHE'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'fluxion');
  const candidates = [
    process.env['FLUXION_HELM'],
    join(cacheRoot, 'helm', 'v4.3.2', 'helm'),
    ...(process.env['PATH'] ?? '').split(':').map((dir) => join(dir, 'helm')),
  ];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  throw new CliError(
    'helm not found: set FLUXION_HELM, put helm v4 on PATH, or run make setup (it builds helm into ~/.cache/fluxion)',
  );
}
