import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMarker } from './setter-marker.ts';
import { applySettersToYaml, type PolicyImages } from './setters.ts';
import { updateWithSetters } from './update-files.ts';

const digest = `sha256:${'a'.repeat(64)}`;
const policies: PolicyImages = new Map([
  ['apps:web', { name: 'ghcr.io/org/web', tag: '1.26.0' }],
  ['apps:pinned', { name: 'ghcr.io/org/pinned', tag: '2.0.0', digest }],
  ['apps:waiting', undefined],
]);

const deployment = `# The web tier.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps   # kept

spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: web
          image: ghcr.io/org/web:1.25.0 # {"$imagepolicy": "apps:web"}
        - name: side
          image: "ghcr.io/org/pinned:1.0.0"   # {"$imagepolicy": "apps:pinned"}
        - name: other
          image: 'ghcr.io/org/other:3' # not a marker
`;

describe('applySettersToYaml', () => {
  it('rewrites only the marked scalars, keeping every other byte and the quoting', () => {
    const result = applySettersToYaml(deployment, policies);
    if (!result.ok) throw new Error(result.message);
    expect(result.text).toBe(
      deployment
        .replace('ghcr.io/org/web:1.25.0 #', 'ghcr.io/org/web:1.26.0 #')
        .replace('"ghcr.io/org/pinned:1.0.0"', `"ghcr.io/org/pinned:2.0.0@${digest}"`),
    );
    expect(result.warnings).toEqual([]);
    expect(result.changes).toEqual([
      {
        object: { Name: 'web', Namespace: 'apps', APIVersion: 'apps/v1', Kind: 'Deployment' },
        line: 14,
        change: { OldValue: 'ghcr.io/org/web:1.25.0', NewValue: 'ghcr.io/org/web:1.26.0', Setter: 'apps:web' },
      },
      {
        object: { Name: 'web', Namespace: 'apps', APIVersion: 'apps/v1', Kind: 'Deployment' },
        line: 16,
        change: {
          OldValue: 'ghcr.io/org/pinned:1.0.0',
          NewValue: `ghcr.io/org/pinned:2.0.0@${digest}`,
          Setter: 'apps:pinned',
        },
      },
    ]);
  });

  it('sets the :name, :tag and :digest parts, in single quotes, flow sequences and after the last key of a document', () => {
    const values = `image:
  repository: ghcr.io/org/old # {"$imagepolicy": "apps:pinned:name"}
  tag: '1.0.0' # {"$imagepolicy": "apps:pinned:tag"}
  list: [a, 1.0.0] # {"$imagepolicy": "apps:pinned:tag"}
  digest: sha256:0 # {"$imagepolicy":"apps:pinned:digest"}
---
last: 1.0 # {"$imagepolicy": "apps:web:tag"}`;
    const result = applySettersToYaml(values, policies);
    if (!result.ok) throw new Error(result.message);
    expect(result.text).toBe(`image:
  repository: ghcr.io/org/pinned # {"$imagepolicy": "apps:pinned:name"}
  tag: '2.0.0' # {"$imagepolicy": "apps:pinned:tag"}
  list: [a, 1.0.0] # {"$imagepolicy": "apps:pinned:tag"}
  digest: ${digest} # {"$imagepolicy":"apps:pinned:digest"}
---
last: 1.26.0 # {"$imagepolicy": "apps:web:tag"}`);
    expect(result.changes.map((change) => change.change.Setter)).toEqual([
      'apps:pinned:name',
      'apps:pinned:tag',
      'apps:pinned:digest',
      'apps:web:tag',
    ]);
  });

  it('names a marker for an unknown or undecided policy with its line, and still updates the rest', () => {
    const text = `a: x:1 # {"$imagepolicy": "apps:missing"}
b: y:1 # {"$imagepolicy": "apps:waiting"}
c: z:1 # {"$imagepolicy": "apps:web:digest"}
d: w:1 # {"$imagepolicy": "apps"}
e: ghcr.io/org/web:1.0 # {"$imagepolicy": "apps:web"}
f: |
  ghcr.io/org/web:1.0 # {"$imagepolicy": "apps:web"}
`;
    const result = applySettersToYaml(text, policies);
    if (!result.ok) throw new Error(result.message);
    expect(result.warnings).toEqual([
      {
        line: 1,
        message:
          'marker "apps:missing" names ImagePolicy apps/missing, which does not exist or is not selected by spec.policySelector',
      },
      { line: 2, message: 'ImagePolicy apps/waiting (marker "apps:waiting") has not chosen an image yet' },
      {
        line: 3,
        message:
          'ImagePolicy apps/web has no digest for marker "apps:web:digest" (set its spec.digestReflectionPolicy)',
      },
      { line: 4, message: 'the marker "apps" is not <namespace>:<name> with an optional :tag, :name or :digest' },
    ]);
    expect(result.text).toBe(text.replace('e: ghcr.io/org/web:1.0', 'e: ghcr.io/org/web:1.26.0'));
  });

  it('changes nothing when the value is already the latest, and quotes a plain value that cannot stay plain', () => {
    const same = 'image: ghcr.io/org/web:1.26.0 # {"$imagepolicy": "apps:web"}\n';
    expect(applySettersToYaml(same, policies)).toMatchObject({ ok: true, text: same, changes: [] });
    const odd: PolicyImages = new Map([['apps:odd', { name: 'reg/odd', tag: 'a #b' }]]);
    expect(applySettersToYaml('tag: x # {"$imagepolicy": "apps:odd:tag"}\n', odd)).toMatchObject({
      text: 'tag: "a #b" # {"$imagepolicy": "apps:odd:tag"}\n',
    });
  });

  it('refuses a malformed file with its line', () => {
    const result = applySettersToYaml('a: [1, 2\nimage: x # {"$imagepolicy": "apps:web"}\n', policies);
    expect(result).toMatchObject({ ok: false });
    if (!result.ok) expect(result.line).toBeGreaterThan(0);
  });
});

describe('parseMarker', () => {
  it('reads the four forms and ignores other comments', () => {
    expect(parseMarker(' {"$imagepolicy": "ns:p"}')).toEqual({
      setter: 'ns:p',
      namespace: 'ns',
      policy: 'p',
      field: 'image',
    });
    expect(parseMarker('{"$imagepolicy":"ns:p:digest"}')).toMatchObject({ field: 'digest' });
    expect(parseMarker(' just a note')).toBeUndefined();
    expect(parseMarker(' {"$imagepolicy": "ns:p:image"}')).toMatch(/not <namespace>:<name>/);
  });
});

describe('updateWithSetters', () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('updates the YAML files under the path, names the malformed one and leaves it byte for byte', async () => {
    root = mkdtempSync(join(tmpdir(), 'setters-'));
    mkdirSync(join(root, 'apps/web'), { recursive: true });
    mkdirSync(join(root, 'other'), { recursive: true });
    writeFileSync(join(root, 'apps/web/deploy.yaml'), deployment);
    const broken = 'image: ghcr.io/org/web:1.0 # {"$imagepolicy": "apps:web"}\n  bad: [\n';
    writeFileSync(join(root, 'apps/broken.yml'), broken);
    writeFileSync(join(root, 'apps/notes.txt'), 'image: x # {"$imagepolicy": "apps:web"}\n');
    writeFileSync(join(root, 'other/outside.yaml'), 'image: x # {"$imagepolicy": "apps:web"}\n');
    const outcome = await updateWithSetters(root, './apps', policies);
    expect(outcome.changedFiles).toEqual(['apps/web/deploy.yaml']);
    expect([...outcome.result.FileChanges.keys()]).toEqual(['web/deploy.yaml']);
    expect(outcome.result.Changes.map((change) => change.NewValue)).toEqual([
      'ghcr.io/org/web:1.26.0',
      `ghcr.io/org/pinned:2.0.0@${digest}`,
    ]);
    expect(outcome.result.Objects.size).toBe(1);
    expect(outcome.problems).toEqual([expect.objectContaining({ file: 'apps/broken.yml', malformed: true })]);
    expect(readFileSync(join(root, 'apps/broken.yml'), 'utf8')).toBe(broken);
    expect(readFileSync(join(root, 'other/outside.yaml'), 'utf8')).toContain('image: x');
    await expect(updateWithSetters(root, '../elsewhere', policies)).rejects.toThrow(/points outside the repository/);
    // A link inside the repository to a directory outside it is not followed, neither as the path nor below it.
    const outside = mkdtempSync(join(tmpdir(), 'setters-outside-'));
    writeFileSync(join(outside, 'victim.yaml'), 'image: x # {"$imagepolicy": "apps:web"}\n');
    symlinkSync(outside, join(root, 'apps/link'));
    await expect(updateWithSetters(root, 'apps/link', policies)).rejects.toThrow(
      /leads outside the repository through a symbolic link/,
    );
    await updateWithSetters(root, 'apps', policies);
    expect(readFileSync(join(outside, 'victim.yaml'), 'utf8')).toContain('image: x #');
    rmSync(outside, { recursive: true, force: true });
  });
});
