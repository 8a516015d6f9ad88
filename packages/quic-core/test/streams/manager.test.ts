import { describe, expect, it } from 'vitest';
import { TransportError, TransportErrorCode } from '../../src/errors.js';
import type { StreamEvent } from '../../src/streams/events.js';
import { type LocalStreamLimits, type PeerStreamLimits, StreamManager } from '../../src/streams/manager.js';

const local: LocalStreamLimits = {
  initialMaxData: 1000,
  maxData: 4000,
  initialMaxStreamDataBidiLocal: 100,
  initialMaxStreamDataBidiRemote: 100,
  initialMaxStreamDataUni: 100,
  maxStreamData: 400,
  initialMaxStreamsBidi: 2,
  initialMaxStreamsUni: 1,
  maxOutOfOrderFragments: 64,
};
const peer: PeerStreamLimits = {
  initialMaxData: 150,
  initialMaxStreamDataBidiLocal: 50,
  initialMaxStreamDataBidiRemote: 80,
  initialMaxStreamDataUni: 60,
  initialMaxStreamsBidi: 1,
  initialMaxStreamsUni: 1,
};
const STREAM = 0x08;

function setup(role: 'client' | 'server' = 'client') {
  const events: StreamEvent[] = [];
  const m = new StreamManager(role, local, (e) => events.push(e));
  m.setPeerLimits(peer);
  return { m, events };
}

const codeOf = (fn: () => unknown): number | undefined => {
  try {
    fn();
  } catch (e) {
    if (e instanceof TransportError) return e.code;
    throw e;
  }
  return undefined;
};

describe('opening streams', () => {
  it('numbers streams by initiator and direction and honours the peer limit', () => {
    const { m, events } = setup('client');
    expect(m.openStream('bidi')).toBe(0);
    expect(m.openStream('bidi')).toBeUndefined();
    expect(m.openStream('uni')).toBe(2);
    expect(m.controlFrames(0, 100)).toContainEqual({ kind: 'streamsBlocked', streamType: 'bidi', maximumStreams: 1 });
    m.onMaxStreams('bidi', 3);
    expect(events).toContainEqual({ kind: 'streamsAvailable', direction: 'bidi' });
    expect(m.openStream('bidi')).toBe(4);
  });

  it('opens lower peer streams implicitly and enforces our limit (STREAM_LIMIT_ERROR)', () => {
    const { m, events } = setup('client');
    m.onStreamFrame(5, 0, new Uint8Array([1]), false, STREAM); // server bidi index 1
    expect(events.filter((e) => e.kind === 'streamOpened').map((e) => (e as { streamId: number }).streamId)).toEqual([1, 5]);
    expect(codeOf(() => m.onStreamFrame(9, 0, new Uint8Array(1), false, STREAM))).toBe(TransportErrorCode.STREAM_LIMIT_ERROR);
  });

  it('rejects frames on the wrong half of a stream (STREAM_STATE_ERROR)', () => {
    const { m } = setup('client');
    const uni = m.openStream('uni')!;
    expect(codeOf(() => m.onStreamFrame(uni, 0, new Uint8Array(1), false, STREAM))).toBe(TransportErrorCode.STREAM_STATE_ERROR);
    expect(codeOf(() => m.onStopSending(3, 0, 0x05))).toBe(TransportErrorCode.STREAM_STATE_ERROR); // server uni: receive-only for us
    expect(codeOf(() => m.onStreamFrame(8, 0, new Uint8Array(1), false, STREAM))).toBe(TransportErrorCode.STREAM_STATE_ERROR); // never opened
  });
});

describe('flow control through the manager', () => {
  it('accepts writes only up to credit, reports blocked, and wakes the writer', () => {
    const { m, events } = setup('client');
    const id = m.openStream('bidi')!;
    expect(m.writeStream(id, new Uint8Array(200))).toBe(80); // stream credit: peer's bidi_remote
    const frames = m.controlFrames(0, 100);
    expect(frames).toContainEqual({ kind: 'streamDataBlocked', streamId: id, maximumStreamData: 80 });
    m.onMaxStreamData(id, 200, 0x11);
    expect(events).toContainEqual({ kind: 'streamWritable', streamId: id });
    expect(m.writeStream(id, new Uint8Array(200))).toBe(70); // now the connection credit (150) binds
    expect(m.controlFrames(0, 100)).toContainEqual({ kind: 'dataBlocked', maximumData: 150 });
  });

  it('counts stream data against the connection window (FLOW_CONTROL_ERROR)', () => {
    const { m } = setup('server');
    for (let i = 0; i < 2; i++) m.onStreamFrame(i * 4, 0, new Uint8Array(100), false, STREAM);
    expect(codeOf(() => m.onStreamFrame(0, 100, new Uint8Array(1), false, STREAM))).toBe(TransportErrorCode.FLOW_CONTROL_ERROR);
  });

  it('sends MAX_STREAM_DATA and MAX_DATA as the application reads', () => {
    const { m } = setup('server');
    m.onStreamFrame(0, 0, new Uint8Array(100), false, STREAM);
    const r = m.readStream(0, 1000);
    expect(r.data?.length).toBe(100);
    const frames = m.controlFrames(0, 100);
    expect(frames).toContainEqual({ kind: 'maxStreamData', streamId: 0, maximumStreamData: 200 });
  });
});

describe('reset and stop', () => {
  it('answers STOP_SENDING with RESET_STREAM carrying the same code (RFC 9000 §3.5)', () => {
    const { m, events } = setup('client');
    const id = m.openStream('bidi')!;
    m.writeStream(id, new Uint8Array(10));
    m.onStopSending(id, 77, 0x05);
    expect(events).toContainEqual({ kind: 'streamStopped', streamId: id, errorCode: 77 });
    expect(m.controlFrames(0, 100)).toContainEqual({ kind: 'resetStream', streamId: id, errorCode: 77, finalSize: 10 });
    expect(m.nextSendable()).toBeUndefined();
  });

  it('surfaces a peer reset once and releases its connection credit', () => {
    const { m, events } = setup('server');
    m.onStreamFrame(0, 0, new Uint8Array(40), false, STREAM);
    m.onResetStream(0, 9, 60, 0x04);
    expect(events.filter((e) => e.kind === 'streamReset')).toEqual([{ kind: 'streamReset', streamId: 0, errorCode: 9 }]);
    expect(m.connRecv.consumed).toBe(60);
    expect(m.readStream(0).resetCode).toBe(9);
    expect(codeOf(() => m.onResetStream(0, 9, 60, 0x04))).toBeUndefined(); // a repeated reset is harmless
    expect(events.filter((e) => e.kind === 'streamReset')).toHaveLength(1);
    expect(codeOf(() => m.onResetStream(0, 9, 61, 0x04))).toBe(TransportErrorCode.FINAL_SIZE_ERROR);
  });

  it('rejects a reset that changes the final size', () => {
    const { m } = setup('server');
    m.onStreamFrame(0, 0, new Uint8Array(10), true, STREAM);
    expect(codeOf(() => m.onResetStream(0, 1, 11, 0x04))).toBe(TransportErrorCode.FINAL_SIZE_ERROR);
  });

  it('returns stream credit to the peer when its streams finish', () => {
    const { m } = setup('server');
    m.onStreamFrame(2, 0, new Uint8Array(3), true, STREAM); // client uni stream 0
    expect(m.readStream(2).fin).toBe(true);
    expect(m.controlFrames(0, 100)).toContainEqual({ kind: 'maxStreams', streamType: 'uni', maximumStreams: 2 });
    m.onStreamFrame(6, 0, new Uint8Array(1), false, STREAM);
  });
});

describe('scheduling', () => {
  it('sends lower urgency first, sequential streams one at a time, incremental ones round-robin', () => {
    const { m } = setup('client');
    m.onMaxStreams('bidi', 10);
    m.onMaxData(100_000);
    const ids = [m.openStream('bidi')!, m.openStream('bidi')!, m.openStream('bidi')!];
    for (const id of ids) {
      m.onMaxStreamData(id, 10_000, 0x11);
      m.writeStream(id, new Uint8Array(100));
    }
    m.setPriority(ids[2]!, 1, false);
    m.setPriority(ids[0]!, 5, true);
    m.setPriority(ids[1]!, 5, true);
    const order: number[] = [];
    for (let i = 0; i < 6; i++) {
      const id = m.nextSendable()!;
      const c = m.sendStreamOf(id)!.buffer.nextChunk(50)!;
      m.onStreamDataSent(id, c.offset, c.data.length, c.fin);
      order.push(id);
    }
    expect(order).toEqual([ids[2], ids[2], ids[0], ids[1], ids[0], ids[1]]);
  });
});
