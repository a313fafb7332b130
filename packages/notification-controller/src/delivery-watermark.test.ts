import { describe, expect, it } from 'vitest';
import { DeliveryWatermark } from './delivery-watermark.ts';

const at = (seconds: number, ms = 0) => seconds * 1000 + ms;

describe('DeliveryWatermark', () => {
  it('stays before the second of a pending event, and lists what was sent after it', () => {
    const watermark = new DeliveryWatermark({ watermark: at(100), sent: [] });
    watermark.started('a', at(101));
    watermark.started('b', at(102));
    watermark.started('c', at(103));
    watermark.settled('a');
    watermark.settled('c');
    expect(watermark.take()).toEqual({ watermark: at(102) - 1, sent: ['c'] });
    watermark.settled('b');
    expect(watermark.take()).toEqual({ watermark: at(103) - 1, sent: ['c'] });
    expect(watermark.take()).toBeUndefined();
  });

  it('replays at start-up only what the checkpoint does not cover', () => {
    const watermark = new DeliveryWatermark({ watermark: at(103) - 1, sent: ['c'] });
    expect(watermark.needsReplay('old', at(102))).toBe(false);
    expect(watermark.needsReplay('c', at(103))).toBe(false);
    expect(watermark.needsReplay('d', at(103))).toBe(true);
    expect(watermark.needsReplay('e', at(104))).toBe(true);
  });

  it('remembers only the occurrences newer than the checkpoint: a burst is not kept, a relist of it is not resent', () => {
    const watermark = new DeliveryWatermark({ watermark: at(100), sent: [] });
    // 10,000 events over 100 seconds, 100 a second
    for (let i = 0; i < 10_000; i++) {
      watermark.started(`e${i}`, at(101 + Math.floor(i / 100)));
      watermark.settled(`e${i}`);
    }
    expect(watermark.take()).toMatchObject({ watermark: at(200) - 1 });
    expect(watermark.rememberedCount).toBe(100);
    // listed again (a relist after the watch expired): the old ones by the watermark, the newest by identity
    expect(watermark.handled('e0', at(101), true)).toBe(true);
    expect(watermark.handled('e9999', at(200), true)).toBe(true);
    expect(watermark.handled('e9999', at(200), false)).toBe(true);
    // new occurrences, listed or watched, are not handled yet
    expect(watermark.handled('new', at(200), true)).toBe(false);
    expect(watermark.handled('late', at(150), false)).toBe(false);
  });
});
