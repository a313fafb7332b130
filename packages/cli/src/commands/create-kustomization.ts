// fluxion create kustomization <name> --source ... --path ...: a Kustomization, printed (--export) or applied and awaited.
import { booleanFlag, listFlag, stringFlag } from '../args.ts';
import { UsageError } from '../cli-error.ts';
import type { CommandContext } from '../command.ts';
import { exportOrApply, namespaceFor } from '../created-object.ts';

const sourceKinds = ['GitRepository', 'OCIRepository', 'Bucket'];

export async function run(context: CommandContext): Promise<number> {
  const name = context.args[0];
  if (!name)
    throw new UsageError('name the Kustomization: fluxion create kustomization <name> --source GitRepository/<name>');
  const source = stringFlag(context.flags, 'source');
  if (!source)
    throw new UsageError(
      '--source is required: GitRepository/<name>, OCIRepository/<name> or Bucket/<name>, optionally .<namespace>',
    );
  const match = /^(?:([A-Za-z]+)\/)?([a-z0-9][a-z0-9.-]*?)(?:\.([a-z0-9-]+))?$/.exec(source);
  const kind = sourceKinds.find(
    (candidate) => candidate.toLowerCase() === (match?.[1] ?? 'GitRepository').toLowerCase(),
  );
  if (!match || !kind)
    throw new UsageError(
      `--source: "${source}" is not <Kind>/<name>[.<namespace>] with Kind one of ${sourceKinds.join(', ')}`,
    );
  const namespace = namespaceFor(context);
  const targetNamespace = stringFlag(context.flags, 'target-namespace');
  const dependsOn = listFlag(context.flags, 'depends-on').map((entry) => {
    const [first, second] = entry.split('/');
    return second ? { name: second, namespace: first } : { name: first };
  });
  const path = stringFlag(context.flags, 'path') ?? './';
  return exportOrApply(context, {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace },
    spec: {
      interval: stringFlag(context.flags, 'interval') ?? '1m0s',
      path: path.startsWith('./') || path === '.' ? path : `./${path.replace(/^\//, '')}`,
      prune: booleanFlag(context.flags, 'prune'),
      sourceRef: { kind, name: match[2], ...(match[3] ? { namespace: match[3] } : {}) },
      ...(targetNamespace ? { targetNamespace } : {}),
      ...(dependsOn.length ? { dependsOn } : {}),
      ...(booleanFlag(context.flags, 'wait') ? { wait: true } : {}),
    },
  });
}
