import { concat, fromHex, toHex } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { chacha20Block, chacha20HeaderMask, chacha20KeyWords } from '../../src/crypto/chacha20-block.js';
import { fastestNodeProvider } from '../../src/crypto/fastest.js';
import { nobleProvider } from '../../src/crypto/noble.js';
import { nodeProvider } from '../../src/crypto/node.js';
import type { AeadAlgorithm, CryptoProvider } from '../../src/crypto/provider.js';
import vectors from '../vectors/crypto-vectors.json' with { type: 'json' };

const h = fromHex;
const providers: readonly CryptoProvider[] = [nobleProvider, nodeProvider, fastestNodeProvider];

describe.each(providers.map((p) => [p.name, p] as const))('RFC vectors with the %s provider', (_name, p) => {
  for (const v of vectors.hkdf) {
    it(`${v.source}: HKDF-Extract and HKDF-Expand`, () => {
      const prk = p.hkdfExtract('sha256', h(v.salt), h(v.ikm));
      expect(toHex(prk)).toBe(v.prk);
      expect(toHex(p.hkdfExpand('sha256', prk, h(v.info), v.length))).toBe(v.okm);
      // HMAC is what extract is: HMAC(salt, IKM).
      expect(toHex(p.hmac('sha256', h(v.salt), h(v.ikm)))).toBe(v.prk);
    });
  }

  it('HKDF-Expand refuses more than 255 * HashLen bytes', () => {
    expect(() => p.hkdfExpand('sha256', new Uint8Array(32), new Uint8Array(0), 255 * 32 + 1)).toThrow();
    expect(p.hkdfExpand('sha256', new Uint8Array(32), new Uint8Array(0), 255 * 32).length).toBe(255 * 32);
  });

  it('hashes: SHA-256/384/512 of "abc" (FIPS 180-4 examples) and their lengths', () => {
    const abc = new TextEncoder().encode('abc');
    expect(toHex(p.hash('sha256', abc))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(p.hash('sha384', abc))).toBe(
      'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
    );
    expect(toHex(p.hash('sha512', abc))).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd' +
        '454d4423643ce80e2a9ac94fa54ca49f',
    );
    expect([p.hashLength('sha256'), p.hashLength('sha384'), p.hashLength('sha512')]).toEqual([32, 48, 64]);
  });

  for (const v of vectors.aead) {
    it(`${v.source}: ${v.algorithm} seal and open`, () => {
      const aead = p.aead(v.algorithm as AeadAlgorithm, h(v.key));
      expect(aead.tagLength).toBe(16);
      expect(aead.algorithm).toBe(v.algorithm);
      const sealed = aead.seal(h(v.nonce), h(v.aad), h(v.plaintext));
      expect(toHex(sealed)).toBe(v.ciphertext + v.tag);
      const opened = aead.open(h(v.nonce), h(v.aad), sealed);
      expect(opened && toHex(opened)).toBe(v.plaintext);
      // Any flipped bit of ciphertext, tag or AAD fails authentication.
      const bad = sealed.slice();
      bad[bad.length - 1]! ^= 1;
      expect(aead.open(h(v.nonce), h(v.aad), bad)).toBeUndefined();
      if (v.aad.length > 0) {
        const aad = h(v.aad);
        aad[0]! ^= 0x80;
        expect(aead.open(h(v.nonce), aad, sealed)).toBeUndefined();
      }
    });
  }

  for (const v of vectors.headerProtection) {
    it(`${v.source}: ${v.algorithm} header-protection mask`, () => {
      const hp = p.headerProtection(v.algorithm as AeadAlgorithm, h(v.key));
      expect(toHex(hp.mask(h(v.sample)))).toBe(v.mask);
      // The bound key is reusable, and a sample inside a longer packet reads only its first 16 bytes.
      expect(toHex(hp.mask(concat(h(v.sample), h('ffff'))))).toBe(v.mask);
      expect(() => hp.mask(new Uint8Array(15))).toThrow(RangeError);
    });
  }

  for (const v of vectors.x25519) {
    it(`${v.source}: X25519 shares from the provider agree (vector keys checked in chacha/x25519 tests)`, () => {
      const share = p.generateKeyShare('x25519');
      const accepted = p.acceptKeyExchange('x25519', share.publicShare)!;
      expect(toHex(p.completeKeyExchange(share, accepted.publicShare)!)).toBe(toHex(accepted.sharedSecret));
      // The RFC's Bob share is a valid peer share.
      expect(p.acceptKeyExchange('x25519', h(v.bobPublic))?.sharedSecret.length).toBe(32);
    });
  }

  for (const v of vectors.ed25519) {
    it(`${v.source}: Ed25519 sign and verify`, async () => {
      const { fromNodeKeyPair } = await import('./node-keys.js');
      const { createPrivateKey, createPublicKey } = await import('node:crypto');
      // Build the key objects from the RFC's raw seed through JWK, as the X.509 module would from DER.
      const jwk = { kty: 'OKP', crv: 'Ed25519', d: Buffer.from(h(v.secret)).toString('base64url'), x: Buffer.from(h(v.public)).toString('base64url') };
      const kp = fromNodeKeyPair(createPrivateKey({ key: jwk, format: 'jwk' }), createPublicKey({ key: jwk, format: 'jwk' }));
      expect(toHex(kp.publicKey.kind === 'ed25519' ? kp.publicKey.key : new Uint8Array())).toBe(v.public);
      const sig = p.sign({ kind: 'ed25519' }, kp.privateKey, h(v.message));
      expect(toHex(sig)).toBe(v.signature);
      expect(p.verify({ kind: 'ed25519' }, kp.publicKey, h(v.message), h(v.signature))).toBe(true);
      expect(p.verify({ kind: 'ed25519' }, kp.publicKey, h(v.message + '00'), h(v.signature))).toBe(false);
    });
  }
});

describe('ChaCha20 block function (chacha20-block.ts)', () => {
  for (const v of vectors.chacha20Block) {
    it(`${v.source}: the serialized block`, () => {
      const out = chacha20Block(chacha20KeyWords(h(v.key)), v.counter, h(v.nonce), 0, new Uint8Array(64));
      expect(toHex(out)).toBe(v.block);
      // A shorter output is a prefix of the block.
      expect(toHex(chacha20Block(chacha20KeyWords(h(v.key)), v.counter, h(v.nonce), 0, new Uint8Array(5)))).toBe(
        v.block.slice(0, 10),
      );
    });
  }

  it('RFC 9001 §A.5 through chacha20HeaderMask, including counter 0xffffffff', () => {
    const v = vectors.headerProtection[1]!;
    expect(toHex(chacha20HeaderMask(chacha20KeyWords(h(v.key)), h(v.sample)))).toBe(v.mask);
    // The maximum counter (which @noble's stream API refuses) gives node's answer.
    const sample = h('ffffffff000102030405060708090a0b');
    const ours = nobleProvider.headerProtection('chacha20-poly1305', h(v.key)).mask(sample);
    const node = nodeProvider.headerProtection('chacha20-poly1305', h(v.key)).mask(sample);
    expect(toHex(ours)).toBe(toHex(node));
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => chacha20KeyWords(new Uint8Array(16))).toThrow(RangeError);
  });
});

describe('RFC 7748 §6.1 X25519 (the scalar multiplication the noble provider uses)', () => {
  it('derives both public keys and the shared secret', async () => {
    const { x25519 } = await import('@noble/curves/ed25519.js');
    const v = vectors.x25519[0]!;
    expect(toHex(x25519.scalarMultBase(h(v.alicePrivate)))).toBe(v.alicePublic);
    expect(toHex(x25519.scalarMultBase(h(v.bobPrivate)))).toBe(v.bobPublic);
    expect(toHex(x25519.scalarMult(h(v.alicePrivate), h(v.bobPublic)))).toBe(v.shared);
    expect(toHex(x25519.scalarMult(h(v.bobPrivate), h(v.alicePublic)))).toBe(v.shared);
  });

  it('the noble provider completes an exchange with a deterministic random source to the RFC secret', async () => {
    const { createNobleProvider } = await import('../../src/crypto/noble.js');
    const v = vectors.x25519[0]!;
    const queue = [h(v.alicePrivate), h(v.bobPrivate)];
    const p = createNobleProvider({ random: (out) => (out.set(queue.shift()!), out) });
    const alice = p.generateKeyShare('x25519');
    expect(toHex(alice.publicShare)).toBe(v.alicePublic);
    const bob = p.acceptKeyExchange('x25519', alice.publicShare)!;
    expect(toHex(bob.publicShare)).toBe(v.bobPublic);
    expect(toHex(bob.sharedSecret)).toBe(v.shared);
    expect(toHex(p.completeKeyExchange(alice, bob.publicShare)!)).toBe(v.shared);
  });
});
