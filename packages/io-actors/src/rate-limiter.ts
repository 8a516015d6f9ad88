/**
 * A token bucket with time passed in, for the router's stateless resets (RFC 9000 §10.3: an endpoint that sends
 * stateless resets should limit how many it sends, so that they cannot be used for amplification or loops).
 */

/**
 * `ratePerSecond` tokens a second, at most `burst` saved up. Starts full.
 *
 * @example
 * const limiter = new TokenBucket(100, 10);
 * if (limiter.take(now)) socket.send(reset, from);
 */
export class TokenBucket {
  private tokens: number;
  private last: number | undefined;

  /** @throws RangeError for a negative rate or a burst below 1 */
  constructor(readonly ratePerSecond: number, readonly burst: number) {
    if (!(ratePerSecond >= 0) || !Number.isFinite(ratePerSecond)) throw new RangeError(`ratePerSecond must be a finite number >= 0, got ${ratePerSecond}`);
    if (!(burst >= 1) || !Number.isFinite(burst)) throw new RangeError(`burst must be a finite number >= 1, got ${burst}`);
    this.tokens = burst;
  }

  /** Takes one token at monotonic time `now` (ms); false when none is left. */
  take(now: number): boolean {
    if (this.last !== undefined && now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
    }
    if (this.last === undefined || now > this.last) this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
