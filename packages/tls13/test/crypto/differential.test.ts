/**
 * Differential tests: the pure-TypeScript provider against node:crypto (OpenSSL) on random inputs, for every
 * primitive. Each side's output must be accepted by the other, and tampering must be rejected by both.
 */
import { toHex } from '@qk/octets';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastestNodeProvider } from '../../src/crypto/fastest.js';
import { nobleProvider } from '../../src/crypto/noble.js';
import { nodeProvider } from '../../src/crypto/node.js';
import type { AeadAlgorithm, CryptoProvider, HashAlgorithm, KeyExchangeGroup, SignatureAlgorithm } from '../../src/crypto/provider.js';
import { testKeyPair, type TestKeyType } from './node-keys.js';

const KEY_LENGTHS: Record<AeadAlgorithm, number> = { 'aes-128-gcm': 16, 'aes-256-gcm': 32, 'chacha20-poly1305': 32 };
const AEADS = Object.keys(KEY_LENGTHS) as AeadAlgorithm[];
const HASHES: HashAlgorithm[] = ['sha256', 'sha384', 'sha512'];
const PAIRS: ReadonlyArray<readonly [CryptoProvider, CryptoProvider]> = [
  [nobleProvider, nodeProvider],
  [nodeProvider, nobleProvider],
];

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });

describe('AEAD: noble and node agree', () => {
  for (const alg of AEADS) {
    it(`${alg}: seal by one, open by the other, tampering fails`, () => {
      fc.assert(
        fc.property(
          bytes(KEY_LENGTHS[alg], KEY_LENGTHS[alg]),
          bytes(12, 12),
          bytes(0, 64),
          bytes(0, 1500),
          fc.nat(),
          (key, nonce, aad, plaintext, where) => {
            const a = nobleProvider.aead(alg, key);
            const b = nodeProvider.aead(alg, key);
            const sealed = a.seal(nonce, aad, plaintext);
            expect(toHex(b.seal(nonce, aad, plaintext))).toBe(toHex(sealed));
            expect(sealed.length).toBe(plaintext.length + 16);
            for (const opener of [a, b]) {
              expect(toHex(opener.open(nonce, aad, sealed)!)).toBe(toHex(plaintext));
              const tampered = sealed.slice();
              tampered[where % tampered.length]! ^= 1 << (where % 8);
              expect(opener.open(nonce, aad, tampered)).toBeUndefined();
              const otherAad = new Uint8Array(aad.length + 1);
              otherAad.set(aad);
              expect(opener.open(nonce, otherAad, sealed)).toBeUndefined();
              expect(opener.open(nonce, aad, sealed.subarray(0, sealed.length - 1))).toBeUndefined();
              expect(opener.open(nonce, aad, sealed.subarray(0, where % 16))).toBeUndefined();
            }
          },
        ),
        { numRuns: 40 },
      );
    });
  }

  it('opens a ciphertext that is a view into a larger buffer (unaligned offsets)', () => {
    for (const alg of AEADS) {
      const key = new Uint8Array(KEY_LENGTHS[alg]).fill(5);
      const sealed = nodeProvider.aead(alg, key).seal(new Uint8Array(12), new Uint8Array(3), new Uint8Array(101).fill(9));
      const big = new Uint8Array(sealed.length + 7);
      big.set(sealed, 3);
      const view = big.subarray(3, 3 + sealed.length);
      for (const p of [nobleProvider, nodeProvider]) {
        expect(p.aead(alg, key).open(new Uint8Array(12), new Uint8Array(3), view)).toEqual(new Uint8Array(101).fill(9));
      }
    }
  });

  it('refuses wrong key and nonce lengths at once', () => {
    for (const p of [nobleProvider, nodeProvider]) {
      expect(() => p.aead('aes-128-gcm', new Uint8Array(32))).toThrow(RangeError);
      expect(() => p.aead('chacha20-poly1305', new Uint8Array(16))).toThrow(RangeError);
      expect(() => p.aead('aes-256-gcm', new Uint8Array(32)).seal(new Uint8Array(8), new Uint8Array(0), new Uint8Array(0))).toThrow(RangeError);
      expect(() => p.headerProtection('aes-256-gcm', new Uint8Array(16))).toThrow(RangeError);
      expect(p.aeadKeyLength('aes-128-gcm')).toBe(16);
      expect(p.aeadKeyLength('chacha20-poly1305')).toBe(32);
    }
  });
});

describe('header protection: every implementation gives the same mask', () => {
  for (const alg of AEADS) {
    it(alg, () => {
      fc.assert(
        fc.property(bytes(KEY_LENGTHS[alg], KEY_LENGTHS[alg]), fc.array(bytes(16, 16), { minLength: 1, maxLength: 4 }), (key, samples) => {
          const masks = [nobleProvider, nodeProvider, fastestNodeProvider].map((p) => p.headerProtection(alg, key));
          for (const sample of samples) {
            const want = toHex(masks[1]!.mask(sample));
            expect(want.length).toBe(10);
            expect(toHex(masks[0]!.mask(sample))).toBe(want);
            expect(toHex(masks[2]!.mask(sample))).toBe(want);
          }
        }),
        { numRuns: 100 },
      );
    });
  }
});

describe('hashes, HMAC and HKDF: noble and node agree', () => {
  it('on random inputs for each hash', () => {
    fc.assert(
      fc.property(fc.constantFrom(...HASHES), bytes(0, 300), bytes(0, 200), bytes(0, 100), fc.integer({ min: 0, max: 300 }), (alg, a, b, c, len) => {
        const n = nobleProvider;
        const o = nodeProvider;
        expect(toHex(n.hash(alg, a))).toBe(toHex(o.hash(alg, a)));
        expect(toHex(n.hmac(alg, b, a))).toBe(toHex(o.hmac(alg, b, a)));
        const prk = n.hkdfExtract(alg, b, a);
        expect(toHex(prk)).toBe(toHex(o.hkdfExtract(alg, b, a)));
        expect(toHex(n.hkdfExpand(alg, prk, c, len))).toBe(toHex(o.hkdfExpand(alg, prk, c, len)));
      }),
      { numRuns: 60 },
    );
  });
});

describe('key exchange: every group, both directions', () => {
  const groups: KeyExchangeGroup[] = ['x25519', 'secp256r1', 'secp384r1', 'x25519mlkem768'];
  for (const group of groups) {
    it(group, () => {
      for (const [client, server] of PAIRS) {
        for (let i = 0; i < 2; i++) {
          const share = client.generateKeyShare(group);
          expect(share.group).toBe(group);
          const accepted = server.acceptKeyExchange(group, share.publicShare);
          expect(accepted).toBeDefined();
          const secret = client.completeKeyExchange(share, accepted!.publicShare);
          expect(secret && toHex(secret)).toBe(toHex(accepted!.sharedSecret));
          const expectedLength = { x25519: 32, secp256r1: 32, secp384r1: 48, x25519mlkem768: 64 }[group];
          expect(secret!.length).toBe(expectedLength);
        }
      }
    });
  }

  it('refuses a share made by another provider in completeKeyExchange', () => {
    const share = nodeProvider.generateKeyShare('secp256r1');
    const accepted = nobleProvider.acceptKeyExchange('secp256r1', share.publicShare)!;
    expect(() => nobleProvider.completeKeyExchange(share, accepted.publicShare)).toThrow(TypeError);
  });
});

type SigCase = readonly [TestKeyType, SignatureAlgorithm];
const SIG_CASES: readonly SigCase[] = [
  ...HASHES.map((hash) => ['P-256', { kind: 'ecdsa', hash }] as const),
  ...HASHES.map((hash) => ['P-384', { kind: 'ecdsa', hash }] as const),
  ['ed25519', { kind: 'ed25519' }],
  ['rsa2048', { kind: 'rsa-pss', hash: 'sha256', saltLength: 32 }],
  ['rsa2048', { kind: 'rsa-pss', hash: 'sha384', saltLength: 48 }],
  ['rsa2048', { kind: 'rsa-pss', hash: 'sha512', saltLength: 64 }],
  ['rsa3072', { kind: 'rsa-pss', hash: 'sha256', saltLength: 32 }],
  ['rsa3072', { kind: 'rsa-pss', hash: 'sha512', saltLength: 64 }],
  ['rsa2048', { kind: 'rsa-pkcs1', hash: 'sha256' }],
  ['rsa2048', { kind: 'rsa-pkcs1', hash: 'sha384' }],
  ['rsa3072', { kind: 'rsa-pkcs1', hash: 'sha512' }],
];

describe('signatures: signed by one provider, verified by the other', () => {
  for (const [type, alg] of SIG_CASES) {
    it(`${type} ${JSON.stringify(alg)}`, () => {
      const kp = testKeyPair(type);
      fc.assert(
        fc.property(bytes(0, 200), fc.nat(), (message, where) => {
          for (const [signer, verifier] of PAIRS) {
            const sig = signer.sign(alg, kp.privateKey, message);
            expect(verifier.verify(alg, kp.publicKey, message, sig)).toBe(true);
            expect(signer.verify(alg, kp.publicKey, message, sig)).toBe(true);
            const bad = sig.slice();
            bad[where % bad.length]! ^= 1 << (where % 8);
            expect(verifier.verify(alg, kp.publicKey, message, bad)).toBe(false);
            const otherMessage = new Uint8Array(message.length + 1);
            otherMessage.set(message);
            expect(verifier.verify(alg, kp.publicKey, otherMessage, sig)).toBe(false);
          }
        }),
        { numRuns: type.startsWith('rsa3072') ? 2 : 3 },
      );
    });
  }

  it('PKCS#1 v1.5 is deterministic: both providers produce the same bytes', () => {
    const kp = testKeyPair('rsa2048');
    const message = new TextEncoder().encode('TLS 1.3, server CertificateVerify');
    for (const hash of HASHES) {
      const alg = { kind: 'rsa-pkcs1', hash } as const;
      expect(toHex(nobleProvider.sign(alg, kp.privateKey, message))).toBe(toHex(nodeProvider.sign(alg, kp.privateKey, message)));
    }
  });

  it('a key of the wrong kind: sign throws TypeError, verify is false', () => {
    const ec = testKeyPair('P-256');
    const ed = testKeyPair('ed25519');
    const rsa = testKeyPair('rsa2048');
    const m = new Uint8Array(10);
    for (const p of [nobleProvider, nodeProvider]) {
      expect(() => p.sign({ kind: 'ed25519' }, ec.privateKey, m)).toThrow(TypeError);
      expect(() => p.sign({ kind: 'ecdsa', hash: 'sha256' }, rsa.privateKey, m)).toThrow(TypeError);
      expect(() => p.sign({ kind: 'rsa-pss', hash: 'sha256', saltLength: 32 }, ed.privateKey, m)).toThrow(TypeError);
      const edSig = p.sign({ kind: 'ed25519' }, ed.privateKey, m);
      expect(p.verify({ kind: 'ed25519' }, ec.publicKey, m, edSig)).toBe(false);
      expect(p.verify({ kind: 'ecdsa', hash: 'sha256' }, ed.publicKey, m, edSig)).toBe(false);
      expect(p.verify({ kind: 'rsa-pkcs1', hash: 'sha256' }, ec.publicKey, m, edSig)).toBe(false);
      // A P-384 signature does not verify under a P-256 key.
      const p384 = testKeyPair('P-384');
      const sig384 = p.sign({ kind: 'ecdsa', hash: 'sha384' }, p384.privateKey, m);
      expect(p.verify({ kind: 'ecdsa', hash: 'sha384' }, ec.publicKey, m, sig384)).toBe(false);
    }
  });

  it('verify returns false, never throws, for random signature bytes', () => {
    const keys = (['P-256', 'P-384', 'ed25519', 'rsa2048'] as const).map((t) => testKeyPair(t));
    fc.assert(
      fc.property(bytes(0, 300), fc.constantFrom(...SIG_CASES.map((c) => c[1])), fc.constantFrom(...keys), (sig, alg, kp) => {
        for (const p of [nobleProvider, nodeProvider]) {
          expect(p.verify(alg, kp.publicKey, new Uint8Array(3), sig)).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('bound-key AES-GCM (aes-gcm.ts) against @noble/ciphers gcm()', () => {
  it('same bytes for every AAD and plaintext length around block boundaries', async () => {
    const { gcm } = await import('@noble/ciphers/aes.js');
    const { BoundAesGcm } = await import('../../src/crypto/aes-gcm.js');
    fc.assert(
      fc.property(fc.constantFrom(16, 32), bytes(32, 32), bytes(12, 12), bytes(0, 40), bytes(0, 70), (keyLength, k, nonce, aad, pt) => {
        const key = k.subarray(0, keyLength);
        const ours = new BoundAesGcm(keyLength === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key);
        const sealed = ours.seal(nonce, aad, pt);
        expect(toHex(sealed)).toBe(toHex(gcm(key, nonce, aad).encrypt(pt)));
        expect(toHex(ours.open(nonce, aad, sealed)!)).toBe(toHex(pt));
      }),
      { numRuns: 150 },
    );
  });
});
