import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '@qk/octets';
import { nobleProvider } from '../../src/crypto/noble.js';
import { openHelloRetryCookie, sealHelloRetryCookie } from '../../src/handshake/cookie.js';
import {
  MemoryTicketStore,
  StrikeRegister,
  TicketKeyManager,
  decodeServerTicketState,
  encodeServerTicketState,
  isTicketExpired,
  type ServerTicketState,
} from '../../src/handshake/tickets.js';
import type { SessionTicket } from '../../src/handshake/types.js';
import { formatKeyLogLine, parseKeyLogLine } from '../../src/keylog.js';
import { certificateVerifyContent } from '../../src/handshake/signature.js';
import { Clock } from './helpers.js';

function ticket(serverName: string, id: number, receivedAt = 0, lifetimeSeconds = 100): SessionTicket {
  return {
    serverName,
    ticket: Uint8Array.of(id),
    psk: new Uint8Array(32),
    cipherSuite: 0x1301,
    ageAdd: 0,
    lifetimeSeconds,
    receivedAt,
    maxEarlyData: 0,
  };
}

describe('MemoryTicketStore', () => {
  it('returns the newest live ticket per name, forgets removed and expired ones', () => {
    const store = new MemoryTicketStore({ maxPerServer: 2 });
    store.put(ticket('a', 1));
    store.put(ticket('a', 2));
    store.put(ticket('a', 3));
    expect(store.size).toBe(2);
    expect(store.get('a', 10)?.ticket).toEqual(Uint8Array.of(3));
    store.remove(store.get('a', 10)!);
    expect(store.get('a', 10)?.ticket).toEqual(Uint8Array.of(2));
    expect(store.get('a', 100_000)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('is a bounded LRU over server names', () => {
    const store = new MemoryTicketStore({ maxServers: 2 });
    store.put(ticket('a', 1));
    store.put(ticket('b', 2));
    store.get('a', 0); // a is now the most recently used
    store.put(ticket('c', 3));
    expect(store.get('b', 0)).toBeUndefined();
    expect(store.get('a', 0)).toBeDefined();
    expect(store.get('c', 0)).toBeDefined();
    expect(() => new MemoryTicketStore({ maxServers: 0 })).toThrow(RangeError);
  });

  it('treats a ticket as expired at its lifetime', () => {
    expect(isTicketExpired(ticket('a', 1, 1000, 10), 10_999)).toBe(false);
    expect(isTicketExpired(ticket('a', 1, 1000, 10), 11_000)).toBe(true);
  });
});

describe('TicketKeyManager', () => {
  it('seals and opens; rejects tampering and unknown keys', () => {
    const clock = new Clock();
    const keys = new TicketKeyManager({ provider: nobleProvider, now: clock.now });
    const plain = fromHex('0102030405');
    const sealed = keys.seal(plain);
    expect(sealed.length).toBe(4 + 12 + plain.length + 16);
    expect(keys.open(sealed)).toEqual(plain);
    const bad = sealed.slice();
    bad[bad.length - 1]! ^= 1;
    expect(keys.open(bad)).toBeUndefined();
    expect(keys.open(sealed.subarray(0, 20))).toBeUndefined();
    const other = new TicketKeyManager({ provider: nobleProvider, now: clock.now });
    expect(other.open(sealed)).toBeUndefined();
  });

  it('rotates: the previous key still opens, the one before is gone', () => {
    const clock = new Clock();
    const keys = new TicketKeyManager({ provider: nobleProvider, now: clock.now, rotationSeconds: 60 });
    const t1 = keys.seal(Uint8Array.of(1));
    clock.advance(61_000);
    const t2 = keys.seal(Uint8Array.of(2));
    expect(keys.keyIds).toHaveLength(2);
    expect(keys.open(t1)).toEqual(Uint8Array.of(1));
    clock.advance(61_000);
    expect(keys.open(t1)).toBeUndefined();
    expect(keys.open(t2)).toEqual(Uint8Array.of(2));
    clock.advance(121_000); // two periods idle: both old keys are gone
    expect(keys.open(t2)).toBeUndefined();
  });

  it('shares fixed keys between instances (a server fleet)', () => {
    const clock = new Clock();
    const fixed = [{ id: fromHex('00000001'), key: new Uint8Array(32).fill(7) }];
    const a = new TicketKeyManager({ provider: nobleProvider, now: clock.now, keys: fixed });
    const b = new TicketKeyManager({ provider: nobleProvider, now: clock.now, keys: fixed });
    clock.advance(10 * 86_400_000); // fixed keys do not rotate by themselves
    expect(b.open(a.seal(Uint8Array.of(9)))).toEqual(Uint8Array.of(9));
    expect(() => new TicketKeyManager({ provider: nobleProvider, now: clock.now, keys: [] })).toThrow(RangeError);
  });
});

describe('server ticket state', () => {
  const stateArb: fc.Arbitrary<ServerTicketState> = fc.record({
    cipherSuite: fc.integer({ min: 0, max: 0xffff }),
    issuedAt: fc.integer({ min: 0, max: 2 ** 47 }),
    lifetimeSeconds: fc.integer({ min: 0, max: 604_800 }),
    ageAdd: fc.integer({ min: 0, max: 0xffff_ffff }),
    maxEarlyData: fc.integer({ min: 0, max: 0xffff_ffff }),
    psk: fc.uint8Array({ minLength: 32, maxLength: 48 }),
    alpn: fc.stringMatching(/^[a-z0-9]{0,10}$/),
    serverName: fc.stringMatching(/^[a-z0-9.]{0,30}$/),
    id: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    clientAuthenticated: fc.boolean(),
    earlyDataContext: fc.uint8Array({ maxLength: 20 }),
  });

  it('round-trips (property) and rejects anything malformed', () => {
    fc.assert(
      fc.property(stateArb, (s) => {
        const b = encodeServerTicketState(s);
        expect(decodeServerTicketState(b)).toEqual(s);
        expect(decodeServerTicketState(b.subarray(0, b.length - 1))).toBeUndefined();
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        const s = decodeServerTicketState(b);
        if (s !== undefined) expect(encodeServerTicketState(s)).toEqual(b);
      }),
      { numRuns: 300 },
    );
  });
});

describe('StrikeRegister', () => {
  it('accepts an id once until it expires', () => {
    const r = new StrikeRegister();
    const id = Uint8Array.of(1, 2, 3);
    expect(r.checkAndRecord(id, 1000, 0)).toBe(true);
    expect(r.checkAndRecord(id, 1000, 500)).toBe(false);
    expect(r.checkAndRecord(Uint8Array.of(1, 2, 4), 1000, 500)).toBe(true);
    expect(r.checkAndRecord(id, 3000, 1000)).toBe(true); // the old entry expired
  });

  it('refuses when full of live entries, and makes room by dropping expired ones', () => {
    const r = new StrikeRegister({ maxEntries: 2 });
    expect(r.checkAndRecord(Uint8Array.of(1), 100, 0)).toBe(true);
    expect(r.checkAndRecord(Uint8Array.of(2), 1000, 0)).toBe(true);
    expect(r.checkAndRecord(Uint8Array.of(3), 1000, 50)).toBe(false);
    expect(r.checkAndRecord(Uint8Array.of(3), 1000, 150)).toBe(true);
    expect(r.size).toBe(2);
  });
});

describe('HelloRetryRequest cookies', () => {
  const key = new Uint8Array(32).fill(3);
  const state = { issuedAt: 1_000_000, cipherSuite: 0x1302, group: 0x17, clientHello1Hash: new Uint8Array(48).fill(5) };

  it('open(seal(x)) = x; forged, stale or future cookies are refused', () => {
    const cookie = sealHelloRetryCookie(nobleProvider, key, state);
    expect(openHelloRetryCookie(nobleProvider, key, cookie, 1_000_500, 60_000)).toEqual(state);
    expect(openHelloRetryCookie(nobleProvider, key, cookie, 1_061_000, 60_000)).toBeUndefined();
    expect(openHelloRetryCookie(nobleProvider, key, cookie, 900_000, 60_000)).toBeUndefined();
    expect(openHelloRetryCookie(nobleProvider, new Uint8Array(32), cookie, 1_000_500, 60_000)).toBeUndefined();
    const bad = cookie.slice();
    bad[3]! ^= 1;
    expect(openHelloRetryCookie(nobleProvider, key, bad, 1_000_500, 60_000)).toBeUndefined();
    expect(openHelloRetryCookie(nobleProvider, key, cookie.subarray(0, 10), 1_000_500, 60_000)).toBeUndefined();
  });
});

describe('key log and CertificateVerify content', () => {
  it('formats NSS key log lines', () => {
    const line = formatKeyLogLine('CLIENT_HANDSHAKE_TRAFFIC_SECRET', new Uint8Array(32).fill(0xab), Uint8Array.of(1, 2));
    expect(line).toBe(`CLIENT_HANDSHAKE_TRAFFIC_SECRET ${'ab'.repeat(32)} 0102`);
    expect(parseKeyLogLine(line)).toEqual({ label: 'CLIENT_HANDSHAKE_TRAFFIC_SECRET', clientRandom: 'ab'.repeat(32), secret: '0102' });
    expect(parseKeyLogLine('# comment')).toBeUndefined();
    expect(() => parseKeyLogLine('junk')).toThrow(TypeError);
    expect(() => formatKeyLogLine('EXPORTER_SECRET', new Uint8Array(31), new Uint8Array(1))).toThrow(RangeError);
  });

  it('builds the RFC 8446 §4.4.3 signed content', () => {
    const c = certificateVerifyContent('server', Uint8Array.of(0xaa, 0xbb));
    expect(toHex(c)).toBe('20'.repeat(64) + toHex(new TextEncoder().encode('TLS 1.3, server CertificateVerify')) + '00aabb');
    const d = certificateVerifyContent('client', new Uint8Array(0));
    expect(new TextDecoder().decode(d.subarray(64, d.length - 1))).toBe('TLS 1.3, client CertificateVerify');
  });
});
