// `spec.git.commit.signingKey`: the armored OpenPGP key of the Secret (`git.asc`, optional `passphrase`) imported
// into a throwaway GNUPGHOME for one commit; git signs through a wrapper that feeds the passphrase from a 0600 file.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class SigningKeyError extends Error {
  readonly reason = 'InvalidSigningKey';
  constructor(message: string) {
    super(message);
    this.name = 'SigningKeyError';
  }
}

export interface CommitSigner {
  /** Settings for `git commit` (through GIT_CONFIG_* env) and the GNUPGHOME it needs. */
  gitConfig: Record<string, string>;
  env: Record<string, string>;
  fingerprint: string;
  cleanup(): Promise<void>;
}

export async function prepareCommitSigner(secretData: Map<string, string>, secretName: string): Promise<CommitSigner> {
  const armoredKey = secretData.get('git.asc');
  if (!armoredKey)
    throw new SigningKeyError(
      `the signing key Secret '${secretName}' has no 'git.asc' key (an armored OpenPGP private key)`,
    );
  // A short path: gpg-agent's socket lives in GNUPGHOME and socket paths are limited to ~100 bytes.
  const home = await mkdtemp(join(tmpdir(), 'fx-gpg-'));
  const env = { GNUPGHOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const cleanup = async () => {
    await run('gpgconf', ['--kill', 'gpg-agent'], { env }).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  };
  try {
    const keyFile = join(home, 'key.asc');
    const passphraseFile = join(home, 'passphrase');
    await writeFile(keyFile, armoredKey, { mode: 0o600 });
    await writeFile(passphraseFile, secretData.get('passphrase') ?? '', { mode: 0o600 });
    // The agent re-protects an imported key with a passphrase hash calibrated to cost ~100 ms of CPU, seconds on a
    // busy node; this keyring lives for one commit in a 0700 directory, so the cheapest hash will do.
    await writeFile(join(home, 'gpg-agent.conf'), 's2k-count 65536\n', { mode: 0o600 });
    const gpgArgs = ['--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase-file', passphraseFile];
    await run('gpg', [...gpgArgs, '--import', keyFile], { env }).catch((error: { stderr?: string }) => {
      throw new SigningKeyError(
        `the key in 'git.asc' of Secret '${secretName}' could not be imported: ${firstLine(error.stderr)}`,
      );
    });
    const { stdout } = await run('gpg', ['--batch', '--with-colons', '--list-secret-keys'], { env });
    const fingerprint = /^fpr:+([0-9A-F]+):/m.exec(stdout)?.[1];
    if (!fingerprint) throw new SigningKeyError(`'git.asc' of Secret '${secretName}' holds no private key`);
    const wrapper = join(home, 'gpg-sign');
    await writeFile(wrapper, `#!/bin/sh\nexec gpg ${gpgArgs.map((arg) => `'${arg}'`).join(' ')} "$@"\n`, {
      mode: 0o700,
    });
    // Signing once here turns a wrong passphrase into a named error rather than git's "failed to sign the data".
    await run(
      'gpg',
      [...gpgArgs, '--local-user', fingerprint, '--detach-sign', '--output', join(home, 'probe.sig'), keyFile],
      { env },
    ).catch((error: { stderr?: string }) => {
      throw new SigningKeyError(
        `the key in Secret '${secretName}' cannot sign (is 'passphrase' right?): ${firstLine(error.stderr)}`,
      );
    });
    return {
      gitConfig: {
        'gpg.format': 'openpgp',
        'gpg.program': wrapper,
        'user.signingkey': fingerprint,
        'commit.gpgsign': 'true',
      },
      env: { GNUPGHOME: home },
      fingerprint,
      cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function firstLine(text: string | undefined): string {
  return (
    (text ?? '')
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line !== '' && !line.startsWith('gpg: key')) ?? 'gpg failed'
  );
}
