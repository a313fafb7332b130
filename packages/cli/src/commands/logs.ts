// fluxion logs: the controllers' JSON logs (their pods', or --log-file for controllers run as processes), filtered to
// one object and level, printed as one readable line each.
import { readFileSync } from 'node:fs';
import { listFlag, stringFlag } from '../args.ts';
import { UsageError } from '../cli-error.ts';
import type { CommandContext } from '../command.ts';
import { findControllerDeployments } from '../controller-deployments.ts';

interface LogLine {
  level?: string | number;
  ts?: string | number;
  time?: string | number;
  controller?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  msg?: string;
  err?: { message?: string };
  error?: string;
}

const pinoLevels: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

export async function run(context: CommandContext): Promise<number> {
  const kind = stringFlag(context.flags, 'kind');
  const name = stringFlag(context.flags, 'name');
  const level = stringFlag(context.flags, 'level');
  const tailText = stringFlag(context.flags, 'tail');
  const tail = tailText === undefined ? undefined : Number.parseInt(tailText, 10);
  if (tail !== undefined && !(tail >= 0)) throw new UsageError(`--tail: "${tailText}" is not a number of lines`);
  const namespace =
    typeof context.flags['namespace'] === 'string' && !context.flags['all-namespaces']
      ? (context.flags['namespace'] as string)
      : undefined;

  const texts: string[] = [];
  const files = listFlag(context.flags, 'log-file');
  if (files.length) {
    for (const file of files) texts.push(readFileSync(file, 'utf8'));
  } else {
    texts.push(...(await podLogs(context, tail)));
  }
  const wanted = (line: LogLine): boolean =>
    (!kind || line.kind?.toLowerCase() === kind.toLowerCase()) &&
    (!name || line.name === name) &&
    (!namespace || !name || line.namespace === namespace) &&
    (!level || levelOf(line) === level);
  let printed = 0;
  const lines = texts.flatMap((text) => text.split('\n').filter(Boolean));
  const parsed = lines
    .map((raw) => ({ raw, line: parseLine(raw) }))
    .filter((entry) => entry.line && wanted(entry.line));
  const shown = tail !== undefined && files.length ? parsed.slice(-tail) : parsed;
  for (const { raw, line } of shown) {
    printed++;
    context.terminal.out(context.output === 'json' ? `${raw}\n` : `${format(line!, context)}\n`);
  }
  if (printed === 0)
    context.terminal.err(`no log lines matched${kind || name ? ` ${kind ?? ''}${name ? ` ${name}` : ''}` : ''}\n`);
  return 0;
}

function parseLine(raw: string): LogLine | undefined {
  try {
    const value = JSON.parse(raw) as unknown;
    return value && typeof value === 'object' ? (value as LogLine) : undefined;
  } catch {
    return undefined;
  }
}

function levelOf(line: LogLine): string {
  return typeof line.level === 'number' ? (pinoLevels[line.level] ?? String(line.level)) : (line.level ?? 'info');
}

function format(line: LogLine, context: CommandContext): string {
  const time = line.ts ?? line.time;
  const when = typeof time === 'number' ? new Date(time).toISOString() : (time ?? '');
  const level = levelOf(line);
  const painted =
    level === 'error' || level === 'fatal'
      ? context.terminal.red(level)
      : level === 'warn'
        ? context.terminal.yellow(level)
        : level;
  const subject = line.kind
    ? `${line.kind}/${line.namespace ? `${line.namespace}/` : ''}${line.name ?? ''}`
    : (line.controller ?? '');
  const error = line.err?.message ?? line.error;
  return `${when} ${painted} ${subject} ${line.msg ?? ''}${error ? `: ${error}` : ''}`;
}

/** The logs of every pod of every controller Deployment found, through the API server's pods/log. */
async function podLogs(context: CommandContext, tail: number | undefined): Promise<string[]> {
  const cluster = context.cluster();
  const deployments = await findControllerDeployments(cluster.client, undefined);
  if (deployments.length === 0) {
    throw new UsageError(
      'no controller Deployments found in the cluster; for controllers run as processes, pass their log files with --log-file',
    );
  }
  const texts: string[] = [];
  for (const deployment of deployments) {
    const selector = Object.entries(deployment.selector)
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
    const { items } = await cluster.client.list(
      { group: '', version: 'v1', kind: 'Pod' },
      { namespace: deployment.namespace, labelSelector: selector },
    );
    for (const pod of items) {
      const path = `/api/v1/namespaces/${deployment.namespace}/pods/${pod.metadata?.name}/log`;
      try {
        texts.push(await cluster.client.transport.requestText({ method: 'GET', path, query: { tailLines: tail } }));
      } catch (error) {
        context.terminal.err(
          `! ${deployment.controller}: no logs from pod ${pod.metadata?.name}: ${(error as Error).message}\n`,
        );
      }
    }
  }
  return texts;
}
