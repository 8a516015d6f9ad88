/**
 * Connection ID generators: random, and QUIC-LB keyless IDs carrying a server ID (draft-ietf-quic-load-balancers-21).
 */
import { fromHex, toHex } from '@qk/octets';
import { createNobleProvider, nobleProvider } from '@qk/tls13';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  QuicLbConnectionIdGenerator, RandomConnectionIdGenerator, quicLbCidLength, quicLbServerId,
} from '../../src/endpoint/index.js';
import vectors from '../vectors/quic-lb.json' with { type: 'json' };
import { seededProvider } from './helpers.js';

/** A provider whose random bytes are the given ones, then zeros. */
function fixedRandom(bytes: Uint8Array) {
  return createNobleProvider({
    random: (out) => {
      out.fill(0);
      out.set(bytes.subarray(0, out.length));
      return out;
    },
  });
}

describe('RandomConnectionIdGenerator', () => {
  it('makes IDs of the configured length from the provider, 8 bytes by default', () => {
    const gen = new RandomConnectionIdGenerator(fixedRandom(fromHex('0102030405060708090a0b0c')));
    expect(gen.length).toBe(8);
    expect(toHex(gen.generate())).toBe('0102030405060708');
    const long = new RandomConnectionIdGenerator(seededProvider(7), 20);
    const a = long.generate();
    const b = long.generate();
    expect(a.length).toBe(20);
    expect(toHex(a)).not.toBe(toHex(b));
  });

  it('accepts lengths 4..20 only', () => {
    for (const n of [4, 12, 20]) expect(new RandomConnectionIdGenerator(nobleProvider, n).length).toBe(n);
    for (const n of [0, 3, 21, 8.5, Number.NaN]) {
      expect(() => new RandomConnectionIdGenerator(nobleProvider, n)).toThrow(RangeError);
    }
  });
});

describe('QUIC-LB keyless connection IDs', () => {
  for (const v of vectors.unencrypted) {
    it(`reproduces ${v.source}`, () => {
      const nonce = fromHex(v.nonce);
      // The generator fills the whole ID with random bytes first; the nonce is the part after the server ID.
      const random = new Uint8Array(1 + v.serverId.length / 2 + nonce.length);
      random.set(nonce, 1 + v.serverId.length / 2);
      const gen = new QuicLbConnectionIdGenerator(fixedRandom(random), {
        configRotation: v.configRotation,
        serverId: fromHex(v.serverId),
        nonceLength: nonce.length,
      });
      const cid = gen.generate();
      expect(toHex(cid)).toBe(v.cid);
      expect(toHex(gen.serverIdOf(fromHex(v.cid))!)).toBe(v.serverId);
      const config = { configRotation: v.configRotation, serverIdLength: v.serverId.length / 2, nonceLength: nonce.length };
      expect(toHex(quicLbServerId(fromHex(v.cid), config)!)).toBe(v.serverId);
    });
  }

  it('lays out config rotation, self-encoded length, server ID and nonce', () => {
    const gen = new QuicLbConnectionIdGenerator(seededProvider(1), {
      configRotation: 5,
      serverId: fromHex('beef'),
      nonceLength: 6,
    });
    expect(gen.length).toBe(9);
    const cid = gen.generate();
    expect(cid.length).toBe(9);
    expect(cid[0]).toBe((5 << 5) | 8);
    expect(toHex(cid.subarray(1, 3))).toBe('beef');
    expect(toHex(gen.serverId)).toBe('beef');
  });

  it('randomises the low first-octet bits when the length is not self-encoded', () => {
    const gen = new QuicLbConnectionIdGenerator(seededProvider(3), {
      configRotation: 2,
      serverId: fromHex('01'),
      nonceLength: 4,
      selfEncodeLength: false,
    });
    const lows = new Set<number>();
    for (let i = 0; i < 64; i++) {
      const cid = gen.generate();
      expect(cid[0]! >>> 5).toBe(2);
      lows.add(cid[0]! & 0x1f);
      expect(toHex(gen.serverIdOf(cid)!)).toBe('01');
    }
    expect(lows.size).toBeGreaterThan(8);
  });

  it('encodes and decodes any server ID under any valid configuration (property)', () => {
    const provider = seededProvider(11);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 15 }).chain((sidLen) =>
          fc.tuple(
            fc.uint8Array({ minLength: sidLen, maxLength: sidLen }),
            fc.integer({ min: 4, max: 19 - sidLen }),
          ),
        ),
        fc.boolean(),
        (configRotation, [serverId, nonceLength], selfEncodeLength) => {
          const gen = new QuicLbConnectionIdGenerator(provider, { configRotation, serverId, nonceLength, selfEncodeLength });
          const cid = gen.generate();
          expect(cid.length).toBe(1 + serverId.length + nonceLength);
          expect(cid.length).toBe(quicLbCidLength(gen.config));
          expect(cid[0]! >>> 5).toBe(configRotation);
          if (selfEncodeLength) expect(cid[0]! & 0x1f).toBe(cid.length - 1);
          expect(toHex(gen.serverIdOf(cid)!)).toBe(toHex(serverId));
          // A load balancer that knows only the configuration reads the same server ID.
          const lb = { configRotation, serverIdLength: serverId.length, nonceLength, selfEncodeLength };
          expect(toHex(quicLbServerId(cid, lb)!)).toBe(toHex(serverId));
          // Another config rotation codepoint, or another length, is unroutable under this configuration.
          expect(quicLbServerId(cid, { ...lb, configRotation: (configRotation + 1) % 7 })).toBeUndefined();
          expect(quicLbServerId(cid.subarray(0, cid.length - 1), lb)).toBeUndefined();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects a mismatched self-encoded length and never throws on arbitrary IDs', () => {
    const config = { configRotation: 0, serverIdLength: 3, nonceLength: 4 };
    expect(quicLbServerId(fromHex('07c4605e4504cc4f'), config)).toBeDefined();
    expect(quicLbServerId(fromHex('06c4605e4504cc4f'), config)).toBeUndefined();
    expect(quicLbServerId(fromHex('e7c4605e4504cc4f'), config)).toBeUndefined(); // 0b111: unroutable
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (cid) => {
        const sid = quicLbServerId(cid, config);
        if (sid !== undefined) expect(sid.length).toBe(3);
      }),
      { numRuns: 300 },
    );
  });

  it('validates the configuration', () => {
    const ok = { configRotation: 0, serverId: fromHex('01'), nonceLength: 4 };
    expect(() => new QuicLbConnectionIdGenerator(nobleProvider, ok)).not.toThrow();
    const bad = [
      { ...ok, configRotation: 7 },
      { ...ok, configRotation: -1 },
      { ...ok, configRotation: 1.5 },
      { ...ok, serverId: new Uint8Array(0) },
      { ...ok, nonceLength: 3 },
      { ...ok, serverId: new Uint8Array(10), nonceLength: 10 },
    ];
    for (const options of bad) expect(() => new QuicLbConnectionIdGenerator(nobleProvider, options)).toThrow(RangeError);
    // The largest configuration fills 20 bytes.
    expect(new QuicLbConnectionIdGenerator(nobleProvider, { ...ok, serverId: new Uint8Array(15), nonceLength: 4 }).length).toBe(20);
  });

  it('copies the server ID it was given', () => {
    const sid = fromHex('aabb');
    const gen = new QuicLbConnectionIdGenerator(nobleProvider, { configRotation: 0, serverId: sid, nonceLength: 4 });
    sid[0] = 0;
    expect(toHex(gen.generate().subarray(1, 3))).toBe('aabb');
  });
});
