import { equal } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import { TransportErrorCode } from '../../src/errors.js';
import { BulkSender, DEFAULT_LINK, Sink, makePair, testData } from './pair.js';

describe('corruption', () => {
  it('drops every corrupted packet and still delivers the data intact', () => {
    const data = testData(1_000_000, 9);
    const sink = new Sink();
    const link = { ...DEFAULT_LINK, corruptProbability: 0.05, corruptBits: 3 };
    const pair = makePair({ seed: 5, link, clientApp: new BulkSender(data), serverApp: sink });
    const result = pair.sim.run({ until: () => sink.finishedAt.size === 1, maxTime: 30_000 });
    expect(result.reason).toBe('until');
    expect(equal(sink.bytesOf(2), data)).toBe(true);
    const up = pair.sim.linkBetween('10.0.0.1', '10.0.0.2')!.stats();
    const down = pair.sim.linkBetween('10.0.0.2', '10.0.0.1')!.stats();
    expect(up.corrupted).toBeGreaterThan(20);
    expect(down.corrupted).toBeGreaterThan(5);
    // Each corrupted datagram costs at least one dropped packet; none is accepted or closes the connection.
    expect(pair.serverConn().stats().packetsDropped).toBeGreaterThanOrEqual(up.corrupted);
    expect(pair.clientConn.stats().packetsDropped).toBeGreaterThanOrEqual(down.corrupted);
    expect(pair.serverConn().stats().packetsUndecryptable).toBeGreaterThan(0);
    expect(pair.clientConn.isEstablished()).toBe(true);
    expect(pair.serverConn().isEstablished()).toBe(true);
  });
});

describe('reordering and duplication', () => {
  it('delivers intact through jitter, reordering and duplicated datagrams', () => {
    const data = testData(1_000_000, 10);
    const sink = new Sink();
    const link = { ...DEFAULT_LINK, jitter: 4, reorderProbability: 0.05, reorderDelay: 15, duplicateProbability: 0.05 };
    const pair = makePair({ seed: 6, link, clientApp: new BulkSender(data), serverApp: sink });
    const result = pair.sim.run({ until: () => sink.finishedAt.size === 1, maxTime: 30_000 });
    expect(result.reason).toBe('until');
    expect(equal(sink.bytesOf(2), data)).toBe(true);
    const up = pair.sim.linkBetween('10.0.0.1', '10.0.0.2')!.stats();
    expect(up.duplicated).toBeGreaterThan(10);
    expect(up.deliveredOutOfOrder).toBeGreaterThan(10);
    // Duplicates are recognised by packet number (RFC 9000 §12.3) and dropped; the few not counted here were copies
    // of handshake packets whose keys were gone by then, or still in flight when the run stopped.
    expect(pair.serverConn().stats().packetsDuplicate).toBeGreaterThan(up.duplicated - 5);
  });
});

describe('idle timeout', () => {
  it('closes both sides silently at the idle deadline', () => {
    const pair = makePair({ client: { maxIdleTimeout: 5_000 }, server: { maxIdleTimeout: 8_000 } });
    const result = pair.sim.run({ until: () => pair.clientConn.isClosed() && pair.server.conn?.isClosed() === true, maxTime: 60_000 });
    expect(result.reason).toBe('until');
    // The effective timeout is the smaller value, 5 s (RFC 9000 §10.1), from the last packet each side processed.
    const clientLast = Math.max(...pair.client.events.filter((e) => e.event.kind !== 'connectionClosed').map((e) => e.time));
    for (const peer of [pair.client, pair.server]) {
      const closed = peer.eventsOf('connectionClosed');
      expect(closed).toHaveLength(1);
      expect(closed[0]!.event).toMatchObject({ cause: 'idleTimeout', fromPeer: false, errorCode: 0 });
      expect(closed[0]!.time).toBeGreaterThanOrEqual(5_000);
      expect(closed[0]!.time).toBeLessThan(5_100);
    }
    expect(pair.client.eventsOf('connectionClosed')[0]!.time).toBeGreaterThanOrEqual(clientLast + 5_000 - 30);
    // Closed silently: neither side sent CONNECTION_CLOSE, and nothing is scheduled any more.
    expect(pair.clientConn.pollTimeout()).toBeUndefined();
    expect(pair.serverConn().pollTimeout()).toBeUndefined();
    expect(result.now).toBeLessThan(5_100);
  });
});

describe('closing', () => {
  it('delivers an application close with its code and reason, then both sides finish closing', () => {
    const pair = makePair();
    pair.sim.run({ until: () => pair.clientConn.isHandshakeConfirmed(), maxTime: 1_000 });
    const at = pair.sim.now + 50;
    pair.sim.at(at, () => {
      pair.clientConn.close(0x42, 'bye now');
      pair.clientHandle.wake();
    });
    const result = pair.sim.run({ until: () => pair.clientConn.isClosed() && pair.serverConn().isClosed(), maxTime: 10_000 });
    expect(result.reason).toBe('until');
    expect(pair.server.eventsOf('connectionClosed')[0]!.event).toEqual({
      kind: 'connectionClosed',
      cause: 'peerClosed',
      errorCode: 0x42,
      frameType: undefined,
      reason: 'bye now',
      application: true,
      fromPeer: true,
    });
    expect(pair.client.eventsOf('connectionClosed')[0]!.event).toMatchObject({ cause: 'application', errorCode: 0x42, fromPeer: false });
    // Closing and draining last three PTOs (a few hundred ms here), not the idle timeout.
    expect(result.now - at).toBeLessThan(1_000);
  });

  it('sends an application close during the handshake as APPLICATION_ERROR (RFC 9000 §10.2.3)', () => {
    const pair = makePair();
    pair.clientConn.close(0x42, 'secret reason');
    const result = pair.sim.run({ until: () => pair.server.conn?.isClosed() === true, maxTime: 10_000 });
    expect(result.reason).toBe('until');
    expect(pair.server.eventsOf('connectionClosed')[0]!.event).toMatchObject({
      cause: 'peerClosed',
      errorCode: TransportErrorCode.APPLICATION_ERROR,
      application: false,
      reason: '',
    });
  });

  it('closes both sides with CRYPTO_ERROR when certificate verification fails', () => {
    const pair = makePair({ clientTls: { serverName: 'example.com' } });
    const result = pair.sim.run({ until: () => pair.clientConn.isClosed() && pair.server.conn?.isClosed() === true, maxTime: 10_000 });
    expect(result.reason).toBe('until');
    const local = pair.client.eventsOf('connectionClosed')[0]!.event;
    expect(local.cause).toBe('tlsAlert');
    expect(local.errorCode).toBe(0x100 + 42); // bad_certificate
    expect(pair.server.eventsOf('connectionClosed')[0]!.event).toMatchObject({
      cause: 'peerClosed',
      errorCode: 0x100 + 42,
      application: false,
    });
    expect(pair.clientConn.isEstablished()).toBe(false);
  });
});

describe('datagrams (RFC 9221)', () => {
  it('carry datagrams both ways, unreliably, with bounded queues', () => {
    const received: number[] = [];
    const echoed: number[] = [];
    let sent = 0;
    const pair = makePair({
      seed: 8,
      link: { ...DEFAULT_LINK, loss: 0.1 },
      client: { enableDgram: true },
      server: { enableDgram: true },
      clientApp: {
        tick: (c) => {
          if (!c.isEstablished()) return;
          while (sent < 200 && c.sendDatagram(testData(1000, sent + 1).fill(sent & 0xff, 0, 1))) sent++;
          for (let d = c.readDatagram(); d !== undefined; d = c.readDatagram()) echoed.push(d[0]!);
        },
      },
      serverApp: {
        tick: (c) => {
          for (let d = c.readDatagram(); d !== undefined; d = c.readDatagram()) {
            received.push(d[0]!);
            c.sendDatagram(d);
          }
        },
      },
    });
    pair.sim.run({ until: () => sent === 200 && pair.sim.now > 2_000, maxTime: 5_000 });
    pair.sim.run({ maxTime: pair.sim.now + 1_000 });
    expect(sent).toBe(200);
    // About 10 percent lost each way, never retransmitted.
    expect(received.length).toBeGreaterThan(150);
    expect(received.length).toBeLessThan(200);
    expect(echoed.length).toBeGreaterThan(120);
    expect(echoed.length).toBeLessThan(received.length);
    expect(pair.clientConn.stats().dgramsSent).toBe(200);
    const max = pair.clientConn.maxDatagramPayloadSize()!;
    expect(max).toBeGreaterThan(1200);
    expect(pair.clientConn.sendDatagram(new Uint8Array(max + 1))).toBe(false);
    expect(pair.clientConn.sendDatagram(new Uint8Array(max))).toBe(true);
  });

  it('drops datagrams when the receive queue is full, and refuses them when the peer does not take any', () => {
    let sent = 0;
    const pair = makePair({
      client: { enableDgram: true },
      server: { enableDgram: true, dgramRecvMaxQueueLen: 4 },
      clientApp: {
        tick: (c) => {
          if (c.isEstablished()) while (sent < 20 && c.sendDatagram(new Uint8Array(100))) sent++;
        },
      },
    });
    pair.sim.run({ until: () => pair.server.conn?.stats().dgramsReceived === 20, maxTime: 2_000 });
    const s = pair.serverConn().stats();
    expect(s.dgramsReceived).toBe(20);
    expect(s.dgramsDroppedOnReceive).toBe(16);
    expect(pair.server.eventsOf('datagramReceived')).toHaveLength(1);

    const plain = makePair({ client: { enableDgram: true } });
    plain.sim.run({ until: () => plain.clientConn.isEstablished(), maxTime: 1_000 });
    expect(plain.clientConn.maxDatagramPayloadSize()).toBeUndefined();
    expect(plain.clientConn.sendDatagram(new Uint8Array(10))).toBe(false);
    expect(plain.clientConn.stats().dgramsRefused).toBe(1);
  });
});

describe('anti-amplification (RFC 9000 §8.1)', () => {
  it('a server never sends more than three times what it received from an unvalidated client', () => {
    // Only the client's first datagram gets through.
    const pair = makePair({ uplink: { ...DEFAULT_LINK, dropFilter: (_d, i) => i >= 1 } });
    pair.sim.run({ maxTime: 20_000 });
    expect(pair.server.bytesIn).toBe(1200);
    expect(pair.server.maxAmplification).toBeLessThanOrEqual(3);
    // It did use its budget (the first flight, then probes), and then stopped.
    expect(pair.server.bytesOut).toBeGreaterThan(2 * 1200);
    expect(pair.server.bytesOut).toBeLessThanOrEqual(3 * 1200);
  });
});
