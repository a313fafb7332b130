import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCommitSigner, SigningKeyError } from './commit-signing.ts';

let home: string;
let armoredKey: string;
const passphrase = 'right-passphrase';

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'signing-test-'));
  // A cheap passphrase hash: the agent's calibrated one takes seconds on a busy machine.
  writeFileSync(join(home, 'gpg-agent.conf'), 's2k-count 65536\n');
  const gpg = (args: string[]) =>
    execFileSync('gpg', ['--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', passphrase, ...args], {
      env: { ...process.env, GNUPGHOME: home },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  gpg(['--quick-gen-key', 'Signer <signer@fluxion.invalid>', 'ed25519', 'sign', 'never']);
  armoredKey = gpg(['--armor', '--export-secret-keys', 'signer@fluxion.invalid']);
}, 60_000);
afterAll(() => {
  try {
    execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: home } });
  } catch {
    // no agent
  }
  rmSync(home, { recursive: true, force: true });
});

describe('prepareCommitSigner', () => {
  it('imports the key into a throwaway GNUPGHOME for git, and removes it afterwards', async () => {
    const signer = await prepareCommitSigner(
      new Map([
        ['git.asc', armoredKey],
        ['passphrase', passphrase],
      ]),
      'apps/signing',
    );
    expect(signer.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect(signer.gitConfig).toMatchObject({
      'gpg.format': 'openpgp',
      'user.signingkey': signer.fingerprint,
      'commit.gpgsign': 'true',
    });
    expect(JSON.stringify(signer)).not.toContain(passphrase);
    const gnupgHome = signer.env.GNUPGHOME!;
    expect(existsSync(gnupgHome)).toBe(true);
    await signer.cleanup();
    expect(existsSync(gnupgHome)).toBe(false);
  });

  it('names the Secret when the key is missing, not a key, or the passphrase is wrong', async () => {
    await expect(prepareCommitSigner(new Map(), 'apps/signing')).rejects.toThrow(
      /Secret 'apps\/signing' has no 'git.asc' key/,
    );
    await expect(prepareCommitSigner(new Map([['git.asc', 'not a key']]), 'apps/signing')).rejects.toThrow(
      SigningKeyError,
    );
    await expect(
      prepareCommitSigner(
        new Map([
          ['git.asc', armoredKey],
          ['passphrase', 'wrong'],
        ]),
        'apps/signing',
      ),
    ).rejects.toThrow(/cannot sign \(is 'passphrase' right\?\)/);
  });
});
