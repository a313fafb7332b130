// What a command is (its words, flags and help) and what it is given to run; the code of each is loaded only when run.
import type { FlagSpec, FlagValue } from './args.ts';
import type { Cluster } from './cluster.ts';
import type { InstalledKinds } from './installed-kinds.ts';
import type { OutputFormat } from './render.ts';
import type { Terminal } from './terminal.ts';

export interface CommandContext {
  /** The words after the command's own (kind words, names). */
  args: string[];
  flags: Record<string, FlagValue>;
  output: OutputFormat;
  terminal: Terminal;
  /** Connects on first use, so `--help` and `version --client` never read a kubeconfig. */
  cluster(): Cluster;
  installedKinds(): Promise<InstalledKinds>;
  /** Aborted on Ctrl-C, for --watch and waits. */
  signal: AbortSignal;
}

/** The exit code, or nothing for 0. */
export type CommandRun = (context: CommandContext) => Promise<number | void>;

export interface CommandSpec {
  /** The words that name it; each position lists its spellings, the first being the one help shows. */
  words: readonly (readonly string[])[];
  usage: string;
  summary: string;
  description?: string;
  examples?: readonly string[];
  flags: readonly FlagSpec[];
  /** Whether it talks to a cluster (adds --kubeconfig, --context, -n, -A). */
  cluster: boolean;
  load(): Promise<{ run: CommandRun }>;
}
