// Go's time.Duration text form (`30s`, `1m30s`, `750ms`, `1.5h`), as Flux flags and specs write durations.

const unitMilliseconds: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

export class DurationError extends Error {
  readonly reason = 'InvalidDuration';
  constructor(text: string) {
    super(`invalid duration "${text}": expected a Go duration such as 30s, 1m30s, 750ms or 1h`);
    this.name = 'DurationError';
  }
}

/** Milliseconds in a Go duration string. `0` alone is allowed without a unit, as in Go. */
export function parseGoDuration(text: string): number {
  const trimmed = text.trim();
  const negative = trimmed.startsWith('-');
  const body = trimmed.replace(/^[-+]/, '');
  if (body === '0') return 0;
  if (body === '') throw new DurationError(text);
  let total = 0;
  let rest = body;
  while (rest.length > 0) {
    const match = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    if (!match) throw new DurationError(text);
    const [whole, amount = '', unit = ''] = match;
    total += Number(amount) * (unitMilliseconds[unit] ?? Number.NaN);
    rest = rest.slice(whole.length);
  }
  if (!Number.isFinite(total)) throw new DurationError(text);
  return negative ? -total : total;
}

/** A Go duration string for milliseconds, e.g. 90_000 → `1m30s`, 750 → `750ms`. */
export function formatGoDuration(milliseconds: number): string {
  if (milliseconds === 0) return '0s';
  const sign = milliseconds < 0 ? '-' : '';
  let rest = Math.abs(milliseconds);
  if (rest < 1000) return `${sign}${rest}ms`;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.round(rest) / 1000;
  const parts = [hours ? `${hours}h` : '', hours || minutes ? `${minutes}m` : '', `${seconds}s`];
  return sign + parts.join('');
}
