// fluxion create source git <name> --url ...: a GitRepository, printed (--export) or applied and awaited.
import { stringFlag } from '../args.ts';
import { UsageError } from '../cli-error.ts';
import type { CommandContext } from '../command.ts';
import { exportOrApply, namespaceFor } from '../created-object.ts';

export async function run(context: CommandContext): Promise<number> {
  const name = context.args[0];
  if (!name) throw new UsageError('name the GitRepository: fluxion create source git <name> --url <url>');
  const url = stringFlag(context.flags, 'url');
  if (!url) throw new UsageError('--url is required (https://host/org/repo or ssh://git@host/org/repo)');
  if (!/^(https?|ssh):\/\//.test(url))
    throw new UsageError(`--url: "${url}" must start with https://, http:// or ssh://`);
  const refs = (['branch', 'tag', 'semver', 'commit'] as const).filter((key) => stringFlag(context.flags, key));
  if (refs.length > 1)
    throw new UsageError(
      `give one of --branch, --tag, --semver, --commit (got ${refs.map((key) => `--${key}`).join(', ')})`,
    );
  const ref = refs[0] ? { [refs[0]]: stringFlag(context.flags, refs[0]) } : { branch: 'main' };
  const secretRef = stringFlag(context.flags, 'secret-ref');
  return exportOrApply(context, {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name, namespace: namespaceFor(context) },
    spec: {
      interval: stringFlag(context.flags, 'interval') ?? '1m0s',
      ref,
      ...(secretRef ? { secretRef: { name: secretRef } } : {}),
      url,
    },
  });
}
