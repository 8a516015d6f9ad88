/**
 * Stateless reset tokens and address validation tokens (Retry, NEW_TOKEN).
 */
import { createHmac } from 'node:crypto';
import { fromHex, toHex, utf8 } from '@qk/octets';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addressTokenKey, sealNewToken, sealRetryToken, statelessResetToken, validateToken,
} from '../../src/crypto/index.js';
import type { TokenValidation } from '../../src/crypto/index.js';
import { QuicVersion } from '../../src/versions.js';
import { providers } from './helpers.js';

const NOW = 1_700_000_000_000;
const IPV4 = new Uint8Array([192, 0, 2, 7]);
const IPV6 = fromHex('20010db8000000000000000000000042');

function reason(v: TokenValidation): string {
  return v.kind === 'valid' ? 'valid' : v.reason;
}

for (const provider of providers) {
  describe(`stateless reset tokens with the ${provider.name} provider (RFC 9000 §10.3.2)`, () => {
    it('is HMAC-SHA256 truncated to 16 bytes (RFC 4231 §4.2 test case 1)', () => {
      const key = new Uint8Array(20).fill(0x0b);
      expect(toHex(statelessResetToken(provider, key, utf8('Hi There')))).toBe('b0344c61d8db38535ca8afceaf0bf12b');
    });

    it('matches node:crypto HMAC for random keys and connection IDs, and is deterministic', () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 16, maxLength: 64 }), fc.uint8Array({ maxLength: 20 }), (key, cid) => {
          const want = createHmac('sha256', key).update(cid).digest().subarray(0, 16);
          const token = statelessResetToken(provider, key, cid);
          expect(token.length).toBe(16);
          expect(toHex(token)).toBe(toHex(new Uint8Array(want)));
          expect(toHex(statelessResetToken(provider, key.slice(), cid.slice()))).toBe(toHex(token));
        }),
        { numRuns: 50 },
      );
    });

    it('refuses a static key shorter than 16 bytes', () => {
      expect(() => statelessResetToken(provider, new Uint8Array(15), new Uint8Array(8))).toThrow(RangeError);
    });
  });

  describe(`address validation tokens with the ${provider.name} provider (RFC 9000 §8.1)`, () => {
    const key = addressTokenKey(provider, new Uint8Array(32).fill(0x42));
    const otherKey = addressTokenKey(provider, new Uint8Array(32).fill(0x43));
    const odcid = fromHex('8394c8f03e515708');
    const scid = fromHex('f067a5502a4262b5');
    const retryFields = { version: QuicVersion.v1, address: { ip: IPV4, port: 4433 }, originalDcid: odcid, retrySourceCid: scid };

    it('a Retry token round-trips with every field', () => {
      const token = sealRetryToken(key, retryFields, NOW);
      const v = validateToken(key, token, { ip: IPV4, port: 4433 }, NOW + 500, 10_000, { version: QuicVersion.v1 });
      expect(v.kind).toBe('valid');
      if (v.kind !== 'valid' || v.token.kind !== 'retry') throw new Error('expected a valid Retry token');
      expect(v.token.version).toBe(QuicVersion.v1);
      expect(v.token.issuedAt).toBe(NOW);
      expect(toHex(v.token.ip)).toBe(toHex(IPV4));
      expect(v.token.port).toBe(4433);
      expect(toHex(v.token.originalDcid)).toBe(toHex(odcid));
      expect(toHex(v.token.retrySourceCid)).toBe(toHex(scid));
    });

    it('a NEW_TOKEN token round-trips and binds the IP but not the port', () => {
      const token = sealNewToken(key, { version: QuicVersion.v2, address: { ip: IPV6 } }, NOW);
      const v = validateToken(key, token, { ip: IPV6, port: 1 }, NOW + 3_600_000, 86_400_000);
      expect(v.kind).toBe('valid');
      if (v.kind !== 'valid' || v.token.kind !== 'new_token') throw new Error('expected a valid NEW_TOKEN token');
      expect(v.token.version).toBe(QuicVersion.v2);
      expect(v.token.issuedAt).toBe(NOW);
      expect(toHex(v.token.ip)).toBe(toHex(IPV6));
      expect(reason(validateToken(key, token, { ip: IPV6, port: 65535 }, NOW, 1000))).toBe('valid');
    });

    it('string addresses are bound byte for byte', () => {
      const token = sealNewToken(key, { version: 1, address: { ip: '2001:db8::42' } }, NOW);
      expect(reason(validateToken(key, token, { ip: '2001:db8::42', port: 9 }, NOW, 1000))).toBe('valid');
      expect(reason(validateToken(key, token, { ip: '2001:db8::43', port: 9 }, NOW, 1000))).toBe('wrong_address');
      expect(reason(validateToken(key, token, { ip: utf8('2001:db8::42'), port: 9 }, NOW, 1000))).toBe('valid');
    });

    it('two tokens for the same fields differ (fresh salt) and both validate', () => {
      const a = sealRetryToken(key, retryFields, NOW);
      const b = sealRetryToken(key, retryFields, NOW);
      expect(toHex(a)).not.toBe(toHex(b));
      expect(reason(validateToken(key, b, { ip: IPV4, port: 4433 }, NOW, 1000))).toBe('valid');
    });

    it('rejects a wrong address: IP for both kinds, port for Retry tokens', () => {
      const retry = sealRetryToken(key, retryFields, NOW);
      expect(reason(validateToken(key, retry, { ip: IPV4, port: 4434 }, NOW, 1000))).toBe('wrong_address');
      expect(reason(validateToken(key, retry, { ip: new Uint8Array([192, 0, 2, 8]), port: 4433 }, NOW, 1000))).toBe('wrong_address');
      expect(reason(validateToken(key, retry, { ip: IPV6, port: 4433 }, NOW, 1000))).toBe('wrong_address');
      const nt = sealNewToken(key, { version: 1, address: { ip: IPV4 } }, NOW);
      expect(reason(validateToken(key, nt, { ip: IPV6, port: 4433 }, NOW, 1000))).toBe('wrong_address');
    });

    it('rejects an expired token, with one max age or one per kind', () => {
      const retry = sealRetryToken(key, retryFields, NOW);
      const nt = sealNewToken(key, { version: 1, address: { ip: IPV4 } }, NOW);
      const addr = { ip: IPV4, port: 4433 };
      expect(reason(validateToken(key, retry, addr, NOW + 10_000, 10_000))).toBe('valid');
      expect(reason(validateToken(key, retry, addr, NOW + 10_001, 10_000))).toBe('expired');
      const ages = { retry: 5_000, newToken: 60_000 };
      expect(reason(validateToken(key, retry, addr, NOW + 6_000, ages))).toBe('expired');
      expect(reason(validateToken(key, nt, addr, NOW + 6_000, ages))).toBe('valid');
      expect(reason(validateToken(key, nt, addr, NOW + 60_001, ages))).toBe('expired');
      // dated further in the future than the max age: the clock went backwards, reject
      expect(reason(validateToken(key, nt, addr, NOW - 60_001, ages))).toBe('expired');
      expect(reason(validateToken(key, nt, addr, NOW - 1_000, ages))).toBe('valid');
    });

    it('rejects a token from another QUIC version when one is expected (RFC 9369 §5)', () => {
      const nt = sealNewToken(key, { version: QuicVersion.v1, address: { ip: IPV4 } }, NOW);
      const addr = { ip: IPV4, port: 1 };
      expect(reason(validateToken(key, nt, addr, NOW, 1000, { version: QuicVersion.v2 }))).toBe('wrong_version');
      expect(reason(validateToken(key, nt, addr, NOW, 1000, { version: QuicVersion.v1 }))).toBe('valid');
    });

    it('rejects a token sealed with another key, or any single flipped bit, or any truncation', () => {
      const token = sealRetryToken(key, retryFields, NOW);
      const addr = { ip: IPV4, port: 4433 };
      expect(reason(validateToken(otherKey, token, addr, NOW, 1000))).toBe('bad_tag');
      for (let bit = 0; bit < token.length * 8; bit++) {
        const bad = token.slice();
        bad[bit >> 3]! ^= 1 << (bit & 7);
        expect(reason(validateToken(key, bad, addr, NOW, 1000)), `bit ${bit}`).toBe(bit < 8 ? 'malformed' : 'bad_tag');
      }
      for (let n = 0; n < token.length; n++) {
        const r = reason(validateToken(key, token.subarray(0, n), addr, NOW, 1000));
        expect(r, `length ${n}`).toBe(n < 33 ? 'malformed' : 'bad_tag');
      }
      expect(reason(validateToken(key, new Uint8Array(0), addr, NOW, 1000))).toBe('malformed');
    });

    it('random bytes are rejected without throwing', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 150 }), fc.boolean(), (bytes, formatByte) => {
          const token = bytes.slice();
          if (formatByte && token.length > 0) token[0] = 0x01;
          const v = validateToken(key, token, { ip: IPV4, port: 4433 }, NOW, 1000);
          expect(v.kind).toBe('invalid');
        }),
        { numRuns: 200 },
      );
    });

    it('round-trips arbitrary fields', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 4, maxLength: 16 }),
          fc.integer({ min: 0, max: 65535 }),
          fc.uint8Array({ maxLength: 20 }),
          fc.uint8Array({ maxLength: 20 }),
          fc.integer({ min: 0, max: 2 ** 48 - 1 }),
          fc.integer({ min: 0, max: 0xffff_ffff }),
          (ip, port, originalDcid, retrySourceCid, now, version) => {
            const token = sealRetryToken(key, { version, address: { ip, port }, originalDcid, retrySourceCid }, now);
            const v = validateToken(key, token, { ip, port }, now, 0, { version });
            expect(v).toEqual({
              kind: 'valid',
              token: { kind: 'retry', version, issuedAt: now, ip, port, originalDcid, retrySourceCid },
            });
          },
        ),
        { numRuns: 50 },
      );
    });

    it('misuse throws RangeError', () => {
      expect(() => addressTokenKey(provider, new Uint8Array(15))).toThrow(RangeError);
      expect(() => sealRetryToken(key, { ...retryFields, originalDcid: new Uint8Array(21) }, NOW)).toThrow(RangeError);
      expect(() => sealRetryToken(key, { ...retryFields, address: { ip: IPV4, port: 70000 } }, NOW)).toThrow(RangeError);
      expect(() => sealRetryToken(key, retryFields, -1)).toThrow(RangeError);
      expect(() => sealNewToken(key, { version: 1, address: { ip: IPV4 } }, 2 ** 48)).toThrow(RangeError);
      expect(() => sealNewToken(key, { version: 1, address: { ip: new Uint8Array(256) } }, NOW)).toThrow(RangeError);
    });
  });
}
