// fluxion status: the on-call screen. What is failing, since when, the last good revision, the message, what to run next.
import { ageOf } from '../age.ts';
import type { CommandContext } from '../command.ts';
import { canonicalName, revisionOf, type FluxObject } from '../flux-kinds.ts';
import { listKind } from '../flux-objects.ts';
import type { ServedKind } from '../installed-kinds.ts';
import { conditionOf, readyView } from '../ready-state.ts';
import { renderObjects } from '../render.ts';
import type { Terminal } from '../terminal.ts';

interface Finding {
  kind: ServedKind;
  object: FluxObject;
  state: 'failing' | 'progressing' | 'suspended' | 'ready';
  reason: string;
  message: string;
  since: string | undefined;
  lastGoodRevision: string;
  attemptedRevision: string;
  commands: string[];
}

export async function run(context: CommandContext): Promise<number> {
  const cluster = context.cluster();
  const installed = await context.installedKinds();
  const kinds = [...installed.served.values()];
  const namespace = typeof context.flags['namespace'] === 'string' ? cluster.namespace : undefined;
  const lists = await Promise.all(
    kinds.map(async (kind) => ({ kind, objects: await listKind(cluster, kind, namespace) })),
  );
  const findings = lists.flatMap(({ kind, objects }) => objects.map((object) => findingOf(kind, object)));
  const by = (state: Finding['state']): Finding[] =>
    findings.filter((finding) => finding.state === state).sort(rootCausesFirst);
  const failing = by('failing');
  const progressing = by('progressing');
  const suspended = by('suspended');
  const readyCount = findings.length - failing.length - progressing.length - suspended.length;

  if (context.output !== 'table') {
    const plain = (finding: Finding): object => ({
      kind: finding.kind.kind,
      namespace: finding.object.metadata?.namespace,
      name: finding.object.metadata?.name,
      reason: finding.reason,
      message: finding.message,
      since: finding.since,
      lastGoodRevision: finding.lastGoodRevision,
      attemptedRevision: finding.attemptedRevision,
      commands: finding.commands,
    });
    const summary = {
      failing: failing.map(plain),
      progressing: progressing.map(plain),
      suspended: suspended.map(plain),
      ready: readyCount,
    };
    context.terminal.out(renderObjects([summary], context.output, false));
    return failing.length ? 1 : 0;
  }

  const t = context.terminal;
  const where = namespace ? `namespace ${namespace}` : 'all namespaces';
  t.out(
    `${t.bold('Fluxion status')}  context ${cluster.config.contextName} (${cluster.config.server}), ${where}, ${new Date().toISOString().slice(0, 19)}Z\n`,
  );
  const headline = [
    failing.length ? t.red(`${failing.length} failing`) : t.green('nothing failing'),
    progressing.length ? t.yellow(`${progressing.length} in progress`) : '',
    suspended.length ? `${suspended.length} suspended` : '',
    `${readyCount} ready`,
  ].filter(Boolean);
  t.out(`${headline.join(' · ')} (${findings.length} objects of ${kinds.length} kinds)\n`);
  const missing = installed.missingControllers();
  if (missing.length) t.out(t.dim(`not installed: ${missing.join(', ')}\n`));
  section(t, 'FAILING', failing, t.red('✗'));
  section(t, 'IN PROGRESS', progressing, t.yellow('◎'));
  section(t, 'SUSPENDED', suspended, '⏸');
  return failing.length ? 1 : 0;
}

function findingOf(kind: ServedKind, object: FluxObject): Finding {
  const view = readyView(object);
  const state = view.suspended
    ? 'suspended'
    : view.ready === 'False'
      ? 'failing'
      : view.ready === 'Unknown' || view.stale
        ? 'progressing'
        : 'ready';
  const name = object.metadata?.name ?? '';
  const namespace = object.metadata?.namespace ?? '';
  const word = canonicalName(kind).replace('kustomization', 'ks').replace('helmrelease', 'hr');
  const attempted =
    typeof object.status?.['lastAttemptedRevision'] === 'string'
      ? (object.status['lastAttemptedRevision'] as string)
      : '';
  const commands =
    state === 'suspended'
      ? [`fluxion resume ${word} ${name} -n ${namespace}`]
      : [
          `fluxion events ${word} ${name} -n ${namespace}`,
          ...(kind.kind === 'Kustomization' ? [`fluxion tree ks ${name} -n ${namespace}`] : []),
          `fluxion logs --kind ${kind.kind} --name ${name} -n ${namespace}`,
          ...(kind.reconcilable
            ? [
                `fluxion reconcile ${word} ${name} -n ${namespace}${kind.kind === 'Kustomization' || kind.kind === 'HelmRelease' ? ' --with-source' : ''}`,
              ]
            : []),
        ];
  const stalled = conditionOf(object, 'Stalled');
  return {
    kind,
    object,
    state,
    reason: stalled?.status === 'True' ? `${view.reason} (stalled: ${stalled.reason ?? ''})` : view.reason,
    message: view.message,
    since: view.since,
    lastGoodRevision:
      kind.kind === 'Kustomization'
        ? ((object.status?.['lastAppliedRevision'] as string | undefined) ?? '')
        : revisionOf(object),
    attemptedRevision: attempted,
    commands,
  };
}

/** Sources first (a broken source breaks what uses it), then the longest-failing. */
function rootCausesFirst(a: Finding, b: Finding): number {
  const tier = (finding: Finding): number =>
    finding.kind.controller === 'source-controller' ? 0 : finding.reason === 'DependencyNotReady' ? 2 : 1;
  return tier(a) - tier(b) || (a.since ?? '').localeCompare(b.since ?? '');
}

function section(t: Terminal, title: string, findings: Finding[], mark: string): void {
  if (!findings.length) return;
  t.out(`\n${t.bold(title)}\n`);
  for (const finding of findings) {
    const object = finding.object;
    const since = finding.since ? `for ${ageOf(finding.since)} (since ${finding.since.replace('T', ' ')})` : '';
    t.out(`${mark} ${finding.kind.kind} ${object.metadata?.namespace}/${object.metadata?.name}  ${since}\n`);
    if (finding.state !== 'suspended') {
      if (finding.reason) t.out(`    reason:     ${finding.reason}\n`);
      if (finding.message) t.out(`    message:    ${finding.message.replaceAll('\n', '\n                ')}\n`);
    }
    const trying =
      finding.attemptedRevision && finding.attemptedRevision !== finding.lastGoodRevision
        ? `  (trying ${finding.attemptedRevision})`
        : '';
    t.out(`    last good:  ${finding.lastGoodRevision || 'none yet'}${trying}\n`);
    t.out(`    next:       ${finding.commands.join('\n                ')}\n`);
  }
}
