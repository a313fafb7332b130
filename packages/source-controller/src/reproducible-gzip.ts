// A gzip stream whose bytes depend only on its input: fixed header (no name, mtime 0), pure-JS deflate fed in
// fixed-size blocks, so equal input gives equal output on any machine and any CPU.
import { crc32 } from 'node:zlib';
import { Deflate } from 'fflate';

// Fixed block size handed to the compressor: its output depends on where pushes split the input.
const blockSize = 64 * 1024;
// ID1 ID2, CM=deflate, FLG=0 (no name, no comment), MTIME=0, XFL=0, OS=255 (unknown)
const gzipHeader = Uint8Array.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff]);

export type ByteSink = (chunk: Uint8Array) => Promise<void>;

export class ReproducibleGzipWriter {
  private readonly sink: ByteSink;
  private readonly deflate: Deflate;
  private readonly compressed: Uint8Array[] = [];
  private block = Buffer.allocUnsafe(blockSize);
  private blockFilled = 0;
  private crc = 0;
  private inputSize = 0;
  private started = false;

  constructor(sink: ByteSink, level: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 = 6) {
    this.sink = sink;
    this.deflate = new Deflate({ level }, (data) => {
      this.compressed.push(data);
    });
  }

  async write(data: Uint8Array): Promise<void> {
    if (!this.started) {
      this.started = true;
      await this.sink(gzipHeader);
    }
    this.crc = crc32(data, this.crc);
    this.inputSize += data.length;
    let offset = 0;
    while (offset < data.length) {
      const take = Math.min(blockSize - this.blockFilled, data.length - offset);
      this.block.set(data.subarray(offset, offset + take), this.blockFilled);
      this.blockFilled += take;
      offset += take;
      if (this.blockFilled === blockSize) {
        this.deflate.push(this.block, false);
        this.blockFilled = 0;
        await this.drain();
      }
    }
  }

  async end(): Promise<void> {
    if (!this.started) {
      this.started = true;
      await this.sink(gzipHeader);
    }
    this.deflate.push(this.block.subarray(0, this.blockFilled), true);
    this.blockFilled = 0;
    await this.drain();
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(this.crc >>> 0, 0);
    // ISIZE is the input size modulo 2^32.
    trailer.writeUInt32LE(this.inputSize % 2 ** 32, 4);
    await this.sink(trailer);
  }

  private async drain(): Promise<void> {
    while (this.compressed.length > 0) {
      await this.sink(this.compressed.shift()!);
    }
  }
}
