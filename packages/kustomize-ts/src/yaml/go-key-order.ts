// The order go-yaml v2 sorts map keys in: letters after other characters, runs of digits compared as numbers.

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

function isDigit(char: string | undefined): boolean {
  return char !== undefined && DIGIT.test(char);
}

function digitValue(char: string): number {
  return (char.codePointAt(0) ?? 48) - 48;
}

/** Negative when `a` sorts before `b` in kustomize's output. */
export function compareGoYamlKeys(a: string, b: string): number {
  if (a === b) return 0;
  return goYamlKeyLess(a, b) ? -1 : 1;
}

function goYamlKeyLess(a: string, b: string): boolean {
  const left = Array.from(a);
  const right = Array.from(b);
  for (let i = 0; i < left.length && i < right.length; i++) {
    const l = left[i] as string;
    const r = right[i] as string;
    if (l === r) continue;
    const leftIsLetter = LETTER.test(l);
    const rightIsLetter = LETTER.test(r);
    if (leftIsLetter && rightIsLetter) return (l.codePointAt(0) ?? 0) < (r.codePointAt(0) ?? 0);
    if (leftIsLetter || rightIsLetter) return rightIsLetter;
    let leftNumber = 0;
    let rightNumber = 0;
    if (l === '0' || r === '0') {
      for (let j = i - 1; j >= 0 && isDigit(left[j]); j--) {
        if (left[j] !== '0') {
          leftNumber = 1;
          rightNumber = 1;
          break;
        }
      }
    }
    let leftEnd = i;
    for (; leftEnd < left.length && isDigit(left[leftEnd]); leftEnd++) {
      leftNumber = leftNumber * 10 + digitValue(left[leftEnd] as string);
    }
    let rightEnd = i;
    for (; rightEnd < right.length && isDigit(right[rightEnd]); rightEnd++) {
      rightNumber = rightNumber * 10 + digitValue(right[rightEnd] as string);
    }
    if (leftNumber !== rightNumber) return leftNumber < rightNumber;
    if (leftEnd !== rightEnd) return leftEnd < rightEnd;
    return (l.codePointAt(0) ?? 0) < (r.codePointAt(0) ?? 0);
  }
  return left.length < right.length;
}
