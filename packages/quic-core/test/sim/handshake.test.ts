import { describe, expect, it } from 'vitest';
import { equal } from '@qk/octets';
import { CipherSuite } from '@qk/tls13';
import { QuicVersion } from '../../src/versions.js';
import { ALPN, BulkSender, DEFAULT_LINK, Sink, makePair, testData } from './pair.js';

function confirmedBoth(pair: ReturnType<typeof makePair>): boolean {
  return pair.clientConn.isHandshakeConfirmed() && pair.server.conn?.isHandshakeConfirmed() === true;
}

describe('handshake in the simulator', () => {
  it('completes in one round trip, and both sides agree on ALPN, version, suite and parameters', () => {
    const pair = makePair({ client: { maxIdleTimeout: 20_000 }, server: { maxIdleTimeout: 10_000, initialMaxStreamsBidi: 7 } });
    const result = pair.sim.run({ until: () => confirmedBoth(pair), maxTime: 5_000 });
    expect(result.reason).toBe('until');
    const client = pair.clientConn;
    const server = pair.serverConn();
    expect(client.isEstablished()).toBe(true);
    expect(server.isEstablished()).toBe(true);
    // 20 ms RTT: the client completes after one round trip, and is confirmed by HANDSHAKE_DONE one RTT later.
    const completed = pair.client.eventsOf('handshakeCompleted');
    expect(completed).toHaveLength(1);
    expect(completed[0]!.time).toBeGreaterThanOrEqual(20);
    expect(completed[0]!.time).toBeLessThan(25);
    expect(pair.client.eventsOf('handshakeConfirmed')[0]!.time).toBeLessThan(45);
    const cn = client.negotiated()!;
    const sn = server.negotiated()!;
    expect(cn.alpn).toBe(ALPN);
    expect(sn.alpn).toBe(ALPN);
    expect(cn.version).toBe(1);
    expect(sn.version).toBe(1);
    expect(cn.cipherSuite).toBe(sn.cipherSuite);
    expect(cn.group).toBe('x25519');
    expect(cn.peerTransportParameters?.maxIdleTimeout).toBe(10_000);
    expect(cn.peerTransportParameters?.initialMaxStreamsBidi).toBe(7);
    expect(sn.peerTransportParameters?.maxIdleTimeout).toBe(20_000);
    // Each side's initial_source_connection_id is the other's view of its first connection ID.
    expect(cn.peerTransportParameters?.initialSourceConnectionId).toEqual(server.sourceConnectionIds()[0]);
    expect(sn.peerTransportParameters?.initialSourceConnectionId).toEqual(client.sourceConnectionIds()[0]);
    // Both issued spare connection IDs up to the peer's active_connection_id_limit (default 4).
    expect(client.sourceConnectionIds()).toHaveLength(4);
    expect(server.sourceConnectionIds()).toHaveLength(4);
    expect(pair.server.eventsOf('connectionIdIssued').map((e) => e.event.sequenceNumber)).toEqual([0, 1, 2, 3]);
    // The client's first datagram is padded to exactly 1200 bytes (RFC 9000 §14.1); nothing was lost.
    expect(client.stats().packetsLost).toBe(0);
    expect(server.stats().packetsDropped).toBe(0);
  });

  it('works with the post-quantum hybrid group and each congestion controller', () => {
    for (const cc of ['cubic', 'new_reno', 'bbr'] as const) {
      const pair = makePair({ groups: ['x25519mlkem768', 'x25519'], client: { ccAlgorithm: cc }, server: { ccAlgorithm: cc } });
      expect(pair.sim.run({ until: () => confirmedBoth(pair), maxTime: 5_000 }).reason).toBe('until');
      expect(pair.clientConn.negotiated()?.group).toBe('x25519mlkem768');
      expect(pair.clientConn.stats().congestionControl).toBe(cc);
    }
  });

  it('speaks QUIC v2 (RFC 9369) when configured, and every TLS 1.3 cipher suite', () => {
    const v2 = makePair({ client: { version: QuicVersion.v2 } });
    expect(v2.sim.run({ until: () => confirmedBoth(v2), maxTime: 5_000 }).reason).toBe('until');
    expect(v2.serverConn().negotiated()?.version).toBe(QuicVersion.v2);
    for (const suite of [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256]) {
      const data = testData(100_000, suite);
      const sink = new Sink();
      const pair = makePair({ clientTls: { cipherSuites: [suite] }, clientApp: new BulkSender(data), serverApp: sink });
      expect(pair.sim.run({ until: () => sink.finishedAt.size === 1, maxTime: 5_000 }).reason).toBe('until');
      expect(pair.serverConn().negotiated()?.cipherSuite).toBe(suite);
      expect(equal(sink.bytesOf(2), data)).toBe(true);
    }
  });

  it('works with a client that uses zero-length connection IDs', () => {
    const data = testData(50_000, 3);
    const sink = new Sink();
    const pair = makePair({ client: { connectionIdLength: 0 }, clientApp: new BulkSender(data), serverApp: sink });
    expect(pair.sim.run({ until: () => sink.finishedAt.size === 1, maxTime: 5_000 }).reason).toBe('until');
    expect(equal(sink.bytesOf(2), data)).toBe(true);
    expect(pair.clientConn.sourceConnectionIds()).toEqual([new Uint8Array(0)]);
    expect(pair.serverConn().sourceConnectionIds()).toHaveLength(4);
  });

  it('completes under 30 percent loss in both directions, for every seed', () => {
    const times: number[] = [];
    for (let seed = 100; seed < 130; seed++) {
      const pair = makePair({ seed, link: { ...DEFAULT_LINK, loss: 0.3 } });
      const result = pair.sim.run({ until: () => confirmedBoth(pair), maxTime: 60_000 });
      expect(result.reason, `seed ${seed}`).toBe('until');
      times.push(result.now);
      expect(pair.clientConn.negotiated()?.alpn).toBe(ALPN);
    }
    times.sort((a, b) => a - b);
    expect(times[times.length >> 1]).toBeLessThan(5_000);
  });

  it('completes when the first flights are lost (PTO, probes, anti-deadlock)', () => {
    // Drop the client's first two datagrams and the server's first two.
    const pair = makePair({
      uplink: { ...DEFAULT_LINK, dropFilter: (_d, i) => i < 2 },
      downlink: { ...DEFAULT_LINK, dropFilter: (_d, i) => i < 2 },
    });
    const result = pair.sim.run({ until: () => confirmedBoth(pair), maxTime: 30_000 });
    expect(result.reason).toBe('until');
    // Two client Initials lost: two probe timeouts (1 s, then 2 s with backoff, from kInitialRtt = 333 ms).
    expect(result.now).toBeGreaterThan(3_000);
    expect(result.now).toBeLessThan(4_000);
    expect(pair.clientConn.stats().ptoCount).toBe(0);
  });
});
