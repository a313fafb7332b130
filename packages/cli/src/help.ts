// Help text: the command list, and each command's usage, flags and examples.
import type { FlagSpec } from './args.ts';
import type { CommandSpec } from './command.ts';
import { commands } from './commands.ts';
import { flagsOf } from './find-command.ts';

export function rootHelp(): string {
  const names = commands.map((spec) => spec.words.map((spellings) => spellings[0]).join(' '));
  const width = Math.max(...names.map((name) => name.length));
  return [
    "fluxion: the command line for Fluxion, a GitOps toolkit that speaks Flux's APIs.",
    '',
    'Usage: fluxion <command> [flags]',
    '',
    'Commands:',
    ...commands.map((spec, index) => `  ${(names[index] ?? '').padEnd(width)}   ${spec.summary}`),
    '',
    'Every command takes --kubeconfig, --context, -n/--namespace, -A/--all-namespaces and -h/--help.',
    'Exit codes: 0 done; 1 failed, not ready, timed out, not found, or changes found (diff); 2 could not run.',
    "Run `fluxion <command> --help` for a command's flags.",
    '',
  ].join('\n');
}

export function commandHelp(spec: CommandSpec): string {
  const lines = [spec.summary, '', `Usage: ${spec.usage}`];
  if (spec.description) lines.push('', spec.description);
  const aliases = spec.words
    .filter((spellings) => spellings.length > 1)
    .map((spellings) => `${spellings[0]} (also ${spellings.slice(1).join(', ')})`);
  if (aliases.length) lines.push('', `Aliases: ${aliases.join('; ')}`);
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((example) => `  ${example}`));
  lines.push('', 'Flags:', ...flagLines(flagsOf(spec)), '');
  return lines.join('\n');
}

function flagLines(flags: readonly FlagSpec[]): string[] {
  const left = flags.map(
    (flag) => `${flag.short ? `-${flag.short}, ` : '    '}--${flag.name}${flag.type === 'boolean' ? '' : ' <value>'}`,
  );
  const width = Math.max(...left.map((text) => text.length));
  return flags.map((flag, index) => {
    const extra = [
      flag.choices ? `one of ${flag.choices.join('|')}` : '',
      flag.default !== undefined && flag.default !== false ? `default ${String(flag.default)}` : '',
    ].filter(Boolean);
    return `  ${(left[index] ?? '').padEnd(width)}   ${flag.help}${extra.length ? ` (${extra.join('; ')})` : ''}`;
  });
}
