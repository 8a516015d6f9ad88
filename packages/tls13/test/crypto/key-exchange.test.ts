/** Hostile key shares: every invalid peer share gives `undefined`, never an exception or a weak secret. */
import { concat, fromHex } from '@qk/octets';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { X25519MLKEM768, nobleProvider } from '../../src/crypto/noble.js';
import { nodeProvider } from '../../src/crypto/node.js';
import type { CryptoProvider, KeyExchangeGroup } from '../../src/crypto/provider.js';

/**
 * X25519 public values of small order (RFC 7748 §6.1 and the list in the Curve25519 "security" notes): the
 * shared secret with any scalar is all zero, which RFC 8446 §7.4.2 says to reject.
 */
const LOW_ORDER_X25519 = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map(fromHex);

const SHARE_LENGTH: Record<Exclude<KeyExchangeGroup, 'x25519mlkem768'>, number> = { x25519: 32, secp256r1: 65, secp384r1: 97 };

function bothWays(p: CryptoProvider, group: KeyExchangeGroup, peer: Uint8Array): Array<Uint8Array | undefined> {
  const accepted = p.acceptKeyExchange(group, peer);
  const completed = p.completeKeyExchange(p.generateKeyShare(group), peer);
  return [accepted?.sharedSecret, completed];
}

describe.each([nobleProvider, nodeProvider].map((p) => [p.name, p] as const))('invalid key shares with %s', (_n, p) => {
  it('x25519: wrong lengths and all-zero results', () => {
    for (const peer of [new Uint8Array(0), new Uint8Array(31).fill(9), new Uint8Array(33).fill(9), ...LOW_ORDER_X25519]) {
      expect(bothWays(p, 'x25519', peer)).toEqual([undefined, undefined]);
    }
  });

  for (const group of ['secp256r1', 'secp384r1'] as const) {
    it(`${group}: wrong lengths, compressed and off-curve points, the identity`, () => {
      const good = p.generateKeyShare(group).publicShare;
      const size = (SHARE_LENGTH[group] - 1) / 2;
      const compressed = concat(Uint8Array.of(2 + (good[good.length - 1]! & 1)), good.subarray(1, 1 + size));
      const offCurve = good.slice();
      offCurve[offCurve.length - 1]! ^= 1;
      const hybridPrefix = good.slice();
      hybridPrefix[0] = 0x06;
      const xOnly = good.subarray(0, 1 + size);
      const zeros = concat(Uint8Array.of(4), new Uint8Array(2 * size));
      const coordsTooBig = concat(Uint8Array.of(4), new Uint8Array(2 * size).fill(0xff));
      for (const peer of [new Uint8Array(0), Uint8Array.of(0), compressed, offCurve, hybridPrefix, xOnly, zeros, coordsTooBig, concat(good, Uint8Array.of(0))]) {
        expect(bothWays(p, group, peer)).toEqual([undefined, undefined]);
      }
      // The unmodified share is fine.
      expect(p.acceptKeyExchange(group, good)).toBeDefined();
    });

    it(`${group}: random bytes of the right length with the 0x04 prefix are (almost always) rejected`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: SHARE_LENGTH[group] - 1, maxLength: SHARE_LENGTH[group] - 1 }), (body) => {
          const [a, c] = bothWays(p, group, concat(Uint8Array.of(4), body));
          // A random (x, y) lies on the curve with negligible probability.
          expect(a).toBeUndefined();
          expect(c).toBeUndefined();
        }),
        { numRuns: 10 },
      );
    });
  }

  it('x25519mlkem768: exact lengths, a bad X25519 half, a bad ML-KEM encapsulation key', () => {
    const client = p.generateKeyShare('x25519mlkem768');
    expect(client.publicShare.length).toBe(X25519MLKEM768.clientShareLength);
    const share = client.publicShare;
    for (const peer of [share.subarray(0, share.length - 1), concat(share, Uint8Array.of(0)), new Uint8Array(0)]) {
      expect(p.acceptKeyExchange('x25519mlkem768', peer)).toBeUndefined();
    }
    // The X25519 half is a low-order point.
    const lowOrder = concat(share.subarray(0, X25519MLKEM768.mlkemPublicKeyLength), LOW_ORDER_X25519[0]!);
    expect(p.acceptKeyExchange('x25519mlkem768', lowOrder)).toBeUndefined();
    // Coefficients >= q fail the FIPS 203 §7.2 modulus check.
    const badKem = share.slice();
    badKem.fill(0xff, 0, 384);
    expect(p.acceptKeyExchange('x25519mlkem768', badKem)).toBeUndefined();

    const server = p.acceptKeyExchange('x25519mlkem768', share)!;
    expect(server.publicShare.length).toBe(X25519MLKEM768.serverShareLength);
    expect(server.sharedSecret.length).toBe(64);
    const reply = server.publicShare;
    expect(p.completeKeyExchange(client, reply.subarray(1))).toBeUndefined();
    expect(p.completeKeyExchange(client, concat(reply, Uint8Array.of(1)))).toBeUndefined();
    const lowOrderReply = concat(reply.subarray(0, X25519MLKEM768.mlkemCiphertextLength), LOW_ORDER_X25519[1]!);
    expect(p.completeKeyExchange(client, lowOrderReply)).toBeUndefined();
    // A corrupted ciphertext decapsulates to a different secret (implicit rejection), and the KEM half is first.
    const corrupted = reply.slice();
    corrupted[0]! ^= 1;
    const other = p.completeKeyExchange(client, corrupted)!;
    expect(other.subarray(0, 32)).not.toEqual(server.sharedSecret.subarray(0, 32));
    expect(other.subarray(32)).toEqual(server.sharedSecret.subarray(32));
    expect(p.completeKeyExchange(client, reply)).toEqual(server.sharedSecret);
  });

  it('random bytes of any length never throw', () => {
    fc.assert(
      fc.property(fc.constantFrom<KeyExchangeGroup>('x25519', 'secp256r1', 'secp384r1', 'x25519mlkem768'), fc.uint8Array({ maxLength: 130 }), (group, peer) => {
        expect(() => bothWays(p, group, peer)).not.toThrow();
      }),
      { numRuns: 40 },
    );
  });

  it('an unknown group: generateKeyShare throws TypeError, acceptKeyExchange is undefined', () => {
    expect(() => p.generateKeyShare('ffdhe2048' as KeyExchangeGroup)).toThrow(TypeError);
    expect(p.acceptKeyExchange('ffdhe2048' as KeyExchangeGroup, new Uint8Array(32))).toBeUndefined();
  });
});
