// The git half of a run against testenv's HTTP git server: a push rejected because the branch moved is fetched,
// reapplied and retried (the other pusher's commit kept, never forced), and gives up after the bounded attempts.
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { git as runGit } from '@fluxion/testenv';
import { type GitHttpServer, startGitHttpServer } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutomationGitError, runAutomationGit, type AutomationGitOptions } from '../src/automation-git.ts';
import { inClone } from './support/harness.ts';

let server: GitHttpServer;
beforeAll(async () => {
  server = await startGitHttpServer({ auth: { username: 'flux', password: 'secret' } });
});
afterAll(async () => {
  await server?.stop();
});

function options(
  repository: string,
  update: AutomationGitOptions['update'],
  overrides: Partial<AutomationGitOptions> = {},
): AutomationGitOptions {
  return {
    url: server.urlOf(repository),
    access: { credentials: { kind: 'basic', username: 'flux', password: 'secret' } },
    timeoutMs: 30_000,
    checkout: { branch: 'main' },
    pushBranch: 'main',
    author: { name: 'Bot', email: 'bot@fluxion.invalid' },
    workDirectory: tmpdir(),
    maxPushAttempts: 3,
    update,
    ...overrides,
  };
}

// Sets the image line of app.yaml, as the setters would.
async function bumpImage(directory: string): Promise<{ message: string } | undefined> {
  const path = join(directory, 'app.yaml');
  const text = await readFile(path, 'utf8');
  const next = text.replace('web:1.0', 'web:2.0');
  if (next === text) return undefined;
  await writeFile(path, next);
  return { message: 'bump web' };
}

describe('runAutomationGit', () => {
  it('fetches, reapplies and pushes again when someone else pushed in between, keeping their commit', async () => {
    server.repositories.create('race');
    server.repositories.commit('race', { 'app.yaml': 'image: web:1.0\n', 'notes.txt': 'a\n' });
    let runs = 0;
    let theirs = '';
    const result = await runAutomationGit(
      options('race', async (directory) => {
        runs++;
        // Another pusher lands a commit after our fetch and before our push, on the first run only.
        if (runs === 1) theirs = server.repositories.commit('race', { 'notes.txt': 'b\n' });
        return bumpImage(directory);
      }),
    );
    expect(runs).toBe(2);
    expect(result.pushed?.attempts).toBe(2);
    expect(server.repositories.head('race')).toBe(result.pushed?.commit);
    inClone(server.repositories.pathOf('race'), 'main', (git) => {
      expect(git(['rev-parse', 'HEAD~1'])).toBe(theirs);
      expect(git(['show', 'HEAD:notes.txt'])).toBe('b');
      expect(git(['show', 'HEAD:app.yaml'])).toBe('image: web:2.0');
    });
  });

  it('gives up after the bounded number of pushes when the branch keeps moving, and never forces', async () => {
    server.repositories.create('busy');
    server.repositories.commit('busy', { 'app.yaml': 'image: web:1.0\n' });
    let last = '';
    const run = runAutomationGit(
      options('busy', async (directory) => {
        last = server.repositories.commit('busy', { [`other-${Date.now()}-${Math.random()}.txt`]: 'x' });
        return bumpImage(directory);
      }),
    );
    await expect(run).rejects.toThrow(AutomationGitError);
    await expect(run).rejects.toThrow(
      /branch 'main' of http:\/\/127\.0\.0\.1:\d+\/busy\.git moved during each of 3 pushes/,
    );
    expect(server.repositories.head('busy')).toBe(last);
  });

  it('makes the push branch from the checkout, pushes the refspec too, and builds on the push branch next time', async () => {
    server.repositories.create('branches');
    const main = server.repositories.commit('branches', { 'app.yaml': 'image: web:1.0\n' });
    const first = await runAutomationGit(
      options('branches', bumpImage, { pushBranch: 'auto', pushRefspec: 'refs/heads/auto:refs/heads/review' }),
    );
    expect(first.sourceRevision).toBe(`main@sha1:${main}`);
    expect(server.repositories.head('branches')).toBe(main);
    expect(server.repositories.head('branches', 'refs/heads/auto')).toBe(first.pushed?.commit);
    expect(server.repositories.head('branches', 'refs/heads/review')).toBe(first.pushed?.commit);
    // The push branch exists now: its commit is the base, so there is nothing left to change.
    const second = await runAutomationGit(options('branches', bumpImage, { pushBranch: 'auto' }));
    expect(second.pushed).toBeUndefined();
  });

  it('names a branch that does not exist', async () => {
    server.repositories.create('empty');
    server.repositories.commit('empty', { 'app.yaml': 'image: web:1.0\n' });
    await expect(runAutomationGit(options('empty', bumpImage, { checkout: { branch: 'nope' } }))).rejects.toThrow(
      /branch 'nope' not found on http:\/\/127\.0\.0\.1:\d+\/empty\.git/,
    );
  });

  it('sends spec.git.push.options as push options the server receives', async () => {
    const bare = server.repositories.create('options');
    server.repositories.commit('options', { 'app.yaml': 'image: web:1.0\n' });
    runGit(bare, ['config', 'receive.advertisePushOptions', 'true']);
    const received = join(bare, 'received-options');
    await writeFile(
      join(bare, 'hooks', 'pre-receive'),
      `#!/bin/sh\ni=0\nwhile [ $i -lt "\${GIT_PUSH_OPTION_COUNT:-0}" ]; do eval "echo \\$GIT_PUSH_OPTION_$i" >> '${received}'; i=$((i+1)); done\n`,
    );
    await chmod(join(bare, 'hooks', 'pre-receive'), 0o755);
    const result = await runAutomationGit(
      options('options', bumpImage, { pushOptions: { 'merge_request.create': '', 'merge_request.target': 'release' } }),
    );
    expect(result.pushed).toBeDefined();
    expect((await readFile(received, 'utf8')).split('\n').filter(Boolean)).toEqual([
      'merge_request.create',
      'merge_request.target=release',
    ]);
  });
});
