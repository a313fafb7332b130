// What may come next on a command line: commands, kind words, flags, and the names of objects in the cluster.
import { parseArgs } from './args.ts';
import { commands } from './commands.ts';
import { findCommand, flagsOf } from './find-command.ts';
import { allKindWords, selectKinds } from './flux-kinds.ts';

const kindCommands = new Set(['get', 'reconcile', 'suspend', 'resume', 'events', 'export']);

/** `words` are the words typed so far, the last being the one under the cursor (maybe empty). */
export async function complete(words: readonly string[]): Promise<string[]> {
  const current = words[words.length - 1] ?? '';
  const before = words.slice(0, -1);
  const found = findCommand(before);
  if (!found.spec) return [...new Set(commands.map((spec) => (spec.words[0] ?? [''])[0] as string))];
  const spec = found.spec;
  if (current.startsWith('-')) return flagsOf(spec).map((flag) => `--${flag.name}`);
  const previousFlag = flagsOf(spec).find(
    (flag) => before[before.length - 1] === `--${flag.name}` || before[before.length - 1] === `-${flag.short}`,
  );
  if (previousFlag?.choices) return [...previousFlag.choices];
  const command = (spec.words[0] ?? [''])[0] as string;
  if (
    !kindCommands.has(command) &&
    command !== 'tree' &&
    !(spec.words.length > 1 && ['build', 'diff'].includes(command))
  )
    return [];
  let parsed;
  try {
    parsed = parseArgs(found.rest, flagsOf(spec));
  } catch {
    return [];
  }
  if (command === 'tree' && parsed.positionals.length === 0) return ['ks'];
  if (kindCommands.has(command)) {
    try {
      const selection = selectKinds(parsed.positionals, command === 'get');
      if (selection.many) return [];
      return await objectNames(parsed.flags, selection.kinds[0]?.kind ?? '');
    } catch {
      const typedSoFar = parsed.positionals.join(' ');
      return allKindWords(command === 'get')
        .filter((phrase) => phrase.startsWith(typedSoFar))
        .map((phrase) => phrase.split(' ')[parsed.positionals.length] ?? '')
        .filter(Boolean);
    }
  }
  return objectNames(parsed.flags, 'Kustomization');
}

/** Names of objects of the kind in the namespace; nothing (not an error) if the cluster does not answer in two seconds. */
async function objectNames(flags: Record<string, unknown>, kindName: string): Promise<string[]> {
  try {
    const { connectCluster } = await import('./cluster.ts');
    const { discoverInstalledKinds } = await import('./installed-kinds.ts');
    const { findKindByName } = await import('./flux-kinds.ts');
    const cluster = connectCluster({ ...(flags as Record<string, string>), 'request-timeout': '2' });
    const kind = (await discoverInstalledKinds(cluster.client.transport)).require(findKindByName(kindName)!);
    const { items } = await cluster.client.list(
      { group: kind.group, version: kind.version, kind: kind.kind },
      { namespace: cluster.namespace },
    );
    return items.map((item) => item.metadata?.name ?? '').filter(Boolean);
  } catch {
    return [];
  }
}
