// A token bucket that spaces API requests to `qps` per second with bursts of up to `burst` (client-go's flowcontrol).

export class TokenBucketRateLimiter {
  readonly qps: number;
  readonly burst: number;
  private tokens: number;
  private lastRefill: number;
  private readonly waiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(qps: number, burst: number) {
    if (!(qps > 0) || !(burst >= 1))
      throw new RangeError(`rate limiter needs qps > 0 and burst >= 1, got qps=${qps} burst=${burst}`);
    this.qps = qps;
    this.burst = Math.floor(burst);
    this.tokens = this.burst;
    this.lastRefill = performance.now();
  }

  /** Resolves when a request may be sent. */
  acquire(): Promise<void> {
    this.refill();
    if (this.waiters.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.schedule();
    });
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.lastRefill) / 1000) * this.qps);
    this.lastRefill = now;
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, ((1 - this.tokens) / this.qps) * 1000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refill();
      while (this.waiters.length > 0 && this.tokens >= 1) {
        this.tokens -= 1;
        this.waiters.shift()?.();
      }
      if (this.waiters.length > 0) this.schedule();
    }, wait);
  }
}
