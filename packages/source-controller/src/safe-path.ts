// Joins a user-given relative path to a root, refusing any path that would leave it.
import { isAbsolute, relative, resolve } from 'node:path';
import { SourceError } from './source-error.ts';

export function resolveInside(root: string, path: string, reason: string, message: string): string {
  const resolved = resolve(root, path.replace(/^\/+/, ''));
  const fromRoot = relative(root, resolved);
  if (fromRoot.startsWith('..') || isAbsolute(fromRoot)) throw new SourceError(reason, message, { stalled: true });
  return resolved;
}
