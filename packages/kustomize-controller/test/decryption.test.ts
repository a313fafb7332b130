// SOPS decryption against the real control plane: files encrypted by the real sops CLI are applied decrypted; a wrong
// key, a missing Secret or a tampered file leaves the cluster as it was, with no plaintext in status or Events.
import type { CoreV1Event, V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configMapYaml, eventually, readyOf, startKustomizeEnv, type KustomizeEnv } from './support/kustomize-env.ts';
import { ageKey, pgpKey, sopsEncrypt, type AgeKey, type PgpKey } from './support/sops-cli.ts';

let k: KustomizeEnv;
let age: AgeKey;
let pgp: PgpKey;
const b64 = (text: string) => Buffer.from(text).toString('base64');
const plainPassword = 'correct-horse-battery-staple';

const secretYaml = (name: string) => `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
type: Opaque
stringData:
  password: ${plainPassword}
`;

beforeAll(async () => {
  k = await startKustomizeEnv('sops');
  age = await ageKey();
  pgp = pgpKey();
  await k.client.apply(
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sops-keys', namespace: k.ns },
      data: { 'identity.agekey': b64(age.identity), 'identity.asc': b64(pgp.armoredSecretKey) },
    },
    { fieldManager: 'test', force: true },
  );
});
afterAll(async () => {
  await k?.stop();
  pgp?.dispose();
});

const secret = (name: string) => k.get<V1Secret>('v1', 'Secret', name);

async function failedWith(name: string, reason: string, revision: string) {
  return eventually(`${name} Ready=False ${reason}`, async () => {
    const kustomization = await k.getKustomization(name);
    const ready = readyOf(kustomization);
    return ready?.status === 'False' &&
      ready.reason === reason &&
      kustomization?.status?.lastAttemptedRevision === revision
      ? kustomization
      : undefined;
  });
}

async function warningEvents(name: string): Promise<string> {
  const { items } = await k.client.list<CoreV1Event>(
    { group: '', version: 'v1', kind: 'Event' },
    { namespace: k.ns, fieldSelector: `involvedObject.name=${name}` },
  );
  return items.map((event) => event.message ?? '').join('\n');
}

describe('SOPS decryption', () => {
  it('applies an age-encrypted Secret, a PGP-encrypted one and a Secret generated from an encrypted .env, decrypted', async () => {
    const regex = '^(data|stringData)$';
    const revision = await k.publish('app', {
      'deploy/kustomization.yaml':
        'resources:\n  - age-secret.yaml\n  - pgp-secret.yaml\n  - settings.yaml\nsecretGenerator:\n  - name: generated\n    envs:\n      - app.env\n    options:\n      disableNameSuffixHash: true\n',
      'deploy/age-secret.yaml': sopsEncrypt(secretYaml('from-age'), {
        age: [age.recipient],
        fileName: 's.yaml',
        encryptedRegex: regex,
      }),
      'deploy/pgp-secret.yaml': sopsEncrypt(secretYaml('from-pgp'), {
        pgp: [pgp],
        fileName: 's.yaml',
        encryptedRegex: regex,
      }),
      'deploy/app.env': sopsEncrypt(`DB_PASSWORD=${plainPassword}\nDB_USER=admin\n`, {
        age: [age.recipient],
        fileName: 'app.env',
      }),
      'deploy/settings.yaml': configMapYaml('settings', { color: 'blue' }),
    });
    await k.applyKustomization('app', {
      path: './deploy',
      targetNamespace: k.ns,
      decryption: { provider: 'sops', secretRef: { name: 'sops-keys' } },
    });
    await eventually('app Ready', async () => {
      const kustomization = await k.getKustomization('app');
      return readyOf(kustomization)?.status === 'True' && kustomization?.status?.lastAppliedRevision === revision;
    });
    expect(Buffer.from((await secret('from-age'))?.data?.['password'] ?? '', 'base64').toString()).toBe(plainPassword);
    expect(Buffer.from((await secret('from-pgp'))?.data?.['password'] ?? '', 'base64').toString()).toBe(plainPassword);
    const generated = await secret('generated');
    expect(Buffer.from(generated?.data?.['DB_PASSWORD'] ?? '', 'base64').toString()).toBe(plainPassword);
    expect(Buffer.from(generated?.data?.['DB_USER'] ?? '', 'base64').toString()).toBe('admin');
    // nothing of SOPS' metadata reaches the cluster
    expect(JSON.stringify(await secret('from-age'))).not.toContain('ENC[');
  });

  it('a tampered file is refused naming it; nothing is applied and nothing pruned', async () => {
    const encrypted = sopsEncrypt(secretYaml('tampered'), {
      age: [age.recipient],
      fileName: 's.yaml',
      encryptedRegex: '^(data|stringData)$',
    });
    const good = await k.publish('tamper', {
      'deploy/secret.yaml': encrypted,
      'deploy/keep.yaml': configMapYaml('keep', { v: '1' }),
    });
    await k.applyKustomization('tamper', {
      path: './deploy',
      targetNamespace: k.ns,
      decryption: { provider: 'sops', secretRef: { name: 'sops-keys' } },
    });
    await eventually(
      'tamper Ready',
      async () => (await k.getKustomization('tamper'))?.status?.lastAppliedRevision === good,
    );
    const bad = await k.publish('tamper', {
      'deploy/secret.yaml': encrypted.replace('type: Opaque', 'type: Opaque\nimmutable: true'),
      'deploy/new.yaml': configMapYaml('new', { v: '1' }),
    });
    const failed = await failedWith('tamper', 'DecryptionFailed', bad);
    expect(readyOf(failed)?.message).toMatch(
      /^deploy\/secret\.yaml: failed to verify SOPS data integrity: MAC mismatch/,
    );
    expect(await k.get<V1ConfigMap>('v1', 'ConfigMap', 'new')).toBeUndefined();
    expect(await k.get<V1ConfigMap>('v1', 'ConfigMap', 'keep')).toBeDefined();
    expect((await secret('tampered'))?.immutable).toBeFalsy();
  });

  it('a wrong key names the Secret and the recipients; a missing Secret names it; no plaintext anywhere', async () => {
    const other = await ageKey();
    await k.client.apply(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'wrong-keys', namespace: k.ns },
        data: { 'other.agekey': b64(other.identity) },
      },
      { fieldManager: 'test', force: true },
    );
    const revision = await k.publish('wrong', {
      'deploy/secret.yaml': sopsEncrypt(secretYaml('never'), {
        age: [age.recipient],
        fileName: 's.yaml',
        encryptedRegex: '^(data|stringData)$',
      }),
      'deploy/cm.yaml': configMapYaml('never-cm', { v: '1' }),
    });
    await k.applyKustomization('wrong', {
      path: './deploy',
      targetNamespace: k.ns,
      decryption: { provider: 'sops', secretRef: { name: 'wrong-keys' } },
    });
    const failed = await failedWith('wrong', 'DecryptionFailed', revision);
    const message = readyOf(failed)?.message ?? '';
    expect(message).toContain(`no key in Secret '${k.ns}/wrong-keys' decrypts it`);
    expect(message).toContain(age.recipient);
    expect(await k.get('v1', 'ConfigMap', 'never-cm')).toBeUndefined();
    expect(await secret('never')).toBeUndefined();

    await k.applyKustomization('wrong', {
      path: './deploy',
      targetNamespace: k.ns,
      decryption: { provider: 'sops', secretRef: { name: 'absent-keys' } },
    });
    const missing = await eventually('the missing Secret named', async () => {
      const kustomization = await k.getKustomization('wrong');
      return readyOf(kustomization)?.message?.includes(`decryption Secret '${k.ns}/absent-keys' not found`)
        ? kustomization
        : undefined;
    });
    expect(readyOf(missing)?.status).toBe('False');
    const everything =
      JSON.stringify(missing) +
      (await warningEvents('wrong')) +
      JSON.stringify(await k.getKustomization('app')) +
      (await warningEvents('app'));
    expect(everything).not.toContain(plainPassword);
  });
});
