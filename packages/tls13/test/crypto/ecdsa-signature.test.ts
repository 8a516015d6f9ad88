import { DecodeError, concat, fromHex, toHex } from '@qk/octets';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEcdsaSignature, encodeEcdsaSignature } from '../../src/crypto/ecdsa-signature.js';
import { nobleProvider } from '../../src/crypto/noble.js';
import { nodeProvider } from '../../src/crypto/node.js';
import { testKeyPair } from './node-keys.js';

describe('Ecdsa-Sig-Value DER codec', () => {
  it('encodes exact bytes: minimal INTEGERs, a 0x00 pad before a high bit', () => {
    const rs = concat(fromHex('00'.repeat(31) + '01'), fromHex('80' + '00'.repeat(31)));
    expect(toHex(encodeEcdsaSignature(rs))).toBe('3026' + '020101' + '022100' + '80' + '00'.repeat(31));
    expect(toHex(decodeEcdsaSignature(fromHex('3006020101020102'), 32))).toBe('00'.repeat(31) + '01' + '00'.repeat(31) + '02');
  });

  it('round-trips r || s for both curve sizes and reports its exact size', () => {
    fc.assert(
      fc.property(fc.constantFrom(32, 48), fc.uint8Array({ minLength: 96, maxLength: 96 }), fc.nat(48), fc.nat(48), (size, raw, zr, zs) => {
        const rs = raw.slice(0, 2 * size);
        // Leading zero bytes exercise the minimal encoding; keep each half non-zero.
        rs.fill(0, 0, Math.min(zr, size - 1));
        rs.fill(0, size, size + Math.min(zs, size - 1));
        rs[size - 1] ||= 1;
        rs[2 * size - 1] ||= 1;
        const der = encodeEcdsaSignature(rs);
        expect(toHex(decodeEcdsaSignature(der, size))).toBe(toHex(rs));
        // Every proper prefix fails with DecodeError.
        for (let n = 0; n < der.length; n++) {
          expect(() => decodeEcdsaSignature(der.subarray(0, n), size)).toThrow(DecodeError);
        }
        // Trailing bytes fail.
        expect(() => decodeEcdsaSignature(concat(der, Uint8Array.of(0)), size)).toThrow(DecodeError);
      }),
      { numRuns: 100 },
    );
  });

  it.each([
    ['a non-minimal INTEGER (extra 0x00)', '300702020001020102'],
    ['a negative INTEGER', '3006020181020102'],
    ['a zero-length INTEGER', '30050200020102'],
    ['a zero r', '3006020100020102'],
    ['a long-form length below 128', '308106020101020102'],
    ['a wrong outer tag', '3106020101020102'],
    ['a wrong INTEGER tag', '3006030101020102'],
    ['an inner length past the SEQUENCE', '3006020101020202'],
    ['a component longer than the curve', '3025022101' + '00'.repeat(32) + '020101'],
    ['three INTEGERs', '3009020101020101020101'],
  ])('rejects %s', (_what, hex) => {
    expect(() => decodeEcdsaSignature(fromHex(hex), 32)).toThrow(DecodeError);
  });

  it('throws only DecodeError on random input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
        try {
          decodeEcdsaSignature(b, 32);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('both providers reject a valid signature re-encoded with a non-minimal INTEGER', () => {
    const kp = testKeyPair('P-256');
    const message = new Uint8Array(20).fill(3);
    const alg = { kind: 'ecdsa', hash: 'sha256' } as const;
    const der = nodeProvider.sign(alg, kp.privateKey, message);
    const rs = decodeEcdsaSignature(der, 32);
    // Re-encode r with one superfluous leading 0x00.
    const r = rs.subarray(0, 32);
    const sDer = encodeEcdsaSignature(rs).subarray(2 + 2 + (der[3] ?? 0));
    const rBody = (r[0]! & 0x80) !== 0 ? concat(Uint8Array.of(0, 0), r) : concat(Uint8Array.of(0), r);
    const bad = concat(Uint8Array.of(0x30, 2 + rBody.length + sDer.length, 0x02, rBody.length), rBody, sDer);
    for (const p of [nobleProvider, nodeProvider]) {
      expect(p.verify(alg, kp.publicKey, message, der)).toBe(true);
      expect(p.verify(alg, kp.publicKey, message, bad)).toBe(false);
    }
  });

  it('high-S signatures verify (TLS does not require low-S)', () => {
    const kp = testKeyPair('P-256');
    const message = new Uint8Array(5).fill(1);
    const alg = { kind: 'ecdsa', hash: 'sha256' } as const;
    const rs = decodeEcdsaSignature(nobleProvider.sign(alg, kp.privateKey, message), 32);
    const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
    const s = BigInt('0x' + toHex(rs.subarray(32)));
    const highS = fromHex((n - s).toString(16).padStart(64, '0'));
    const flipped = encodeEcdsaSignature(concat(rs.subarray(0, 32), highS));
    for (const p of [nobleProvider, nodeProvider]) expect(p.verify(alg, kp.publicKey, message, flipped)).toBe(true);
  });
});
