// SOPS: the time decryption adds to a build of one Kustomization holding 100 Secrets encrypted by the real sops CLI
// (age), plus an encrypted .env behind a secretGenerator: a new revision's build with spec.decryption against the same
// build of the plaintext. The Secret with the keys is read once per reconcile (one GET, not counted here).
// Usage: node packages/kustomize-controller/bench/sops-decryption.ts [--secrets 100] [--runs 7]
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildManifests, diskFileSystem, type FileSystem } from 'kustomize-ts';
import { decryptBuiltObjects, decryptGeneratorSources } from '../src/decrypt-sources.ts';
import { SopsDecryptor } from '../src/sops-decryptor.ts';
import { loadKeyring } from '../src/sops-keys.ts';
import { ageKey, sopsEncrypt } from '../test/support/sops-cli.ts';

const { values } = parseArgs({
  options: { secrets: { type: 'string', default: '100' }, runs: { type: 'string', default: '7' } },
});
const count = Number(values.secrets);
const runs = Number(values.runs);
const progress = (text: string) => process.stderr.write(`\r\x1b[K${text}`);

const secretYaml = (index: number) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: secret-${index}\ntype: Opaque\nstringData:\n  username: user-${index}\n  password: password-${index}-${'x'.repeat(32)}\n  url: https://db-${index}.example.invalid:5432/app\n`;

async function writeTree(dir: string, encrypt: (text: string, file: string) => string): Promise<void> {
  await mkdir(join(dir, 'deploy'), { recursive: true });
  const resources: string[] = [];
  for (let index = 0; index < count; index++) {
    progress(`writing ${dir.endsWith('plain') ? 'plain' : 'encrypted'} secret ${index + 1}/${count}`);
    await writeFile(join(dir, 'deploy', `secret-${index}.yaml`), encrypt(secretYaml(index), `secret-${index}.yaml`));
    resources.push(`  - secret-${index}.yaml`);
  }
  await writeFile(join(dir, 'deploy', 'app.env'), encrypt('DB_USER=admin\nDB_PASSWORD=secret\n', 'app.env'));
  await writeFile(
    join(dir, 'deploy', 'kustomization.yaml'),
    `resources:\n${resources.join('\n')}\nsecretGenerator:\n  - name: app\n    envs:\n      - app.env\n`,
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'kc-sops-bench-'));
  try {
    const age = await ageKey();
    const plainDir = join(root, 'plain');
    const encryptedDir = join(root, 'encrypted');
    await writeTree(plainDir, (text) => text);
    await writeTree(encryptedDir, (text, file) =>
      sopsEncrypt(text, {
        age: [age.recipient],
        fileName: file,
        encryptedRegex: file.endsWith('.env') ? undefined : '^(data|stringData)$',
      }),
    );
    progress('');
    const keyData = { 'identity.agekey': Buffer.from(age.identity).toString('base64') };
    const plainTimes: number[] = [];
    const decryptTimes: number[] = [];
    for (let run = 0; run < runs; run++) {
      progress(`run ${run + 1}/${runs}`);
      let started = performance.now();
      await buildManifests(plainDir, { path: './deploy', spec: {}, allowRemoteBases: false });
      plainTimes.push(performance.now() - started);
      started = performance.now();
      // a reconcile of a new revision: keys parsed, sources decrypted, build, Secrets decrypted with MACs checked
      const decryptor = new SopsDecryptor(await loadKeyring('bench/sops-keys', keyData));
      const built = await buildManifests(encryptedDir, {
        path: './deploy',
        spec: {},
        allowRemoteBases: false,
        decryptSources: (fs: FileSystem, dir: string) => decryptGeneratorSources(fs, dir, encryptedDir, decryptor),
      });
      const objects = await decryptBuiltObjects(built, decryptor, diskFileSystem(), encryptedDir);
      decryptTimes.push(performance.now() - started);
      if (objects.some((object) => 'sops' in object)) throw new Error('a Secret was left encrypted');
    }
    progress('');
    const added = median(decryptTimes) - median(plainTimes);
    console.log(
      `SOPS decryption, ${count} age-encrypted Secrets + 1 encrypted .env in one Kustomization (median of ${runs} runs):`,
    );
    console.log(`  build of the plaintext:            ${median(plainTimes).toFixed(0)} ms`);
    console.log(`  build with decryption (MACs too):  ${median(decryptTimes).toFixed(0)} ms`);
    console.log(`  time added per reconcile:          ${added.toFixed(0)} ms (target: under 1000 ms)`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
