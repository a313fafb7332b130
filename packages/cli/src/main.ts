// The bin's entry: run the command line, then exit once output is flushed (keep-alive sockets must not hold the process).
import { main } from './run-cli.ts';

const code = await main(process.argv.slice(2));
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
