// Kubernetes label selector strings (`a=b,c!=d,e in (x,y),!f`) matched against labels or annotations.
import { PatchError } from '../patch/patch-error.ts';

type Requirement = (labels: Record<string, string>) => boolean;

/** Splits on commas that are not inside a parenthesised value set. */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const character of selector) {
    if (character === '(') depth++;
    if (character === ')') depth--;
    if (character === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += character;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

function parseRequirement(text: string, selector: string): Requirement {
  const setMatch = /^([^\s!=(),]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(text);
  if (setMatch) {
    const [, key = '', operator, list = ''] = setMatch;
    const values = new Set(list.split(',').map((value) => value.trim()));
    return operator === 'in'
      ? (labels) => key in labels && values.has(labels[key] ?? '')
      : (labels) => !(key in labels) || !values.has(labels[key] ?? '');
  }
  const comparison = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(text);
  if (comparison) {
    const [, key = '', operator, value = ''] = comparison;
    return operator === '!=' ? (labels) => labels[key] !== value : (labels) => labels[key] === value;
  }
  const absent = /^!\s*([^\s!=(),]+)$/.exec(text);
  if (absent) return (labels) => !((absent[1] ?? '') in labels);
  if (/^[^\s!=(),]+$/.test(text)) return (labels) => text in labels;
  throw new PatchError(`unable to parse requirement "${text}" in selector "${selector}"`);
}

/** True when `labels` satisfy every requirement of the selector; an empty selector matches everything. */
export function matchesSelector(selector: string, labels: Record<string, string> | undefined): boolean {
  const requirements = splitRequirements(selector).map((text) => parseRequirement(text, selector));
  return requirements.every((requirement) => requirement(labels ?? {}));
}
