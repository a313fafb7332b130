import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { applyDelta, objectId, PackfileError, readPackfile } from './packfile.ts';

function run(cwd: string, args: string[], input?: string): Buffer {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, input });
}

describe('readPackfile', () => {
  it('reads every object of a pack git made, deltas and delta chains included, under the ids git gives them', () => {
    const repository = mkdtempSync(join(tmpdir(), 'packfile-test-'));
    try {
      run(repository, ['init', '--quiet']);
      for (let round = 0; round < 4; round++) {
        for (let file = 0; file < 8; file++) {
          const lines = Array.from({ length: 100 }, (_, line) => `line ${line} of file ${file}\n`);
          lines.splice(round * 10, 0, `round ${round}\n`);
          writeFileSync(join(repository, `file-${file}.txt`), lines.join(''));
        }
        run(repository, ['add', '-A']);
        run(repository, ['commit', '--quiet', '-m', `round ${round}`]);
      }
      const ids = run(repository, ['rev-list', '--objects', '--all'])
        .toString()
        .trim()
        .split('\n')
        .map((line) => line.split(' ')[0]!);
      const pack = run(repository, ['pack-objects', '--stdout', '--depth=50'], `${ids.join('\n')}\n`);
      const objects = readPackfile(pack);
      expect(new Set(objects.keys())).toEqual(new Set(ids));
      for (const [id, object] of objects) expect(objectId(object)).toBe(id);
      const head = run(repository, ['rev-parse', 'HEAD']).toString().trim();
      expect(objects.get(head)?.data.toString()).toContain('round 3');
    } finally {
      rmSync(repository, { recursive: true, force: true });
    }
  });

  it('names what is wrong with a pack it cannot read', () => {
    expect(() => readPackfile(Buffer.from('NOPE00000000'))).toThrow(/no PACK signature/);
    const header = Buffer.from('PACK\0\0\0\x02\0\0\0\x02', 'latin1');
    const blob = Buffer.concat([Buffer.from([0x35]), deflateSync('hello')]);
    expect(() => readPackfile(Buffer.concat([header, blob]))).toThrow(/ends after 1 of 2 objects/);
    const refDeltaWithoutBase = Buffer.concat([
      Buffer.from('PACK\0\0\0\x02\0\0\0\x01', 'latin1'),
      Buffer.from([0x76]),
      Buffer.alloc(20, 0xab),
      deflateSync(Buffer.from([5, 3, 0x03, 0x61, 0x62, 0x63])),
    ]);
    expect(() => readPackfile(refDeltaWithoutBase)).toThrow(/1 deltas in the packfile have no base object/);
  });
});

describe('applyDelta', () => {
  it('copies from the base and inserts new bytes', () => {
    const base = Buffer.from('hello, world');
    // source 12, target 11; copy offset 0 length 7 ("hello, "), insert "git!"
    const delta = Buffer.from([12, 11, 0x90, 7, 4, ...Buffer.from('git!')]);
    expect(applyDelta(base, delta).toString()).toBe('hello, git!');
  });

  it('refuses a delta for another base or one that writes past its target', () => {
    expect(() => applyDelta(Buffer.from('abc'), Buffer.from([4, 1, 1, 0x61]))).toThrow(PackfileError);
    expect(() => applyDelta(Buffer.from('abc'), Buffer.from([3, 1, 0x90, 3]))).toThrow(/beyond/);
  });
});
