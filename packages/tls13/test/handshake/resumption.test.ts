import { describe, expect, it } from 'vitest';
import { toHex } from '@qk/octets';
import { nobleProvider } from '../../src/crypto/noble.js';
import { CipherSuite } from '../../src/crypto/suites.js';
import { createClientSession } from '../../src/handshake/client.js';
import type { TlsClientConfig, TlsServerConfig } from '../../src/handshake/config.js';
import { createServerSession } from '../../src/handshake/server.js';
import { MemoryTicketStore, StrikeRegister, TicketKeyManager } from '../../src/handshake/tickets.js';
import {
  Clock,
  SERVER_TP,
  clientConfig,
  expectMatchingSecrets,
  kinds,
  makePki,
  pipe,
  secretsOf,
  serverConfig,
  type Pki,
} from './helpers.js';

const pki: Pki = makePki('p256');

/** A client config and a server config sharing ticket state, 0-RTT enabled on both. */
function setup(clock: Clock, client: Partial<TlsClientConfig> = {}, server: Partial<TlsServerConfig> = {}) {
  const ticketStore = new MemoryTicketStore();
  const ticketKeys = new TicketKeyManager({ provider: nobleProvider, now: clock.now });
  const antiReplay = new StrikeRegister();
  const cc = clientConfig(pki, clock, { ticketStore, earlyData: true, ...client });
  const sc = serverConfig(pki, clock, { ticketKeys, antiReplay, maxEarlyData: 0xffff_ffff, ...server });
  return { cc, sc, ticketStore, ticketKeys, antiReplay };
}

/** Runs a first full handshake so the client holds a ticket. */
function prime(cc: TlsClientConfig, sc: TlsServerConfig) {
  const client = createClientSession(cc);
  const server = createServerSession(sc);
  const r = pipe(client, server);
  expect(client.isHandshakeComplete()).toBe(true);
  const ev = r.clientEvents.find((e) => e.kind === 'sessionTicketReceived');
  expect(ev).toBeDefined();
  return r;
}

describe('resumption and 0-RTT', () => {
  it('stores the ticket with what 0-RTT must remember', () => {
    const clock = new Clock();
    const { cc, sc, ticketStore } = setup(clock);
    const r = prime(cc, sc);
    const ev = r.clientEvents.find((e) => e.kind === 'sessionTicketReceived');
    if (ev?.kind !== 'sessionTicketReceived') throw new Error('no ticket');
    expect(ev.ticket).toMatchObject({
      serverName: 'server.test',
      cipherSuite: CipherSuite.TLS_AES_128_GCM_SHA256,
      lifetimeSeconds: 7200,
      receivedAt: clock.t,
      maxEarlyData: 0xffff_ffff,
      alpn: 'h3',
    });
    expect(toHex(ev.ticket.transportParameters!)).toBe(toHex(SERVER_TP));
    expect(ticketStore.size).toBe(1);
  });

  it('resumes with a PSK and accepts 0-RTT; both sides derive the same early secret', () => {
    const clock = new Clock();
    const { cc, sc, ticketStore } = setup(clock);
    prime(cc, sc);
    clock.advance(1500);
    const client = createClientSession(cc);
    const server = createServerSession(sc);
    const r = pipe(client, server);
    expect(ticketStore.size).toBe(1); // the used ticket is gone, the new one is in
    expect(client.earlyDataOffered).toBe(true);
    expect(client.negotiated()).toMatchObject({ resumed: true, earlyData: 'accepted', peerCertificates: [] });
    expect(client.negotiated()!.signatureScheme).toBeUndefined();
    expect(server.negotiated()).toMatchObject({ resumed: true, earlyData: 'accepted' });
    expect(kinds(r.clientEvents)).toEqual([
      'peerTransportParametersReceived',
      'earlyDataAccepted',
      'handshakeCompleted',
      'sessionTicketReceived',
    ]);
    expect(kinds(r.serverEvents)).toEqual(['peerTransportParametersReceived', 'earlyDataAccepted', 'handshakeCompleted']);
    const c = secretsOf(r.clientEvents);
    expect(c.get('zeroRtt/write')).toBeDefined();
    expect(secretsOf(r.serverEvents).get('zeroRtt/read')).toBe(c.get('zeroRtt/write'));
    expectMatchingSecrets(r);
    // the 0-RTT write secret is the first event: it exists as soon as the ClientHello is queued
    expect(r.clientEvents[0]).toMatchObject({ kind: 'secretsDerived', level: 'zeroRtt', direction: 'write' });
    // QUIC mode: no EndOfEarlyData, no handshake bytes at the 0-RTT level
    expect(r.flights.some((f) => f.level === 'zeroRtt')).toBe(false);
  });

  it('resumes without 0-RTT when the client does not ask for it', () => {
    const clock = new Clock();
    const { cc, sc } = setup(clock, { earlyData: false });
    prime(cc, sc);
    const client = createClientSession(cc);
    const server = createServerSession(sc);
    const r = pipe(client, server);
    expect(client.negotiated()).toMatchObject({ resumed: true, earlyData: 'not_offered' });
    expect(secretsOf(r.clientEvents).has('zeroRtt/write')).toBe(false);
    expectMatchingSecrets(r);
  });

  it('resumes in TLS mode with EndOfEarlyData at the 0-RTT level', () => {
    const clock = new Clock();
    const base = setup(clock, { mode: 'tls' }, { mode: 'tls', maxEarlyData: 16384 });
    prime(base.cc, base.sc);
    const client = createClientSession(base.cc);
    const server = createServerSession(base.sc);
    const r = pipe(client, server);
    expect(client.negotiated()).toMatchObject({ resumed: true, earlyData: 'accepted' });
    expect(r.flights.filter((f) => f.level === 'zeroRtt').map((f) => toHex(f.data))).toEqual(['05000000']);
    expectMatchingSecrets(r);
  });

  describe('0-RTT rejected, the handshake still completes', () => {
    it('when the ticket has expired (client side: not offered at all)', () => {
      const clock = new Clock();
      const { cc, sc } = setup(clock);
      prime(cc, sc);
      clock.advance(7200 * 1000 + 1);
      const client = createClientSession(cc);
      const r = pipe(client, createServerSession(sc));
      expect(client.negotiated()).toMatchObject({ resumed: false, earlyData: 'not_offered' });
      expectMatchingSecrets(r);
    });

    it('when the ticket has expired by the server’s clock (full handshake, 0-RTT rejected)', () => {
      const clock = new Clock();
      const serverClock = new Clock();
      const { cc, sc } = setup(clock);
      prime(cc, sc);
      serverClock.advance(7200 * 1000 + 1);
      const client = createClientSession(cc);
      const server = createServerSession({ ...sc, now: serverClock.now });
      const r = pipe(client, server);
      expect(client.negotiated()).toMatchObject({ resumed: false, earlyData: 'rejected' });
      expect(kinds(r.clientEvents)).toContain('earlyDataRejected');
      expect(kinds(r.serverEvents)).toContain('earlyDataRejected');
      expect(secretsOf(r.serverEvents).has('zeroRtt/read')).toBe(false);
      expectMatchingSecrets(r);
    });

    it('when the ticket age is implausible (clock skew beyond the tolerance)', () => {
      const clock = new Clock();
      const serverClock = new Clock();
      const { cc, sc } = setup(clock);
      prime(cc, sc);
      serverClock.advance(60_000);
      const client = createClientSession(cc);
      const server = createServerSession({ ...sc, now: serverClock.now });
      pipe(client, server);
      expect(client.negotiated()).toMatchObject({ resumed: true, earlyData: 'rejected' });
    });

    it('when the server now selects another ALPN protocol', () => {
      const clock = new Clock();
      const { cc, sc } = setup(clock, { alpnProtocols: ['h3', 'doq'] });
      prime(cc, sc);
      const client = createClientSession(cc);
      const server = createServerSession({ ...sc, alpnProtocols: ['doq', 'h3'] });
      const r = pipe(client, server);
      expect(client.negotiated()).toMatchObject({ resumed: true, earlyData: 'rejected', alpn: 'doq' });
      expectMatchingSecrets(r);
    });

    it('when the ClientHello is replayed (the strike register remembers the ticket)', () => {
      const clock = new Clock();
      const { cc, sc } = setup(clock);
      prime(cc, sc);
      const client = createClientSession(cc);
      client.start();
      const ch = client.pollOutput()!;
      const first = createServerSession(sc);
      first.handleData(ch.level, ch.data);
      expect(first.negotiated()).toMatchObject({ resumed: true, earlyData: 'accepted' });
      const replay = createServerSession(sc);
      replay.handleData(ch.level, ch.data);
      expect(replay.negotiated()).toMatchObject({ resumed: true, earlyData: 'rejected' });
      const events = [];
      for (let e; (e = replay.pollEvent()); ) events.push(e.kind);
      expect(events).toContain('earlyDataRejected');
    });

    it('after a HelloRetryRequest', () => {
      const clock = new Clock();
      const { cc, sc } = setup(clock, { keyShareGroups: ['x25519'] });
      prime(cc, sc);
      const client = createClientSession(cc);
      const server = createServerSession({ ...sc, groups: ['secp256r1'] });
      const r = pipe(client, server);
      expect(client.negotiated()).toMatchObject({ resumed: true, earlyData: 'rejected', helloRetry: true, group: 'secp256r1' });
      expect(server.negotiated()).toMatchObject({ resumed: true, earlyData: 'rejected', helloRetry: true });
      expect(kinds(r.clientEvents).filter((k) => k === 'earlyDataRejected')).toHaveLength(1);
      expectMatchingSecrets(r);
    });

    it('when the server has 0-RTT disabled', () => {
      const clock = new Clock();
      const { cc, sc } = setup(clock);
      prime(cc, sc);
      const client = createClientSession(cc);
      const server = createServerSession({ ...sc, maxEarlyData: 0 });
      const r = pipe(client, server);
      expect(client.negotiated()).toMatchObject({ resumed: true, earlyData: 'rejected' });
      // the new ticket carries no early_data extension, so the next connection does not offer 0-RTT
      const ev = r.clientEvents.find((e) => e.kind === 'sessionTicketReceived');
      expect(ev?.kind === 'sessionTicketReceived' && ev.ticket.maxEarlyData).toBe(0);
    });

    it('when the early-data context (e.g. transport settings) changed', () => {
      const clock = new Clock();
      const { cc, sc } = setup(clock, {}, { earlyDataContext: Uint8Array.of(1) });
      prime(cc, sc);
      const client = createClientSession(cc);
      pipe(client, createServerSession({ ...sc, earlyDataContext: Uint8Array.of(2) }));
      expect(client.negotiated()).toMatchObject({ resumed: true, earlyData: 'rejected' });
    });
  });

  it('falls back to a full handshake for a ticket sealed with a key the server no longer accepts', () => {
    const clock = new Clock();
    const { cc, sc, ticketKeys } = setup(clock);
    prime(cc, sc);
    ticketKeys.rotate();
    ticketKeys.rotate();
    const client = createClientSession(cc);
    const r = pipe(client, createServerSession(sc));
    expect(client.negotiated()).toMatchObject({ resumed: false, earlyData: 'rejected' });
    expectMatchingSecrets(r);
  });

  it('does not resume across server names', () => {
    const clock = new Clock();
    const multi = makePki('p256', { names: ['a.test', 'b.test'] });
    const ticketStore = new MemoryTicketStore();
    const sc = serverConfig(multi, clock);
    const a = clientConfig(multi, clock, { serverName: 'a.test', ticketStore });
    pipe(createClientSession(a), createServerSession(sc));
    // a hostile client store that hands a.test's ticket out for b.test
    const stolen = ticketStore.get('a.test', clock.t)!;
    const b = clientConfig(multi, clock, {
      serverName: 'b.test',
      ticketStore: { get: () => ({ ...stolen, serverName: 'b.test' }), put: () => undefined, remove: () => undefined },
    });
    const client = createClientSession(b);
    pipe(client, createServerSession(sc));
    expect(client.negotiated()!.resumed).toBe(false);
  });

  it('sends the configured number of tickets, with distinct nonces', () => {
    const clock = new Clock();
    const { cc, sc, ticketStore } = setup(clock, {}, { ticketCount: 3 });
    const r = prime(cc, sc);
    const tickets = r.clientEvents.filter((e) => e.kind === 'sessionTicketReceived');
    expect(tickets).toHaveLength(3);
    const psks = new Set(tickets.map((e) => (e.kind === 'sessionTicketReceived' ? toHex(e.ticket.psk) : '')));
    expect(psks.size).toBe(3);
    expect(ticketStore.size).toBe(3);
  });

  it('issues no tickets with ticketCount 0', () => {
    const clock = new Clock();
    const { cc, sc, ticketStore } = setup(clock, {}, { ticketCount: 0 });
    const r = pipe(createClientSession(cc), createServerSession(sc));
    expect(r.flights.some((f) => f.level === 'oneRtt')).toBe(false);
    expect(ticketStore.size).toBe(0);
  });
});
