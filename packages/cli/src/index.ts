// @fluxion/cli: the `fluxion` command line; `main` runs it with the given arguments and returns the exit code.
export { main } from './run-cli.ts';
export { ExitCode } from './cli-error.ts';
