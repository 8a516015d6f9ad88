/**
 * RFC 9001 Appendix A and RFC 9369 Appendix A, byte for byte, in both directions, for every provider.
 */
import { toHex, utf8 } from '@qk/octets';
import { CipherSuite, cipherSuiteInfo, encodeHkdfLabel, hkdfExpandLabel } from '@qk/tls13';
import { describe, expect, it } from 'vitest';
import {
  derivePacketKeyMaterial, derivePacketKeys, initialKeys, initialSecrets, nextGenerationKeys, nextGenerationSecret,
  packetNonce, protectPacket, retryIntegrityTag, sealRetryPacket, unprotectPacket, verifyRetryIntegrity,
} from '../../src/crypto/index.js';
import type { PacketKeys } from '../../src/crypto/index.js';
import { QuicVersion, versionParameters } from '../../src/versions.js';
import { appendixA, hex, providers } from './helpers.js';
import rfc9369 from '../vectors/rfc9369-appendix-a.json' with { type: 'json' };

const EMPTY = new Uint8Array(0);
const chacha = cipherSuiteInfo(CipherSuite.TLS_CHACHA20_POLY1305_SHA256)!;

/** The padded plaintext payload of an Initial vector: the frames, then PADDING (0x00) to the stated length. */
function paddedPayload(v: { payload: readonly string[]; paddedPayloadLength: number }): Uint8Array {
  const frames = hex(v.payload);
  const out = new Uint8Array(v.paddedPayloadLength);
  out.set(frames, 0);
  return out;
}

for (const provider of providers) {
  for (const { name, data: v } of appendixA) {
    describe(`${name} Appendix A with the ${provider.name} provider`, () => {
      const version = v.version;
      const dcid = hex(v.keys.dcid);

      it(`constants (${v.constants.source})`, () => {
        const params = versionParameters(version)!;
        expect(params).toBeDefined();
        expect(toHex(params.initialSalt)).toBe(v.constants.initialSalt);
        expect(toHex(params.retryKey)).toBe(v.constants.retryKey);
        expect(toHex(params.retryNonce)).toBe(v.constants.retryNonce);
        expect(params.labels).toEqual(v.constants.labels);
        // The Retry key and nonce are HKDF-Expand-Label of the published secret with the version's labels.
        const secret = hex(v.constants.retrySecret);
        expect(toHex(hkdfExpandLabel(provider, 'sha256', secret, params.labels.key, EMPTY, 16))).toBe(v.constants.retryKey);
        expect(toHex(hkdfExpandLabel(provider, 'sha256', secret, params.labels.iv, EMPTY, 12))).toBe(v.constants.retryNonce);
      });

      it(`HkdfLabel encodings (${v.keys.source})`, () => {
        for (const [label, { length, info }] of Object.entries(v.keys.hkdfLabels)) {
          expect(toHex(encodeHkdfLabel(label, EMPTY, length)), label).toBe(info);
        }
      });

      it(`Initial secrets and keys (${v.keys.source})`, () => {
        const initialSecret = provider.hkdfExtract('sha256', versionParameters(version)!.initialSalt, dcid);
        expect(toHex(initialSecret)).toBe(toHex(hex(v.keys.initialSecret)));
        const secrets = initialSecrets(provider, version, dcid);
        for (const side of ['client', 'server'] as const) {
          const want = v.keys[side];
          expect(toHex(secrets[side]), `${side} secret`).toBe(toHex(hex(want.secret)));
          const m = derivePacketKeyMaterial(provider, version, cipherSuiteInfo(0x1301)!, secrets[side]);
          expect(toHex(m.key), `${side} key`).toBe(want.key);
          expect(toHex(m.iv), `${side} iv`).toBe(want.iv);
          expect(toHex(m.hp), `${side} hp`).toBe(want.hp);
        }
        const keys = initialKeys(provider, version, dcid);
        expect(toHex(keys.client.iv)).toBe(v.keys.client.iv);
        expect(toHex(keys.server.iv)).toBe(v.keys.server.iv);
        expect(keys.client.suite.name).toBe('TLS_AES_128_GCM_SHA256');
      });

      for (const packet of [v.clientInitial, v.serverInitial]) {
        describe(`${packet.sender} Initial (${packet.source})`, () => {
          const header = hex(packet.unprotectedHeader);
          const payload = paddedPayload(packet);
          const expected = hex(packet.protectedPacket);
          const keysFor = (): PacketKeys => initialKeys(provider, version, dcid)[packet.sender as 'client' | 'server'];

          it('has a consistent vector (lengths, sample position, mask)', () => {
            expect(expected.length).toBe(header.length + payload.length + 16);
            const at = packet.pnOffset + 4;
            expect(toHex(expected.subarray(at, at + 16))).toBe(packet.sample);
            expect(toHex(keysFor().hp.mask(hex(packet.sample)))).toBe(packet.mask);
            expect(toHex(expected.subarray(0, header.length))).toBe(packet.protectedHeader);
          });

          it('protects in place to the exact bytes', () => {
            const buf = new Uint8Array(header.length + payload.length + 16);
            buf.set(header, 0);
            buf.set(payload, header.length);
            const end = protectPacket(
              keysFor(), buf, 0, packet.pnOffset, packet.packetNumber, buf.subarray(header.length, header.length + payload.length),
            );
            expect(end).toBe(expected.length);
            expect(toHex(buf)).toBe(toHex(expected));
          });

          it('protects from a separate payload, at an offset in a larger datagram', () => {
            const buf = new Uint8Array(7 + expected.length + 5).fill(0xee);
            buf.set(header, 7);
            const end = protectPacket(keysFor(), buf, 7, 7 + packet.pnOffset, packet.packetNumber, payload);
            expect(end).toBe(7 + expected.length);
            expect(toHex(buf.subarray(7, end))).toBe(toHex(expected));
            expect(buf.subarray(0, 7).every((b) => b === 0xee)).toBe(true);
            expect(buf.subarray(end).every((b) => b === 0xee)).toBe(true);
          });

          it('unprotects to the exact header and payload', () => {
            const buf = expected.slice();
            const out = unprotectPacket(keysFor(), buf, 0, packet.pnOffset, buf.length, -1);
            expect(out).toBeDefined();
            expect(out!.packetNumber).toBe(packet.packetNumber);
            expect(out!.firstByte).toBe(header[0]);
            expect(out!.pnLength).toBe((header[0]! & 3) + 1);
            expect(out!.reservedBits).toBe(0);
            expect(out!.keyPhase).toBe(0);
            expect(toHex(buf.subarray(0, header.length))).toBe(packet.unprotectedHeader);
            expect(toHex(out!.payload)).toBe(toHex(payload));
          });

          it('does not open with the other direction\'s keys', () => {
            const other = initialKeys(provider, version, dcid)[packet.sender === 'client' ? 'server' : 'client'];
            const buf = expected.slice();
            expect(unprotectPacket(other, buf, 0, packet.pnOffset, buf.length, -1)).toBeUndefined();
            expect(toHex(buf)).toBe(toHex(expected));
          });
        });
      }

      describe(`Retry (${v.retry.source})`, () => {
        const retry = hex(v.retry.packet);
        const odcid = hex(v.retry.originalDcid);
        const body = retry.subarray(0, retry.length - 16);

        it('computes the exact tag and packet', () => {
          expect(toHex(retryIntegrityTag(provider, version, odcid, body))).toBe(toHex(retry.subarray(retry.length - 16)));
          expect(toHex(sealRetryPacket(provider, version, odcid, body))).toBe(toHex(retry));
        });

        it('verifies, and rejects any change', () => {
          expect(verifyRetryIntegrity(provider, version, odcid, retry)).toBe(true);
          for (let i = 0; i < retry.length; i++) {
            const bad = retry.slice();
            bad[i]! ^= 0x01;
            expect(verifyRetryIntegrity(provider, version, odcid, bad), `byte ${i}`).toBe(false);
          }
          const otherOdcid = odcid.slice();
          otherOdcid[0]! ^= 0x80;
          expect(verifyRetryIntegrity(provider, version, otherOdcid, retry)).toBe(false);
          expect(verifyRetryIntegrity(provider, version, odcid.subarray(1), retry)).toBe(false);
          const otherVersion = version === QuicVersion.v1 ? QuicVersion.v2 : QuicVersion.v1;
          expect(verifyRetryIntegrity(provider, otherVersion, odcid, retry)).toBe(false);
          expect(verifyRetryIntegrity(provider, version, odcid, retry.subarray(0, 15))).toBe(false);
          expect(verifyRetryIntegrity(provider, version, odcid, retry.subarray(0, retry.length - 1))).toBe(false);
        });
      });

      describe(`ChaCha20-Poly1305 short header (${v.chacha20ShortHeader.source})`, () => {
        const c = v.chacha20ShortHeader;
        const secret = hex(c.secret);

        it('derives key, iv, hp and the next-generation secret', () => {
          const m = derivePacketKeyMaterial(provider, version, chacha, secret);
          expect(toHex(m.key)).toBe(toHex(hex(c.key)));
          expect(toHex(m.iv)).toBe(c.iv);
          expect(toHex(m.hp)).toBe(toHex(hex(c.hp)));
          expect(toHex(nextGenerationSecret(provider, version, chacha, secret))).toBe(toHex(hex(c.ku)));
          expect(toHex(packetNonce(m.iv, c.packetNumber))).toBe(c.nonce);
        });

        it('protects to the exact 21 bytes', () => {
          const keys = derivePacketKeys(provider, version, chacha, secret);
          expect(toHex(keys.hp.mask(hex(c.sample)))).toBe(c.mask);
          const buf = new Uint8Array(c.packet.length / 2);
          buf.set(hex(c.unprotectedHeader), 0);
          const end = protectPacket(keys, buf, 0, c.pnOffset, c.packetNumber, hex(c.payload));
          expect(end).toBe(21);
          expect(toHex(buf)).toBe(c.packet);
          expect(toHex(buf.subarray(4))).toBe(c.ciphertext);
          expect(toHex(buf.subarray(0, 4))).toBe(c.protectedHeader);
        });

        it('unprotects, recovering the packet number from the largest received', () => {
          const keys = derivePacketKeys(provider, version, chacha, secret);
          for (const largest of [c.packetNumber - 1, c.packetNumber - 5000, c.packetNumber + 3000]) {
            const buf = hex(c.packet);
            const out = unprotectPacket(keys, buf, 0, c.pnOffset, buf.length, largest);
            expect(out?.packetNumber).toBe(c.packetNumber);
            expect(out?.pnLength).toBe(3);
            expect(out?.keyPhase).toBe(0);
            expect(toHex(out!.payload)).toBe(c.payload);
            expect(toHex(buf.subarray(0, 4))).toBe(c.unprotectedHeader);
          }
        });

        it('does not open with the next generation keys (wrong key phase)', () => {
          const current = { secret, keys: derivePacketKeys(provider, version, chacha, secret) };
          const next = nextGenerationKeys(provider, version, current);
          expect(next.keys.hp).toBe(current.keys.hp);
          expect(toHex(next.secret)).toBe(toHex(hex(c.ku)));
          const buf = hex(c.packet);
          expect(unprotectPacket(next.keys, buf, 0, c.pnOffset, buf.length, c.packetNumber - 1)).toBeUndefined();
          expect(toHex(buf)).toBe(c.packet);
        });
      });
    });
  }
}

describe('RFC 9369 §3 constants are what they say they are', () => {
  const provider = providers[0]!;
  const c = rfc9369.constants;
  const sha256 = (s: string): Uint8Array => provider.hash('sha256', utf8(s));

  it('version = first four bytes of sha256("QUICv2 version number")', () => {
    expect(toHex(sha256(c.versionSha256Input).subarray(0, 4))).toBe('6b3343cf');
    expect(QuicVersion.v2).toBe(0x6b3343cf);
    expect(rfc9369.version).toBe(QuicVersion.v2);
  });

  it('initial_salt = first 20 bytes of sha256("QUICv2 salt")', () => {
    expect(toHex(sha256(c.initialSaltSha256Input).subarray(0, 20))).toBe(c.initialSalt);
  });

  it('Retry secret = sha256("QUICv2 retry secret")', () => {
    expect(toHex(sha256(c.retrySecretSha256Input))).toBe(c.retrySecret);
  });

  it('long header packet types (RFC 9369 §3.2)', () => {
    expect(versionParameters(QuicVersion.v2)!.longTypeBits).toEqual(c.longTypeBits);
    expect(versionParameters(QuicVersion.v1)!.longTypeBits).toEqual({ initial: 0, zeroRtt: 1, handshake: 2, retry: 3 });
  });
});
