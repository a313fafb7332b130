import { describe, expect, it } from 'vitest';
import { createLogger, type LoggerOptions } from './logger.ts';

function capture(options: Omit<LoggerOptions, 'destination'> = {}) {
  const lines: string[] = [];
  const logger = createLogger({ ...options, destination: { write: (line: string) => lines.push(line) } });
  return { logger, lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('writes JSON lines with a level name, a timestamp and the message', () => {
    const { logger, entries } = capture();
    logger.info({ revision: 'main@sha1:abc' }, 'stored artifact');
    const [entry] = entries();
    expect(entry).toMatchObject({ level: 'info', msg: 'stored artifact', revision: 'main@sha1:abc' });
    expect(Date.parse(String(entry?.ts))).not.toBeNaN();
  });

  it('drops lines below --log-level', () => {
    const { logger, entries } = capture({ level: 'error' });
    logger.info('hidden');
    logger.debug('hidden');
    logger.error('shown');
    expect(entries().map((entry) => entry.msg)).toEqual(['shown']);
  });

  it('puts child logger fields on every line', () => {
    const { logger, entries } = capture({ base: { service: 'source-controller' } });
    logger.child({ controller: 'gitrepository', namespace: 'flux-system', name: 'podinfo' }).info('reconciled');
    expect(entries()[0]).toMatchObject({
      service: 'source-controller',
      controller: 'gitrepository',
      namespace: 'flux-system',
      name: 'podinfo',
    });
  });

  it('never writes Secret data, tokens or passwords', () => {
    const { logger, lines } = capture({ level: 'debug' });
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'git-auth' },
      data: { password: 'c3VwZXJzZWNyZXQ=' },
      stringData: { token: 'ghp_plaintexttoken' },
    };
    logger.debug({ object: secret }, 'applying');
    logger.info({ auth: { username: 'bot', password: 'hunter2', nested: { bearerToken: 'eyJhbGciOi' } } }, 'auth');
    logger.info({ headers: { Authorization: 'Bearer abc.def' } }, 'request');
    logger.child({ token: 'child-binding-token' }).info('child');
    logger.info('cloning https://bot:s3cr3t-pat@git.example.com/org/repo.git');
    logger.info({ url: 'https://bot:s3cr3t-pat@git.example.com/org/repo.git' }, 'fetch');
    const output = lines.join('');
    for (const leaked of [
      'c3VwZXJzZWNyZXQ=',
      'ghp_plaintexttoken',
      'hunter2',
      'eyJhbGciOi',
      'abc.def',
      'child-binding-token',
      's3cr3t-pat',
    ]) {
      expect(output).not.toContain(leaked);
    }
    expect(output).toContain('[REDACTED]');
    expect(output).toContain('git-auth');
    expect(output).toContain('https://***@git.example.com/org/repo.git');
    expect(output).toContain('"username":"bot"');
  });

  it('does not change the objects it was given', () => {
    const { logger } = capture();
    const auth = { password: 'hunter2' };
    logger.info({ auth }, 'auth');
    expect(auth.password).toBe('hunter2');
  });

  it('serializes errors with their message and stack', () => {
    const { logger, entries } = capture();
    logger.error({ err: new Error('dial tcp: connection refused') }, 'Reconciler error');
    const err = entries()[0]?.err as { message: string; stack: string };
    expect(err.message).toBe('dial tcp: connection refused');
    expect(err.stack).toContain('Error: dial tcp');
  });

  it('writes one readable line per entry with --log-encoding console', () => {
    const { logger, lines } = capture({ encoding: 'console' });
    logger.child({ controller: 'gitrepository' }).warn({ attempt: 3, url: 'https://x:y@h/r' }, 'fetch failed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\dT\S+ WARN  fetch failed controller=gitrepository attempt=3 url=https:\/\/\*\*\*@h\/r\n$/,
    );
    expect(() => JSON.parse(lines[0] ?? '')).toThrow();
  });
});
