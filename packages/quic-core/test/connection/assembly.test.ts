import { describe, expect, it } from 'vitest';
import { Connection } from '../../src/connection/index.js';
import { testData } from '../sim/pair.js';
import { clientPath, configs, drain, establish, exchange, openInitial, packetsOf, serverPath } from './helpers.js';

describe('packet assembly', () => {
  it("pads the client's first Initial to exactly 1200 bytes: CRYPTO(ClientHello) then PADDING", () => {
    const { client: cfg } = configs();
    const client = Connection.connect(cfg, clientPath, 0);
    const datagrams = drain(client, 0);
    expect(datagrams).toHaveLength(1);
    const d = datagrams[0]!;
    expect(d.length).toBe(1200);
    const [p] = packetsOf(d);
    expect(p).toMatchObject({ kind: 'long', packetType: 'initial', version: 1 });
    if (p?.kind !== 'long') throw new Error('unreachable');
    expect(p.dcid.length).toBe(8);
    expect(p.scid.length).toBe(8);
    expect(p.token.length).toBe(0);
    expect(p.end).toBe(1200);
    const { packetNumber, frames } = openInitial(d);
    expect(packetNumber).toBe(0);
    expect(frames.map((f) => f.kind)).toEqual(['crypto', 'padding']);
    const crypto = frames[0]!;
    if (crypto.kind !== 'crypto') throw new Error('unreachable');
    expect(crypto.offset).toBe(0);
    expect(crypto.data[0]).toBe(1); // HandshakeType client_hello
    expect(client.pollTimeout()).toBeGreaterThan(0);
  });

  it('splits a large ClientHello over two padded Initials with contiguous CRYPTO offsets', () => {
    const { client: cfg } = configs(1, { groups: ['x25519mlkem768', 'x25519'] });
    const client = Connection.connect(cfg, clientPath, 0);
    const datagrams = drain(client, 0);
    expect(datagrams).toHaveLength(2);
    let next = 0;
    for (const [i, d] of datagrams.entries()) {
      expect(d.length).toBeGreaterThanOrEqual(1200);
      expect(d.length).toBeLessThanOrEqual(1350); // maxSendUdpPayloadSize
      const { packetNumber, frames } = openInitial(d);
      expect(packetNumber).toBe(i);
      const crypto = frames.find((f) => f.kind === 'crypto');
      if (crypto?.kind !== 'crypto') throw new Error('no CRYPTO frame');
      expect(crypto.offset).toBe(next);
      next += crypto.data.length;
    }
  });

  it("coalesces the server's Initial and Handshake packets in a datagram of at least 1200 bytes", () => {
    const cfg = configs();
    const client = Connection.connect(cfg.client, clientPath, 0);
    const [first] = drain(client, 0);
    const server = Connection.accept(cfg.server, first!, serverPath, 0);
    const out = drain(server, 0);
    expect(out.length).toBeGreaterThanOrEqual(1);
    const types = packetsOf(out[0]!).map((p) => (p.kind === 'long' ? p.packetType : p.kind));
    expect(types).toEqual(['initial', 'handshake']);
    expect(out[0]!.length).toBeGreaterThanOrEqual(1200);
    const [clientInitial] = packetsOf(first!);
    if (clientInitial?.kind !== 'long') throw new Error('unreachable');
    const { frames } = openInitial(out[0]!, clientInitial.dcid);
    expect(frames.map((f) => f.kind).slice(0, 2)).toEqual(['ack', 'crypto']);
    // Within the anti-amplification budget: at most 3 x 1200 bytes before the client's address is validated.
    expect(out.reduce((n, d) => n + d.length, 0)).toBeLessThanOrEqual(3600);
  });

  it("coalesces the client's Initial ACK, Handshake Finished and first 1-RTT packet", () => {
    const cfg = configs();
    const client = Connection.connect(cfg.client, clientPath, 0);
    const [first] = drain(client, 0);
    const server = Connection.accept(cfg.server, first!, serverPath, 0);
    for (const d of drain(server, 0)) client.handleDatagram(d, clientPath, 10);
    expect(client.isEstablished()).toBe(true);
    const id = client.openStream('bidi')!;
    client.writeStream(id, new Uint8Array(100), true);
    const out = drain(client, 10);
    const types = packetsOf(out[0]!).map((p) => (p.kind === 'long' ? p.packetType : p.kind));
    expect(types).toEqual(['initial', 'handshake', 'short']);
    expect(out[0]!.length).toBeGreaterThanOrEqual(1200); // it carries an Initial
  });

  it('never sends datagrams larger than our setting or the peer max_udp_payload_size', () => {
    for (const [clientSend, serverRecv, bound] of [
      [1200, 65527, 1200],
      [1500, 1300, 1300],
    ] as const) {
      const { client, server, now } = establish(2, {
        client: { maxSendUdpPayloadSize: clientSend },
        server: { maxRecvUdpPayloadSize: serverRecv },
      });
      const id = client.openStream('uni')!;
      const data = testData(200_000);
      let written = 0;
      let read = 0;
      let largest = 0;
      exchange(
        client,
        server,
        now,
        () => {
          if (written < data.length) written += client.writeStream(id, data.subarray(written), true);
          for (let r = server.pollEvent(); r !== undefined; r = server.pollEvent()) {
            if (r.kind !== 'streamReadable') continue;
            for (;;) {
              const chunk = server.readStream(id);
              read += chunk.data?.length ?? 0;
              if (chunk.fin || chunk.data === undefined) break;
            }
          }
          return read === data.length;
        },
        now + 10_000,
        (from, d) => {
          if (from === 'client') largest = Math.max(largest, d.length);
          return true;
        },
      );
      expect(written).toBe(data.length);
      expect(largest).toBe(bound);
    }
  });

  it('retransmits the ClientHello in a padded Initial when the probe timer fires', () => {
    const { client: cfg } = configs();
    const client = Connection.connect(cfg, clientPath, 0);
    const [first] = drain(client, 0);
    const pto = client.pollTimeout()!;
    // kInitialRtt 333 ms: PTO = 333 + 4 * 166.5 = 999 ms (no max_ack_delay in the Initial space).
    expect(pto).toBe(999);
    client.handleTimeout(pto);
    const probes = drain(client, pto);
    expect(probes.length).toBeGreaterThanOrEqual(1);
    const { packetNumber, frames } = openInitial(probes[0]!);
    expect(packetNumber).toBe(1);
    expect(probes[0]!.length).toBe(1200);
    const original = openInitial(first!).frames[0]!;
    expect(frames[0]).toEqual(original); // the same CRYPTO data, resent as information
    expect(client.pollTimeout()).toBe(pto + 2 * 999); // exponential backoff
  });

  it('sends ACK-only packets without waiting for the congestion window, and delays them by max_ack_delay', () => {
    const { client, server, now } = establish(3);
    const id = client.openStream('uni')!;
    client.writeStream(id, new Uint8Array(500));
    const [d] = drain(client, now);
    server.handleDatagram(d!, serverPath, now);
    // One ack-eliciting packet: the ACK waits for max_ack_delay (25 ms).
    expect(drain(server, now)).toHaveLength(0);
    expect(server.pollTimeout()).toBe(now + 25);
    server.handleTimeout(now + 25);
    const acks = drain(server, now + 25);
    expect(acks).toHaveLength(1);
    expect(acks[0]!.length).toBeLessThan(64);
  });
});
