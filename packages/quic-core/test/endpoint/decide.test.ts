/**
 * classifyDatagram: the router's decision for each kind of datagram (RFC 9000 §5.2, §6.1, §7.2, §10.3, §14.1).
 */
import { fromHex, toHex } from '@qk/octets';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyDatagram } from '../../src/endpoint/index.js';
import type { ClassifyOptions, DatagramClassification } from '../../src/endpoint/index.js';
import { QuicVersion } from '../../src/versions.js';
import {
  RFC9001_CLIENT_INITIAL, RFC9001_RETRY, RFC9001_SHORT, invariantLongDatagram, longDatagram, shortDatagram,
} from './helpers.js';

const OUR_CID = fromHex('a1a2a3a4a5a6a7a8');
const CLIENT_DCID = fromHex('8394c8f03e515708');
const CLIENT_SCID = fromHex('c0c1c2c3');

/** A server router that knows only OUR_CID (as connection handle 'conn-1'). */
function server(extra: Partial<ClassifyOptions<string>> = {}): ClassifyOptions<string> {
  return {
    localCidLength: 8,
    knownCid: (dcid) => (toHex(dcid) === toHex(OUR_CID) ? 'conn-1' : undefined),
    ...extra,
  };
}

function reason(c: DatagramClassification<unknown>): string {
  return c.kind === 'drop' ? `drop:${c.reason}` : c.kind;
}

describe('classifyDatagram: known connections', () => {
  it('routes a short header to our connection with its handle', () => {
    const c = classifyDatagram(shortDatagram(OUR_CID, 60), server());
    expect(c).toMatchObject({ kind: 'route', target: 'conn-1', header: 'short' });
    if (c.kind === 'route') expect(toHex(c.dcid)).toBe(toHex(OUR_CID));
  });

  it('routes long headers (Handshake, Initial, even with the fixed bit clear) for a known ID', () => {
    for (const packetType of ['initial', 'handshake', 'zeroRtt'] as const) {
      const d = longDatagram({ packetType, dcid: OUR_CID, scid: CLIENT_SCID, size: 100 });
      expect(classifyDatagram(d, server())).toMatchObject({ kind: 'route', target: 'conn-1', header: 'long' });
    }
    expect(classifyDatagram(shortDatagram(OUR_CID, 60, 0x01), server()).kind).toBe('route');
  });

  it('accepts a boolean knownCid: false means unknown', () => {
    const opts = { localCidLength: 8, knownCid: (dcid: Uint8Array) => dcid[0] === 0xa1 };
    expect(classifyDatagram(shortDatagram(OUR_CID, 60), opts)).toMatchObject({ kind: 'route', target: true });
    expect(classifyDatagram(shortDatagram(fromHex('0000000000000000'), 60), opts).kind).toBe('statelessReset');
  });

  it('routes Retry and Version Negotiation to a client that knows the Destination Connection ID', () => {
    // RFC 9001 §A.4: the Retry's DCID is the client's (empty) SCID.
    const client = { localCidLength: 0, isServer: false, knownCid: (d: Uint8Array) => d.length === 0 };
    expect(classifyDatagram(RFC9001_RETRY, client)).toMatchObject({ kind: 'route', header: 'long' });
    expect(classifyDatagram(invariantLongDatagram(0, new Uint8Array(0), CLIENT_DCID, 15), client).kind).toBe('route');
    // RFC 9001 §A.5: a 21-byte short header with an empty DCID.
    expect(classifyDatagram(RFC9001_SHORT, client)).toMatchObject({ kind: 'route', header: 'short' });
  });
});

describe('classifyDatagram: new connections', () => {
  it('accepts the RFC 9001 §A.2 client Initial as a candidate', () => {
    const c = classifyDatagram(RFC9001_CLIENT_INITIAL, server());
    expect(c.kind).toBe('accept');
    if (c.kind !== 'accept') return;
    expect(c.version).toBe(QuicVersion.v1);
    expect(toHex(c.dcid)).toBe('8394c8f03e515708');
    expect(c.scid.length).toBe(0);
    expect(c.token.length).toBe(0);
  });

  it('accepts v1 and v2 Initials of at least 1200 bytes with an 8-byte DCID, carrying the token', () => {
    for (const version of [QuicVersion.v1, QuicVersion.v2]) {
      const token = fromHex('0102030405');
      const c = classifyDatagram(longDatagram({ version, dcid: CLIENT_DCID, scid: CLIENT_SCID, token, size: 1252 }), server());
      expect(c).toMatchObject({ kind: 'accept', version });
      if (c.kind !== 'accept') continue;
      expect(toHex(c.dcid)).toBe(toHex(CLIENT_DCID));
      expect(toHex(c.scid)).toBe(toHex(CLIENT_SCID));
      expect(toHex(c.token)).toBe('0102030405');
    }
  });

  it('drops Initials in datagrams under 1200 bytes (RFC 9000 §14.1)', () => {
    expect(reason(classifyDatagram(longDatagram({ dcid: CLIENT_DCID, size: 1199 }), server()))).toBe('drop:initialTooSmall');
    expect(classifyDatagram(longDatagram({ dcid: CLIENT_DCID, size: 1200 }), server()).kind).toBe('accept');
  });

  it('drops Initials whose DCID is under 8 bytes (RFC 9000 §7.2) unless they answer our Retry', () => {
    const short = fromHex('01020304050607');
    expect(reason(classifyDatagram(longDatagram({ dcid: short }), server()))).toBe('drop:initialDcidTooShort');
    // With 4-byte local IDs, a retried Initial (token, DCID = our Retry SCID) is a candidate.
    const four = { localCidLength: 4, knownCid: () => undefined };
    const retried = longDatagram({ dcid: fromHex('0a0b0c0d'), token: fromHex('ff') });
    expect(classifyDatagram(retried, four).kind).toBe('accept');
    expect(reason(classifyDatagram(longDatagram({ dcid: fromHex('0a0b0c0d') }), four))).toBe('drop:initialDcidTooShort');
  });

  it('drops an Initial whose Length runs past the datagram', () => {
    const d = longDatagram({ dcid: CLIENT_DCID, size: 1250 });
    expect(reason(classifyDatagram(d.subarray(0, 1210), server()))).toBe('drop:malformedInitial');
  });

  it('drops unknown 0-RTT, Handshake and Retry packets with their reasons', () => {
    expect(reason(classifyDatagram(longDatagram({ packetType: 'zeroRtt', dcid: CLIENT_DCID }), server()))).toBe('drop:unknownZeroRtt');
    expect(reason(classifyDatagram(longDatagram({ packetType: 'handshake', dcid: CLIENT_DCID }), server()))).toBe(
      'drop:unknownConnection',
    );
    expect(reason(classifyDatagram(RFC9001_RETRY, server()))).toBe('drop:unexpectedRetry');
  });

  it('drops an unknown Initial with the fixed bit clear unless grease_quic_bit is advertised (RFC 9287)', () => {
    const d = longDatagram({ dcid: CLIENT_DCID, fixedBit: false });
    expect(reason(classifyDatagram(d, server()))).toBe('drop:fixedBitClear');
    expect(classifyDatagram(d, server({ greaseQuicBit: true })).kind).toBe('accept');
  });

  it('clients accept nothing and answer no version', () => {
    const client = server({ isServer: false });
    expect(reason(classifyDatagram(RFC9001_CLIENT_INITIAL, client))).toBe('drop:unknownConnection');
    expect(reason(classifyDatagram(invariantLongDatagram(0x1a2a3a4a, CLIENT_DCID, CLIENT_SCID), client))).toBe(
      'drop:unknownConnection',
    );
  });
});

describe('classifyDatagram: version negotiation', () => {
  it('asks for Version Negotiation for an unsupported version in a datagram of 1200 bytes or more', () => {
    const dcid = new Uint8Array(40).fill(0xd1); // other versions may use IDs over 20 bytes (RFC 8999)
    const c = classifyDatagram(invariantLongDatagram(0xff00_001d, dcid, CLIENT_SCID), server());
    expect(c).toMatchObject({ kind: 'versionNegotiation', version: 0xff00_001d });
    if (c.kind !== 'versionNegotiation') return;
    expect(toHex(c.dcid)).toBe(toHex(dcid));
    expect(toHex(c.scid)).toBe(toHex(CLIENT_SCID));
  });

  it('answers reserved (greasing) versions too, and versions this server disabled', () => {
    expect(classifyDatagram(invariantLongDatagram(0x0a1a2a3a, CLIENT_DCID, CLIENT_SCID), server()).kind).toBe(
      'versionNegotiation',
    );
    const v2Initial = longDatagram({ version: QuicVersion.v2, dcid: CLIENT_DCID });
    expect(classifyDatagram(v2Initial, server({ versions: [QuicVersion.v1] }))).toMatchObject({
      kind: 'versionNegotiation',
      version: QuicVersion.v2,
    });
  });

  it('drops unsupported versions in datagrams under 1200 bytes (RFC 9000 §5.2.2)', () => {
    const c = classifyDatagram(invariantLongDatagram(0xff00_001d, CLIENT_DCID, CLIENT_SCID, 1199), server());
    expect(reason(c)).toBe('drop:versionNegotiationTooSmall');
  });

  it('never answers a Version Negotiation packet (RFC 9000 §6.1)', () => {
    const vn = invariantLongDatagram(0, CLIENT_DCID, CLIENT_SCID, 1200);
    expect(reason(classifyDatagram(vn, server()))).toBe('drop:unexpectedVersionNegotiation');
  });
});

describe('classifyDatagram: stateless reset candidates', () => {
  it('makes an unknown short header a reset candidate, with our ID to derive the token from', () => {
    const other = fromHex('b1b2b3b4b5b6b7b8');
    const c = classifyDatagram(shortDatagram(other, 22), server());
    expect(c.kind).toBe('statelessReset');
    if (c.kind === 'statelessReset') expect(toHex(c.dcid)).toBe(toHex(other));
  });

  it('does not answer datagrams of 21 bytes or fewer: the reset would not be smaller (§10.3.3)', () => {
    const other = fromHex('b1b2b3b4b5b6b7b8');
    expect(reason(classifyDatagram(shortDatagram(other, 21), server()))).toBe('drop:tooSmallForReset');
    expect(reason(classifyDatagram(shortDatagram(other, 9), server()))).toBe('drop:tooSmallForReset');
  });

  it('drops unknown short headers with the fixed bit clear, or with zero-length local IDs', () => {
    const other = fromHex('b1b2b3b4b5b6b7b8');
    expect(reason(classifyDatagram(shortDatagram(other, 60, 0x01), server()))).toBe('drop:fixedBitClear');
    expect(classifyDatagram(shortDatagram(other, 60, 0x01), server({ greaseQuicBit: true })).kind).toBe('statelessReset');
    const zero = { localCidLength: 0, knownCid: () => false as const };
    expect(reason(classifyDatagram(RFC9001_SHORT, zero))).toBe('drop:noConnectionId');
  });
});

describe('classifyDatagram: hostile input', () => {
  it('drops empty, truncated and over-long-ID datagrams as malformed', () => {
    expect(reason(classifyDatagram(new Uint8Array(0), server()))).toBe('drop:malformedHeader');
    expect(reason(classifyDatagram(fromHex('41a1a2'), server()))).toBe('drop:malformedHeader');
    expect(reason(classifyDatagram(fromHex('c000000001'), server()))).toBe('drop:malformedHeader');
    const longId = invariantLongDatagram(QuicVersion.v1, new Uint8Array(21), CLIENT_SCID);
    expect(reason(classifyDatagram(longId, server()))).toBe('drop:malformedHeader');
  });

  it('never throws on random bytes, and every result is well-formed', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 1300 }),
        fc.integer({ min: 0, max: 20 }),
        fc.boolean(),
        fc.boolean(),
        (bytes, localCidLength, isServer, known) => {
          const c = classifyDatagram(bytes, { localCidLength, isServer, knownCid: () => (known ? 1 : undefined) });
          if (c.kind === 'route') expect(c.target).toBe(1);
          if (c.kind === 'accept') expect(bytes.length).toBeGreaterThanOrEqual(1200);
          if (c.kind === 'statelessReset') expect(c.dcid.length).toBe(localCidLength);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on every prefix of real datagrams, nor on single-byte corruptions of them', () => {
    const samples = [RFC9001_CLIENT_INITIAL, RFC9001_RETRY, longDatagram({ packetType: 'handshake', dcid: CLIENT_DCID, size: 80 })];
    for (const d of samples) {
      for (let n = 0; n <= Math.min(d.length, 120); n++) classifyDatagram(d.subarray(0, n), server());
    }
    fc.assert(
      fc.property(fc.nat({ max: 1199 }), fc.integer({ min: 0, max: 255 }), (at, byte) => {
        const d = RFC9001_CLIENT_INITIAL.slice();
        d[at] = byte;
        classifyDatagram(d, server());
      }),
      { numRuns: 300 },
    );
  });
});
