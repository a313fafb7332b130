// SOPS decryption of files written by the real sops CLI (age and GnuPG-made OpenPGP keys), and its refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ageKey, pgpKey, sopsEncrypt, type AgeKey, type PgpKey } from '../test/support/sops-cli.ts';
import { DecryptionError, SopsDecryptor } from './sops-decryptor.ts';
import { loadKeyring, UnsupportedKeyError } from './sops-keys.ts';
import { parse } from 'yaml';
import type { KObject } from 'kustomize-ts';

const secretYaml = `apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: apps
type: Opaque
stringData:
  password: hunter2-plain
  port: "5432"
data:
  token: c2VjcmV0LXRva2Vu
`;

const b64 = (text: string) => Buffer.from(text).toString('base64');
let age: AgeKey;
let otherAge: AgeKey;
let pgp: PgpKey;

beforeAll(async () => {
  age = await ageKey();
  otherAge = await ageKey();
  pgp = pgpKey();
}, 120_000);
afterAll(() => pgp?.dispose());

async function decryptorFor(data: Record<string, string>): Promise<SopsDecryptor> {
  return new SopsDecryptor(await loadKeyring('flux-system/sops-keys', data));
}

const noSources = async () => [];

describe('files encrypted by sops', () => {
  it('decrypts a YAML Secret encrypted for age, and verifies its MAC', async () => {
    const encrypted = sopsEncrypt(secretYaml, {
      age: [age.recipient],
      fileName: 'secret.yaml',
      encryptedRegex: '^(data|stringData)$',
    });
    expect(encrypted).toContain('ENC[AES256_GCM');
    expect(encrypted).not.toContain('hunter2-plain');
    const decryptor = await decryptorFor({ 'identity.agekey': b64(`# created: now\n${age.identity}\n`) });
    const plain = parse((await decryptor.decryptFile(encrypted, 'deploy/secret.yaml')) ?? '');
    expect(plain.stringData).toEqual({ password: 'hunter2-plain', port: '5432' });
    expect(plain.data).toEqual({ token: 'c2VjcmV0LXRva2Vu' });
    expect(plain.sops).toBeUndefined();
  });

  it('decrypts a Secret manifest of the build, whose plain fields the build changed', async () => {
    const encrypted = sopsEncrypt(secretYaml, {
      age: [age.recipient],
      fileName: 'secret.yaml',
      encryptedRegex: '^(data|stringData)$',
    });
    const object = parse(encrypted) as KObject;
    object.metadata = { ...object.metadata, name: 'prefix-db', namespace: 'other', labels: { added: 'by-kustomize' } };
    const decryptor = await decryptorFor({ 'age.agekey': b64(age.identity) });
    const sources = async () => [];
    const plain = await decryptor.decryptObject(object, sources);
    expect(plain['stringData']).toEqual({ password: 'hunter2-plain', port: '5432' });
    expect(plain.metadata?.name).toBe('prefix-db');
    expect('sops' in plain).toBe(false);
  });

  it('decrypts a YAML file encrypted for an OpenPGP key made by GnuPG', async () => {
    const encrypted = sopsEncrypt(secretYaml, { pgp: [pgp], fileName: 'secret.yaml' });
    expect(encrypted).toContain(pgp.fingerprint);
    const decryptor = await decryptorFor({ 'identity.asc': b64(pgp.armoredSecretKey) });
    const plain = parse((await decryptor.decryptFile(encrypted, 'secret.yaml')) ?? '');
    expect(plain).toMatchObject({
      kind: 'Secret',
      metadata: { name: 'db' },
      stringData: { password: 'hunter2-plain' },
    });
  });

  it('decrypts JSON, dotenv and INI files, keeping their format', async () => {
    const decryptor = await decryptorFor({ 'identity.agekey': b64(age.identity) });
    const json = sopsEncrypt('{"user": "admin", "count": 3, "enabled": true, "nested": {"list": ["a", "b"]}}\n', {
      age: [age.recipient],
      fileName: 'settings.json',
    });
    expect(JSON.parse((await decryptor.decryptFile(json, 'settings.json')) ?? '')).toEqual({
      user: 'admin',
      count: 3,
      enabled: true,
      nested: { list: ['a', 'b'] },
    });
    const dotenv = sopsEncrypt('USER=admin\n# a comment\nPASSWORD=multi\\nline\n', {
      age: [age.recipient],
      fileName: 'app.env',
    });
    expect(dotenv).toContain('sops_mac=ENC[');
    expect(await decryptor.decryptFile(dotenv, 'app.env')).toBe('USER=admin\nPASSWORD=multi\\nline\n');
    const ini = sopsEncrypt('[database]\nuser = admin\npassword = s3cret\n\n[cache]\nttl = 60\n', {
      age: [age.recipient],
      fileName: 'app.ini',
    });
    expect(ini).toContain('[sops]');
    expect(await decryptor.decryptFile(ini, 'app.ini')).toBe(
      '[database]\nuser = admin\npassword = s3cret\n\n[cache]\nttl = 60\n',
    );
  });

  it('verifies a MAC over the encrypted values only (mac_only_encrypted, set by a creation rule)', async () => {
    const encrypted = sopsEncrypt(secretYaml, {
      age: [age.recipient],
      fileName: 'secret.yaml',
      encryptedRegex: '^stringData$',
      macOnlyEncrypted: true,
    });
    const decryptor = await decryptorFor({ 'identity.agekey': b64(age.identity) });
    expect(parse((await decryptor.decryptFile(encrypted, 'secret.yaml')) ?? '').stringData.password).toBe(
      'hunter2-plain',
    );
  });

  it('decrypts Secret data entries that are encrypted files, by the format of their key', async () => {
    const dotenv = sopsEncrypt('USER=admin\n', { age: [age.recipient], fileName: 'app.env' });
    const decryptor = await decryptorFor({ 'identity.agekey': b64(age.identity) });
    const object: KObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'gen' },
      data: { 'app.env': b64(dotenv), plain: b64('x') },
    };
    const plain = await decryptor.decryptObject(object, noSources);
    expect(plain['data']).toEqual({ 'app.env': b64('USER=admin\n'), plain: b64('x') });
  });
});

describe('refusals', () => {
  it('refuses a tampered file (MAC mismatch), naming it', async () => {
    const encrypted = sopsEncrypt(secretYaml, {
      age: [age.recipient],
      fileName: 'secret.yaml',
      encryptedRegex: '^(data|stringData)$',
    });
    const tampered = encrypted.replace('name: db', 'name: evil');
    const decryptor = await decryptorFor({ 'identity.agekey': b64(age.identity) });
    const failure = await decryptor.decryptFile(tampered, 'deploy/secret.yaml').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DecryptionError);
    expect((failure as Error).message).toMatch(
      /^deploy\/secret\.yaml: failed to verify SOPS data integrity: MAC mismatch/,
    );
  });

  it('refuses a Secret manifest whose source file was tampered with, naming the file', async () => {
    const encrypted = sopsEncrypt(secretYaml, {
      age: [age.recipient],
      fileName: 'secret.yaml',
      encryptedRegex: '^(data|stringData)$',
    });
    const tampered = encrypted.replace('type: Opaque', 'type: kubernetes.io/tls');
    const { readMetadata, treeFromObject } = await import('./sops-tree.ts');
    const { parseEncrypted } = await import('./sops-formats.ts');
    const document = parseEncrypted(tampered, 'yaml');
    const sources = async () => [
      { file: 'deploy/secret.yaml', branches: document.branches, metadata: readMetadata(document.sops) },
    ];
    const decryptor = await decryptorFor({ 'identity.agekey': b64(age.identity) });
    const failure = await decryptor.decryptObject(parse(tampered) as KObject, sources).catch((error: unknown) => error);
    expect((failure as Error).message).toMatch(/^deploy\/secret\.yaml: failed to verify SOPS data integrity/);
    expect(readMetadata(treeFromObject(parse(tampered).sops)).mac).toBe(readMetadata(document.sops).mac);
  });

  it('refuses a value moved to another key (its path is the additional data)', async () => {
    const encrypted = sopsEncrypt('stringData:\n  a: one\n  b: two\n', { age: [age.recipient], fileName: 'x.yaml' });
    const lines = encrypted.split('\n');
    const a = lines.findIndex((line) => line.startsWith('    a: '));
    const b = lines.findIndex((line) => line.startsWith('    b: '));
    const swapped = lines
      .map((line, index) =>
        index === a ? `    a: ${lines[b]?.slice(7)}` : index === b ? `    b: ${lines[a]?.slice(7)}` : line,
      )
      .join('\n');
    const decryptor = await decryptorFor({ 'identity.agekey': b64(age.identity) });
    await expect(decryptor.decryptFile(swapped, 'x.yaml')).rejects.toThrow(
      /x\.yaml: value at 'stringData\.a' could not be decrypted/,
    );
  });

  it('with a wrong key, names the Secret and the recipients the file is encrypted for', async () => {
    const encrypted = sopsEncrypt(secretYaml, { age: [age.recipient], pgp: [pgp], fileName: 'secret.yaml' });
    const decryptor = await decryptorFor({ 'identity.agekey': b64(otherAge.identity) });
    const failure = (await decryptor.decryptFile(encrypted, 'secret.yaml').catch((error: unknown) => error)) as Error;
    expect(failure).toBeInstanceOf(DecryptionError);
    expect(failure.message).toContain("no key in Secret 'flux-system/sops-keys' decrypts it");
    expect(failure.message).toContain(age.recipient);
    expect(failure.message).toContain(pgp.fingerprint);
    expect(failure.message).not.toContain('hunter2');
  });

  it('names the provider of a file encrypted only for a KMS this controller does not support', async () => {
    const encrypted = sopsEncrypt(secretYaml, { age: [age.recipient], fileName: 'secret.yaml' });
    // the same file as a Vault-only file would carry it: its age stanza replaced by an hc_vault one
    const vaultOnly = encrypted.replace(
      / {4}age:\n(?: {8}.*\n| {12}.*\n)+/,
      '    hc_vault:\n        - vault_address: https://vault.example.invalid:8200\n          engine_path: sops\n          key_name: k\n          enc: vault:v1:abc\n',
    );
    expect(vaultOnly).toContain('hc_vault');
    const decryptor = await decryptorFor({ 'identity.agekey': b64(age.identity) });
    await expect(decryptor.decryptFile(vaultOnly, 'secret.yaml')).rejects.toThrow(
      /encrypted only for HashiCorp Vault \(https:\/\/vault\.example\.invalid:8200\), which this controller does not support/,
    );
  });

  it('refuses key types it cannot use, naming the Secret entry', async () => {
    await expect(loadKeyring('ns/keys', { 'yubi.agekey': b64('AGE-PLUGIN-YUBIKEY-1QQQ') })).rejects.toThrow(
      UnsupportedKeyError,
    );
    await expect(
      loadKeyring('ns/keys', { 'ssh.agekey': b64('-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n') }),
    ).rejects.toThrow(/'ssh\.agekey' in Secret 'ns\/keys' is an SSH key/);
    await expect(loadKeyring('ns/keys', { 'bad.asc': b64('not a key') })).rejects.toThrow(
      /'bad\.asc' in Secret 'ns\/keys' is not an armored OpenPGP private key/,
    );
  });
});
