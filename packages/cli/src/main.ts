// The bin's entry: run the command line, then exit once output is flushed (keep-alive sockets must not hold the process).
import { enableCompileCache } from 'node:module';

// Compiled modules are cached on disk (os.tmpdir()), which more than halves start-up after the first run.
enableCompileCache();
const { main } = await import('./run-cli.ts');
const code = await main(process.argv.slice(2));
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
