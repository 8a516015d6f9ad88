import { equal, utf8 } from '@qk/octets';
import { describe, expect, it } from 'vitest';
import type { Connection, ConnectionEvent } from '../../src/connection/index.js';
import { BulkSender, Sink, makePair, testData } from './pair.js';
import type { App } from './pair.js';

/** Client: opens `total` bidirectional streams as the limit allows, writes a message on each, reads the replies. */
class ManyStreamsClient implements App {
  opened = 0;
  readonly replies = new Map<number, string>();
  readonly sink = new Sink();
  constructor(readonly total: number) {}

  tick(conn: Connection): void {
    if (!conn.isEstablished()) return;
    while (this.opened < this.total) {
      const id = conn.openStream('bidi');
      if (id === undefined) return;
      conn.writeStream(id, utf8(`request ${this.opened}`), true);
      this.opened++;
    }
  }

  onEvent(conn: Connection, e: ConnectionEvent, now: number): void {
    this.sink.onEvent(conn, e, now);
    if (e.kind === 'streamReadable' && this.sink.finishedAt.has(e.streamId) && !this.replies.has(e.streamId)) {
      this.replies.set(e.streamId, new TextDecoder().decode(this.sink.bytesOf(e.streamId)));
    }
  }
}

/** Server: answers every request stream with a reply on the same stream. */
class EchoServer implements App {
  readonly sink = new Sink();
  answered = 0;
  onEvent(conn: Connection, e: ConnectionEvent, now: number): void {
    this.sink.onEvent(conn, e, now);
    if (e.kind === 'streamReadable' && this.sink.finishedAt.has(e.streamId) && this.sink.finishedAt.get(e.streamId) === now) {
      const request = new TextDecoder().decode(this.sink.bytesOf(e.streamId));
      conn.writeStream(e.streamId, utf8(`reply to ${request}`), true);
      this.answered++;
    }
  }
}

describe('streams', () => {
  it('carries 1000 streams, a small message each way on each, through the stream limit', () => {
    const client = new ManyStreamsClient(1000);
    const server = new EchoServer();
    const pair = makePair({ seed: 3, clientApp: client, serverApp: server, server: { initialMaxStreamsBidi: 100 } });
    const result = pair.sim.run({ until: () => client.replies.size === 1000, maxTime: 30_000 });
    expect(result.reason).toBe('until');
    for (let i = 0; i < 1000; i++) expect(client.replies.get(4 * i)).toBe(`reply to request ${i}`);
    expect(server.answered).toBe(1000);
    // The server raised the limit as streams finished: the client saw it blocked and unblocked.
    expect(pair.client.eventsOf('streamsAvailable').length).toBeGreaterThan(0);
    expect(pair.server.eventsOf('streamOpened')).toHaveLength(1000);
  });

  it('respects the stream limit: never more than the peer allows are open at once', () => {
    const client = new ManyStreamsClient(50);
    const server = new EchoServer();
    const pair = makePair({ clientApp: client, serverApp: server, server: { initialMaxStreamsBidi: 5, initialMaxStreamsUni: 0 } });
    pair.sim.run({ until: () => pair.clientConn.isEstablished(), maxTime: 1_000 });
    // Before any stream finished, exactly 5 could be opened, and no unidirectional one.
    pair.sim.run({ until: () => client.opened > 0, maxTime: 2_000 });
    expect(client.opened).toBe(5);
    expect(pair.clientConn.openStream('uni')).toBeUndefined();
    const result = pair.sim.run({ until: () => client.replies.size === 50, maxTime: 30_000 });
    expect(result.reason).toBe('until');
  });

  it('moves data both ways on one bidirectional stream', () => {
    const up = testData(300_000, 1);
    const down = testData(200_000, 2);
    const sender = new BulkSender(up, 'bidi');
    const clientSink = new Sink();
    const serverSink = new Sink();
    let reply: BulkSender | undefined;
    const pair = makePair({
      clientApp: { tick: (c) => sender.tick(c), onEvent: (c, e, now) => clientSink.onEvent(c, e, now) },
      serverApp: {
        onEvent: (c, e, now) => serverSink.onEvent(c, e, now),
        tick: (c) => {
          if (serverSink.finishedAt.has(0)) {
            reply ??= new BulkSender(down, 'bidi');
            reply.streamId = 0;
            reply.tick(c);
          }
        },
      },
    });
    const result = pair.sim.run({ until: () => clientSink.finishedAt.has(0), maxTime: 10_000 });
    expect(result.reason).toBe('until');
    expect(equal(serverSink.bytesOf(0), up)).toBe(true);
    expect(equal(clientSink.bytesOf(0), down)).toBe(true);
  });

  it('delivers RESET_STREAM and STOP_SENDING codes to the peer', () => {
    let a: number | undefined;
    let b: number | undefined;
    const pair = makePair({
      clientApp: {
        tick: (c) => {
          if (!c.isEstablished() || a !== undefined) return;
          a = c.openStream('uni')!;
          c.writeStream(a, testData(50_000, 3));
          c.resetStream(a, 7);
          b = c.openStream('bidi')!;
          c.writeStream(b, testData(1000, 4));
        },
      },
      serverApp: {
        onEvent: (c, e) => {
          if (e.kind === 'streamOpened' && e.streamId === 0) c.stopSending(0, 9);
        },
      },
    });
    const result = pair.sim.run({
      until: () => pair.server.eventsOf('streamReset').length > 0 && pair.client.eventsOf('streamStopped').length > 0,
      maxTime: 5_000,
    });
    expect(result.reason).toBe('until');
    expect(pair.server.eventsOf('streamReset')[0]!.event).toEqual({ kind: 'streamReset', streamId: 2, errorCode: 7 });
    expect(pair.client.eventsOf('streamStopped')[0]!.event).toEqual({ kind: 'streamStopped', streamId: 0, errorCode: 9 });
    expect(b).toBe(0);
  });

  it('completes with tiny flow-control windows, and the windows auto-tune upward', () => {
    const data = testData(2_000_000, 5);
    const sender = new BulkSender(data);
    const sink = new Sink();
    const pair = makePair({
      clientApp: sender,
      serverApp: sink,
      server: { initialMaxData: 16_384, initialMaxStreamDataUni: 8_192, maxConnectionWindow: 4_000_000, maxStreamWindow: 2_000_000 },
    });
    const result = pair.sim.run({ until: () => sink.finishedAt.size === 1, maxTime: 60_000 });
    expect(result.reason).toBe('until');
    expect(equal(sink.bytesOf(2), data)).toBe(true);
    // Auto-tuning doubled the connection window several times past its initial 16 KiB.
    expect(pair.serverConn().stats().connectionReceiveWindow).toBeGreaterThanOrEqual(16_384 * 8);
    // Blocked senders report it (DATA_BLOCKED / STREAM_DATA_BLOCKED), and streamWritable events woke the writer.
    expect(pair.client.eventsOf('streamWritable').length).toBeGreaterThan(0);
  });
});
