/**
 * Packet protection beyond the RFC vectors: tampering, short packets, key phases, reserved bits, hostile input,
 * and protect/unprotect round trips for every suite and provider.
 */
import { toHex } from '@qk/octets';
import { supportedCipherSuites } from '@qk/tls13';
import type { CipherSuiteInfo, CryptoProvider } from '@qk/tls13';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decryptPayload, derivePacketKeys, initialKeys, nextGenerationKeys, packetNonce, protectPacket,
  removeHeaderProtection, restoreHeaderProtection, unprotectPacket,
} from '../../src/crypto/index.js';
import type { PacketKeys } from '../../src/crypto/index.js';
import { QuicVersion } from '../../src/versions.js';
import { hex, providers } from './helpers.js';
import rfc9001 from '../vectors/rfc9001-appendix-a.json' with { type: 'json' };

const VERSIONS = [QuicVersion.v1, QuicVersion.v2] as const;
const A2 = rfc9001.clientInitial;
const A2_PACKET = hex(A2.protectedPacket);

function clientInitialKeys(provider: CryptoProvider): PacketKeys {
  return initialKeys(provider, QuicVersion.v1, hex(rfc9001.keys.dcid)).client;
}

function keysFor(provider: CryptoProvider, version: number, suite: CipherSuiteInfo, fill: number): PacketKeys {
  return derivePacketKeys(provider, version, suite, new Uint8Array(provider.hashLength(suite.hash)).fill(fill));
}

/**
 * Builds a packet in a fresh buffer: `first` (with the pn length bits), `filler` header bytes, the truncated
 * packet number, then the payload; protects it; returns the buffer and the pn offset.
 */
function build(
  keys: PacketKeys,
  first: number,
  filler: Uint8Array,
  pn: number,
  payload: Uint8Array,
): { packet: Uint8Array; pnOffset: number; header: Uint8Array } {
  const pnLength = (first & 3) + 1;
  const pnOffset = 1 + filler.length;
  const buf = new Uint8Array(pnOffset + pnLength + payload.length + 16);
  buf[0] = first;
  buf.set(filler, 1);
  let t = pn % 2 ** (8 * pnLength);
  for (let i = pnLength - 1; i >= 0; i--) {
    buf[pnOffset + i] = t & 0xff;
    t = Math.floor(t / 256);
  }
  const header = buf.slice(0, pnOffset + pnLength);
  const end = protectPacket(keys, buf, 0, pnOffset, pn, payload);
  expect(end).toBe(buf.length);
  return { packet: buf, pnOffset, header };
}

for (const provider of providers) {
  describe(`packet protection with the ${provider.name} provider`, () => {
    describe('tampering and truncation drop the packet and leave the buffer as received', () => {
      const keys = clientInitialKeys(provider);

      const cases: Array<[string, number, number]> = [
        ['a DCID byte (associated data)', 7, 0x01],
        ['the Length field', 17, 0x01],
        ['the protected packet number', 20, 0x40],
        ['the protected first byte (pn length bits)', 0, 0x01],
        ['the protected first byte (reserved bits)', 0, 0x08],
        ['a ciphertext byte in the sample', 30, 0x01],
        ['a ciphertext byte after the sample', 600, 0x80],
        ['the last tag byte', A2_PACKET.length - 1, 0x01],
        ['the first tag byte', A2_PACKET.length - 16, 0x10],
      ];
      for (const [what, at, bit] of cases) {
        it(`a flipped bit in ${what}`, () => {
          const bad = A2_PACKET.slice();
          bad[at]! ^= bit;
          const before = bad.slice();
          expect(unprotectPacket(keys, bad, 0, A2.pnOffset, bad.length, -1)).toBeUndefined();
          expect(toHex(bad)).toBe(toHex(before));
        });
      }

      it('a packet too short for the sample, or cut anywhere, is dropped', () => {
        for (let end = 0; end < A2_PACKET.length; end += end < 64 ? 1 : 97) {
          const buf = A2_PACKET.slice();
          expect(unprotectPacket(keys, buf, 0, A2.pnOffset, end, -1), `end ${end}`).toBeUndefined();
          expect(toHex(buf)).toBe(toHex(A2_PACKET));
        }
        // the shortest packet with a sample: pn offset + 4 + 16
        expect(removeHeaderProtection(keys.hp, A2_PACKET.slice(), 0, A2.pnOffset, A2.pnOffset + 19, -1)).toBeUndefined();
        expect(removeHeaderProtection(keys.hp, A2_PACKET.slice(), 0, A2.pnOffset, A2.pnOffset + 20, -1)).toBeDefined();
      });

      it('offsets that do not fit the buffer are dropped, not thrown', () => {
        const buf = A2_PACKET.slice();
        expect(unprotectPacket(keys, buf, 0, A2.pnOffset, buf.length + 1, -1)).toBeUndefined();
        expect(unprotectPacket(keys, buf, 5, 5, buf.length, -1)).toBeUndefined();
        expect(unprotectPacket(keys, buf, -1, A2.pnOffset, buf.length, -1)).toBeUndefined();
        expect(unprotectPacket(keys, buf, 0, A2.pnOffset, 10, -1)).toBeUndefined();
        expect(toHex(buf)).toBe(toHex(A2_PACKET));
      });

      it('a wrong largest-received (packet number far outside the window) fails authentication', () => {
        const buf = A2_PACKET.slice();
        expect(unprotectPacket(keys, buf, 0, A2.pnOffset, buf.length, 2 ** 40)).toBeUndefined();
        expect(toHex(buf)).toBe(toHex(A2_PACKET));
      });
    });

    describe('key phases and key update (RFC 9001 §6)', () => {
      for (const suite of supportedCipherSuites) {
        it(`${suite.name}: the key phase bit is protected and the wrong generation does not open`, () => {
          const secret = new Uint8Array(provider.hashLength(suite.hash)).fill(7);
          const gen0 = { secret, keys: derivePacketKeys(provider, QuicVersion.v1, suite, secret) };
          const gen1 = nextGenerationKeys(provider, QuicVersion.v1, gen0);
          const gen2 = nextGenerationKeys(provider, QuicVersion.v1, gen1);
          expect(gen1.keys.hp).toBe(gen0.keys.hp);
          expect(gen2.keys.hp).toBe(gen0.keys.hp);
          expect(toHex(gen1.keys.iv)).not.toBe(toHex(gen0.keys.iv));
          expect(toHex(gen2.secret)).not.toBe(toHex(gen0.secret));

          const dcid = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
          // short header, key phase 1, 2-byte packet number
          const { packet, pnOffset, header } = build(gen1.keys, 0x40 | 0x04 | 0x01, dcid, 1000, new Uint8Array(40).fill(1));
          // Header protection is removable with any generation's hp (it is the same key); the payload is not.
          const unmasked = removeHeaderProtection(gen0.keys.hp, packet, 0, pnOffset, packet.length, 999);
          expect(unmasked?.keyPhase).toBe(1);
          expect(unmasked?.packetNumber).toBe(1000);
          expect(decryptPayload(gen0.keys, packet, unmasked!)).toBeUndefined();
          expect(decryptPayload(gen2.keys, packet, unmasked!)).toBeUndefined();
          const payload = decryptPayload(gen1.keys, packet, unmasked!);
          expect(payload).toEqual(new Uint8Array(40).fill(1));
          expect(toHex(packet.subarray(0, header.length))).toBe(toHex(header));

          restoreHeaderProtection(packet, unmasked!);
          expect(unprotectPacket(gen0.keys, packet, 0, pnOffset, packet.length, 999)).toBeUndefined();
          const ok = unprotectPacket(gen1.keys, packet, 0, pnOffset, packet.length, 999);
          expect(ok?.keyPhase).toBe(1);
          expect(ok?.reservedBits).toBe(0);
        });
      }

      it('the nonce is the IV XOR the left-padded packet number', () => {
        const iv = hex('000102030405060708090a0b');
        expect(toHex(packetNonce(iv, 0))).toBe('000102030405060708090a0b');
        expect(toHex(packetNonce(iv, 0x0102))).toBe('000102030405060708090b09');
        expect(toHex(packetNonce(iv, 2 ** 32))).toBe('000102030405060608090a0b');
        expect(toHex(packetNonce(iv, 2 ** 53 - 1))).toBe('00010203041af9f8f7f6f5f4');
        expect(toHex(iv)).toBe('000102030405060708090a0b');
      });
    });

    describe('reserved bits are reported, not rejected, so the caller can close after decryption', () => {
      it('long header with reserved bits set', () => {
        const keys = clientInitialKeys(provider);
        const filler = new Uint8Array(17).fill(9);
        const { packet, pnOffset } = build(keys, 0xc0 | 0x0c | 0x03, filler, 7, new Uint8Array(20));
        const out = unprotectPacket(keys, packet, 0, pnOffset, packet.length, -1);
        expect(out?.reservedBits).toBe(0x0c);
        expect(out?.firstByte).toBe(0xcf);
        expect(out?.keyPhase).toBe(0);
      });

      it('short header with reserved bits set', () => {
        const keys = keysFor(provider, QuicVersion.v1, supportedCipherSuites[2]!, 3);
        const { packet, pnOffset } = build(keys, 0x40 | 0x10, new Uint8Array(4), 3, new Uint8Array(8));
        const out = unprotectPacket(keys, packet, 0, pnOffset, packet.length, 2);
        expect(out?.reservedBits).toBe(0x10);
        expect(out?.pnLength).toBe(1);
      });
    });

    describe('misuse throws RangeError', () => {
      const keys = clientInitialKeys(provider);
      it('payload too short for the sample', () => {
        const buf = new Uint8Array(64);
        buf[0] = 0x40; // 1-byte packet number
        expect(() => protectPacket(keys, buf, 0, 1, 0, new Uint8Array(2))).toThrow(RangeError);
        expect(protectPacket(keys, buf, 0, 1, 0, new Uint8Array(3))).toBe(1 + 1 + 3 + 16);
      });
      it('packet number field not matching the packet number', () => {
        const buf = new Uint8Array(64);
        buf[0] = 0x41;
        buf[2] = 5;
        expect(() => protectPacket(keys, buf, 0, 1, 6, new Uint8Array(4))).toThrow(RangeError);
        expect(() => protectPacket(keys, buf, 0, 1, 0x10005, new Uint8Array(4))).not.toThrow();
      });
      it('no room in the buffer, bad offsets, bad packet numbers', () => {
        const buf = new Uint8Array(30);
        buf[0] = 0x40;
        expect(() => protectPacket(keys, buf, 0, 1, 0, new Uint8Array(13))).toThrow(RangeError);
        expect(() => protectPacket(keys, buf, 0, 0, 0, new Uint8Array(4))).toThrow(RangeError);
        expect(() => protectPacket(keys, buf, 0, 31, 0, new Uint8Array(4))).toThrow(RangeError);
        expect(() => protectPacket(keys, buf, 0, 1, -1, new Uint8Array(4))).toThrow(RangeError);
        expect(() => protectPacket(keys, buf, 0, 1, 0.5, new Uint8Array(4))).toThrow(RangeError);
      });
    });

    describe('properties', () => {
      const suiteArb = fc.constantFrom(...supportedCipherSuites);
      const versionArb = fc.constantFrom(...VERSIONS);

      it('protect then unprotect recovers header, packet number and payload (all suites, both versions)', () => {
        fc.assert(
          fc.property(
            suiteArb,
            versionArb,
            fc.boolean(),
            fc.integer({ min: 0, max: 3 }),
            fc.integer({ min: 0, max: 2 ** 40 }),
            fc.uint8Array({ minLength: 0, maxLength: 40 }),
            fc.uint8Array({ minLength: 0, maxLength: 300 }),
            fc.integer({ min: 0, max: 255 }),
            (suite, version, long, pnBits, pn, filler, payloadTail, flags) => {
              const pnLength = pnBits + 1;
              const keys = keysFor(provider, version, suite, flags);
              const first = long ? 0xc0 | (flags & 0x3c) | pnBits : 0x40 | (flags & 0x3c) | pnBits;
              const payload = new Uint8Array(Math.max(0, 4 - pnLength) + payloadTail.length);
              payload.set(payloadTail, payload.length - payloadTail.length);
              const { packet, pnOffset, header } = build(keys, first, filler, pn, payload);
              // any largest received within a quarter window behind works (RFC 9000 §A.3)
              const quarter = 2 ** (8 * pnLength - 2);
              const largest = Math.max(-1, pn - 1 - (flags % quarter));
              const out = unprotectPacket(keys, packet, 0, pnOffset, packet.length, largest);
              expect(out).toBeDefined();
              expect(out!.packetNumber).toBe(pn);
              expect(out!.firstByte).toBe(first);
              expect(out!.keyPhase).toBe(long ? 0 : (first >> 2) & 1);
              expect(out!.reservedBits).toBe(first & (long ? 0x0c : 0x18));
              expect(toHex(packet.subarray(0, header.length))).toBe(toHex(header));
              expect(toHex(out!.payload)).toBe(toHex(payload));
            },
          ),
          { numRuns: 60 },
        );
      });

      it('random bytes never throw, never authenticate, and leave the buffer as it was', () => {
        const keys = keysFor(provider, QuicVersion.v1, supportedCipherSuites[0]!, 1);
        fc.assert(
          fc.property(
            fc.uint8Array({ minLength: 0, maxLength: 120 }),
            fc.nat(130),
            fc.nat(130),
            fc.nat(130),
            fc.integer({ min: -1, max: 2 ** 32 }),
            (bytes, a, b, c, largest) => {
              const buf = bytes.slice();
              const out = unprotectPacket(keys, buf, a, b, c, largest);
              expect(out).toBeUndefined();
              expect(toHex(buf)).toBe(toHex(bytes));
            },
          ),
          { numRuns: 200 },
        );
      });

      it('any single flipped bit of a protected packet makes it fail', () => {
        const keys = keysFor(provider, QuicVersion.v2, supportedCipherSuites[2]!, 5);
        const { packet, pnOffset } = build(keys, 0x43, new Uint8Array(8).fill(3), 123456, new Uint8Array(30).fill(2));
        fc.assert(
          fc.property(fc.nat(packet.length * 8 - 1), (bit) => {
            const bad = packet.slice();
            bad[bit >> 3]! ^= 1 << (bit & 7);
            const out = unprotectPacket(keys, bad, 0, pnOffset, bad.length, 123455);
            // Every bit is either associated data, ciphertext, tag, or (masked) feeds the authenticated header.
            expect(out).toBeUndefined();
          }),
          { numRuns: 150 },
        );
      });
    });
  });
}

describe('every provider agrees with every other', () => {
  it('protects to identical bytes, and each opens what the others sealed', () => {
    for (const suite of supportedCipherSuites) {
      const sealed = providers.map((p) => build(keysFor(p, QuicVersion.v1, suite, 4), 0x41, new Uint8Array(5), 77, new Uint8Array(50).fill(6)));
      for (const s of sealed) expect(toHex(s.packet)).toBe(toHex(sealed[0]!.packet));
      for (const p of providers) {
        const buf = sealed[0]!.packet.slice();
        const out = unprotectPacket(keysFor(p, QuicVersion.v1, suite, 4), buf, 0, 6, buf.length, 76);
        expect(out?.payload).toEqual(new Uint8Array(50).fill(6));
      }
    }
  });
});
