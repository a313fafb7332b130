import { describe, expect, it } from 'vitest';
import {
  boolFlag,
  FlagError,
  FlagSet,
  HelpRequested,
  runtimeFlags,
  runtimeOptionsFromFlags,
  stringFlag,
  durationFlag,
} from './flags.ts';
import { clientFromFlags } from './client.ts';
import { DurationError, formatGoDuration, parseGoDuration } from './go-duration.ts';
import { kubeConfigFromString } from './kube-config.ts';

const flags = new FlagSet('source-controller', runtimeFlags);

describe('runtime flags', () => {
  it("have Flux's defaults", () => {
    const options = runtimeOptionsFromFlags(flags.parse([]));
    expect(options).toEqual({
      concurrency: 4,
      requeueDependencyMs: 30_000,
      minRetryDelayMs: 750,
      maxRetryDelayMs: 900_000,
      metricsAddress: ':8080',
      healthAddress: ':9440',
      leaderElection: { enabled: false, leaseDurationMs: 35_000, renewDeadlineMs: 30_000, retryPeriodMs: 5_000 },
      watchAllNamespaces: true,
      watchLabelSelector: '',
      noCrossNamespaceRefs: false,
      defaultServiceAccount: '',
      logLevel: 'info',
      logEncoding: 'json',
      kubeApiQps: 50,
      kubeApiBurst: 300,
    });
  });

  it('accept --flag=value, --flag value, bare booleans and single dashes', () => {
    const values = flags.parse([
      '--concurrent=10',
      '--requeue-dependency',
      '1m30s',
      '--enable-leader-election',
      '--watch-all-namespaces=false',
      '-log-level=debug',
      '--log-encoding',
      'console',
      '--watch-label-selector=sharding.fluxcd.io/key=shard1',
      '--kube-api-qps=12.5',
    ]);
    expect(values.concurrent).toBe(10);
    expect(values['requeue-dependency']).toBe(90_000);
    expect(values['enable-leader-election']).toBe(true);
    expect(values['watch-all-namespaces']).toBe(false);
    expect(values['log-level']).toBe('debug');
    expect(values['log-encoding']).toBe('console');
    expect(values['watch-label-selector']).toBe('sharding.fluxcd.io/key=shard1');
    expect(values['kube-api-qps']).toBe(12.5);
  });

  it('reject an unknown flag with a clear message', () => {
    expect(() => flags.parse(['--concurent=2'])).toThrow(FlagError);
    expect(() => flags.parse(['--concurent=2'])).toThrow('unknown flag --concurent');
    expect(() => flags.parse(['--log-lvl', 'debug'])).toThrow(/unknown flag --log-lvl/);
  });

  it('reject bad values, naming the flag', () => {
    expect(() => flags.parse(['--concurrent=many'])).toThrow(
      'invalid value "many" for flag --concurrent: must be an integer',
    );
    expect(() => flags.parse(['--min-retry-delay=5'])).toThrow(/--min-retry-delay: must be a duration/);
    expect(() => flags.parse(['--log-level=verbose'])).toThrow(/must be one of trace, debug, info, warn, error/);
    expect(() => flags.parse(['--enable-leader-election=yes'])).toThrow(/must be true or false/);
    expect(() => flags.parse(['--health-addr'])).toThrow('flag --health-addr needs a value');
    expect(() => flags.parse(['stray'])).toThrow(/unexpected argument "stray"/);
    expect(() => runtimeOptionsFromFlags(flags.parse(['--min-retry-delay=1m', '--max-retry-delay=1s']))).toThrow(
      /--max-retry-delay/,
    );
    expect(() => runtimeOptionsFromFlags(flags.parse(['--concurrent=0']))).toThrow(/at least 1/);
  });

  it('answer --help with a usage listing every flag and its default', () => {
    let usage = '';
    try {
      flags.parse(['--concurrent=2', '--help']);
    } catch (error) {
      expect(error).toBeInstanceOf(HelpRequested);
      usage = (error as HelpRequested).usage;
    }
    expect(usage).toContain('Usage of source-controller:');
    for (const name of Object.keys(runtimeFlags)) expect(usage).toContain(`--${name}`);
    expect(usage).toContain('(default 15m0s)');
    expect(usage).toContain('(default ":8080")');
    expect(() => flags.parse(['-h'])).toThrow(HelpRequested);
  });

  it("take a controller's own flags through the same parser", () => {
    const sourceFlags = flags.with({
      'storage-path': stringFlag('/data', 'Where artifacts are stored.'),
      'artifact-retention-ttl': durationFlag(60_000, 'How long old artifacts are kept.'),
      'helm-cache-purge': boolFlag(false, 'Purge the Helm index cache.'),
    });
    const values = sourceFlags.parse(['--storage-path', '/tmp/a', '--artifact-retention-ttl=2h', '--concurrent=2']);
    expect(values['storage-path']).toBe('/tmp/a');
    expect(values['artifact-retention-ttl']).toBe(7_200_000);
    expect(values['helm-cache-purge']).toBe(false);
    expect(values.concurrent).toBe(2);
    expect(() => flags.with({ concurrent: boolFlag(false, 'again') })).toThrow(/defined twice/);
  });
});

describe('Go durations', () => {
  it.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['750ms', 750],
    ['1.5h', 5_400_000],
    ['15m', 900_000],
    ['2h45m10s', 9_910_000],
    ['500us', 0.5],
    ['0', 0],
    ['-5s', -5_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });

  it.each(['', '5', 's', '1x', '1m 30s', 'abc'])('rejects %j', (text) => {
    expect(() => parseGoDuration(text)).toThrow(DurationError);
  });

  it('formats milliseconds back the way Go prints them', () => {
    expect(formatGoDuration(90_000)).toBe('1m30s');
    expect(formatGoDuration(900_000)).toBe('15m0s');
    expect(formatGoDuration(3_600_000)).toBe('1h0m0s');
    expect(formatGoDuration(750)).toBe('750ms');
    expect(formatGoDuration(1_500)).toBe('1.5s');
    expect(formatGoDuration(0)).toBe('0s');
  });
});

describe('clientFromFlags', () => {
  const kubeConfig = kubeConfigFromString(
    'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]\n' +
      'users: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
  );
  const flagSet = new FlagSet('test-controller', runtimeFlags);

  it('limits API requests to --kube-api-qps with bursts of --kube-api-burst, for impersonated clients too', () => {
    const runtime = runtimeOptionsFromFlags(flagSet.parse(['--kube-api-qps=7.5', '--kube-api-burst=3']));
    const client = clientFromFlags(runtime, { kubeConfig, userAgent: 'test-controller' });
    expect(client.transport.rateLimiter).toMatchObject({ qps: 7.5, burst: 3 });
    expect(client.impersonateServiceAccount('apps', 'deployer').transport.rateLimiter).toBe(
      client.transport.rateLimiter,
    );
  });

  it("uses Flux's defaults, 50 qps and bursts of 300, when the flags are not given", () => {
    const client = clientFromFlags(runtimeOptionsFromFlags(flagSet.parse([])), { kubeConfig });
    expect(client.transport.rateLimiter).toMatchObject({ qps: 50, burst: 300 });
  });

  it('refuses a rate that would stop every request, naming the flags', () => {
    expect(() => runtimeOptionsFromFlags(flagSet.parse(['--kube-api-qps=0']))).toThrow(
      /--kube-api-qps must be positive and --kube-api-burst at least 1, got 0 and 300/,
    );
    expect(() => runtimeOptionsFromFlags(flagSet.parse(['--kube-api-burst=0']))).toThrow(FlagError);
  });
});
