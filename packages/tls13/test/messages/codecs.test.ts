import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Reader, Writer, fromHex, toHex } from '@qk/octets';
import { TlsAlert } from '../../src/errors.js';
import {
  HandshakeAssembler,
  decodeHandshakeBody,
  decodeHandshakeMessage,
  encodeHandshakeMessage,
  sizeOfHandshakeMessage,
  type HandshakeMessage,
} from '../../src/messages/handshake.js';
import { decodeExtensions, encodeExtensions, findExtension, sizeOfExtensions } from '../../src/messages/extensions.js';
import { HELLO_RETRY_REQUEST_RANDOM, HandshakeType, NamedGroup } from '../../src/registry.js';
import simple from '../vectors/rfc8448-simple-1rtt.json' with { type: 'json' };
import resumed from '../vectors/rfc8448-resumed-0rtt.json' with { type: 'json' };
import retry from '../vectors/rfc8448-hello-retry.json' with { type: 'json' };
import { extensionsArb, handshakeMessageArb } from './arbitraries.js';

function encode(msg: HandshakeMessage): Uint8Array {
  const w = new Writer();
  encodeHandshakeMessage(w, msg);
  return w.finish().slice();
}

function alertOf(fn: () => unknown): TlsAlert {
  try {
    fn();
  } catch (e) {
    if (e instanceof TlsAlert) return e;
    throw e;
  }
  throw new Error('expected a TlsAlert');
}

const traceMessages: [string, { source: string; hex: string }][] = [
  ['§3 ClientHello', simple.clientHello],
  ['§3 ServerHello', simple.serverHello],
  ['§3 EncryptedExtensions', simple.encryptedExtensions],
  ['§3 Certificate', simple.certificate],
  ['§3 CertificateVerify', simple.certificateVerify],
  ['§3 server Finished', simple.serverFinished],
  ['§3 NewSessionTicket', simple.newSessionTicket],
  ['§4 ClientHello (PSK, early_data, padding)', resumed.clientHello],
  ['§4 ServerHello (pre_shared_key)', resumed.serverHello],
  ['§4 EncryptedExtensions (early_data)', resumed.encryptedExtensions],
  ['§4 EndOfEarlyData', resumed.endOfEarlyData],
  ['§5 ClientHello1', retry.clientHello1],
  ['§5 HelloRetryRequest', retry.helloRetryRequest],
  ['§5 ClientHello2 (cookie)', retry.clientHello2],
];

describe('handshake message codecs', () => {
  describe('RFC 8448 messages decode and re-encode byte for byte', () => {
    for (const [name, v] of traceMessages) {
      it(`${name} (${v.source})`, () => {
        const bytes = fromHex(v.hex);
        const msg = decodeHandshakeMessage(bytes);
        expect(sizeOfHandshakeMessage(msg)).toBe(bytes.length);
        expect(toHex(encode(msg))).toBe(v.hex);
      });
    }
  });

  it('decodes the fields of the §3 ClientHello exactly', () => {
    const ch = decodeHandshakeMessage(fromHex(simple.clientHello.hex));
    if (ch.kind !== 'client_hello') throw new Error(ch.kind);
    expect(toHex(ch.random)).toBe('cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7');
    expect(ch.cipherSuites).toEqual([0x1301, 0x1303, 0x1302]);
    expect(ch.legacySessionId.length).toBe(0);
    expect(findExtension(ch.extensions, 'server_name')).toEqual({ kind: 'server_name', hostName: 'server' });
    expect(findExtension(ch.extensions, 'supported_groups')?.groups).toEqual([
      0x1d, 0x17, 0x18, 0x19, 0x100, 0x101, 0x102, 0x103, 0x104,
    ]);
    expect(findExtension(ch.extensions, 'key_share')?.shares.map((s) => [s.group, toHex(s.keyExchange)])).toEqual([
      [NamedGroup.x25519, simple.clientX25519.publicKey],
    ]);
    expect(findExtension(ch.extensions, 'supported_versions')?.versions).toEqual([0x0304]);
    expect(findExtension(ch.extensions, 'psk_key_exchange_modes')?.modes).toEqual([1]);
    expect(ch.extensions.filter((e) => e.kind === 'unknown').map((e) => e.kind === 'unknown' && e.type)).toEqual([
      0xff01, 0x23, 0x1c,
    ]);
  });

  it('recognises a HelloRetryRequest by its random, and decodes the PSK extensions', () => {
    const hrr = decodeHandshakeMessage(fromHex(retry.helloRetryRequest.hex));
    expect(hrr.kind).toBe('hello_retry_request');
    if (hrr.kind !== 'hello_retry_request') return;
    expect(findExtension(hrr.extensions, 'key_share_retry')?.selectedGroup).toBe(NamedGroup.secp256r1);
    expect(findExtension(hrr.extensions, 'cookie')?.cookie.length).toBe(0x72);
    expect(toHex(encode(hrr)).slice(12, 76)).toBe(toHex(HELLO_RETRY_REQUEST_RANDOM));
    const ch = decodeHandshakeMessage(fromHex(resumed.clientHello.hex));
    if (ch.kind !== 'client_hello') throw new Error(ch.kind);
    const psk = ch.extensions[ch.extensions.length - 1]!;
    expect(psk.kind).toBe('pre_shared_key');
    if (psk.kind !== 'pre_shared_key') return;
    expect(psk.identities[0]!.obfuscatedTicketAge).toBe(0xfad6aacb);
    expect(toHex(psk.binders[0]!)).toBe(resumed.secrets.binder);
    const sh = decodeHandshakeMessage(fromHex(resumed.serverHello.hex));
    expect(sh.kind === 'server_hello' && findExtension(sh.extensions, 'pre_shared_key_server')).toEqual({
      kind: 'pre_shared_key_server',
      selectedIdentity: 0,
    });
    const nst = decodeHandshakeMessage(fromHex(simple.newSessionTicket.hex));
    expect(nst).toMatchObject({ kind: 'new_session_ticket', lifetime: 30, ageAdd: 0xfad6aac5 });
    expect(nst.kind === 'new_session_ticket' && findExtension(nst.extensions, 'early_data')).toEqual({
      kind: 'early_data',
      maxEarlyDataSize: 1024,
    });
  });

  it('round-trips any valid message: decode(encode(x)) = x and sizeOf matches (property)', () => {
    fc.assert(
      fc.property(handshakeMessageArb, (msg) => {
        const bytes = encode(msg);
        expect(bytes.length).toBe(sizeOfHandshakeMessage(msg));
        expect(decodeHandshakeMessage(bytes)).toEqual(msg);
      }),
      { numRuns: 400 },
    );
  });

  it('fails cleanly (TlsAlert decode_error) on every proper prefix of a valid body (property)', () => {
    fc.assert(
      fc.property(handshakeMessageArb, (msg) => {
        const bytes = encode(msg);
        const body = bytes.subarray(4);
        for (let n = 0; n < body.length; n++) {
          let threw: unknown;
          try {
            decodeHandshakeBody(bytes[0]!, body.subarray(0, n));
          } catch (e) {
            threw = e;
          }
          // a Finished prefix is a shorter (still decodable) Finished; an empty one is not
          if (msg.kind === 'finished' && n > 0) continue;
          // a prefix that ends exactly before an optional extension block can decode too
          if (threw === undefined) continue;
          expect(threw).toBeInstanceOf(TlsAlert);
          expect((threw as TlsAlert).description).toMatch(/decode_error|illegal_parameter/);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('throws only TlsAlert on random bytes for every message type (hostile input)', () => {
    const types = Object.values(HandshakeType);
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.uint8Array({ maxLength: 300 }), (type, body) => {
        try {
          decodeHandshakeBody(type, body);
        } catch (e) {
          expect(e).toBeInstanceOf(TlsAlert);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('throws only TlsAlert on random mutations of valid messages', () => {
    fc.assert(
      fc.property(handshakeMessageArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), (msg, flips) => {
        const bytes = encode(msg);
        for (const [at, v] of flips) bytes[4 + (at % Math.max(1, bytes.length - 4))] = v;
        try {
          decodeHandshakeBody(bytes[0]!, bytes.subarray(4));
        } catch (e) {
          expect(e).toBeInstanceOf(TlsAlert);
        }
      }),
      { numRuns: 400 },
    );
  });

  describe('strict rules', () => {
    const chBody = fromHex(simple.clientHello.hex).subarray(4);

    it('trailing bytes after a message → decode_error', () => {
      const longer = new Uint8Array(chBody.length + 1);
      longer.set(chBody);
      expect(alertOf(() => decodeHandshakeBody(1, longer)).description).toBe('decode_error');
      expect(alertOf(() => decodeHandshakeBody(HandshakeType.end_of_early_data, Uint8Array.of(0))).description).toBe('decode_error');
    });

    it('a duplicated extension → illegal_parameter', () => {
      const w = new Writer();
      encodeExtensions(w, [
        { kind: 'supported_versions', versions: [0x0304] },
        { kind: 'supported_versions', versions: [0x0304] },
      ]);
      expect(alertOf(() => decodeExtensions(new Reader(w.finish()), 'CH')).description).toBe('illegal_parameter');
    });

    it('pre_shared_key not last in a ClientHello → illegal_parameter (and is fine last)', () => {
      const psk = { kind: 'pre_shared_key', identities: [{ identity: Uint8Array.of(1), obfuscatedTicketAge: 0 }], binders: [new Uint8Array(32)] } as const;
      const w = new Writer();
      encodeExtensions(w, [psk, { kind: 'early_data' }]);
      expect(alertOf(() => decodeExtensions(new Reader(w.finish()), 'CH')).description).toBe('illegal_parameter');
      const ok = new Writer();
      encodeExtensions(ok, [{ kind: 'early_data' }, psk]);
      expect(decodeExtensions(new Reader(ok.finish()), 'CH')).toHaveLength(2);
    });

    it('an extension in a message the RFC does not allow it in → illegal_parameter', () => {
      const w = new Writer();
      encodeExtensions(w, [{ kind: 'cookie', cookie: Uint8Array.of(1) }]);
      expect(alertOf(() => decodeExtensions(new Reader(w.finish()), 'EE')).description).toBe('illegal_parameter');
      const w2 = new Writer();
      encodeExtensions(w2, [{ kind: 'psk_key_exchange_modes', modes: [1] }]);
      expect(alertOf(() => decodeExtensions(new Reader(w2.finish()), 'NST')).description).toBe('illegal_parameter');
    });

    it('binders that do not match the identities → illegal_parameter; short binders → decode_error', () => {
      const mk = (binders: Uint8Array[]) => {
        const w = new Writer();
        encodeExtensions(w, [
          { kind: 'pre_shared_key', identities: [{ identity: Uint8Array.of(1), obfuscatedTicketAge: 0 }], binders },
        ]);
        return new Reader(w.finish());
      };
      expect(alertOf(() => decodeExtensions(mk([new Uint8Array(32), new Uint8Array(32)]), 'CH')).description).toBe('illegal_parameter');
      expect(alertOf(() => decodeExtensions(mk([new Uint8Array(31)]), 'CH')).description).toBe('decode_error');
    });

    it('more than one ALPN protocol from the server → illegal_parameter; an empty name → decode_error', () => {
      const w = new Writer();
      encodeExtensions(w, [{ kind: 'application_layer_protocol_negotiation', protocols: [Uint8Array.of(1), Uint8Array.of(2)] }]);
      expect(alertOf(() => decodeExtensions(new Reader(w.finish()), 'EE')).description).toBe('illegal_parameter');
      expect(alertOf(() => decodeExtensions(new Reader(fromHex('000700100003000100')), 'CH')).description).toBe('decode_error');
    });

    it('KeyUpdate request_update other than 0 or 1 → illegal_parameter', () => {
      expect(alertOf(() => decodeHandshakeBody(HandshakeType.key_update, Uint8Array.of(2))).description).toBe('illegal_parameter');
    });

    it('two key shares for one group → illegal_parameter', () => {
      const w = new Writer();
      encodeExtensions(w, [
        { kind: 'key_share', shares: [{ group: 29, keyExchange: Uint8Array.of(1) }, { group: 29, keyExchange: Uint8Array.of(2) }] },
      ]);
      expect(alertOf(() => decodeExtensions(new Reader(w.finish()), 'CH')).description).toBe('illegal_parameter');
    });

    it('extension blocks round-trip with sizeOf for every context (property)', () => {
      for (const ctx of ['CH', 'SH', 'HRR', 'EE', 'CT', 'CR', 'NST'] as const) {
        fc.assert(
          fc.property(extensionsArb(ctx), (exts) => {
            const w = new Writer();
            encodeExtensions(w, exts);
            const b = w.finish();
            expect(b.length).toBe(sizeOfExtensions(exts));
            expect(decodeExtensions(new Reader(b), ctx)).toEqual(exts);
          }),
          { numRuns: 60 },
        );
      }
    });
  });
});

describe('HandshakeAssembler', () => {
  const flight = fromHex(
    simple.encryptedExtensions.hex + simple.certificate.hex + simple.certificateVerify.hex + simple.serverFinished.hex,
  );

  it('reassembles messages from any split of the stream (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: flight.length - 1 }), { maxLength: 12 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), flight.length];
        const a = new HandshakeAssembler();
        const types: number[] = [];
        for (let i = 0; i + 1 < points.length; i++) {
          const piece = flight.slice(points[i]!, points[i + 1]!);
          a.append(piece);
          for (let m; (m = a.next()); ) types.push(m.type);
          a.retain();
          piece.fill(0xee); // the caller reuses its buffer: retained bytes must be copies
        }
        expect(types).toEqual([8, 11, 15, 20]);
        expect(a.buffered).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects a header announcing more than the limit before buffering the body', () => {
    const a = new HandshakeAssembler({ maxMessageSize: 1000, maxCertificateSize: 5000 });
    expect(alertOf(() => a.append(Uint8Array.of(HandshakeType.certificate_verify, 0, 0x03, 0xe9))).description).toBe(
      'illegal_parameter',
    );
    const b = new HandshakeAssembler({ maxMessageSize: 1000, maxCertificateSize: 5000 });
    b.append(Uint8Array.of(HandshakeType.certificate, 0, 0x13, 0x88)); // 5000: allowed for a Certificate
    expect(b.next()).toBeUndefined();
    expect(b.buffered).toBe(4);
    // a second message announced after a complete one is checked when reached
    const c = new HandshakeAssembler({ maxMessageSize: 1000, maxCertificateSize: 5000 });
    c.append(Uint8Array.of(20, 0, 0, 1, 0xaa, 15, 0xff, 0xff, 0xff));
    expect(c.next()?.type).toBe(20);
    expect(alertOf(() => c.next()).description).toBe('illegal_parameter');
  });
});
