/**
 * Stateless resets (RFC 9000 §10.3): building one for a short-header datagram that belongs to no connection, a rate
 * limiter for the router, and recognising one.
 *
 * ```
 * Stateless Reset {
 *   Fixed Bits (2) = 1,
 *   Unpredictable Bits (38..),
 *   Stateless Reset Token (128),
 * }
 * ```
 *
 * Sizes, in bytes, for a triggering datagram of `n` bytes:
 * - at least 21: five bytes holding the two fixed bits and 38 unpredictable bits, then the token (§10.3);
 * - always under `n`, so that two endpoints answering each other's resets shrink to silence (§10.3.3: "An endpoint
 *   MUST ensure that every Stateless Reset that it sends is smaller than the packet that triggered it"); hence no reset
 *   at all for `n <= 21`, and never more than 3x `n` (§10.3);
 * - exactly `n - 1` when `n <= 43` (§10.3: "SHOULD send a Stateless Reset that is one byte shorter");
 * - otherwise a random length from 41 (below which a reset "might be identifiable", §10.3.3) up to `n - 1`, capped
 *   by `maxLength`, so the reset looks like an ordinary short-header packet.
 *
 * @module
 */
import { constantTimeEqual } from '@qk/octets';
import type { CryptoProvider } from '@qk/tls13';
import { STATELESS_RESET_TOKEN_LENGTH, statelessResetToken } from '../crypto/tokens.js';
import { MIN_STATELESS_RESET_LENGTH } from './decide.js';

/** Triggers up to this size get a reset exactly one byte shorter (RFC 9000 §10.3). */
export const STATELESS_RESET_EXACT_THRESHOLD = 43;

/** Resets shorter than this "might be identifiable as a Stateless Reset by an observer" (RFC 9000 §10.3.3). */
export const MIN_UNIDENTIFIABLE_RESET_LENGTH = 41;

/** The default cap on a reset's size: the smallest datagram every QUIC path carries (RFC 9000 §14). */
export const DEFAULT_MAX_STATELESS_RESET_LENGTH = 1200;

/**
 * The size of the reset answering a `triggerLength`-byte datagram (see the module notes), or `undefined` when the
 * datagram is too small to be answered. `random` is a uniform 16-bit integer (0..65535), used only for triggers over
 * 43 bytes.
 *
 * @param maxLength cap on the reset's size, at least 21 (default 1200)
 * @throws RangeError for a `maxLength` under 21
 */
export function statelessResetLength(
  triggerLength: number,
  random: number,
  maxLength: number = DEFAULT_MAX_STATELESS_RESET_LENGTH,
): number | undefined {
  if (!(maxLength >= MIN_STATELESS_RESET_LENGTH)) {
    throw new RangeError(`statelessResetLength: maxLength ${maxLength} is under ${MIN_STATELESS_RESET_LENGTH}`);
  }
  if (!(triggerLength > MIN_STATELESS_RESET_LENGTH)) return undefined;
  const hi = Math.min(Math.floor(triggerLength) - 1, Math.floor(maxLength));
  if (triggerLength <= STATELESS_RESET_EXACT_THRESHOLD) return hi;
  const lo = Math.min(MIN_UNIDENTIFIABLE_RESET_LENGTH, hi);
  return lo + Math.floor(((random & 0xffff) * (hi - lo + 1)) / 65536);
}

/**
 * The stateless reset answering a short-header datagram of `triggerLength` bytes addressed to our connection ID
 * `dcid`, or `undefined` when the datagram is too small to answer (21 bytes or fewer). The token is
 * HMAC-SHA256(staticKey, dcid) truncated to 16 bytes ({@link statelessResetToken}), so it matches the token the
 * connection announced for that ID even after a restart; the first byte is 0b01 followed by six random bits; all the
 * bytes before the token are random from `provider.random`.
 *
 * Callers consult a {@link StatelessResetLimiter} first (RFC 9000 §10.3.3 allows limiting the number of resets).
 *
 * @param options.maxLength cap on the reset's size (default 1200, at least 21)
 * @throws RangeError for a static key under 16 bytes or a `maxLength` under 21 (misuse)
 * @example
 * if (c.kind === 'statelessReset' && limiter.allow(now, from.address)) {
 *   const reset = buildStatelessReset(provider, staticKey, c.dcid, datagram.length);
 *   if (reset !== undefined) socket.send(reset, from);
 * }
 */
export function buildStatelessReset(
  provider: CryptoProvider,
  staticKey: Uint8Array,
  dcid: Uint8Array,
  triggerLength: number,
  options: { readonly maxLength?: number } = {},
): Uint8Array | undefined {
  let random16 = 0;
  if (triggerLength > STATELESS_RESET_EXACT_THRESHOLD) {
    const r = provider.random(new Uint8Array(2));
    random16 = (r[0]! << 8) | r[1]!;
  }
  const length = statelessResetLength(triggerLength, random16, options.maxLength);
  if (length === undefined) return undefined;
  const token = statelessResetToken(provider, staticKey, dcid);
  const out = new Uint8Array(length);
  const tokenAt = length - STATELESS_RESET_TOKEN_LENGTH;
  provider.random(out.subarray(0, tokenAt));
  out[0] = 0x40 | (out[0]! & 0x3f);
  out.set(token, tokenAt);
  return out;
}

/**
 * True if `datagram` ends in one of `tokens` (RFC 9000 §10.3.1): the peer's stateless reset tokens for connection IDs
 * in use on this path (never unused or retired ones). Every token is compared in constant time and the loop does not
 * stop early, so timing reveals neither the tokens nor which one matched. Datagrams under 21 bytes are too small to be
 * a QUIC packet (§10.3) and never match. Never throws.
 *
 * @example
 * if (!decrypted && isStatelessReset(datagram, peerResetTokens)) enterDraining();
 */
export function isStatelessReset(datagram: Uint8Array, tokens: Iterable<Uint8Array>): boolean {
  if (datagram.length < MIN_STATELESS_RESET_LENGTH) return false;
  const tail = datagram.subarray(datagram.length - STATELESS_RESET_TOKEN_LENGTH);
  let found = false;
  for (const token of tokens) {
    if (constantTimeEqual(tail, token)) found = true;
  }
  return found;
}

/** One token bucket's settings: sustained rate and burst size. */
export interface TokenBucketSettings {
  /** Tokens added per second (> 0). */
  readonly ratePerSecond: number;
  /** Bucket capacity: the largest burst (>= 1). */
  readonly burst: number;
}

/** Settings for a {@link StatelessResetLimiter}. */
export interface StatelessResetLimiterOptions {
  /** The limit on all resets this endpoint sends; default 200/s with bursts of 200. */
  readonly global?: TokenBucketSettings;
  /**
   * A separate limit per remote address key, so that one noisy peer cannot use up the resets other peers need
   * (§10.3.3); default 5/s with bursts of 10. `false` disables per-address limits.
   */
  readonly perAddress?: TokenBucketSettings | false;
  /** How many address buckets to keep (least recently used ones are forgotten first); default 1024. */
  readonly maxAddresses?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const DEFAULT_GLOBAL: TokenBucketSettings = { ratePerSecond: 200, burst: 200 };
const DEFAULT_PER_ADDRESS: TokenBucketSettings = { ratePerSecond: 5, burst: 10 };

function checkBucket(s: TokenBucketSettings, what: string): TokenBucketSettings {
  if (!(s.ratePerSecond > 0) || !Number.isFinite(s.ratePerSecond)) {
    throw new RangeError(`StatelessResetLimiter: ${what}.ratePerSecond ${s.ratePerSecond} must be positive`);
  }
  if (!(s.burst >= 1) || !Number.isFinite(s.burst)) {
    throw new RangeError(`StatelessResetLimiter: ${what}.burst ${s.burst} must be at least 1`);
  }
  return s;
}

/** Refills `b` up to `now` and says whether it holds a token. Time going backwards adds nothing. */
function refill(b: Bucket, s: TokenBucketSettings, now: number): boolean {
  if (now > b.at) {
    b.tokens = Math.min(s.burst, b.tokens + ((now - b.at) * s.ratePerSecond) / 1000);
    b.at = now;
  }
  return b.tokens >= 1;
}

/**
 * Token buckets limiting the stateless resets a router sends (RFC 9000 §10.3.3): one for the endpoint, and one per
 * remote address key (an IP string, or IP and port: the caller's choice) held in a bounded LRU table, so memory stays
 * bounded however many addresses an attacker uses. Sans-io: `now` is monotonic milliseconds from the caller.
 *
 * @example
 * const limiter = new StatelessResetLimiter();
 * if (limiter.allow(now, from.address)) send(buildStatelessReset(provider, key, dcid, datagram.length));
 */
export class StatelessResetLimiter {
  readonly #global: TokenBucketSettings;
  readonly #perAddress: TokenBucketSettings | false;
  readonly #maxAddresses: number;
  readonly #globalBucket: Bucket;
  readonly #addresses = new Map<string, Bucket>();

  /** @throws RangeError for a non-positive rate, a burst under 1 or a `maxAddresses` under 1 */
  constructor(options: StatelessResetLimiterOptions = {}) {
    this.#global = checkBucket(options.global ?? DEFAULT_GLOBAL, 'global');
    const per = options.perAddress ?? DEFAULT_PER_ADDRESS;
    this.#perAddress = per === false ? false : checkBucket(per, 'perAddress');
    const max = options.maxAddresses ?? 1024;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`StatelessResetLimiter: maxAddresses ${max} must be >= 1`);
    this.#maxAddresses = max;
    this.#globalBucket = { tokens: this.#global.burst, at: -Infinity };
  }

  /**
   * Whether one more reset may be sent at `now` (to `address`, when given and per-address limits are on); a `true`
   * answer uses up a token. The per-address bucket is checked first so that a refused address does not drain the
   * global bucket.
   */
  allow(now: number, address?: string): boolean {
    let bucket: Bucket | undefined;
    if (address !== undefined && this.#perAddress !== false) {
      bucket = this.#addresses.get(address);
      if (bucket === undefined) {
        if (this.#addresses.size >= this.#maxAddresses) {
          const oldest = this.#addresses.keys().next().value;
          if (oldest !== undefined) this.#addresses.delete(oldest);
        }
        bucket = { tokens: this.#perAddress.burst, at: now };
      } else {
        this.#addresses.delete(address);
      }
      this.#addresses.set(address, bucket);
      if (!refill(bucket, this.#perAddress, now)) return false;
    }
    if (!refill(this.#globalBucket, this.#global, now)) return false;
    this.#globalBucket.tokens -= 1;
    if (bucket !== undefined) bucket.tokens -= 1;
    return true;
  }

  /** Address buckets currently tracked (at most `maxAddresses`). */
  get trackedAddresses(): number {
    return this.#addresses.size;
  }
}
