import { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { toHex } from '@qk/octets';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createNobleProvider, nobleProvider } from '../../src/crypto/noble.js';
import { nodeProvider } from '../../src/crypto/node.js';
import {
  bitLength,
  emsaPkcs1v15Encode,
  emsaPssEncode,
  emsaPssVerify,
  i2osp,
  modInverse,
  modPow,
  os2ip,
  rsaSign,
  rsaVerify,
} from '../../src/crypto/rsa.js';
import { fromNodeKeyPair, testKeyPair } from './node-keys.js';

/** Square-and-multiply, the slow reference for modPow. */
function naiveModPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n % m;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

const big = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n });

describe('RSA integer helpers', () => {
  it('modPow equals square-and-multiply', () => {
    fc.assert(
      fc.property(big(700), big(1100), big(600), (b, e, m) => {
        const mod = m | 1n; // any positive modulus
        expect(modPow(b, e, mod)).toBe(naiveModPow(b, e, mod));
      }),
      { numRuns: 60 },
    );
    expect(modPow(5n, 0n, 7n)).toBe(1n);
    expect(modPow(5n, 3n, 1n)).toBe(0n);
    expect(() => modPow(2n, -1n, 7n)).toThrow(RangeError);
  });

  it('modInverse inverts coprime values and refuses others', () => {
    fc.assert(
      fc.property(big(300), big(300), (a, m0) => {
        const m = m0 + 2n;
        const inv = modInverse(a, m);
        if (inv === undefined) expect(gcd(a, m)).not.toBe(1n);
        else expect((a * inv) % m).toBe(1n);
      }),
      { numRuns: 100 },
    );
    expect(modInverse(6n, 9n)).toBeUndefined();
    expect(modInverse(3n, 7n)).toBe(5n);
  });

  it('OS2IP and I2OSP (RFC 8017 §4) round-trip with exact lengths', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expect(toHex(i2osp(os2ip(b), b.length)!)).toBe(toHex(b));
      }),
      { numRuns: 100 },
    );
    expect(i2osp(256n, 1)).toBeUndefined();
    expect(toHex(i2osp(255n, 2)!)).toBe('00ff');
    expect(toHex(i2osp(0x1234n, 2)!)).toBe('1234');
    expect(toHex(i2osp(0x123n, 2)!)).toBe('0123');
    expect(i2osp(-1n, 4)).toBeUndefined();
    expect(bitLength(0n)).toBe(0);
    expect(bitLength(255n)).toBe(8);
  });
});

describe('EMSA encodings (RFC 8017 §9)', () => {
  it('EMSA-PSS encode then verify, for every emBits alignment, and a wrong salt length fails', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1020, max: 1031 }), fc.uint8Array({ maxLength: 64 }), fc.constantFrom(0, 20, 32), (emBits, m, sLen) => {
        const salt = nobleProvider.random(new Uint8Array(sLen));
        const em = emsaPssEncode(nobleProvider, 'sha256', m, emBits, salt)!;
        expect(em.length).toBe(Math.ceil(emBits / 8));
        expect(em[em.length - 1]).toBe(0xbc);
        expect(em[0]! >> (8 - (8 * em.length - emBits))).toBe(0);
        expect(emsaPssVerify(nobleProvider, 'sha256', m, em, emBits, sLen)).toBe(true);
        expect(emsaPssVerify(nobleProvider, 'sha256', m, em, emBits, sLen + 1)).toBe(false);
        const flipped = em.slice();
        flipped[5]! ^= 1;
        expect(emsaPssVerify(nobleProvider, 'sha256', m, flipped, emBits, sLen)).toBe(false);
      }),
      { numRuns: 40 },
    );
    // emLen < hLen + sLen + 2: encoding error.
    expect(emsaPssEncode(nobleProvider, 'sha512', new Uint8Array(0), 8 * 100, new Uint8Array(64))).toBeUndefined();
  });

  it('EMSA-PKCS1-v1_5 has the DigestInfo layout of §9.2 (SHA-256)', () => {
    const em = emsaPkcs1v15Encode(nobleProvider, 'sha256', new TextEncoder().encode('abc'), 64)!;
    expect(toHex(em)).toBe(
      '0001' + 'ff'.repeat(64 - 3 - 51) + '00' + '3031300d060960864801650304020105000420' +
        'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(emsaPkcs1v15Encode(nobleProvider, 'sha512', new Uint8Array(0), 50)).toBeUndefined();
  });
});

describe('RSA signatures', () => {
  it('PSS with 32, 48 and 64-byte salts: the salt comes from the provider, so a seeded provider is deterministic', () => {
    const kp = testKeyPair('rsa2048');
    if (kp.privateKey.kind !== 'rsa' || kp.publicKey.kind !== 'rsa') throw new Error('rsa');
    const seeded = () => createNobleProvider({ random: (out) => out.fill(0x5a) });
    for (const [hash, saltLength] of [['sha256', 32], ['sha384', 48], ['sha512', 64]] as const) {
      const alg = { kind: 'rsa-pss', hash, saltLength } as const;
      const a = rsaSign(seeded(), alg, kp.privateKey, new Uint8Array(7));
      const b = rsaSign(seeded(), alg, kp.privateKey, new Uint8Array(7));
      expect(toHex(a)).toBe(toHex(b));
      expect(a.length).toBe(256);
      expect(nodeProvider.verify(alg, kp.publicKey, new Uint8Array(7), a)).toBe(true);
      expect(rsaVerify(nobleProvider, { ...alg, saltLength: saltLength - 1 }, kp.publicKey, new Uint8Array(7), a)).toBe(false);
      // Fresh salts differ.
      const c = nobleProvider.sign(alg, kp.privateKey, new Uint8Array(7));
      expect(toHex(c)).not.toBe(toHex(a));
    }
  });

  it('a modulus whose bit length is 8k + 1 (emLen = k - 1 in EMSA-PSS) round-trips with node', () => {
    // node generates moduli of exactly the requested size.
    const gen = generateKeyPairSync('rsa', { modulusLength: 2049 });
    const kp = fromNodeKeyPair(gen.privateKey, gen.publicKey);
    const alg = { kind: 'rsa-pss', hash: 'sha256', saltLength: 32 } as const;
    const m = new Uint8Array(3);
    expect(nodeProvider.verify(alg, kp.publicKey, m, nobleProvider.sign(alg, kp.privateKey, m))).toBe(true);
    expect(nobleProvider.verify(alg, kp.publicKey, m, nodeProvider.sign(alg, kp.privateKey, m))).toBe(true);
  });

  it('refuses moduli under 2048 bits: sign throws TypeError, verify is false', () => {
    const gen = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const kp = fromNodeKeyPair(gen.privateKey, gen.publicKey);
    const alg = { kind: 'rsa-pkcs1', hash: 'sha256' } as const;
    const m = new Uint8Array(1);
    const nodeSig = new Uint8Array(nodeSign('sha256', m, gen.privateKey));
    for (const p of [nobleProvider, nodeProvider]) {
      expect(() => p.sign(alg, kp.privateKey, m)).toThrow(TypeError);
      expect(p.verify(alg, kp.publicKey, m, nodeSig)).toBe(false);
    }
  });

  it('refuses moduli over 8192 bits (checked on the key, without generating one)', () => {
    const { privateKey, publicKey } = testKeyPair('rsa2048');
    if (privateKey.kind !== 'rsa' || publicKey.kind !== 'rsa') throw new Error('rsa');
    const huge = (1n << 8200n) + 1n;
    const alg = { kind: 'rsa-pkcs1', hash: 'sha256' } as const;
    expect(() => rsaSign(nobleProvider, alg, { ...privateKey, n: huge }, new Uint8Array(1))).toThrow(TypeError);
    expect(rsaVerify(nobleProvider, alg, { ...publicKey, n: huge }, new Uint8Array(1), new Uint8Array(1026))).toBe(false);
  });

  it('checks the CRT result: a faulty CRT exponent is caught instead of releasing a bad signature', () => {
    const kp = testKeyPair('rsa2048');
    if (kp.privateKey.kind !== 'rsa') throw new Error('rsa');
    const faulty = { ...kp.privateKey, dp: kp.privateKey.dp ^ 2n };
    expect(() => rsaSign(nobleProvider, { kind: 'rsa-pkcs1', hash: 'sha256' }, faulty, new Uint8Array(1))).toThrow(
      /consistency check/,
    );
  });

  it('verify rejects signatures of the wrong length and values not below n', () => {
    const kp = testKeyPair('rsa2048');
    if (kp.publicKey.kind !== 'rsa') throw new Error('rsa');
    const alg = { kind: 'rsa-pkcs1', hash: 'sha256' } as const;
    const sig = nobleProvider.sign(alg, kp.privateKey, new Uint8Array(2));
    expect(nobleProvider.verify(alg, kp.publicKey, new Uint8Array(2), sig.subarray(1))).toBe(false);
    const n = i2osp(kp.publicKey.n, 256)!;
    expect(nobleProvider.verify(alg, kp.publicKey, new Uint8Array(2), n)).toBe(false);
    expect(nobleProvider.verify(alg, kp.publicKey, new Uint8Array(2), new Uint8Array(256).fill(0xff))).toBe(false);
    // PSS verify of a PKCS#1 signature fails and vice versa.
    expect(nobleProvider.verify({ kind: 'rsa-pss', hash: 'sha256', saltLength: 32 }, kp.publicKey, new Uint8Array(2), sig)).toBe(false);
  });
});
