// fluxion completion bash|zsh: a script that asks `fluxion __complete` for the words that may come next.
import { UsageError } from '../cli-error.ts';
import type { CommandContext } from '../command.ts';

const bash = `# fluxion bash completion: source <(fluxion completion bash)
_fluxion() {
  local IFS=$'\\n'
  COMPREPLY=($(compgen -W "$(fluxion __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)" -- "\${COMP_WORDS[COMP_CWORD]}"))
}
complete -o default -F _fluxion fluxion
`;

const zsh = `#compdef fluxion
# fluxion zsh completion: source <(fluxion completion zsh)
_fluxion() {
  local -a candidates
  candidates=("\${(@f)$(fluxion __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -a candidates
}
compdef _fluxion fluxion
`;

export async function run(context: CommandContext): Promise<number> {
  const shell = context.args[0];
  if (shell === 'bash') context.terminal.out(bash);
  else if (shell === 'zsh') context.terminal.out(zsh);
  else throw new UsageError(`name a shell: fluxion completion bash|zsh${shell ? ` (not "${shell}")` : ''}`);
  return 0;
}
