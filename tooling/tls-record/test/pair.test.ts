/**
 * qk's client and server through the record layer, in memory (no sockets): the engine in tls mode end to end,
 * every suite x group, messages split across tiny records, middlebox-compatibility records, alerts both ways,
 * resumption, and a byte-level check that the wire carries only well-formed records.
 */
import { TlsAlert } from '@qk/tls13';
import fc from 'fast-check';
import type { KeyExchangeGroup } from '@qk/tls13';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TlsRecordConnection } from '../src/connection.js';
import type { TlsConnectionEvent, TlsRecordConnectionOptions } from '../src/connection.js';
import { RecordDeframer } from '../src/record.js';
import { tlsModeConfig } from '../src/net.js';
import {
  CipherSuite,
  MemoryTicketStore,
  TrustStore,
  createClientSession,
  createServerSession,
  nobleProvider,
} from '../src/tls13.js';
import type { TlsClientConfig, TlsServerConfig } from '../src/tls13.js';
import { makePki } from './helpers/pki.js';
import type { TestPki } from './helpers/pki.js';

let pki: TestPki;
beforeAll(() => {
  pki = makePki();
});
afterAll(() => pki.cleanup());

const SUITES = Object.values(CipherSuite);
const GROUPS: KeyExchangeGroup[] = ['x25519', 'secp256r1', 'secp384r1', 'x25519mlkem768'];

interface Wire {
  client: TlsRecordConnection;
  server: TlsRecordConnection;
  clientEvents: TlsConnectionEvent[];
  serverEvents: TlsConnectionEvent[];
  /** Every byte each side sent, for a framing check. */
  clientBytes: Uint8Array[];
  serverBytes: Uint8Array[];
}

function clientConfig(extra: Partial<TlsClientConfig> = {}): TlsClientConfig {
  return { mode: 'tls', provider: nobleProvider, now: Date.now, serverName: 'localhost', trustStore: pki.trustStore, ...extra };
}

function serverConfig(extra: Partial<TlsServerConfig> = {}): TlsServerConfig {
  const id = pki.servers.p256;
  const base = { mode: 'tls', provider: nobleProvider, now: Date.now } as const;
  return { ...base, certificateChain: id.chain, privateKey: id.privateKey, ...extra };
}

function connect(
  cc: TlsClientConfig,
  sc: TlsServerConfig,
  options: Omit<TlsRecordConnectionOptions, 'provider'> = {},
): Wire {
  const w: Wire = {
    client: new TlsRecordConnection(createClientSession(cc), { provider: nobleProvider, ...options }),
    server: new TlsRecordConnection(createServerSession(sc), { provider: nobleProvider, ...options }),
    clientEvents: [],
    serverEvents: [],
    clientBytes: [],
    serverBytes: [],
  };
  w.client.start();
  pump(w);
  return w;
}

/** Delivers bytes both ways until both sides are quiet (bounded). Alerts propagate as thrown TlsAlerts. */
function pump(w: Wire): void {
  for (let round = 0; round < 50; round++) {
    let moved = false;
    const c = w.client.pollTransmit();
    if (c) {
      moved = true;
      w.clientBytes.push(c);
      w.server.receive(c);
    }
    const s = w.server.pollTransmit();
    if (s) {
      moved = true;
      w.serverBytes.push(s);
      w.client.receive(s);
    }
    for (let e = w.client.pollEvent(); e; e = w.client.pollEvent()) w.clientEvents.push(e);
    for (let e = w.server.pollEvent(); e; e = w.server.pollEvent()) w.serverEvents.push(e);
    if (!moved) return;
  }
  throw new Error('pump did not settle');
}

/** The content types of the records in `chunks`, in order. */
function recordTypes(chunks: Uint8Array[]): number[] {
  const d = new RecordDeframer();
  const out: number[] = [];
  for (const c of chunks) {
    d.push(c);
    for (let r = d.next(); r; r = d.next()) out.push(r.header.contentType);
  }
  expect(d.buffered).toBe(0);
  return out;
}

/** Concatenates the application data events from index `from` on. */
function dataSince(events: TlsConnectionEvent[], from: number): string {
  let text = '';
  for (const e of events.slice(from)) if (e.kind === 'applicationDataReceived') text += new TextDecoder().decode(e.data);
  return text;
}

/** Client sends `text`, the server sends back what it got, the client returns what came back. */
function echo(w: Wire, text: string): string {
  const s0 = w.serverEvents.length;
  const c0 = w.clientEvents.length;
  w.client.send(new TextEncoder().encode(text));
  pump(w);
  w.server.send(new TextEncoder().encode(dataSince(w.serverEvents, s0)));
  pump(w);
  return dataSince(w.clientEvents, c0);
}

describe('qk client <-> qk server over the record layer (in memory)', () => {
  for (const suite of SUITES) {
    for (const group of GROUPS) {
      it(`suite 0x${suite.toString(16)} x ${group}`, () => {
        const w = connect(clientConfig({ cipherSuites: [suite], groups: [group] }), serverConfig());
        expect(w.client.handshakeCompleted && w.server.handshakeCompleted).toBe(true);
        const n = w.client.session.negotiated()!;
        expect(n.cipherSuite).toBe(suite);
        expect(n.group).toBe(group);
        expect(w.server.session.negotiated()!.cipherSuite).toBe(suite);
        expect(echo(w, `hello ${suite} ${group}`)).toBe(`hello ${suite} ${group}`);
      });
    }
  }

  it('splits every handshake message across 37-byte records and still completes', () => {
    const w = connect(clientConfig(), serverConfig(), { maxFragmentLength: 37 });
    expect(w.client.handshakeCompleted && w.server.handshakeCompleted).toBe(true);
    expect(echo(w, 'x'.repeat(100))).toBe('x'.repeat(100));
  });

  it('sends exactly one middlebox-compatibility change_cipher_spec per side, none when disabled', () => {
    const w = connect(clientConfig(), serverConfig());
    const c = recordTypes(w.clientBytes);
    const s = recordTypes(w.serverBytes);
    // client: ClientHello, CCS, Finished; server: ServerHello, CCS, the whole encrypted flight coalesced into one
    // record (EncryptedExtensions..Finished, well under 2^14), then one NewSessionTicket record.
    expect(c).toEqual([22, 20, 23]);
    expect(s).toEqual([22, 20, 23, 23]);
    expect(c.filter((t) => t === 20)).toHaveLength(1);
    expect(s.filter((t) => t === 20)).toHaveLength(1);
    const quiet = connect(clientConfig(), serverConfig(), { middleboxCompat: false });
    expect(recordTypes(quiet.clientBytes)).not.toContain(20);
    expect(recordTypes(quiet.serverBytes)).not.toContain(20);
    expect(quiet.client.handshakeCompleted).toBe(true);
  });

  it('a HelloRetryRequest (client shares x25519 only, server wants secp384r1) completes', () => {
    const w = connect(
      clientConfig({ groups: ['x25519', 'secp384r1'], keyShareGroups: ['x25519'] }),
      serverConfig({ groups: ['secp384r1'] }),
    );
    const n = w.client.session.negotiated()!;
    expect(n.helloRetry).toBe(true);
    expect(n.group).toBe('secp384r1');
    expect(echo(w, 'after HRR')).toBe('after HRR');
  });

  it('resumes with a ticket from the first connection (PSK), same config objects', () => {
    const cc = clientConfig({ ticketStore: new MemoryTicketStore() });
    const sc = serverConfig();
    const first = connect(cc, sc);
    expect(first.clientEvents.some((e) => e.kind === 'sessionTicketReceived')).toBe(true);
    expect(first.client.session.negotiated()!.resumed).toBe(false);
    const second = connect(cc, sc);
    expect(second.client.session.negotiated()!.resumed).toBe(true);
    expect(second.server.session.negotiated()!.resumed).toBe(true);
    expect(echo(second, 'resumed')).toBe('resumed');
  });

  it('an untrusted server certificate: the client raises unknown_ca and the server receives it', () => {
    const w = {
      client: new TlsRecordConnection(
        createClientSession(clientConfig({ trustStore: new TrustStore() })),
        { provider: nobleProvider },
      ),
      server: new TlsRecordConnection(createServerSession(serverConfig()), { provider: nobleProvider }),
    };
    w.client.start();
    w.server.receive(w.client.pollTransmit()!);
    const flight = w.server.pollTransmit()!;
    let clientError: unknown;
    try {
      w.client.receive(flight);
    } catch (e) {
      clientError = e;
    }
    expect(clientError).toBeInstanceOf(TlsAlert);
    expect((clientError as TlsAlert).description).toBe('unknown_ca');
    expect((clientError as TlsAlert).fromPeer).toBe(false);
    const alertBytes = w.client.pollTransmit()!;
    let serverError: unknown;
    try {
      w.server.receive(alertBytes);
    } catch (e) {
      serverError = e;
    }
    expect(serverError).toBeInstanceOf(TlsAlert);
    expect((serverError as TlsAlert).description).toBe('unknown_ca');
    expect((serverError as TlsAlert).fromPeer).toBe(true);
    // The connection is dead: further input throws the same alert.
    expect(() => w.client.receive(new Uint8Array(1))).toThrow(TlsAlert);
  });

  it('close_notify ends the stream on the other side', () => {
    const w = connect(clientConfig(), serverConfig());
    w.client.close();
    pump(w);
    expect(w.serverEvents.some((e) => e.kind === 'closeNotifyReceived')).toBe(true);
    expect(w.server.closeReceived).toBe(true);
    expect(() => w.client.send(new Uint8Array(1))).toThrow(RangeError);
  });

  it('a corrupted protected record is bad_record_mac, and the alert reaches the peer', () => {
    const w = connect(clientConfig(), serverConfig());
    w.client.send(new TextEncoder().encode('tamper me'));
    const bytes = w.client.pollTransmit()!;
    bytes[bytes.length - 1]! ^= 1;
    expect(() => w.server.receive(bytes)).toThrow(/bad_record_mac/);
    const alert = w.server.pollTransmit()!;
    expect(() => w.client.receive(alert)).toThrow(/bad_record_mac/);
  });

  it('tlsModeConfig keeps config identity (the engine keys default ticket stores on it)', () => {
    const base = { provider: nobleProvider, now: Date.now, trustStore: pki.trustStore };
    expect(tlsModeConfig<TlsClientConfig>(base)).toBe(tlsModeConfig<TlsClientConfig>(base));
    expect(tlsModeConfig<TlsClientConfig>(base).mode).toBe('tls');
    const already = clientConfig();
    expect(tlsModeConfig<TlsClientConfig>(already)).toBe(already);
  });

  it('hostile input: random bytes and bit flips of a real ClientHello flight end in a TlsAlert, never another error', () => {
    const sc = serverConfig();
    const hello = (() => {
      const c = new TlsRecordConnection(createClientSession(clientConfig()), { provider: nobleProvider });
      c.start();
      return c.pollTransmit()!;
    })();
    const feed = (bytes: Uint8Array): void => {
      const server = new TlsRecordConnection(createServerSession(sc), { provider: nobleProvider });
      try {
        server.receive(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(TlsAlert);
      }
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => feed(bytes)),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: hello.length * 8 - 1 }), (bit) => {
        const bad = hello.slice();
        bad[bit >>> 3]! ^= 1 << (bit & 7);
        feed(bad);
      }),
      { numRuns: 100 },
    );
  });
});
