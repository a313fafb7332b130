// Numbers as kustomize prints them: through Go's JSON encoder, then read back and written by go-yaml v2.

const INT64_MIN = -(2n ** 63n);
const UINT64_LIMIT = 2n ** 64n;

/** Go's strconv.FormatFloat(value, 'g', -1, 64). */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) return '.nan';
  if (value === Infinity) return '.inf';
  if (value === -Infinity) return '-.inf';
  if (value === 0) return '0';
  const [mantissa, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 21 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(value);
}

/** A number as kustomize writes it: integers stay integers while they fit 64 bits, the rest like Go's %g. */
export function formatNumber(value: number | bigint): string {
  if (typeof value === 'bigint') {
    if (value >= INT64_MIN && value < UINT64_LIMIT) return value.toString();
    return formatGoFloat(Number(value));
  }
  if (Object.is(value, -0)) return '0';
  if (Number.isInteger(value) && Math.abs(value) < 1e21) {
    const big = BigInt(value);
    if (big >= INT64_MIN && big < UINT64_LIMIT) return big.toString();
  }
  return formatGoFloat(value);
}
