// Command-line flags as Flux's controllers name them, parsed in one place; controllers add their own.
import { formatGoDuration, parseGoDuration } from './go-duration.ts';
import { logEncodings, logLevels, type LogEncoding, type LogLevel } from './logger.ts';

export interface FlagDefinition<T> {
  readonly type: 'string' | 'int' | 'float' | 'bool' | 'duration';
  readonly defaultValue: T;
  readonly help: string;
  /** Values accepted for a string flag; anything else is an error naming them. */
  readonly choices?: readonly string[];
}

export type FlagDefinitions = Record<string, FlagDefinition<unknown>>;
export type FlagValues<D extends FlagDefinitions> = { -readonly [K in keyof D]: D[K]['defaultValue'] };

export const stringFlag = (
  defaultValue: string,
  help: string,
  choices?: readonly string[],
): FlagDefinition<string> => ({
  type: 'string',
  defaultValue,
  help,
  ...(choices ? { choices } : {}),
});
export const intFlag = (defaultValue: number, help: string): FlagDefinition<number> => ({
  type: 'int',
  defaultValue,
  help,
});
export const floatFlag = (defaultValue: number, help: string): FlagDefinition<number> => ({
  type: 'float',
  defaultValue,
  help,
});
export const boolFlag = (defaultValue: boolean, help: string): FlagDefinition<boolean> => ({
  type: 'bool',
  defaultValue,
  help,
});
/** A Go duration flag (`30s`, `1m30s`); its value is in milliseconds. */
export const durationFlag = (defaultMs: number, help: string): FlagDefinition<number> => ({
  type: 'duration',
  defaultValue: defaultMs,
  help,
});

export class FlagError extends Error {
  readonly reason = 'InvalidFlag';
  constructor(message: string) {
    super(message);
    this.name = 'FlagError';
  }
}

/** Thrown by `parse` for `--help` / `-h`; carries the usage text to print. */
export class HelpRequested extends Error {
  readonly usage: string;
  constructor(usage: string) {
    super('help requested');
    this.name = 'HelpRequested';
    this.usage = usage;
  }
}

/** The flags every Fluxion controller shares, with Flux's names and defaults. */
export const runtimeFlags = {
  concurrent: intFlag(4, 'The number of concurrent reconciles per controller.'),
  'requeue-dependency': durationFlag(30_000, 'The interval at which failing dependencies are reevaluated.'),
  'min-retry-delay': durationFlag(750, 'The minimum amount of time to wait before retrying a failed reconcile.'),
  'max-retry-delay': durationFlag(
    15 * 60_000,
    'The maximum amount of time to wait before retrying a failed reconcile.',
  ),
  'metrics-addr': stringFlag(':8080', 'The address the metric endpoint binds to; 0 turns it off.'),
  'health-addr': stringFlag(':9440', 'The address the health endpoint binds to.'),
  'enable-leader-election': boolFlag(
    false,
    'Enable leader election for the controller, so that only one replica reconciles.',
  ),
  'leader-election-lease-duration': durationFlag(
    35_000,
    'How long non-leaders wait before trying to take over a lease that was not renewed.',
  ),
  'leader-election-renew-deadline': durationFlag(
    30_000,
    'How long the leader keeps retrying to renew before it gives up leadership.',
  ),
  'leader-election-retry-period': durationFlag(
    5_000,
    'How long clients wait between attempts to acquire or renew the lease.',
  ),
  'watch-all-namespaces': boolFlag(
    true,
    'Watch for resources in all namespaces; if false, only in the namespace the controller runs in.',
  ),
  'watch-label-selector': stringFlag(
    '',
    "Watch only resources whose labels match this selector, e.g. 'sharding.fluxcd.io/key=shard1'.",
  ),
  'no-cross-namespace-refs': boolFlag(false, 'Refuse references to objects in other namespaces.'),
  'default-service-account': stringFlag('', 'The service account to impersonate when an object does not name one.'),
  'log-level': stringFlag('info', 'Log verbosity: trace, debug, info, warn or error.', logLevels),
  'log-encoding': stringFlag('json', 'Log encoding: json, or console for human-readable lines.', logEncodings),
  'kube-api-qps': floatFlag(50, 'The maximum queries per second to the Kubernetes API server.'),
  'kube-api-burst': intFlag(300, 'The maximum burst of queries to the Kubernetes API server.'),
} satisfies FlagDefinitions;

export type RuntimeFlagValues = FlagValues<typeof runtimeFlags>;

export class FlagSet<D extends FlagDefinitions> {
  readonly programName: string;
  readonly definitions: D;

  constructor(programName: string, definitions: D) {
    this.programName = programName;
    this.definitions = definitions;
  }

  /** The same set with a controller's own flags added; a name already taken is a programming error. */
  with<E extends FlagDefinitions>(extra: E): FlagSet<D & E> {
    for (const name of Object.keys(extra)) {
      if (name in this.definitions) throw new Error(`flag --${name} is defined twice`);
    }
    return new FlagSet(this.programName, { ...this.definitions, ...extra });
  }

  /** Parse `--flag=value`, `--flag value` and bare `--bool-flag` (single dash works too, as in Go). */
  parse(argv: readonly string[]): FlagValues<D> {
    const values: Record<string, unknown> = {};
    for (const [name, definition] of Object.entries(this.definitions)) values[name] = definition.defaultValue;
    for (let index = 0; index < argv.length; index++) {
      const arg = argv[index] ?? '';
      if (!arg.startsWith('-') || arg === '-' || arg === '--') {
        throw new FlagError(`unexpected argument "${arg}": ${this.programName} takes only flags (see --help)`);
      }
      const body = arg.replace(/^--?/, '');
      const equals = body.indexOf('=');
      const name = equals >= 0 ? body.slice(0, equals) : body;
      if (name === 'help' || name === 'h') throw new HelpRequested(this.usage());
      const definition = this.definitions[name];
      if (!definition) throw new FlagError(`unknown flag --${name}${this.#suggestion(name)} (see --help)`);
      let text: string;
      if (equals >= 0) {
        text = body.slice(equals + 1);
      } else if (definition.type === 'bool') {
        // As in Go, a bare boolean flag means true; `--flag false` would read `false` as an argument.
        text = 'true';
      } else {
        const next = argv[index + 1];
        if (next === undefined) throw new FlagError(`flag --${name} needs a value`);
        text = next;
        index++;
      }
      values[name] = convertFlagValue(name, definition, text);
    }
    return values as FlagValues<D>;
  }

  usage(): string {
    const lines = [`Usage of ${this.programName}:`];
    for (const [name, definition] of Object.entries(this.definitions).sort(([a], [b]) => a.localeCompare(b))) {
      const placeholder = definition.type === 'bool' ? '' : ` ${definition.type}`;
      lines.push(`      --${name}${placeholder}`);
      lines.push(`          ${definition.help}${describeDefault(definition)}`);
    }
    return `${lines.join('\n')}\n`;
  }

  #suggestion(name: string): string {
    const close = Object.keys(this.definitions).find((known) => known.includes(name) || name.includes(known));
    return close ? `; did you mean --${close}?` : '';
  }
}

/** Parse argv, printing usage and exiting 0 on `--help`, or the error and exiting 2 on a bad flag, as Go does. */
export function parseFlagsOrExit<D extends FlagDefinitions>(
  flagSet: FlagSet<D>,
  argv: readonly string[] = process.argv.slice(2),
): FlagValues<D> {
  try {
    return flagSet.parse(argv);
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(error.usage);
      process.exit(0);
    }
    if (error instanceof FlagError) {
      process.stderr.write(`${flagSet.programName}: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

function convertFlagValue(name: string, definition: FlagDefinition<unknown>, text: string): unknown {
  switch (definition.type) {
    case 'string':
      if (definition.choices && !definition.choices.includes(text)) {
        throw new FlagError(
          `invalid value "${text}" for flag --${name}: must be one of ${definition.choices.join(', ')}`,
        );
      }
      return text;
    case 'bool':
      if (['true', '1', 't', 'T', 'TRUE', 'True'].includes(text)) return true;
      if (['false', '0', 'f', 'F', 'FALSE', 'False'].includes(text)) return false;
      throw new FlagError(`invalid value "${text}" for flag --${name}: must be true or false`);
    case 'int': {
      if (!/^-?\d+$/.test(text)) throw new FlagError(`invalid value "${text}" for flag --${name}: must be an integer`);
      return Number(text);
    }
    case 'float': {
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value)) {
        throw new FlagError(`invalid value "${text}" for flag --${name}: must be a number`);
      }
      return value;
    }
    case 'duration':
      try {
        return parseGoDuration(text);
      } catch {
        throw new FlagError(
          `invalid value "${text}" for flag --${name}: must be a duration such as 30s, 1m30s or 750ms`,
        );
      }
  }
}

function describeDefault(definition: FlagDefinition<unknown>): string {
  const value = definition.defaultValue;
  if (definition.type === 'duration') return ` (default ${formatGoDuration(value as number)})`;
  if (value === '' || value === false) return '';
  return ` (default ${typeof value === 'string' ? JSON.stringify(value) : String(value)})`;
}

/** The runtime flags as the options the Manager and controllers take. */
export interface RuntimeOptions {
  concurrency: number;
  requeueDependencyMs: number;
  minRetryDelayMs: number;
  maxRetryDelayMs: number;
  metricsAddress: string;
  healthAddress: string;
  leaderElection: {
    enabled: boolean;
    leaseDurationMs: number;
    renewDeadlineMs: number;
    retryPeriodMs: number;
  };
  watchAllNamespaces: boolean;
  watchLabelSelector: string;
  noCrossNamespaceRefs: boolean;
  defaultServiceAccount: string;
  logLevel: LogLevel;
  logEncoding: LogEncoding;
  kubeApiQps: number;
  kubeApiBurst: number;
}

export function runtimeOptionsFromFlags(values: RuntimeFlagValues): RuntimeOptions {
  if (values.concurrent < 1) throw new FlagError(`--concurrent must be at least 1, got ${values.concurrent}`);
  if (values['min-retry-delay'] <= 0 || values['max-retry-delay'] < values['min-retry-delay']) {
    throw new FlagError('--min-retry-delay must be positive and no larger than --max-retry-delay');
  }
  if (!(values['kube-api-qps'] > 0) || values['kube-api-burst'] < 1) {
    throw new FlagError(
      `--kube-api-qps must be positive and --kube-api-burst at least 1, got ${values['kube-api-qps']} and ${values['kube-api-burst']}`,
    );
  }
  if (values['leader-election-renew-deadline'] >= values['leader-election-lease-duration']) {
    throw new FlagError('--leader-election-renew-deadline must be shorter than --leader-election-lease-duration');
  }
  return {
    concurrency: values.concurrent,
    requeueDependencyMs: values['requeue-dependency'],
    minRetryDelayMs: values['min-retry-delay'],
    maxRetryDelayMs: values['max-retry-delay'],
    metricsAddress: values['metrics-addr'],
    healthAddress: values['health-addr'],
    leaderElection: {
      enabled: values['enable-leader-election'],
      leaseDurationMs: values['leader-election-lease-duration'],
      renewDeadlineMs: values['leader-election-renew-deadline'],
      retryPeriodMs: values['leader-election-retry-period'],
    },
    watchAllNamespaces: values['watch-all-namespaces'],
    watchLabelSelector: values['watch-label-selector'],
    noCrossNamespaceRefs: values['no-cross-namespace-refs'],
    defaultServiceAccount: values['default-service-account'],
    logLevel: values['log-level'] as LogLevel,
    logEncoding: values['log-encoding'] as LogEncoding,
    kubeApiQps: values['kube-api-qps'],
    kubeApiBurst: values['kube-api-burst'],
  };
}
