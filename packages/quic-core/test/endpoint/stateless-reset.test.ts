/**
 * Stateless resets (RFC 9000 §10.3): sizes, layout, detection, loop termination and rate limiting.
 */
import { fromHex, toHex } from '@qk/octets';
import { nobleProvider } from '@qk/tls13';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { statelessResetToken } from '../../src/crypto/index.js';
import {
  StatelessResetLimiter, buildStatelessReset, classifyDatagram, isStatelessReset, statelessResetLength,
} from '../../src/endpoint/index.js';
import { seededProvider, shortDatagram } from './helpers.js';

const KEY = new Uint8Array(32).fill(0x5e);
const CID = fromHex('a1a2a3a4a5a6a7a8');

describe('statelessResetLength (RFC 9000 §10.3, §10.3.3)', () => {
  it('follows the size rules at the edges', () => {
    expect(statelessResetLength(0, 0)).toBeUndefined();
    expect(statelessResetLength(21, 0)).toBeUndefined(); // a 21-byte reset would not be smaller
    expect(statelessResetLength(22, 0)).toBe(21);
    expect(statelessResetLength(43, 65535)).toBe(42); // one byte shorter up to 43
    expect(statelessResetLength(44, 0)).toBe(41);
    expect(statelessResetLength(44, 65535)).toBe(43);
    expect(statelessResetLength(1500, 0)).toBe(41);
    expect(statelessResetLength(1500, 65535)).toBe(1200); // capped at the default 1200
    expect(statelessResetLength(1500, 65535, 100)).toBe(100);
    expect(statelessResetLength(40, 0, 30)).toBe(30);
    expect(() => statelessResetLength(100, 0, 20)).toThrow(RangeError);
  });

  it('is always smaller than the trigger, at least 21 bytes, within the cap (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 21, max: 1500 }), (n, r, max) => {
        const len = statelessResetLength(n, r, max);
        if (n <= 21) {
          expect(len).toBeUndefined();
          return;
        }
        expect(len).toBeDefined();
        expect(len!).toBeLessThan(n);
        expect(len!).toBeLessThan(3 * n);
        expect(len!).toBeGreaterThanOrEqual(21);
        expect(len!).toBeLessThanOrEqual(max);
        if (n <= 43) expect(len).toBe(Math.min(n - 1, max));
        else expect(len!).toBeGreaterThanOrEqual(Math.min(41, max));
      }),
      { numRuns: 500 },
    );
  });
});

describe('buildStatelessReset', () => {
  it('is a short header with the fixed bit, random bytes, and the token for our connection ID', () => {
    const provider = seededProvider(4);
    const reset = buildStatelessReset(provider, KEY, CID, 100)!;
    expect(reset.length).toBeGreaterThanOrEqual(41);
    expect(reset.length).toBeLessThan(100);
    expect(reset[0]! & 0xc0).toBe(0x40);
    const token = statelessResetToken(provider, KEY, CID);
    expect(toHex(reset.subarray(reset.length - 16))).toBe(toHex(token));
    expect(isStatelessReset(reset, [token])).toBe(true);
  });

  it('answers a 43-byte trigger with 42 bytes and a 22-byte one with 21', () => {
    expect(buildStatelessReset(nobleProvider, KEY, CID, 43)!.length).toBe(42);
    expect(buildStatelessReset(nobleProvider, KEY, CID, 22)!.length).toBe(21);
    expect(buildStatelessReset(nobleProvider, KEY, CID, 21)).toBeUndefined();
    expect(buildStatelessReset(nobleProvider, KEY, CID, 1500, { maxLength: 60 })!.length).toBeLessThanOrEqual(60);
  });

  it('varies the unpredictable bytes and the size, not the token', () => {
    const provider = seededProvider(8);
    const sizes = new Set<number>();
    const firsts = new Set<number>();
    const tails = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const reset = buildStatelessReset(provider, KEY, CID, 200)!;
      sizes.add(reset.length);
      firsts.add(reset[0]!);
      tails.add(toHex(reset.subarray(reset.length - 16)));
    }
    expect(sizes.size).toBeGreaterThan(10);
    expect(firsts.size).toBeGreaterThan(10);
    expect(tails.size).toBe(1);
  });

  it('derives the same token after a "restart" with the same static key (RFC 9000 §10.3.2)', () => {
    const a = buildStatelessReset(seededProvider(1), KEY, CID, 50)!;
    const b = buildStatelessReset(seededProvider(2), KEY.slice(), CID.slice(), 50)!;
    expect(toHex(a.subarray(a.length - 16))).toBe(toHex(b.subarray(b.length - 16)));
  });

  it('refuses a static key under 16 bytes', () => {
    expect(() => buildStatelessReset(nobleProvider, new Uint8Array(15), CID, 100)).toThrow(RangeError);
  });

  it('two stateless endpoints answering each other fall silent (RFC 9000 §10.3.3)', () => {
    const provider = seededProvider(12);
    const router = { localCidLength: 8, knownCid: () => undefined };
    let datagram = shortDatagram(CID, 1400);
    let exchanges = 0;
    for (;;) {
      const c = classifyDatagram(datagram, router);
      if (c.kind !== 'statelessReset') break;
      const reset = buildStatelessReset(provider, KEY, c.dcid, datagram.length);
      if (reset === undefined) break;
      expect(reset.length).toBeLessThan(datagram.length);
      datagram = reset;
      exchanges++;
      expect(exchanges).toBeLessThan(1400);
    }
    expect(datagram.length).toBeLessThanOrEqual(21);
  });
});

describe('isStatelessReset (RFC 9000 §10.3.1)', () => {
  const token = fromHex('00112233445566778899aabbccddeeff');
  const other = fromHex('ffeeddccbbaa99887766554433221100');

  it('matches the trailing 16 bytes against every token', () => {
    const d = new Uint8Array(30).fill(0x41);
    d.set(token, 14);
    expect(isStatelessReset(d, [other, token])).toBe(true);
    expect(isStatelessReset(d, new Set([token]))).toBe(true);
    expect(isStatelessReset(d, [other])).toBe(false);
    expect(isStatelessReset(d, [])).toBe(false);
    expect(isStatelessReset(d, [token.subarray(0, 15)])).toBe(false);
  });

  it('ignores datagrams under 21 bytes', () => {
    const d = new Uint8Array(20);
    d.set(token, 4);
    expect(isStatelessReset(d, [token])).toBe(false);
    const d21 = new Uint8Array(21);
    d21.set(token, 5);
    expect(isStatelessReset(d21, [token])).toBe(true);
  });

  it('never throws and never matches random bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (d) => {
        expect(isStatelessReset(d, [token, other])).toBe(
          d.length >= 21 && [token, other].some((t) => toHex(d.subarray(d.length - 16)) === toHex(t)),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('StatelessResetLimiter', () => {
  it('allows a burst, then the sustained rate (global bucket)', () => {
    const l = new StatelessResetLimiter({ global: { ratePerSecond: 10, burst: 3 }, perAddress: false });
    expect([l.allow(0), l.allow(0), l.allow(0), l.allow(0)]).toEqual([true, true, true, false]);
    expect(l.allow(99)).toBe(false); // 0.99 tokens
    expect(l.allow(100)).toBe(true); // 1 token after 100 ms at 10/s
    expect(l.allow(100)).toBe(false);
    expect([l.allow(10_000), l.allow(10_000), l.allow(10_000), l.allow(10_000)]).toEqual([true, true, true, false]);
  });

  it('gives nothing back when time goes backwards', () => {
    const l = new StatelessResetLimiter({ global: { ratePerSecond: 1000, burst: 1 }, perAddress: false });
    expect(l.allow(1000)).toBe(true);
    expect(l.allow(0)).toBe(false);
    expect(l.allow(500)).toBe(false);
    expect(l.allow(1001)).toBe(true);
  });

  it('limits each address separately, so one peer cannot starve others', () => {
    const l = new StatelessResetLimiter({ global: { ratePerSecond: 100, burst: 100 }, perAddress: { ratePerSecond: 1, burst: 2 } });
    expect([l.allow(0, 'a'), l.allow(0, 'a'), l.allow(0, 'a')]).toEqual([true, true, false]);
    expect(l.allow(0, 'b')).toBe(true);
    expect(l.allow(1000, 'a')).toBe(true);
    expect(l.allow(1000, 'a')).toBe(false);
  });

  it('a refused address does not use up the global bucket', () => {
    const l = new StatelessResetLimiter({ global: { ratePerSecond: 1, burst: 3 }, perAddress: { ratePerSecond: 1, burst: 1 } });
    expect(l.allow(0, 'a')).toBe(true);
    for (let i = 0; i < 50; i++) expect(l.allow(0, 'a')).toBe(false);
    expect(l.allow(0, 'b')).toBe(true);
    expect(l.allow(0, 'c')).toBe(true);
    expect(l.allow(0, 'd')).toBe(false); // global burst of 3 spent
  });

  it('keeps at most maxAddresses buckets, forgetting the least recently used', () => {
    const l = new StatelessResetLimiter({ perAddress: { ratePerSecond: 1, burst: 1 }, maxAddresses: 3 });
    for (let i = 0; i < 100; i++) l.allow(0, `10.0.0.${i}`);
    expect(l.trackedAddresses).toBe(3);
    const m = new StatelessResetLimiter({ perAddress: { ratePerSecond: 1, burst: 1 }, maxAddresses: 2 });
    expect(m.allow(0, 'a')).toBe(true);
    expect(m.allow(0, 'b')).toBe(true);
    expect(m.allow(0, 'a')).toBe(false); // touches 'a': 'b' is now the oldest
    expect(m.allow(0, 'c')).toBe(true); // evicts 'b'
    expect(m.allow(0, 'a')).toBe(false); // 'a' was kept, still empty
    expect(m.allow(0, 'b')).toBe(true); // 'b' was forgotten: a fresh bucket
  });

  it('validates its settings', () => {
    expect(() => new StatelessResetLimiter({ global: { ratePerSecond: 0, burst: 1 } })).toThrow(RangeError);
    expect(() => new StatelessResetLimiter({ global: { ratePerSecond: 1, burst: 0.5 } })).toThrow(RangeError);
    expect(() => new StatelessResetLimiter({ perAddress: { ratePerSecond: -1, burst: 1 } })).toThrow(RangeError);
    expect(() => new StatelessResetLimiter({ maxAddresses: 0 })).toThrow(RangeError);
    expect(new StatelessResetLimiter().allow(0, 'x')).toBe(true);
  });
});
