// spec.verify: OpenPGP and SSH signatures on commits and tags, checked against the keys in a Secret.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GitHttpServer, startGitHttpServer } from '@fluxion/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conditionOf,
  createGitRepository,
  createSecret,
  type Harness,
  startHarness,
  waitForNotReady,
  waitForReady,
} from './support/harness.ts';

let harness: Harness;
let server: GitHttpServer;
let keysDir = '';
let gpgHome = '';
let pgpPublicKey = '';
let pgpFingerprint = '';
let sshKey = '';
let otherSshKey = '';

const identity = [
  '-c',
  'user.name=Fluxion Signer',
  '-c',
  'user.email=signer@fluxion.invalid',
  '-c',
  'init.defaultBranch=main',
];

beforeAll(async () => {
  harness = await startHarness();
  server = await startGitHttpServer();
  keysDir = await mkdtemp(join(tmpdir(), 'verify-keys-'));
  gpgHome = join(keysDir, 'gnupg');
  execFileSync('mkdir', ['-m', '700', gpgHome]);
  const gpg = (args: string[]) =>
    execFileSync('gpg', ['--batch', '--quiet', ...args], {
      env: { ...process.env, GNUPGHOME: gpgHome },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  gpg(['--passphrase', '', '--quick-gen-key', 'Fluxion Signer <signer@fluxion.invalid>', 'ed25519', 'sign', 'never']);
  pgpPublicKey = gpg(['--armor', '--export', 'signer@fluxion.invalid']);
  pgpFingerprint = /^fpr:+([0-9A-F]+):/m.exec(gpg(['--list-keys', '--with-colons']))![1]!;
  for (const name of ['ssh-signer', 'ssh-other'])
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(keysDir, name)]);
  sshKey = (await readFile(join(keysDir, 'ssh-signer.pub'), 'utf8')).trim();
  otherSshKey = (await readFile(join(keysDir, 'ssh-other.pub'), 'utf8')).trim();
  await createSecret(harness, 'pgp-keys', { 'signer.asc': pgpPublicKey });
  await createSecret(harness, 'ssh-keys', { 'signer.sshpub': sshKey });
  await createSecret(harness, 'other-ssh-keys', { 'other.sshpub': otherSshKey });
});
afterAll(async () => {
  await harness?.stop();
  await server?.stop();
  if (keysDir) {
    execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: gpgHome } });
    await rm(keysDir, { recursive: true, force: true });
  }
});

type Signer = 'pgp' | 'ssh' | 'none';

/** Commits one file to `main` of a new repository, signed as asked, optionally with a signed annotated tag. */
async function repositoryWithCommit(name: string, signer: Signer, tag?: string): Promise<string> {
  server.repositories.create(name);
  const work = await mkdtemp(join(tmpdir(), 'verify-work-'));
  const signing =
    signer === 'pgp'
      ? ['-c', `user.signingkey=${pgpFingerprint}`, '-c', 'gpg.format=openpgp']
      : signer === 'ssh'
        ? ['-c', `user.signingkey=${join(keysDir, 'ssh-signer')}`, '-c', 'gpg.format=ssh']
        : [];
  const git = (args: string[]) =>
    execFileSync('git', [...identity, ...signing, ...args], {
      cwd: work,
      env: { ...process.env, GNUPGHOME: gpgHome },
      encoding: 'utf8',
    }).trim();
  try {
    git(['init', '--quiet']);
    await writeFile(join(work, 'app.yaml'), `name: ${name}\n`);
    git(['add', '-A']);
    git(['commit', '--quiet', ...(signer === 'none' ? ['--no-gpg-sign'] : ['-S']), '-m', `signed by ${signer}`]);
    if (tag) git(['tag', ...(signer === 'none' ? ['-a'] : ['-s']), tag, '-m', `release ${tag}`]);
    git([
      'push',
      '--quiet',
      server.repositories.pathOf(name),
      'HEAD:refs/heads/main',
      ...(tag ? [`refs/tags/${tag}`] : []),
    ]);
    return git(['rev-parse', 'HEAD']);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

describe('spec.verify', () => {
  it('verifies an OpenPGP-signed HEAD commit', async () => {
    const commit = await repositoryWithCommit('pgp-head', 'pgp');
    await createGitRepository(harness, 'pgp-head', {
      url: server.urlOf('pgp-head'),
      ref: { branch: 'main' },
      verify: { mode: 'HEAD', secretRef: { name: 'pgp-keys' } },
    });
    const repository = await waitForReady(harness, 'pgp-head', `main@sha1:${commit}`);
    expect(conditionOf(repository, 'SourceVerified')).toMatchObject({
      status: 'True',
      reason: 'Succeeded',
      message: `verified signature of commit '${commit}'`,
    });
    expect(repository.status?.sourceVerificationMode).toBe('HEAD');
  });

  it('verifies a signed tag and its commit (TagAndHEAD)', async () => {
    const commit = await repositoryWithCommit('pgp-tag', 'pgp', 'v1.0.0');
    await createGitRepository(harness, 'pgp-tag', {
      url: server.urlOf('pgp-tag'),
      ref: { tag: 'v1.0.0' },
      verify: { mode: 'TagAndHEAD', secretRef: { name: 'pgp-keys' } },
    });
    const repository = await waitForReady(harness, 'pgp-tag', `v1.0.0@sha1:${commit}`);
    expect(conditionOf(repository, 'SourceVerified')?.message).toBe(
      `verified signature of tag 'v1.0.0' and commit '${commit}'`,
    );
  });

  it('verifies an SSH-signed commit', async () => {
    const commit = await repositoryWithCommit('ssh-head', 'ssh');
    await createGitRepository(harness, 'ssh-head', {
      url: server.urlOf('ssh-head'),
      ref: { branch: 'main' },
      verify: { mode: 'HEAD', secretRef: { name: 'ssh-keys' } },
    });
    await waitForReady(harness, 'ssh-head', `main@sha1:${commit}`);
  });

  it('refuses an unsigned commit and stores nothing', async () => {
    await repositoryWithCommit('unsigned', 'none');
    await createGitRepository(harness, 'unsigned', {
      url: server.urlOf('unsigned'),
      ref: { branch: 'main' },
      verify: { mode: 'HEAD', secretRef: { name: 'pgp-keys' } },
    });
    const repository = await waitForNotReady(
      harness,
      'unsigned',
      /signature of commit '[0-9a-f]{40}' could not be verified .*: it is not signed/,
    );
    expect(conditionOf(repository, 'SourceVerified')).toMatchObject({ status: 'False', reason: 'VerificationError' });
    expect(repository.status?.artifact).toBeUndefined();
  });

  it('refuses a signature by a key that is not in the Secret', async () => {
    await repositoryWithCommit('untrusted', 'ssh');
    await createGitRepository(harness, 'untrusted', {
      url: server.urlOf('untrusted'),
      ref: { branch: 'main' },
      verify: { mode: 'HEAD', secretRef: { name: 'other-ssh-keys' } },
    });
    const repository = await waitForNotReady(harness, 'untrusted', /could not be verified/);
    expect(conditionOf(repository, 'SourceVerified')?.status).toBe('False');
    expect(repository.status?.artifact).toBeUndefined();
  });

  it('refuses Tag mode on a branch ref', async () => {
    await createGitRepository(harness, 'tag-on-branch', {
      url: server.urlOf('pgp-head'),
      ref: { branch: 'main' },
      verify: { mode: 'Tag', secretRef: { name: 'pgp-keys' } },
    });
    await waitForNotReady(harness, 'tag-on-branch', /verifies a tag, but spec\.ref does not name a tag/);
  });
});
