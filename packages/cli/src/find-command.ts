// Which command a command line names: the longest run of leading words that matches a command's words.
import type { FlagSpec } from './args.ts';
import type { CommandSpec } from './command.ts';
import { commands } from './commands.ts';
import { clusterFlags, helpFlag } from './global-flags.ts';

export interface FoundCommand {
  spec: CommandSpec | undefined;
  /** argv without the command's words. */
  rest: string[];
  /** The first word when nothing matched. */
  typed: string | undefined;
}

const valueFlags = new Set(
  [...clusterFlags, helpFlag]
    .filter((flag) => flag.type !== 'boolean')
    .flatMap((flag) => [`--${flag.name}`, ...(flag.short ? [`-${flag.short}`] : [])]),
);

export function findCommand(argv: readonly string[]): FoundCommand {
  // global flags may come first (`fluxion -n apps get ks`): skip them and their values to find the words
  const wordIndexes: number[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (valueFlags.has(arg)) index++;
      continue;
    }
    wordIndexes.push(index);
  }
  const words = wordIndexes.map((index) => (argv[index] as string).toLowerCase());
  let best: { spec: CommandSpec; length: number } | undefined;
  for (const spec of commands) {
    const length = spec.words.length;
    if (length > words.length) continue;
    if (
      spec.words.every((spellings, position) => spellings.includes(words[position] as string)) &&
      (!best || length > best.length)
    ) {
      best = { spec, length };
    }
  }
  if (!best) return { spec: undefined, rest: [...argv], typed: words[0] };
  const consumed = new Set(wordIndexes.slice(0, best.length));
  return { spec: best.spec, rest: argv.filter((_, index) => !consumed.has(index)), typed: words[0] };
}

export function flagsOf(spec: CommandSpec): FlagSpec[] {
  return [...spec.flags, ...(spec.cluster ? clusterFlags : []), helpFlag];
}
