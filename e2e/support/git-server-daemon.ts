// Keeps a git HTTP server running in the background for the demo, until SIGTERM.
// Usage: node git-server-daemon.ts <repositories-root> <state-file>
import { writeFileSync, rmSync } from 'node:fs';
import { startGitHttpServer } from '@fluxion/testenv';

const [root, stateFile] = process.argv.slice(2);
if (!root || !stateFile) {
  console.error('usage: git-server-daemon.ts <repositories-root> <state-file>');
  process.exit(2);
}
const server = await startGitHttpServer({ root });
writeFileSync(stateFile, JSON.stringify({ pid: process.pid, url: server.url }));
const stop = async (): Promise<void> => {
  await server.stop();
  rmSync(stateFile, { force: true });
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
setInterval(() => undefined, 1 << 30);
