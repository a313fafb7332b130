// `spec.verify`: checks OpenPGP or SSH signatures of the checked-out commit and/or tag with the system git,
// against only the keys in the named Secret (a throwaway GNUPGHOME and allowed-signers file per verification).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runGit } from '@fluxion/runtime';

export type VerifyMode = 'HEAD' | 'Tag' | 'TagAndHEAD';

export class VerificationError extends Error {
  readonly reason = 'VerificationError';
  constructor(message: string) {
    super(message);
    this.name = 'VerificationError';
  }
}

export interface TrustedKeys {
  /** ASCII-armored OpenPGP public keys. */
  pgp: string[];
  /** OpenSSH public key lines. */
  ssh: string[];
}

export interface VerifyCheckoutOptions {
  /** The checkout made by checkoutGitRepository. */
  directory: string;
  mode: VerifyMode;
  keys: TrustedKeys;
  /** The tag the checkout came from (tag or semver refs); undefined for branches and commits. */
  tag: string | undefined;
  commit: string;
  /** The ref holding the fetched tag object. */
  tagRef?: string;
  timeoutMs?: number;
}

const execFileAsync = promisify(execFile);
const sshKeyPattern = /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-\S+|sk-\S+)\s+\S+/;

/** Sorts a Secret's values into PGP and SSH keys: `*.asc` or an armored block is PGP, an OpenSSH key line is SSH. */
export function trustedKeysFrom(data: Map<string, string>, secretName: string): TrustedKeys {
  const keys: TrustedKeys = { pgp: [], ssh: [] };
  for (const [name, value] of data) {
    if (name.endsWith('.asc') || value.includes('BEGIN PGP PUBLIC KEY BLOCK')) keys.pgp.push(value);
    else
      keys.ssh.push(
        ...value
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => sshKeyPattern.test(line)),
      );
  }
  if (keys.pgp.length === 0 && keys.ssh.length === 0) {
    throw new VerificationError(`the verification Secret '${secretName}' holds no OpenPGP (*.asc) or SSH public key`);
  }
  return keys;
}

/** Verifies what `mode` asks for; returns the SourceVerified message. */
export async function verifyCheckout(options: VerifyCheckoutOptions): Promise<string> {
  const wantsTag = options.mode === 'Tag' || options.mode === 'TagAndHEAD';
  const wantsHead = options.mode === 'HEAD' || options.mode === 'TagAndHEAD';
  if (wantsTag && options.tag === undefined) {
    throw new VerificationError(
      `spec.verify.mode '${options.mode}' verifies a tag, but spec.ref does not name a tag or semver range`,
    );
  }
  const home = await mkdtemp(join(tmpdir(), 'fluxion-verify-'));
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  try {
    const env = await prepareVerifier(home, options.keys);
    const verified: string[] = [];
    if (wantsTag) {
      await verifyObject(
        ['verify-tag', options.tagRef ?? `refs/tags/${options.tag}`],
        `tag '${options.tag}'`,
        options.directory,
        env,
        deadline,
      );
      verified.push(`tag '${options.tag}'`);
    }
    if (wantsHead) {
      await verifyObject(['verify-commit', 'HEAD'], `commit '${options.commit}'`, options.directory, env, deadline);
      verified.push(`commit '${options.commit}'`);
    }
    return `verified signature of ${verified.join(' and ')}`;
  } finally {
    await execFileAsync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: home } }).catch(
      () => undefined,
    );
    await rm(home, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function prepareVerifier(home: string, keys: TrustedKeys): Promise<Record<string, string>> {
  const env: Record<string, string> = { GNUPGHOME: home };
  for (const [index, key] of keys.pgp.entries()) {
    const file = join(home, `key-${index}.asc`);
    await writeFile(file, key);
    try {
      await execFileAsync('gpg', ['--batch', '--quiet', '--import', file], {
        env: { ...process.env, GNUPGHOME: home },
        timeout: 30_000,
      });
    } catch (error) {
      throw new VerificationError(
        `could not import OpenPGP key #${index + 1} of the verification Secret: ${lastLine((error as { stderr?: string }).stderr)}`,
      );
    }
  }
  const allowedSigners = join(home, 'allowed_signers');
  await writeFile(allowedSigners, keys.ssh.map((key) => `* namespaces="git" ${key}\n`).join(''));
  // git picks the format from the signature itself; SSH signatures are checked against this file only.
  env.GIT_CONFIG_COUNT = '1';
  env.GIT_CONFIG_KEY_0 = 'gpg.ssh.allowedSignersFile';
  env.GIT_CONFIG_VALUE_0 = allowedSigners;
  return env;
}

async function verifyObject(
  args: string[],
  what: string,
  cwd: string,
  env: Record<string, string>,
  deadline: number,
): Promise<void> {
  try {
    await runGit(args, { cwd, env, deadline });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    const detail =
      stderr.trim() === '' || /no signature found|cannot verify a non-tag object/i.test(stderr)
        ? 'it is not signed'
        : lastLine(stderr);
    throw new VerificationError(
      `signature of ${what} could not be verified with the keys in spec.verify.secretRef: ${detail}`,
    );
  }
}

function lastLine(text: string | undefined): string {
  const lines = (text ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.at(-1) ?? 'no output';
}
