/**
 * The router over loopback with fake connections: routing by connection ID (many connections per client socket,
 * several IDs per connection, map / unmap), accept, Version Negotiation, Retry, stateless resets with a rate limit,
 * the accept backlog, mailbox overflow, and drops of what cannot be routed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeVersionNegotiation } from '@qk/quic-core';
import { fromUtf8, toHex, utf8 } from '@qk/octets';
import { rawPeer, waitFor } from './fakes/apps.js';
import type { RawPeer } from './fakes/apps.js';
import { CID_LENGTH, Frame, fakeStatelessReset, initialPacket, longPacket, newCid, shortPacket } from './fakes/fake-quic.js';
import { clientRouter, connect, startServer } from './fakes/setup.js';
import type { FakeRouter } from './fakes/setup.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
function track<T extends { shutdown(o?: { deadlineMs?: number }): Promise<unknown> } | RawPeer>(x: T): T {
  cleanups.push(() => ('shutdown' in x ? x.shutdown({ deadlineMs: 200 }) : x.close()));
  return x;
}

const hosts = ['127.0.0.1', '::1'] as const;

describe.each(hosts)('routing over %s', (host) => {
  it('routes many client connections on one socket by connection ID, each to its own worker', async () => {
    const server = await startServer(host);
    track(server.router);
    const client = track(await clientRouter(host));
    const a = connect(client, server.address);
    const b = connect(client, server.address);
    await waitFor(() => a.worker.state === 'established' && b.worker.state === 'established', 3000, 'handshakes');
    a.app.send(utf8('from a'));
    b.app.send(utf8('from b'));
    await waitFor(() => a.app.messages.length === 1 && b.app.messages.length === 1, 3000, 'echoes');
    expect(fromUtf8(a.app.messages[0]!)).toBe('from a');
    expect(fromUtf8(b.app.messages[0]!)).toBe('from b');
    expect(server.router.stats().acceptedInitials).toBe(2);
    expect(server.router.stats().connections).toBe(2);
    expect(client.stats().connections).toBe(2);
    // Each server connection's CID routes to a different worker; the client's handshake-only IDs are gone.
    const [s1, s2] = server.endpoint.accepted;
    const w1 = server.router.lookup(s1!.sourceConnectionIds()[0]!);
    const w2 = server.router.lookup(s2!.sourceConnectionIds()[0]!);
    expect(w1).toBeDefined();
    expect(w2).toBeDefined();
    expect(w1).not.toBe(w2);
    expect(server.router.lookup(a.conn.options.peerCid)).toBeUndefined();
    expect(server.router.stats().mappedConnectionIds).toBe(2);
    expect(server.metrics.acceptedInitials).toBe(2);
    expect(server.metrics.handshakeTimes.handshakeProtocol).toHaveLength(2);
    expect(server.metrics.handshakeTimes.queueWaiting).toHaveLength(2);
    expect(server.metrics.handshakeTimes.handshakeResponse).toHaveLength(2);
  });
});

describe('connection IDs', () => {
  it('routes several IDs to one connection and forgets retired ones (map / unmap messages)', async () => {
    const server = await startServer('127.0.0.1');
    track(server.router);
    const client = track(await clientRouter());
    const c = connect(client, server.address, { connection: { switchToNewCid: true } });
    await waitFor(() => server.apps.length === 1 && server.apps[0]!.info !== undefined, 3000, 'server established');
    const sconn = server.endpoint.accepted[0]!;
    const oldCid = sconn.sourceConnectionIds()[0]!.slice();
    const worker = server.router.lookup(oldCid)!;
    // Issue two more IDs: both are mapped to the same worker before the NEW_CID frames leave.
    const x = sconn.issueConnectionId();
    const y = sconn.issueConnectionId();
    worker.wake();
    // The worker's turn runs in this check phase; the client's answers need another loop iteration.
    await new Promise((r) => setImmediate(r));
    expect(server.router.lookup(x)).toBe(worker);
    expect(server.router.lookup(y)).toBe(worker);
    expect(server.router.lookup(oldCid)).toBe(worker);
    // The client switches to each new ID and retires the previous one: the server unmaps the retired IDs.
    await waitFor(() => server.router.lookup(oldCid) === undefined && server.router.lookup(x) === undefined, 3000, 'retired IDs unmapped');
    expect(toHex(c.conn.peerConnectionId)).toBe(toHex(y));
    expect(server.router.lookup(y)).toBe(worker);
    expect(server.router.stats().mappedConnectionIds).toBe(1);
    // Traffic on the new ID still reaches the connection.
    c.app.send(utf8('after switch'));
    await waitFor(() => c.app.messages.length === 1, 3000, 'echo on new CID');
    // A short header to the retired ID is unknown now: it gets a stateless reset.
    const peer = track(await rawPeer());
    await peer.send(shortPacket(oldCid, new Uint8Array(40)), server.address);
    await waitFor(() => peer.received.length === 1, 3000, 'stateless reset');
    expect(peer.received[0]!.data[0]).toBe(0x5f);
    expect(peer.received[0]!.data.length).toBeLessThan(1 + CID_LENGTH + 40);
    expect(server.router.stats().replies.statelessReset).toBe(1);
  });
});

describe('stateless resets for our own connections', () => {
  it('offers unknown short headers from a connection\'s peer to that connection, and answers none', async () => {
    const server = await startServer();
    track(server.router);
    const client = track(await clientRouter());
    const c = connect(client, server.address);
    await waitFor(() => c.worker.state === 'established' && server.apps[0]?.info !== undefined, 3000, 'handshake');
    // The server side: a short header with an unknown CID from the client's address reaches the server connection
    // (it may be the client's reset), and no reset is sent back.
    const routed = server.router.stats().datagramsRouted;
    server.router.receive(shortPacket(newCid(0x77), new Uint8Array(40)), client.localAddress);
    expect(server.router.stats().datagramsRouted).toBe(routed + 1);
    expect(server.router.stats().replies.statelessReset).toBe(0);
    // The client side: a stateless reset from the server's address closes the client connection.
    server.router.socket.send(fakeStatelessReset(), client.localAddress);
    const r = await c.worker.closed;
    expect(r).toMatchObject({ kind: 'closed', close: { reason: 'stateless reset', fromPeer: true } });
    expect(client.stats().dropped.unroutable).toBe(0);
    // After the connection is gone, the same datagram is unroutable on a client socket.
    client.receive(fakeStatelessReset(), server.address);
    expect(client.stats().dropped.unroutable).toBe(1);
  });
});

describe('unknown datagrams', () => {
  it('answers an unsupported version with Version Negotiation', async () => {
    const server = await startServer();
    track(server.router);
    const peer = track(await rawPeer());
    const dcid = newCid(0x11);
    const scid = newCid(0x22);
    await peer.send(longPacket(0, dcid, scid, new Uint8Array(0), 1200, 0x1a2a3a4a), server.address);
    await waitFor(() => peer.received.length === 1, 3000, 'VN');
    const vn = decodeVersionNegotiation(peer.received[0]!.data);
    expect(vn.kind).toBe('versionNegotiation');
    if (vn.kind !== 'versionNegotiation') return;
    expect(toHex(vn.dcid)).toBe(toHex(scid));
    expect(toHex(vn.scid)).toBe(toHex(dcid));
    expect(vn.supportedVersions).toEqual([1, 0x6b3343cf]);
    expect(server.router.stats().replies.versionNegotiation).toBe(1);
    expect(server.router.stats().connections).toBe(0);
  });

  it('does a Retry round trip when the endpoint asks for address validation', async () => {
    const server = await startServer('127.0.0.1', { endpoint: { retry: true } });
    track(server.router);
    const client = track(await clientRouter());
    const c = connect(client, server.address);
    await waitFor(() => c.worker.state === 'established', 3000, 'handshake after Retry');
    expect(server.router.stats().replies.retry).toBe(1);
    expect(server.router.stats().acceptedInitials).toBe(1);
    // A forged token is rejected and counted.
    const peer = track(await rawPeer());
    await peer.send(initialPacket(newCid(), newCid(), utf8('forged')), server.address);
    await waitFor(() => server.router.stats().rejectedInitials.tokenValidationFailed === 1, 3000, 'rejection');
    expect(server.metrics.rejectedInitials.tokenValidationFailed).toBe(1);
  });

  it('rate-limits stateless resets with a token bucket', async () => {
    const server = await startServer('127.0.0.1', { router: { statelessResetRate: 0.001, statelessResetBurst: 3 } });
    track(server.router);
    for (let i = 0; i < 10; i++) server.router.receive(shortPacket(newCid(0x99), new Uint8Array(30)), { address: '127.0.0.1', port: 9 });
    expect(server.router.stats().replies.statelessReset).toBe(3);
    expect(server.router.stats().dropped.statelessResetLimited).toBe(7);
    expect(server.metrics.datagramsDropped.statelessResetLimited).toBe(7);
  });

  it('drops and counts what cannot be parsed or routed', async () => {
    const server = await startServer();
    track(server.router);
    const from = { address: '127.0.0.1', port: 9 };
    server.router.receive(new Uint8Array(0), from); // empty
    server.router.receive(new Uint8Array([0xc0, 0, 0, 0, 1, 20]), from); // truncated long header
    server.router.receive(new Uint8Array([0x40, 1, 2]), from); // short header shorter than a CID
    server.router.receive(longPacket(2, newCid(), newCid(), new Uint8Array(10)), from); // unknown Handshake packet
    server.router.receive(initialPacket(newCid(), newCid()).subarray(0, 1000), from); // Initial under 1200 bytes
    server.router.receive(shortPacket(newCid(), new Uint8Array(4)), from); // too small to reset
    const s = server.router.stats();
    expect(s.dropped.unparseable).toBe(3);
    expect(s.dropped.unroutable).toBe(2);
    expect(s.dropped.statelessResetLimited).toBe(1);
    expect(s.datagramsReceived).toBe(6);
    expect(s.connections).toBe(0);
  });

  it('drops unknown datagrams on a client socket', async () => {
    const client: FakeRouter = track(await clientRouter());
    client.receive(initialPacket(newCid(), newCid()), { address: '127.0.0.1', port: 9 });
    client.receive(shortPacket(newCid(), new Uint8Array(40)), { address: '127.0.0.1', port: 9 });
    expect(client.stats().dropped.unroutable).toBe(2);
    expect(client.stats().replies.statelessReset).toBe(0);
  });
});

describe('admission', () => {
  it('drops Initials beyond the accept backlog (handshakes in progress) and counts them', async () => {
    const server = await startServer('127.0.0.1', { router: { acceptBacklog: 2 } });
    track(server.router);
    const from = { address: '127.0.0.1', port: 9 };
    // Raw Initials: the fake server connections never see FINISHED, so they stay in the backlog.
    for (let i = 0; i < 5; i++) server.router.receive(initialPacket(newCid(), newCid()), from);
    const s = server.router.stats();
    expect(s.acceptedInitials).toBe(2);
    expect(s.rejectedInitials.acceptQueueOverflow).toBe(3);
    expect(s.handshakesInProgress).toBe(2);
    expect(server.metrics.rejectedInitials.acceptQueueOverflow).toBe(3);
    // A retransmitted Initial of an accepted connection is routed by its original DCID, not accepted again.
    const dcid = newCid();
    const server2 = await startServer('127.0.0.1');
    track(server2.router);
    server2.router.receive(initialPacket(dcid, newCid()), from);
    server2.router.receive(initialPacket(dcid, newCid()), from);
    expect(server2.router.stats().acceptedInitials).toBe(1);
    expect(server2.router.stats().datagramsRouted).toBe(1);
  });

  it('stops accepting but keeps routing after stopAccepting()', async () => {
    const server = await startServer();
    track(server.router);
    const client = track(await clientRouter());
    const c = connect(client, server.address);
    await waitFor(() => c.worker.state === 'established', 3000, 'handshake');
    server.router.stopAccepting();
    server.router.receive(initialPacket(newCid(), newCid()), { address: '127.0.0.1', port: 9 });
    expect(server.router.stats().rejectedInitials.notAccepting).toBe(1);
    c.app.send(utf8('still here'));
    await waitFor(() => c.app.messages.length === 1, 3000, 'echo');
  });

  it('refuses a connection the application factory declines', async () => {
    const server = await startServer('127.0.0.1', { router: { applicationFactory: () => undefined } });
    track(server.router);
    server.router.receive(initialPacket(newCid(), newCid()), { address: '127.0.0.1', port: 9 });
    expect(server.router.stats().rejectedInitials.refused).toBe(1);
    expect(server.router.stats().connections).toBe(0);
  });
});

describe('mailboxes', () => {
  it('drops and counts datagrams beyond a full mailbox; the connection survives', async () => {
    const server = await startServer('127.0.0.1', { router: { worker: { mailboxCapacity: 4 } } });
    track(server.router);
    const client = track(await clientRouter());
    const c = connect(client, server.address);
    await waitFor(() => server.apps[0]?.info !== undefined, 3000, 'server established');
    const sconn = server.endpoint.accepted[0]!;
    const cid = sconn.sourceConnectionIds()[0]!;
    // 20 datagrams in one synchronous burst: the worker cannot run in between, so 4 fit and 16 are dropped.
    const payload = shortPacket(cid, new Uint8Array([Frame.PING, 0]));
    for (let i = 0; i < 20; i++) server.router.receive(payload, client.localAddress);
    expect(server.router.stats().dropped.mailboxFull).toBe(16);
    expect(server.metrics.datagramsDropped.mailboxFull).toBe(16);
    const worker = server.router.lookup(cid)!;
    expect(worker.stats().mailboxDrops).toBe(16);
    await waitFor(() => worker.stats().datagramsIn >= 5, 3000, 'mailbox drained');
    c.app.send(utf8('alive'));
    await waitFor(() => c.app.messages.length === 1, 3000, 'echo after overflow');
  });
});

describe('options', () => {
  it('validates router and worker options with errors naming them', async () => {
    const { InboundPacketRouter, IoWorker, UdpSocket } = await import('../src/index.js');
    const { FakeEndpoint, FakeConnection } = await import('./fakes/fake-quic.js');
    const socket = await UdpSocket.bind();
    cleanups.push(() => socket.close());
    expect(() => new InboundPacketRouter({ socket, localCidLength: 21 })).toThrow(/localCidLength/);
    expect(() => new InboundPacketRouter({ socket, localCidLength: 8, endpoint: new FakeEndpoint() })).toThrow(/applicationFactory/);
    expect(() => new InboundPacketRouter({ socket, localCidLength: 8, acceptBacklog: -1 })).toThrow(/acceptBacklog/);
    const router = new InboundPacketRouter({ socket, localCidLength: 8 });
    const conn = FakeConnection.connect({ local: router.localAddress, remote: router.localAddress });
    const app = { onConnEstablished() {}, shouldAct: () => true, processReads() {}, processWrites() {}, onConnClose() {} };
    expect(() => new IoWorker({ connection: conn, application: app, host: router, maxDatagramsPerTurn: 0 })).toThrow(/maxDatagramsPerTurn/);
    expect(() => new IoWorker({ connection: conn, application: app, host: router, mailboxCapacity: 0 })).toThrow(/capacity/);
    expect(() => new IoWorker({ connection: conn, application: app, host: router, handshakeTimeoutMs: 0 })).toThrow(/handshakeTimeoutMs/);
    expect(() => new IoWorker({ connection: conn, application: app, host: router, pacingSlackMs: -1 })).toThrow(/pacingSlackMs/);
    expect(() => UdpSocket.bind({ port: 70000 })).toThrow(/port/);
  });
});
