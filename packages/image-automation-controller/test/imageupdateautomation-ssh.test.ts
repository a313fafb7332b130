// ImageUpdateAutomation over SSH (identity and known_hosts), with OpenPGP-signed commits, a policySelector, a push
// branch of its own, suspend, and a cross-namespace source refused when the flag says so.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GitSshServer, startGitSshServer } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conditionOf,
  createAutomation,
  createGitRepository,
  createSecret,
  type Harness,
  inClone,
  requestReconcile,
  setPolicy,
  startHarness,
  waitForAutomation,
} from './support/harness.ts';

let server: GitSshServer;
let harness: Harness;
let gpgHome: string;
let armoredKey: string;
const passphrase = 'signing-passphrase-42';

beforeAll(async () => {
  server = await startGitSshServer();
  harness = await startHarness({ noCrossNamespaceRefs: true });
  await createSecret(harness, 'ssh-auth', { identity: server.identity, known_hosts: server.knownHosts });
  gpgHome = mkdtempSync(join(tmpdir(), 'iac-gpg-'));
  // A cheap passphrase hash: the agent's calibrated one takes seconds on a busy machine.
  writeFileSync(join(gpgHome, 'gpg-agent.conf'), 's2k-count 65536\n');
  const gpg = (args: string[]) =>
    execFileSync('gpg', ['--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', passphrase, ...args], {
      env: { ...process.env, GNUPGHOME: gpgHome },
      encoding: 'utf8',
    });
  gpg(['--quick-gen-key', 'Fluxion Automation <bot@fluxion.invalid>', 'ed25519', 'sign', 'never']);
  armoredKey = gpg(['--armor', '--export-secret-keys', 'bot@fluxion.invalid']);
});
afterAll(async () => {
  await harness?.stop();
  await server?.stop();
  if (gpgHome) {
    try {
      execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: gpgHome } });
    } catch {
      // no agent was started
    }
    rmSync(gpgHome, { recursive: true, force: true });
  }
});

describe('ImageUpdateAutomation over SSH', () => {
  it('pushes a signed commit to its own branch, applying only the selected policies', async () => {
    const ns = harness.namespace;
    server.repositories.create('fleet');
    const start = server.repositories.commit('fleet', {
      'web.yaml': `image: reg/web:1.0.0 # {"$imagepolicy": "${ns}:web"}\n`,
      'db.yaml': `image: reg/db:1.0.0 # {"$imagepolicy": "${ns}:db"}\n`,
    });
    await createGitRepository(harness, 'fleet', { url: server.urlOf('fleet'), secretRef: { name: 'ssh-auth' } });
    await createSecret(harness, 'signing', { 'git.asc': armoredKey, passphrase });
    await setPolicy(harness, 'web', { name: 'reg/web', tag: '1.1.0' }, { tier: 'front' });
    await setPolicy(harness, 'db', { name: 'reg/db', tag: '9.9.9' }, { tier: 'back' });
    await createAutomation(harness, 'front', {
      sourceRef: { kind: 'GitRepository', name: 'fleet' },
      policySelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] },
      git: {
        commit: {
          author: { name: 'Fluxion Bot', email: 'bot@fluxion.invalid' },
          signingKey: { secretRef: { name: 'signing' } },
        },
        push: { branch: 'image-updates' },
      },
    });
    const automation = await waitForAutomation(harness, 'front', (object) => Boolean(object.status?.lastPushCommit));
    expect(automation.status?.observedPolicies).toEqual({ web: { name: 'reg/web', tag: '1.1.0' } });
    expect(server.repositories.head('fleet')).toBe(start);
    const pushed = server.repositories.head('fleet', 'refs/heads/image-updates');
    expect(automation.status?.lastPushCommit).toBe(pushed);
    expect(conditionOf(automation, 'Ready')?.message).toContain(
      `db.yaml:1: marker "${ns}:db" names ImagePolicy ${ns}/db, which does not exist or is not selected`,
    );
    inClone(server.repositories.pathOf('fleet'), 'image-updates', (git) => {
      expect(git(['show', 'HEAD:web.yaml'])).toBe(`image: reg/web:1.1.0 # {"$imagepolicy": "${ns}:web"}`);
      expect(git(['show', 'HEAD:db.yaml'])).toBe(`image: reg/db:1.0.0 # {"$imagepolicy": "${ns}:db"}`);
      expect(git(['log', '-1', '--format=%B'])).toBe('Update from image update automation');
      // Verified against the key alone, in its own keyring.
      const verified = execFileSync('git', ['verify-commit', '--raw', 'HEAD'], {
        cwd: process.cwd(),
        env: { ...process.env, GNUPGHOME: gpgHome, GIT_DIR: join(git(['rev-parse', '--absolute-git-dir'])) },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(verified).toBe('');
    });
    expect(JSON.stringify(automation)).not.toContain(passphrase);
  });

  it('stays still while suspended, and refuses a source in another namespace under --no-cross-namespace-refs', async () => {
    server.repositories.create('still');
    const start = server.repositories.commit('still', {
      'web.yaml': `image: reg/web:1.0.0 # {"$imagepolicy": "${harness.namespace}:web"}\n`,
    });
    await createGitRepository(harness, 'still', { url: server.urlOf('still'), secretRef: { name: 'ssh-auth' } });
    await createAutomation(harness, 'suspended', {
      sourceRef: { kind: 'GitRepository', name: 'still' },
      suspend: true,
    });
    await createAutomation(harness, 'elsewhere', {
      sourceRef: { kind: 'GitRepository', name: 'still', namespace: 'default' },
    });
    const refused = await waitForAutomation(
      harness,
      'elsewhere',
      (object) => conditionOf(object, 'Stalled')?.status === 'True',
    );
    expect(conditionOf(refused, 'Ready')).toMatchObject({
      reason: 'AccessDenied',
      message: `cross-namespace reference to GitRepository default/still is not allowed (--no-cross-namespace-refs)`,
    });
    // The suspended automation was queued alongside and left no trace.
    const suspended = await harness.client.get({
      apiVersion: 'image.toolkit.fluxcd.io/v1',
      kind: 'ImageUpdateAutomation',
      namespace: harness.namespace,
      name: 'suspended',
    });
    expect(
      (suspended as { status?: { lastAutomationRunTime?: string } }).status?.lastAutomationRunTime,
    ).toBeUndefined();
    expect(server.repositories.head('still')).toBe(start);
    // Resumed, it runs.
    await harness.client.patch(
      {
        apiVersion: 'image.toolkit.fluxcd.io/v1',
        kind: 'ImageUpdateAutomation',
        namespace: harness.namespace,
        name: 'suspended',
      },
      { spec: { suspend: false } },
      'merge',
    );
    const resumed = await waitForAutomation(harness, 'suspended', (object) => Boolean(object.status?.lastPushCommit));
    expect(resumed.status?.lastPushCommit).toBe(server.repositories.head('still'));
    expect((await requestReconcile(harness, 'suspended')).status?.lastPushCommit).toBe(resumed.status?.lastPushCommit);
  });
});
