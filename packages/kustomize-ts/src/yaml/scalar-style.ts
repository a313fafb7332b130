// Decides how go-yaml v2 (what kustomize prints with) writes a string: plain, single-quoted, double-quoted or literal.
import { parseYamlTimestamp } from './resolve-plain-scalar.ts';

export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal';

const OLD_BOOLS_AND_NULLS = new Set([
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'on',
  'On',
  'ON',
  'true',
  'True',
  'TRUE',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'off',
  'Off',
  'OFF',
  'false',
  'False',
  'FALSE',
  '~',
  'null',
  'Null',
  'NULL',
  '.nan',
  '.NaN',
  '.NAN',
  '.inf',
  '.Inf',
  '.INF',
  '+.inf',
  '+.Inf',
  '+.INF',
  '-.inf',
  '-.Inf',
  '-.INF',
  '<<',
]);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE_60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const GO_INTEGER = /^[+-]?(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/;

/** True when go-yaml v2 would read the text back as something other than a string if written plain. */
export function resolvesAsNonString(text: string): boolean {
  if (text === '' || OLD_BOOLS_AND_NULLS.has(text)) return true;
  if (BASE_60_FLOAT.test(text)) return true;
  const first = text[0] ?? '';
  if (first === '.') return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text);
  if (!/[-+0-9]/.test(first)) return false;
  if (parseYamlTimestamp(text) !== undefined) return true;
  const plain = text.replaceAll('_', '');
  if (GO_INTEGER.test(plain) && fitsGoInteger(plain)) return true;
  if (YAML_STYLE_FLOAT.test(plain)) return true;
  return /^-?0b[01]+$/.test(plain);
}

function fitsGoInteger(text: string): boolean {
  let digits = text.replace(/^[+-]/, '');
  if (/^0[0-7]+$/.test(digits)) digits = `0o${digits.slice(1)}`;
  const magnitude = BigInt(digits.toLowerCase());
  const value = text.startsWith('-') ? -magnitude : magnitude;
  return (value >= -(2n ** 63n) && value < 2n ** 63n) || (!text.startsWith('-') && value < 2n ** 64n);
}

/** libyaml's notion of a printable character, by code point. */
export function isPrintable(codePoint: number): boolean {
  return (
    codePoint === 0x0a ||
    (codePoint >= 0x20 && codePoint <= 0x7e) ||
    (codePoint >= 0xa0 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd && codePoint !== 0xfeff)
  );
}

export function isBreak(codePoint: number | undefined): boolean {
  return codePoint === 0x0a || codePoint === 0x0d || codePoint === 0x85 || codePoint === 0x2028 || codePoint === 0x2029;
}

function isBlankOrEnd(codePoint: number | undefined): boolean {
  return codePoint === undefined || codePoint === 0x20 || codePoint === 0x09 || isBreak(codePoint) || codePoint === 0;
}

type Analysis = {
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
};

/** The emitter's scan of a scalar for characters that rule styles out. */
function analyzeScalar(codePoints: number[]): Analysis {
  let blockIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByWhitespace = true;
  const text = String.fromCodePoint(...codePoints);
  if (text.startsWith('---') || text.startsWith('...')) blockIndicators = true;
  const last = codePoints.length - 1;
  codePoints.forEach((codePoint, index) => {
    const char = String.fromCodePoint(codePoint);
    const followedByWhitespace = isBlankOrEnd(codePoints[index + 1]);
    if (index === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(char)) blockIndicators = true;
      if ((char === '?' || char === ':') && followedByWhitespace) blockIndicators = true;
      if (char === '-' && followedByWhitespace) blockIndicators = true;
    } else {
      if (char === ':' && followedByWhitespace) blockIndicators = true;
      if (char === '#' && precededByWhitespace) blockIndicators = true;
    }
    if (!isPrintable(codePoint)) specialCharacters = true;
    if (isBreak(codePoint)) lineBreaks = true;
    if (codePoint === 0x20) {
      if (index === 0) leadingSpace = true;
      if (index === last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(codePoint)) {
      if (index === 0) leadingBreak = true;
      if (index === last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousBreak = true;
      previousSpace = false;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankOrEnd(codePoint);
  });
  let blockPlainAllowed = true;
  let singleQuotedAllowed = true;
  let blockAllowed = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlainAllowed = false;
  if (trailingSpace) blockAllowed = false;
  if (breakSpace) {
    blockPlainAllowed = false;
    singleQuotedAllowed = false;
  }
  if (spaceBreak || specialCharacters) {
    blockPlainAllowed = false;
    singleQuotedAllowed = false;
    blockAllowed = false;
  }
  if (lineBreaks) blockPlainAllowed = false;
  if (blockIndicators) blockPlainAllowed = false;
  return { blockPlainAllowed, singleQuotedAllowed, blockAllowed };
}

/** Names, labels, images...: a letter then characters no YAML rule cares about; plain unless a YAML 1.1 bool or null. */
const SAFE_PLAIN = /^[A-Za-z][A-Za-z0-9_./=+-]*$/;

/** The style go-yaml v2 ends up writing a string in, as a map value/sequence item or as a map key. */
export function chooseScalarStyle(text: string, isKey: boolean): ScalarStyle {
  if (SAFE_PLAIN.test(text) && !OLD_BOOLS_AND_NULLS.has(text)) return 'plain';
  let style: ScalarStyle;
  if (resolvesAsNonString(text)) style = 'double';
  else if (text.includes('\n')) style = 'literal';
  else style = 'plain';
  const analysis = analyzeScalar(Array.from(text, (char) => char.codePointAt(0) ?? 0));
  if (style === 'plain' && !analysis.blockPlainAllowed) style = 'single';
  if (style === 'single' && !analysis.singleQuotedAllowed) style = 'double';
  if (style === 'literal' && (!analysis.blockAllowed || isKey)) style = 'double';
  return style;
}

/** A key longer than 128 bytes or spanning lines cannot be a simple `key:`; the emitter writes `? key` then `: value`. */
export function isSimpleKey(text: string): boolean {
  return Buffer.byteLength(text, 'utf8') <= 128 && !/[\n\r\u0085\u2028\u2029]/.test(text);
}
