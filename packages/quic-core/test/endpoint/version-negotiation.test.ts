/**
 * buildVersionNegotiation (RFC 9000 §6.1, §17.2.1): the reply parses back with the wire decoder.
 */
import { fromHex, toHex } from '@qk/octets';
import { nobleProvider } from '@qk/tls13';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildVersionNegotiation, greaseVersion } from '../../src/endpoint/index.js';
import { decodeVersionNegotiation } from '../../src/wire/header.js';
import { QuicVersion, isReservedVersion } from '../../src/versions.js';
import { RFC9001_CLIENT_INITIAL, invariantLongDatagram, longDatagram, seededProvider, shortDatagram } from './helpers.js';

const DCID = fromHex('8394c8f03e515708');
const SCID = fromHex('c0c1c2c3c4');

describe('buildVersionNegotiation', () => {
  it('swaps the connection IDs and lists v1, v2 and one reserved version', () => {
    const reply = buildVersionNegotiation(invariantLongDatagram(0xff00_001d, DCID, SCID), seededProvider(5));
    expect(reply).toBeDefined();
    const vn = decodeVersionNegotiation(reply!);
    expect(vn.kind).toBe('versionNegotiation');
    if (vn.kind !== 'versionNegotiation') return;
    expect(toHex(vn.dcid)).toBe(toHex(SCID));
    expect(toHex(vn.scid)).toBe(toHex(DCID));
    expect(vn.supportedVersions.length).toBe(3);
    const real = vn.supportedVersions.filter((v) => !isReservedVersion(v));
    expect(real).toEqual([QuicVersion.v1, QuicVersion.v2]);
    expect(vn.supportedVersions.filter(isReservedVersion).length).toBe(1);
    // Form bit and the 0x40 bit set, version 0, total size 7 + IDs + 4 per version.
    expect(reply![0]! & 0xc0).toBe(0xc0);
    expect(toHex(reply!.subarray(1, 5))).toBe('00000000');
    expect(reply!.length).toBe(7 + DCID.length + SCID.length + 12);
  });

  it('randomises the unused bits and the greased version', () => {
    const firsts = new Set<number>();
    const greases = new Set<number>();
    const provider = seededProvider(9);
    for (let i = 0; i < 32; i++) {
      const reply = buildVersionNegotiation(invariantLongDatagram(0x1234_5678, DCID, SCID), provider)!;
      firsts.add(reply[0]! & 0x3f);
      const vn = decodeVersionNegotiation(reply);
      if (vn.kind === 'versionNegotiation') for (const v of vn.supportedVersions.filter(isReservedVersion)) greases.add(v);
    }
    expect(firsts.size).toBeGreaterThan(8);
    expect(greases.size).toBeGreaterThan(8);
  });

  it('echoes connection IDs up to 255 bytes from unknown versions (RFC 8999 §5.1)', () => {
    const big = new Uint8Array(255).fill(0x11);
    const reply = buildVersionNegotiation(invariantLongDatagram(0x5555_0000, big, big, 1200), nobleProvider)!;
    const vn = decodeVersionNegotiation(reply);
    expect(vn.kind).toBe('versionNegotiation');
    if (vn.kind === 'versionNegotiation') expect(vn.dcid.length).toBe(255);
  });

  it('honours the version list and can leave out the grease', () => {
    const reply = buildVersionNegotiation(invariantLongDatagram(QuicVersion.v2, DCID, SCID), nobleProvider, {
      versions: [QuicVersion.v1],
      grease: false,
    })!;
    const vn = decodeVersionNegotiation(reply);
    expect(vn.kind === 'versionNegotiation' && vn.supportedVersions).toEqual([QuicVersion.v1]);
    expect(() => buildVersionNegotiation(invariantLongDatagram(7, DCID, SCID), nobleProvider, { versions: [] })).toThrow(
      RangeError,
    );
  });

  it('refuses what must not be answered: VN, supported versions, short headers, small datagrams', () => {
    expect(buildVersionNegotiation(invariantLongDatagram(0, DCID, SCID), nobleProvider)).toBeUndefined();
    expect(buildVersionNegotiation(RFC9001_CLIENT_INITIAL, nobleProvider)).toBeUndefined();
    expect(buildVersionNegotiation(longDatagram({ version: QuicVersion.v2, dcid: DCID }), nobleProvider)).toBeUndefined();
    expect(buildVersionNegotiation(shortDatagram(DCID, 1200), nobleProvider)).toBeUndefined();
    expect(buildVersionNegotiation(invariantLongDatagram(0x1234_5678, DCID, SCID, 1199), nobleProvider)).toBeUndefined();
    expect(buildVersionNegotiation(new Uint8Array(0), nobleProvider)).toBeUndefined();
  });

  it('greaseVersion always yields a reserved version', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (r) => {
        const v = greaseVersion(r);
        expect(isReservedVersion(v)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(0xffff_ffff);
      }),
      { numRuns: 200 },
    );
    expect(greaseVersion(fromHex('ffffffff'))).toBe(0xfafa_fafa);
    expect(greaseVersion(fromHex('00000000'))).toBe(0x0a0a_0a0a);
  });

  it('never throws on random datagrams; any reply parses as Version Negotiation', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1190, maxLength: 1300 }), fc.boolean(), (bytes, long) => {
        if (long) bytes[0] = bytes[0]! | 0x80;
        const reply = buildVersionNegotiation(bytes, nobleProvider);
        if (reply !== undefined) expect(decodeVersionNegotiation(reply).kind).toBe('versionNegotiation');
      }),
      { numRuns: 200 },
    );
  });
});
