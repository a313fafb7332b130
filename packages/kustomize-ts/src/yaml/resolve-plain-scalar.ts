// How kustomize's YAML decoder (go-yaml v3) types an untagged plain scalar: null, bool, int, float, timestamp or string.

export type PlainScalarValue = null | boolean | number | bigint | string;

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['true', 'True', 'TRUE']);
const FALSES = new Set(['false', 'False', 'FALSE']);
const POSITIVE_INFINITY = new Set(['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']);
const NEGATIVE_INFINITY = new Set(['-.inf', '-.Inf', '-.INF']);
const NOT_A_NUMBER = new Set(['.nan', '.NaN', '.NAN']);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** Parses an integer the way Go's strconv.ParseInt(s, 0, 64) then ParseUint(s, 0, 64) do; undefined if neither accepts it. */
export function parseGoInteger(text: string): bigint | undefined {
  const match = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!match) return undefined;
  const sign = match[1] ?? '';
  let digits = match[2] ?? '';
  if (/^0[0-7]+$/.test(digits)) digits = `0o${digits.slice(1)}`;
  const magnitude = BigInt(digits.toLowerCase().replace(/^0o/, '0o'));
  const value = sign === '-' ? -magnitude : magnitude;
  if (value >= -(2n ** 63n) && value < 2n ** 63n) return value;
  if (sign === '' && value < 2n ** 64n) return value;
  return undefined;
}

/** Resolves an untagged plain scalar to its typed value, as go-yaml v3 does. */
export function resolvePlainScalar(text: string): PlainScalarValue {
  if (NULLS.has(text)) return null;
  if (TRUES.has(text)) return true;
  if (FALSES.has(text)) return false;
  if (POSITIVE_INFINITY.has(text)) return Infinity;
  if (NEGATIVE_INFINITY.has(text)) return -Infinity;
  if (NOT_A_NUMBER.has(text)) return NaN;
  const first = text[0] ?? '';
  if (first === '.') {
    return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? Number(text) : text;
  }
  if (!/[-+0-9]/.test(first)) return text;
  const timestamp = parseYamlTimestamp(text);
  if (timestamp !== undefined) return timestamp;
  const plain = text.replaceAll('_', '');
  const integer = parseGoInteger(plain);
  if (integer !== undefined) return toNumberOrBigInt(integer);
  if (YAML_STYLE_FLOAT.test(plain)) return Number(plain);
  const binary = /^(-?)0b([01]+)$/.exec(plain);
  if (binary) return toNumberOrBigInt((binary[1] === '-' ? -1n : 1n) * BigInt(`0b${binary[2]}`));
  return text;
}

const YAML11_TRUES = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE']);
const YAML11_FALSES = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE']);

/**
 * Resolves an untagged plain scalar as go-yaml v2 does when decoding into an untyped value: the YAML 1.1
 * booleans, and timestamps kept as the text written (v2 only makes a time for a time-typed target).
 */
export function resolveYaml11PlainScalar(text: string): PlainScalarValue {
  if (YAML11_TRUES.has(text)) return true;
  if (YAML11_FALSES.has(text)) return false;
  if (parseYamlTimestamp(text) !== undefined) return text;
  return resolvePlainScalar(text);
}

function toNumberOrBigInt(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Parses a YAML timestamp (the forms go-yaml accepts) and returns it as Go's RFC3339Nano text,
 * which is what a timestamp becomes once kustomize round-trips it through JSON.
 */
export function parseYamlTimestamp(text: string): string | undefined {
  const match =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:([Tt ])(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?)?$/.exec(
      text,
    );
  if (!match) return undefined;
  const [, year, month, day, separator, hour, minute, second, fraction, zone] = match;
  const monthNumber = Number(month);
  const dayNumber = Number(day);
  if (monthNumber < 1 || monthNumber > 12 || dayNumber < 1) return undefined;
  const leap = (Number(year) % 4 === 0 && Number(year) % 100 !== 0) || Number(year) % 400 === 0;
  const maxDay = monthNumber === 2 && !leap ? 28 : (DAYS_IN_MONTH[monthNumber - 1] ?? 31);
  if (dayNumber > maxDay) return undefined;
  const date = `${year}-${pad2(month)}-${pad2(day)}`;
  if (separator === undefined) return `${date}T00:00:00Z`;
  if (separator === ' ' && zone !== undefined) return undefined;
  if (separator !== ' ' && zone === undefined) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  const trimmedFraction = (fraction ?? '').replace(/0+$/, '');
  const fractionText = trimmedFraction === '' ? '' : `.${trimmedFraction}`;
  const zoneText = zone === undefined || zone === '+00:00' || zone === '-00:00' ? 'Z' : zone;
  return `${date}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}${fractionText}${zoneText}`;
}

function pad2(value: string | undefined): string {
  return (value ?? '').padStart(2, '0');
}
