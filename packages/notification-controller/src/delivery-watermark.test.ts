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
});
