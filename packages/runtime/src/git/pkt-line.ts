// Git's pkt-line framing: four hex digits of length (including themselves), then the payload; 0000 ends a section.

export type PktLine =
  { type: 'data'; payload: Buffer } | { type: 'flush' } | { type: 'delimiter' } | { type: 'response-end' };

export class PktLineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PktLineError';
  }
}

/** Splits a whole buffer into pkt-lines; a truncated or malformed length is an error naming its offset. */
export function parsePktLines(buffer: Buffer): PktLine[] {
  const lines: PktLine[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    if (offset + 4 > buffer.length) throw new PktLineError(`truncated pkt-line length at byte ${offset}`);
    const header = buffer.toString('latin1', offset, offset + 4);
    if (!/^[0-9a-f]{4}$/i.test(header))
      throw new PktLineError(`invalid pkt-line length '${printable(header)}' at byte ${offset}`);
    const length = Number.parseInt(header, 16);
    if (length === 0) lines.push({ type: 'flush' });
    else if (length === 1) lines.push({ type: 'delimiter' });
    else if (length === 2) lines.push({ type: 'response-end' });
    else if (length < 4) throw new PktLineError(`invalid pkt-line length ${length} at byte ${offset}`);
    else {
      if (offset + length > buffer.length)
        throw new PktLineError(`pkt-line at byte ${offset} needs ${length} bytes, ${buffer.length - offset} left`);
      lines.push({ type: 'data', payload: buffer.subarray(offset + 4, offset + length) });
    }
    offset += length < 4 ? 4 : length;
  }
  return lines;
}

/** A payload as text without its trailing newline (git ends most text lines with one, optionally). */
export function pktText(payload: Buffer): string {
  const text = payload.toString('utf8');
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** Encodes one data line (for requests). */
export function encodePktLine(payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  if (body.length + 4 > 65520) throw new PktLineError(`pkt-line payload of ${body.length} bytes is too long`);
  return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, '0'), 'latin1'), body]);
}

export const flushPkt = Buffer.from('0000', 'latin1');

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}
