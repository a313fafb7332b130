// fluxion's command line: find the command, parse its flags, run it, and turn what went wrong into one line and an exit code.
import { parseArgs, stringFlag } from './args.ts';
import { CliError, ExitCode, UsageError } from './cli-error.ts';
import type { Cluster } from './cluster.ts';
import type { CommandContext } from './command.ts';
import { commands } from './commands.ts';
import { findCommand, flagsOf } from './find-command.ts';
import { commandHelp, rootHelp } from './help.ts';
import type { InstalledKinds } from './installed-kinds.ts';
import { didYouMean } from './nearest.ts';
import type { OutputFormat } from './render.ts';
import { processTerminal } from './terminal.ts';

/** -o table|json|yaml; `pull artifact --output` names a directory instead. */
function outputFormatOf(value: string | undefined): OutputFormat {
  return value === 'json' || value === 'yaml' ? value : 'table';
}

export async function main(argv: readonly string[]): Promise<number> {
  const terminal = processTerminal();
  if (argv[0] === '__complete') {
    const { complete } = await import('./completion-candidates.ts');
    terminal.out(`${(await complete(argv.slice(1))).join('\n')}\n`);
    return ExitCode.Ok;
  }
  const found = findCommand(argv);
  if (!found.spec) {
    if (found.typed === undefined || found.typed === 'help' || argv.includes('--help') || argv.includes('-h')) {
      const topic = found.typed === 'help' ? findCommand(argv.slice(argv.indexOf('help') + 1)).spec : undefined;
      terminal.out(topic ? commandHelp(topic) : rootHelp());
      return found.typed === undefined && !argv.includes('--help') && !argv.includes('-h')
        ? ExitCode.Error
        : ExitCode.Ok;
    }
    const names = commands.map((spec) => spec.words.map((spellings) => spellings[0]).join(' '));
    terminal.err(
      `Error: unknown command "${found.typed}"${didYouMean(found.typed, names)}\nRun 'fluxion --help' for the commands.\n`,
    );
    return ExitCode.Error;
  }
  const spec = found.spec;
  let cluster: Cluster | undefined;
  const controller = new AbortController();
  const onInterrupt = (): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  try {
    const parsed = parseArgs(found.rest, flagsOf(spec));
    if (parsed.flags['help'] === true) {
      terminal.out(commandHelp(spec));
      return ExitCode.Ok;
    }
    let kinds: Promise<InstalledKinds> | undefined;
    // loaded only for commands that may talk to a cluster; the kubeconfig is read on first use
    const connectCluster = spec.cluster ? (await import('./cluster.ts')).connectCluster : undefined;
    const context: CommandContext = {
      args: parsed.positionals,
      flags: parsed.flags,
      output: outputFormatOf(stringFlag(parsed.flags, 'output')),
      terminal,
      signal: controller.signal,
      cluster: () => {
        if (!connectCluster) throw new CliError(`${spec.words.map((w) => w[0]).join(' ')} does not talk to a cluster`);
        cluster ??= connectCluster(parsed.flags);
        return cluster;
      },
      installedKinds: () => {
        kinds ??= import('./installed-kinds.ts').then(({ discoverInstalledKinds }) =>
          discoverInstalledKinds(context.cluster().client.transport),
        );
        return kinds;
      },
    };
    const { run } = await spec.load();
    return (await run(context)) ?? ExitCode.Ok;
  } catch (caught) {
    const error = cluster ? cluster.explain(caught) : caught;
    if (error instanceof UsageError) {
      terminal.err(
        `Error: ${error.message}\n${error.hint ? `${error.hint}\n` : ''}Run 'fluxion ${spec.words.map((w) => w[0]).join(' ')} --help' for usage.\n`,
      );
      return error.exitCode;
    }
    if (error instanceof CliError) {
      terminal.err(`${terminal.red('✗')} ${error.message}\n`);
      return error.exitCode;
    }
    terminal.err(`${terminal.red('✗')} ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return ExitCode.Error;
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  }
}
