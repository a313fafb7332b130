// The CLI's version, read from its package.json (no build step stamps it).
import { readFileSync } from 'node:fs';

export const cliVersion: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
