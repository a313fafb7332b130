// The bin's entry: run the command line, then exit once output is flushed (keep-alive sockets must not hold the process).
import module from 'node:module';

// Compiled modules are cached on disk (os.tmpdir()), which more than halves start-up after the first run. Node 20 has
// no compile cache: the CLI's npm package runs there too, without it.
module.enableCompileCache?.();
const { main } = await import('./run-cli.ts');
const code = await main(process.argv.slice(2));
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
