import { describe, expect, it } from 'vitest';
import { WrittenStatuses } from './written-status.ts';

interface Status {
  attempts?: number;
  lastHandled?: string;
  /** written by someone else */
  foreign?: string;
}

const object = (uid: string, resourceVersion: string, status: Status) => ({
  metadata: { uid, resourceVersion, name: 'app' },
  status,
});
const ownedOnly = ({ attempts, lastHandled }: Status): Status => ({
  ...(attempts !== undefined ? { attempts } : {}),
  ...(lastHandled !== undefined ? { lastHandled } : {}),
});

describe('WrittenStatuses', () => {
  it('returns the cached object when nothing was written', () => {
    const written = new WrittenStatuses<Status>();
    const cached = object('u1', '10', { attempts: 1 });
    expect(written.freshest('ns/app', cached)).toBe(cached);
  });

  it('overlays the last written status on a cache that lags it, keeping fields others own', () => {
    const written = new WrittenStatuses<Status>(ownedOnly);
    written.remember('ns/app', 'u1', '12', { attempts: 3, lastHandled: 'b' });
    const lagging = object('u1', '11', { attempts: 2, lastHandled: 'a', foreign: 'kept' });
    const freshest = written.freshest('ns/app', lagging);
    expect(freshest.status).toEqual({ attempts: 3, lastHandled: 'b', foreign: 'kept' });
    expect(freshest.metadata).toBe(lagging.metadata);
    expect(lagging.status).toEqual({ attempts: 2, lastHandled: 'a', foreign: 'kept' });
  });

  it('drops a field the controller wrote away', () => {
    const written = new WrittenStatuses<Status>(ownedOnly);
    written.remember('ns/app', 'u1', '12', { attempts: 0 });
    expect(written.freshest('ns/app', object('u1', '11', { attempts: 2, lastHandled: 'a' })).status).toEqual({
      attempts: 0,
    });
  });

  it('forgets the write once the cache shows it, so a later change by others is read as it is', () => {
    const written = new WrittenStatuses<Status>();
    written.remember('ns/app', 'u1', '12', { attempts: 3 });
    written.observed('ns/app', object('u1', '12', { attempts: 3 }));
    const later = object('u1', '13', { attempts: 7 });
    expect(written.freshest('ns/app', later)).toBe(later);
  });

  it('forgets the write when the cached status already equals it', () => {
    const written = new WrittenStatuses<Status>();
    written.remember('ns/app', 'u1', '12', { attempts: 3 });
    const caughtUp = object('u1', '14', { attempts: 3 });
    expect(written.freshest('ns/app', caughtUp)).toBe(caughtUp);
    const changed = object('u1', '15', { attempts: 9 });
    expect(written.freshest('ns/app', changed)).toBe(changed);
  });

  it('ignores a write to an earlier object of the same name', () => {
    const written = new WrittenStatuses<Status>();
    written.remember('ns/app', 'u1', '12', { attempts: 3 });
    const recreated = object('u2', '20', {});
    expect(written.freshest('ns/app', recreated)).toBe(recreated);
  });

  it('forgets the write when the object is gone', () => {
    const written = new WrittenStatuses<Status>();
    written.remember('ns/app', 'u1', '12', { attempts: 3 });
    written.observed('ns/app', undefined);
    const lagging = object('u1', '11', { attempts: 2 });
    expect(written.freshest('ns/app', lagging)).toBe(lagging);
  });

  it('keeps its own copy: changing the status after remembering it changes nothing', () => {
    const written = new WrittenStatuses<Status>();
    const status: Status = { attempts: 3 };
    written.remember('ns/app', 'u1', '12', status);
    status.attempts = 99;
    expect(written.freshest('ns/app', object('u1', '11', {})).status).toEqual({ attempts: 3 });
  });
});
