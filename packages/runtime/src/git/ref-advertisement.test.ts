import { describe, expect, it } from 'vitest';
import { encodePktLine, flushPkt, parsePktLines, PktLineError } from './pkt-line.ts';
import { parseDumbRefs, parseSmartAdvertisement, peeledRefMap, RefAdvertisementError } from './ref-advertisement.ts';

const main = 'a'.repeat(40);
const tagObject = 'b'.repeat(40);
const tagged = 'c'.repeat(40);
const feature = 'd'.repeat(40);

function advertisement(lines: string[], serviceLine = true): Buffer {
  return Buffer.concat([
    ...(serviceLine ? [encodePktLine('# service=git-upload-pack\n'), flushPkt] : []),
    ...lines.map((line) => encodePktLine(line)),
    flushPkt,
  ]);
}

describe('parsePktLines', () => {
  it('splits data, flush, delimiter and response-end packets', () => {
    const packets = parsePktLines(Buffer.from('0009hello000000010002000aworld\n', 'latin1'));
    expect(packets.map((packet) => packet.type)).toEqual(['data', 'flush', 'delimiter', 'response-end', 'data']);
    expect(packets[0]).toMatchObject({ payload: Buffer.from('hello') });
    expect(packets[4]).toMatchObject({ payload: Buffer.from('world\n') });
  });

  it('names the byte where a length is malformed or the buffer ends early', () => {
    expect(() => parsePktLines(Buffer.from('0009hellozz12'))).toThrow(/invalid pkt-line length 'zz12' at byte 9/);
    expect(() => parsePktLines(Buffer.from('0010short'))).toThrow(/at byte 0 needs 16 bytes, 9 left/);
    expect(() => parsePktLines(Buffer.from('00'))).toThrow(PktLineError);
    expect(() => parsePktLines(Buffer.from('0003'))).toThrow(/invalid pkt-line length 3/);
  });

  it('encodes what it parses', () => {
    const encoded = encodePktLine('want x\n');
    expect(encoded.toString()).toBe('000bwant x\n');
    expect(parsePktLines(encoded)).toEqual([{ type: 'data', payload: Buffer.from('want x\n') }]);
  });
});

describe('parseSmartAdvertisement', () => {
  it('reads refs, capabilities, the symref of HEAD and peeled tags', () => {
    const parsed = parseSmartAdvertisement(
      advertisement([
        `${main} HEAD\0multi_ack thin-pack symref=HEAD:refs/heads/main object-format=sha1 agent=git/2.39\n`,
        `${feature} refs/heads/feature\n`,
        `${main} refs/heads/main\n`,
        `${tagObject} refs/tags/v1.0.0\n`,
        `${tagged} refs/tags/v1.0.0^{}\n`,
        `${main} refs/tags/light\n`,
      ]),
    );
    expect(parsed.symrefs.get('HEAD')).toBe('refs/heads/main');
    expect(parsed.capabilities).toContain('thin-pack');
    expect(parsed.refs).toEqual([
      { name: 'HEAD', oid: main },
      { name: 'refs/heads/feature', oid: feature },
      { name: 'refs/heads/main', oid: main },
      { name: 'refs/tags/v1.0.0', oid: tagObject, peeled: tagged },
      { name: 'refs/tags/light', oid: main },
    ]);
    expect(peeledRefMap(parsed).get('refs/tags/v1.0.0')).toBe(tagged);
    expect(peeledRefMap(parsed).get('refs/tags/light')).toBe(main);
  });

  it('reads an empty repository as no refs', () => {
    const parsed = parseSmartAdvertisement(advertisement([`${'0'.repeat(40)} capabilities^{}\0agent=git/2.39\n`]));
    expect(parsed.refs).toEqual([]);
    expect(parsed.capabilities).toEqual(['agent=git/2.39']);
  });

  it('accepts an answer without the service line, a version 1 line, lines without newline and sha256 ids', () => {
    const sha256 = 'e'.repeat(64);
    const parsed = parseSmartAdvertisement(
      advertisement(['version 1\n', `${sha256} refs/heads/main\0object-format=sha256`, `${sha256} HEAD`], false),
    );
    expect(parsed.refs).toEqual([
      { name: 'refs/heads/main', oid: sha256 },
      { name: 'HEAD', oid: sha256 },
    ]);
  });

  it('rejects what is not a ref advertisement, quoting the bad line', () => {
    expect(() => parseSmartAdvertisement(advertisement(['<html>not git</html>\n']))).toThrow(
      /malformed ref line '<html>not git<\/html>'/,
    );
    expect(() => parseSmartAdvertisement(Buffer.from('<!DOCTYPE html>'))).toThrow(RefAdvertisementError);
    expect(() => parseSmartAdvertisement(advertisement(['version 2\n']))).toThrow(/protocol v2/);
  });
});

describe('parseDumbRefs', () => {
  it('reads tab-separated lines and peels tags', () => {
    const parsed = parseDumbRefs(
      Buffer.from(`${main}\trefs/heads/main\n${tagObject}\trefs/tags/v1\n${tagged}\trefs/tags/v1^{}\n`),
    );
    expect(peeledRefMap(parsed)).toEqual(
      new Map([
        ['refs/heads/main', main],
        ['refs/tags/v1', tagged],
      ]),
    );
  });
});
