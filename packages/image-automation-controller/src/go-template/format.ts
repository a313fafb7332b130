// Go's view of JS values in a template: how a value prints (%v), whether it is true, its length, and field access.
// Maps are JS Maps (printed `map[k:v]`, ranged in key order); plain objects are structs (printed `{v1 v2}`); an
// object with a `String()` method prints through it, as a Go Stringer does.

export function formatValue(value: unknown): string {
  if (value === undefined) return '<no value>';
  if (value === null) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `[${value.map(formatNested).join(' ')}]`;
  if (value instanceof Map)
    return `map[${sortedEntries(value)
      .map(([key, item]) => `${formatNested(key)}:${formatNested(item)}`)
      .join(' ')}]`;
  if (typeof value === 'object') {
    const stringer = (value as { String?: unknown }).String;
    if (typeof stringer === 'function') return String(stringer.call(value));
    return `{${Object.values(value)
      .filter((item) => typeof item !== 'function')
      .map(formatNested)
      .join(' ')}}`;
  }
  return String(value);
}

function formatNested(value: unknown): string {
  return value === undefined || value === null ? '<nil>' : formatValue(value);
}

/** Go's truth: false, 0, "", nil and empty collections are false; structs are always true. */
export function isTrue(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map) return value.size > 0;
  return true;
}

/** A map's entries in Go's order: keys sorted (structs field by field). */
export function sortedEntries(map: Map<unknown, unknown>): Array<[unknown, unknown]> {
  return [...map.entries()].sort(([a], [b]) => compareKeys(a, b));
}

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const left = Object.values(a);
    const right = Object.values(b);
    for (let index = 0; index < Math.min(left.length, right.length); index++) {
      const order = compareKeys(left[index], right[index]);
      if (order !== 0) return order;
    }
    return left.length - right.length;
  }
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** `.Name` on a value: a map key, a struct field, or a method called with no arguments. */
export function fieldOf(value: unknown, name: string): { found: boolean; value: unknown } {
  if (value instanceof Map) return { found: true, value: value.get(name) };
  if (typeof value === 'object' && value !== null && name in value) {
    const field = (value as Record<string, unknown>)[name];
    return { found: true, value: typeof field === 'function' ? (field as () => unknown).call(value) : field };
  }
  return { found: false, value: undefined };
}

export function lengthOf(value: unknown): number | undefined {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (value instanceof Map) return value.size;
  return undefined;
}
