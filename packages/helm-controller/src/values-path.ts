// Sets one value at a Helm `--set` style path (a.b[0].c, with `\.` for a literal dot), copying what it changes.
import type { Values } from './values.ts';

type Segment = { key: string } | { index: number };

export function parseValuesPath(path: string): Segment[] {
  const segments: Segment[] = [];
  let key = '';
  for (let i = 0; i < path.length; i++) {
    const char = path[i];
    if (char === '\\' && i + 1 < path.length) {
      key += path[++i];
    } else if (char === '.') {
      if (key) segments.push({ key });
      else if (segments.length === 0 || !('index' in (segments.at(-1) ?? {}))) throw new Error('empty path segment');
      key = '';
    } else if (char === '[') {
      const end = path.indexOf(']', i);
      const index = Number(path.slice(i + 1, end));
      if (end < 0 || !Number.isInteger(index) || index < 0) throw new Error(`bad list index at position ${i}`);
      if (key) segments.push({ key });
      key = '';
      segments.push({ index });
      i = end;
    } else {
      key += char;
    }
  }
  if (key) segments.push({ key });
  if (segments.length === 0 || !('key' in (segments[0] ?? {}))) throw new Error('the path must start with a key');
  return segments;
}

export function setValueAtPath(values: Values, path: string, value: unknown): Values {
  const segments = parseValuesPath(path);
  return setIn(values, segments, value) as Values;
}

function setIn(container: unknown, segments: Segment[], value: unknown): unknown {
  const [head, ...rest] = segments;
  if (!head) return value;
  if ('key' in head) {
    const map =
      typeof container === 'object' && container !== null && !Array.isArray(container)
        ? { ...(container as Values) }
        : {};
    map[head.key] = setIn(map[head.key], rest, value);
    return map;
  }
  const list = Array.isArray(container) ? [...container] : [];
  while (list.length < head.index) list.push(null);
  list[head.index] = setIn(list[head.index], rest, value);
  return list;
}
