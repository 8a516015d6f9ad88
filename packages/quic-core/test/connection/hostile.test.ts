import { Writer, fromHex } from '@qk/octets';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Connection } from '../../src/connection/index.js';
import type { ConnectionEvent } from '../../src/connection/index.js';
import { TransportErrorCode } from '../../src/errors.js';
import { encodeFrame } from '../../src/wire/index.js';
import type { Frame } from '../../src/wire/index.js';
import { clientPath, configs, craftInitial, drain, establish, serverPath } from './helpers.js';

const DCID = fromHex('0011223344556677');
const SCID = fromHex('8899aabbccddeeff');

function events(conn: Connection): ConnectionEvent[] {
  const out: ConnectionEvent[] = [];
  for (let e = conn.pollEvent(); e !== undefined; e = conn.pollEvent()) out.push(e);
  return out;
}

function frames(...list: Frame[]): Uint8Array {
  const w = new Writer();
  for (const f of list) encodeFrame(w, f);
  return w.finish().slice();
}

/** A server that accepted `datagram`; returns it and how it closed, if it did. */
function acceptAndClose(datagram: Uint8Array) {
  const server = Connection.accept(configs().server, datagram, serverPath, 0);
  drain(server, 0);
  const closed = events(server).find((e) => e.kind === 'connectionClosed');
  return { server, closed };
}

describe('hostile input never throws past the API', () => {
  it('random datagrams are dropped by established connections', () => {
    const { client, server, now } = establish(4);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 1500 }), (bytes) => {
        client.handleDatagram(bytes.slice(), clientPath, now);
        server.handleDatagram(bytes.slice(), serverPath, now);
        drain(client, now);
        drain(server, now);
      }),
      { numRuns: 300 },
    );
    expect(client.isEstablished()).toBe(true);
    expect(server.isEstablished()).toBe(true);
    expect(client.stats().packetsDropped).toBeGreaterThan(0);
  });

  it('short-header packets with our connection ID and random contents are dropped as undecryptable', () => {
    const { client, server, now } = establish(5);
    const cid = server.sourceConnectionIds()[0]!;
    const before = server.stats().packetsUndecryptable;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 21, maxLength: 1400 }), fc.integer({ min: 0x40, max: 0x7f }), (rest, first) => {
        const d = new Uint8Array(1 + cid.length + rest.length);
        d[0] = first;
        d.set(cid, 1);
        d.set(rest, 1 + cid.length);
        server.handleDatagram(d, serverPath, now);
      }),
      { numRuns: 200 },
    );
    expect(server.isEstablished()).toBe(true);
    expect(server.stats().packetsUndecryptable - before).toBeGreaterThan(150);
    expect(client.isEstablished()).toBe(true);
  });

  it('truncated and corrupted copies of real datagrams are dropped; the real ones still work', () => {
    const { client, server, now } = establish(6);
    const id = client.openStream('uni')!;
    client.writeStream(id, new Uint8Array(5000).fill(7), true);
    const datagrams = drain(client, now);
    expect(datagrams.length).toBeGreaterThan(2);
    for (const d of datagrams) {
      for (let n = 0; n < d.length; n += 7) server.handleDatagram(d.slice(0, n), serverPath, now);
      for (let bit = 0; bit < d.length * 8; bit += 61) {
        const bad = d.slice();
        bad[bit >> 3]! ^= 1 << (bit & 7);
        server.handleDatagram(bad, serverPath, now);
      }
    }
    expect(server.isEstablished()).toBe(true);
    for (const d of datagrams) server.handleDatagram(d, serverPath, now);
    const got = events(server).filter((e) => e.kind === 'streamReadable');
    expect(got.length).toBeGreaterThan(0);
    let total = 0;
    for (;;) {
      const r = server.readStream(id);
      total += r.data?.length ?? 0;
      if (r.fin || r.data === undefined) break;
    }
    expect(total).toBe(5000);
  });

  it('a server never throws on a protected Initial with arbitrary frames; it drops or closes with a transport error', () => {
    const allowed = new Set<number>([
      TransportErrorCode.FRAME_ENCODING_ERROR,
      TransportErrorCode.PROTOCOL_VIOLATION,
      TransportErrorCode.CRYPTO_BUFFER_EXCEEDED,
      TransportErrorCode.TRANSPORT_PARAMETER_ERROR,
      TransportErrorCode.FLOW_CONTROL_ERROR,
    ]);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 600 }), (payload) => {
        const { server, closed } = acceptAndClose(craftInitial(DCID, SCID, payload));
        if (closed !== undefined) {
          expect(closed.kind).toBe('connectionClosed');
          if (closed.kind !== 'connectionClosed') return;
          const ok = allowed.has(closed.errorCode) || (closed.errorCode >= 0x100 && closed.errorCode <= 0x1ff);
          expect(ok, `code 0x${closed.errorCode.toString(16)}: ${closed.reason}`).toBe(true);
          expect(closed.cause === 'transportError' || closed.cause === 'tlsAlert').toBe(true);
        }
        expect(() => server.handleTimeout(100_000)).not.toThrow();
      }),
      { numRuns: 150 },
    );
  });

  it('closes with PROTOCOL_VIOLATION for a packet without frames, reserved bits, or a frame Table 3 forbids', () => {
    const cases: Array<[string, Uint8Array]> = [
      ['no frames', craftInitial(DCID, SCID, new Uint8Array(0))],
      ['reserved bits', craftInitial(DCID, SCID, frames({ kind: 'ping' }, { kind: 'padding', length: 10 }), { reservedBits: true })],
      ['STREAM in Initial', craftInitial(DCID, SCID, frames({ kind: 'stream', streamId: 0, offset: 0, data: new Uint8Array(3), fin: false }))],
      ['HANDSHAKE_DONE in Initial', craftInitial(DCID, SCID, frames({ kind: 'handshakeDone' }))],
    ];
    for (const [what, datagram] of cases) {
      const { closed } = acceptAndClose(datagram);
      expect(closed, what).toMatchObject({ kind: 'connectionClosed', cause: 'transportError', errorCode: TransportErrorCode.PROTOCOL_VIOLATION });
    }
  });

  it('closes with CRYPTO_BUFFER_EXCEEDED for CRYPTO data far beyond what TLS consumed', () => {
    const { closed } = acceptAndClose(craftInitial(DCID, SCID, frames({ kind: 'crypto', offset: 100_000, data: new Uint8Array(10) })));
    expect(closed).toMatchObject({ cause: 'transportError', errorCode: TransportErrorCode.CRYPTO_BUFFER_EXCEEDED });
  });

  it('ignores an Initial in a datagram smaller than 1200 bytes (RFC 9000 §14.1)', () => {
    const server = Connection.accept(configs().server, craftInitial(DCID, SCID, frames({ kind: 'ping' }), { datagramSize: 600 }), serverPath, 0);
    expect(drain(server, 0)).toHaveLength(0);
    expect(server.stats().packetsDropped).toBe(2); // the Initial, and the zeros after it (no packet)
    expect(server.stats().packetsUndecryptable).toBe(0); // not even opened
    expect(server.state).toBe('handshaking');
  });

  it('rejects a first datagram that is not an Initial with a TypeError (routing is the caller job)', () => {
    expect(() => Connection.accept(configs().server, new Uint8Array(1200), serverPath, 0)).toThrow(TypeError);
    expect(() => Connection.accept(configs().server, new Uint8Array(0), serverPath, 0)).toThrow(TypeError);
  });

  it('answers packets in the closing state with CONNECTION_CLOSE at a decreasing rate', () => {
    const { client, server, now } = establish(7);
    client.close(3, 'done');
    const [close] = drain(client, now);
    expect(close).toBeDefined();
    let responses = 0;
    for (let i = 0; i < 64; i++) {
      client.handleDatagram(new Uint8Array(50), clientPath, now + i);
      responses += drain(client, now + i).length;
    }
    expect(responses).toBe(7); // after datagrams 1, 2, 4, 8, 16, 32 and 64
    server.handleDatagram(close!, serverPath, now);
    expect(server.state).toBe('draining');
    expect(drain(server, now)).toHaveLength(0);
  });
});

describe('API misuse throws at once, naming the argument', () => {
  it('validates configuration', () => {
    const { client } = configs();
    expect(() => Connection.connect({ ...client, maxIdleTimeout: -1 }, clientPath, 0)).toThrow(/maxIdleTimeout/);
    expect(() => Connection.connect({ ...client, maxSendUdpPayloadSize: 1000 }, clientPath, 0)).toThrow(/maxSendUdpPayloadSize/);
    expect(() => Connection.connect({ ...client, ccAlgorithm: 'vegas' as never }, clientPath, 0)).toThrow(/ccAlgorithm/);
    expect(() => Connection.connect({ ...client, enableDgram: 'yes' as never }, clientPath, 0)).toThrow(TypeError);
    expect(() => Connection.connect({ ...client, connectionIdLength: 21 }, clientPath, 0)).toThrow(/connectionIdLength/);
    expect(() => Connection.connect({ ...client, statelessResetKey: new Uint8Array(8) }, clientPath, 0)).toThrow(/statelessResetKey/);
    expect(() => Connection.connect({ ...client, version: 0x1234 }, clientPath, 0)).toThrow(/version/);
  });

  it('validates command arguments', () => {
    const { client } = establish(8);
    expect(() => client.writeStream(1000, new Uint8Array(1))).toThrow(RangeError);
    expect(() => client.writeStream(-1, new Uint8Array(1))).toThrow(/streamId/);
    expect(() => client.openStream('both' as never)).toThrow(/direction/);
    expect(() => client.close(-1)).toThrow(/errorCode/);
    expect(() => client.handleDatagram('x' as never, clientPath, 0)).toThrow(TypeError);
    expect(() => client.pollTransmit(Number.NaN)).toThrow(/now/);
    const id = client.openStream('uni')!;
    expect(() => client.readStream(id)).toThrow(RangeError); // a send-only stream
    client.finishStream(id);
    expect(() => client.writeStream(id, new Uint8Array(1))).toThrow(TypeError);
  });
});

describe('stateless reset (RFC 9000 §10.3)', () => {
  it('a datagram ending in the peer reset token drains the connection; a wrong token is just dropped', () => {
    const { client, now } = establish(9);
    // The server's sequence-0 token travels in its stateless_reset_token transport parameter.
    const token = client.negotiated()!.peerTransportParameters!.statelessResetToken!;
    expect(token).toHaveLength(16);
    const reset = new Uint8Array(40).fill(0x5a);
    reset[0] = 0x45;
    const wrong = reset.slice();
    wrong.set(token.map((b) => b ^ 1), 24);
    client.handleDatagram(wrong, clientPath, now);
    expect(client.isEstablished()).toBe(true);
    reset.set(token, 24);
    client.handleDatagram(reset, clientPath, now);
    expect(client.state).toBe('draining');
    expect(events(client).find((e) => e.kind === 'connectionClosed')).toMatchObject({ cause: 'statelessReset', fromPeer: true });
    expect(drain(client, now)).toHaveLength(0);
  });
});
