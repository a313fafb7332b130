// The real `sops` CLI (built from its Go module by scripts/install-sops.sh) and real keys: age identities and GnuPG
// OpenPGP keys, so the tests decrypt files in the format SOPS really writes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';

const installScript = join(import.meta.dirname, '../../scripts/install-sops.sh');
let sopsPath: string | undefined;

/** The sops binary, built the first time (cached under ~/.cache/fluxion/sops/<version>). */
export function sopsBinary(): string {
  sopsPath ??= execFileSync('bash', [installScript], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  return sopsPath;
}

export interface AgeKey {
  identity: string;
  recipient: string;
}

export async function ageKey(): Promise<AgeKey> {
  const identity = await generateIdentity();
  return { identity, recipient: await identityToRecipient(identity) };
}

export interface PgpKey {
  fingerprint: string;
  /** The armored secret key, as a `*.asc` entry of the decryption Secret holds it. */
  armoredSecretKey: string;
  /** The GnuPG home sops encrypts with; removed by dispose(). */
  gnupgHome: string;
  dispose(): void;
}

/** A passwordless OpenPGP key made by GnuPG in a home of its own. */
export function pgpKey(type: 'default' | 'rsa3072' = 'default'): PgpKey {
  const gnupgHome = mkdtempSync(join(tmpdir(), 'kc-gnupg-'));
  const gpg = (args: string[]) =>
    execFileSync('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], {
      env: { ...process.env, GNUPGHOME: gnupgHome },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  gpg(['--quick-gen-key', 'Fluxion Test <test@fluxion.invalid>', type, 'default', 'never']);
  const listing = gpg(['--with-colons', '--list-secret-keys']);
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(listing)?.[1] ?? '';
  const armoredSecretKey = gpg(['--armor', '--export-secret-keys', fingerprint]);
  return {
    fingerprint,
    armoredSecretKey,
    gnupgHome,
    dispose() {
      try {
        execFileSync('gpgconf', ['--kill', 'gpg-agent'], {
          env: { ...process.env, GNUPGHOME: gnupgHome },
          stdio: 'ignore',
        });
      } catch {
        // no agent was started
      }
      rmSync(gnupgHome, { recursive: true, force: true });
    },
  };
}

export interface EncryptOptions {
  age?: string[];
  pgp?: PgpKey[];
  /** The file name (its extension tells sops the format). */
  fileName: string;
  encryptedRegex?: string;
  macOnlyEncrypted?: boolean;
}

/** `sops encrypt` of `plain`, as a user would run it before committing the file. */
export function sopsEncrypt(plain: string, options: EncryptOptions): string {
  const dir = mkdtempSync(join(tmpdir(), 'kc-sops-'));
  try {
    const file = join(dir, options.fileName);
    writeFileSync(file, plain);
    const args: string[] = [];
    if (options.macOnlyEncrypted) {
      // only a creation rule sets it; the keys still come from the flags
      writeFileSync(join(dir, '.sops.yaml'), 'creation_rules:\n  - mac_only_encrypted: true\n');
      args.push('--config', join(dir, '.sops.yaml'));
    }
    args.push('encrypt');
    if (options.age?.length) args.push('--age', options.age.join(','));
    if (options.pgp?.length) args.push('--pgp', options.pgp.map((key) => key.fingerprint).join(','));
    if (options.encryptedRegex) args.push('--encrypted-regex', options.encryptedRegex);
    args.push(file);
    const gnupgHome = options.pgp?.[0]?.gnupgHome;
    return execFileSync(sopsBinary(), args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SOPS_AGE_KEY_FILE: '/dev/null', ...(gnupgHome ? { GNUPGHOME: gnupgHome } : {}) },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
