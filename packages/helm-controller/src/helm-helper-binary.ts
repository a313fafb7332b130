// Where `make setup` (helper/build.sh) puts fluxion-helm-helper: the cache, keyed by a digest of the helper's sources.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const helperSourceDir = resolve(import.meta.dirname, '..', 'helper');

/** The key build.sh computes: sha256 of go.mod, go.sum and the .go files, in byte order of their names. */
export function helperKey(dir: string = helperSourceDir): string | undefined {
  if (!existsSync(join(dir, 'go.mod'))) return undefined;
  const names = readdirSync(dir)
    .filter((name) => name === 'go.mod' || name === 'go.sum' || name.endsWith('.go'))
    .sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1));
  const hash = createHash('sha256');
  for (const name of names) hash.update(readFileSync(join(dir, name)));
  return hash.digest('hex').slice(0, 16);
}

/** `$FLUXION_HELM_HELPER`, else the cached build of this checkout's helper sources, else undefined (not built). */
export function findHelmHelper(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['FLUXION_HELM_HELPER'] !== undefined) return env['FLUXION_HELM_HELPER'] || undefined;
  const key = helperKey();
  if (!key) return undefined;
  const cache = env['FLUXION_CACHE'] ?? join(env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'fluxion');
  const path = join(cache, 'helm-helper', key, 'fluxion-helm-helper');
  return existsSync(path) ? path : undefined;
}
