// Command-line flags as kubectl spells them: --name=value, --name value, -n value, -nvalue, -A, --flag=false, and --.
import { UsageError } from './cli-error.ts';
import { didYouMean } from './nearest.ts';

export interface FlagSpec {
  name: string;
  short?: string;
  type: 'string' | 'boolean' | 'list';
  help: string;
  /** Shown in help and used when the flag is absent. */
  default?: string | boolean;
  /** The values a string flag accepts (checked, and offered by shell completion). */
  choices?: readonly string[];
}

export type FlagValue = string | boolean | string[] | undefined;

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, FlagValue>;
}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const byShort = new Map(specs.filter((spec) => spec.short).map((spec) => [spec.short as string, spec]));
  const flags: Record<string, FlagValue> = {};
  const positionals: string[] = [];
  const set = (spec: FlagSpec, value: string | boolean): void => {
    if (spec.type === 'boolean') {
      if (typeof value === 'string' && value !== 'true' && value !== 'false') {
        throw new UsageError(`--${spec.name}: expects true or false, got "${value}"`);
      }
      flags[spec.name] = value === true || value === 'true';
      return;
    }
    const text = String(value);
    if (spec.choices && !spec.choices.includes(text)) {
      throw new UsageError(
        `--${spec.name}: "${text}" is not one of ${spec.choices.join(', ')}${didYouMean(text, spec.choices)}`,
      );
    }
    if (spec.type === 'list') {
      const previous = Array.isArray(flags[spec.name]) ? (flags[spec.name] as string[]) : [];
      flags[spec.name] = [...previous, ...text.split(',').filter(Boolean)];
    } else {
      flags[spec.name] = text;
    }
  };

  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const equals = arg.indexOf('=');
      const name = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
      const spec = byName.get(name);
      if (!spec) throw new UsageError(`unknown flag: --${name}${didYouMean(name, byName.keys())}`);
      if (equals !== -1) set(spec, arg.slice(equals + 1));
      else if (spec.type === 'boolean') set(spec, true);
      else set(spec, takeValue(argv, ++index, `--${name}`));
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
      const letter = arg[1] as string;
      const spec = byShort.get(letter);
      if (!spec) throw new UsageError(`unknown shorthand flag: -${letter} in ${arg}`);
      const rest = arg.slice(2).replace(/^=/, '');
      if (spec.type === 'boolean') {
        if (rest) throw new UsageError(`-${letter} takes no value (got ${arg})`);
        set(spec, true);
      } else {
        set(spec, rest || takeValue(argv, ++index, `-${letter}`));
      }
      continue;
    }
    positionals.push(arg);
  }
  for (const spec of specs) {
    if (flags[spec.name] === undefined && spec.default !== undefined) flags[spec.name] = spec.default;
  }
  return { positionals, flags };
}

function takeValue(argv: readonly string[], index: number, flag: string): string {
  const value = argv[index];
  if (value === undefined) throw new UsageError(`${flag} needs a value`);
  return value;
}

export function stringFlag(flags: Record<string, FlagValue>, name: string): string | undefined {
  const value = flags[name];
  return typeof value === 'string' ? value : undefined;
}

export function booleanFlag(flags: Record<string, FlagValue>, name: string): boolean {
  return flags[name] === true;
}

export function listFlag(flags: Record<string, FlagValue>, name: string): string[] {
  const value = flags[name];
  return Array.isArray(value) ? value : [];
}
