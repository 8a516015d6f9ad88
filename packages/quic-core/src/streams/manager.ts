import { TransportError, TransportErrorCode } from '../errors.js';
import type { StreamEvent } from './events.js';
import { ReceiveWindow, SendCredit } from './flow-control.js';
import { Scheduler } from './scheduler.js';
import { RecvStream, SendStream } from './stream.js';
import {
  type StreamDirection, type StreamInitiator, streamDirection, streamId, streamIndex, streamInitiator,
} from './stream-id.js';

/** What this endpoint allows the peer (our transport parameters) and the ceilings for window auto-tuning. */
export interface LocalStreamLimits {
  readonly initialMaxData: number;
  readonly maxData: number;
  readonly initialMaxStreamDataBidiLocal: number;
  readonly initialMaxStreamDataBidiRemote: number;
  readonly initialMaxStreamDataUni: number;
  readonly maxStreamData: number;
  readonly initialMaxStreamsBidi: number;
  readonly initialMaxStreamsUni: number;
  /** Most out-of-order fragments buffered per stream. */
  readonly maxOutOfOrderFragments: number;
}

/** What the peer allows us (its transport parameters). */
export interface PeerStreamLimits {
  readonly initialMaxData: number;
  readonly initialMaxStreamDataBidiLocal: number;
  readonly initialMaxStreamDataBidiRemote: number;
  readonly initialMaxStreamDataUni: number;
  readonly initialMaxStreamsBidi: number;
  readonly initialMaxStreamsUni: number;
}

/**
 * A flow-control or stream-state frame the stream layer wants sent. Each variant is structurally the wire frame of
 * the same `kind` (`src/wire/frames/*`), so the packet builder hands it to `encodeFrame` as it is.
 */
export type StreamControlFrame =
  | { readonly kind: 'maxData'; readonly maximumData: number }
  | { readonly kind: 'maxStreamData'; readonly streamId: number; readonly maximumStreamData: number }
  | { readonly kind: 'maxStreams'; readonly streamType: StreamDirection; readonly maximumStreams: number }
  | { readonly kind: 'dataBlocked'; readonly maximumData: number }
  | { readonly kind: 'streamDataBlocked'; readonly streamId: number; readonly maximumStreamData: number }
  | { readonly kind: 'streamsBlocked'; readonly streamType: StreamDirection; readonly maximumStreams: number }
  | { readonly kind: 'resetStream'; readonly streamId: number; readonly errorCode: number; readonly finalSize: number }
  | { readonly kind: 'stopSending'; readonly streamId: number; readonly errorCode: number };

/** What `readStream` returns. */
export interface StreamReadResult {
  /** Up to `max` bytes, or undefined when nothing contiguous is available. */
  readonly data: Uint8Array | undefined;
  /** True once everything up to the final size was read. */
  readonly fin: boolean;
  /** The peer's RESET_STREAM error code, if it reset the stream. */
  readonly resetCode: number | undefined;
}

interface StreamEntry {
  readonly id: number;
  send: SendStream | undefined;
  recv: RecvStream | undefined;
}

const MAX_STREAMS_LIMIT = 2 ** 60;

/**
 * All streams of one connection: opening and limits (RFC 9000 §2, §4.6), both flow-control levels (§4), the
 * frames they need sent, and the order in which streams get to send (RFC 9218 urgency and incremental).
 *
 * Writes are accepted only up to the peer's flow-control credit (the return value says how much), so the
 * transport never buffers more than the peer allows; `streamWritable` says when to try again.
 */
export class StreamManager {
  readonly #role: StreamInitiator;
  readonly #local: LocalStreamLimits;
  readonly #emit: (e: StreamEvent) => void;
  readonly #streams = new Map<number, StreamEntry>();
  readonly #scheduler = new Scheduler();

  /** Next index we will open, per direction, and the peer's limit on them. */
  readonly #nextLocal = { bidi: 0, uni: 0 };
  readonly #peerMaxStreams = { bidi: 0, uni: 0 };
  readonly #openBlocked = { bidi: -1, uni: -1 };
  readonly #blockedReported = { bidi: -1, uni: -1 };
  /** Next index the peer has not opened yet, per direction, our advertised limit, and what was last sent. */
  readonly #nextPeer = { bidi: 0, uni: 0 };
  readonly #localMaxStreams: { bidi: number; uni: number };
  readonly #maxStreamsSent: { bidi: number; uni: number };

  /** Connection-level flow control. */
  readonly connRecv: ReceiveWindow;
  readonly connSend: SendCredit;
  #connWritten = 0;
  #connWantsWritable = false;
  #peer: PeerStreamLimits | undefined;

  /** A MAX_DATA / MAX_STREAM_DATA carrying the current limit was lost and must be sent again unchanged. */
  #resendMaxData = false;
  readonly #resendMaxStreamData = new Set<number>();

  readonly #controlDue = {
    maxStreamData: new Set<number>(),
    streamDataBlocked: new Set<number>(),
    reset: new Set<number>(),
    stopSending: new Set<number>(),
  };

  constructor(role: StreamInitiator, local: LocalStreamLimits, emit: (e: StreamEvent) => void) {
    this.#role = role;
    this.#local = local;
    this.#emit = emit;
    this.connRecv = new ReceiveWindow(local.initialMaxData, local.maxData);
    this.connSend = new SendCredit(0);
    this.#localMaxStreams = { bidi: local.initialMaxStreamsBidi, uni: local.initialMaxStreamsUni };
    this.#maxStreamsSent = { ...this.#localMaxStreams };
  }

  /** Applies the peer's transport parameters (at the handshake, or remembered ones for 0-RTT). */
  setPeerLimits(peer: PeerStreamLimits): void {
    this.#peer = peer;
    this.connSend.raise(peer.initialMaxData);
    this.onMaxStreams('bidi', peer.initialMaxStreamsBidi);
    this.onMaxStreams('uni', peer.initialMaxStreamsUni);
    for (const e of this.#streams.values()) {
      if (e.send) e.send.credit.raise(this.#peerInitialStreamData(e.id));
    }
    this.#wakeWritable();
  }

  #peerInitialStreamData(id: number): number {
    const p = this.#peer;
    if (!p) return 0;
    if (streamDirection(id) === 'uni') return p.initialMaxStreamDataUni;
    // The peer's "bidi_local" covers streams the peer opened; "bidi_remote" the ones we opened.
    return streamInitiator(id) === this.#role ? p.initialMaxStreamDataBidiRemote : p.initialMaxStreamDataBidiLocal;
  }

  #localInitialStreamData(id: number): number {
    const l = this.#local;
    if (streamDirection(id) === 'uni') return l.initialMaxStreamDataUni;
    return streamInitiator(id) === this.#role ? l.initialMaxStreamDataBidiLocal : l.initialMaxStreamDataBidiRemote;
  }

  #create(id: number): StreamEntry {
    const local = streamInitiator(id) === this.#role;
    const uni = streamDirection(id) === 'uni';
    const entry: StreamEntry = {
      id,
      send: !uni || local ? new SendStream(this.#peerInitialStreamData(id)) : undefined,
      recv: !uni || !local ? new RecvStream(this.#localInitialStreamData(id), this.#local.maxStreamData, this.#local.maxOutOfOrderFragments) : undefined,
    };
    this.#streams.set(id, entry);
    return entry;
  }

  // ---- commands -------------------------------------------------------------------------------------------

  /** Opens a stream; `undefined` if the peer's stream limit is reached (a `streamsAvailable` event follows). */
  openStream(direction: StreamDirection): number | undefined {
    const index = this.#nextLocal[direction];
    if (index >= this.#peerMaxStreams[direction]) {
      this.#openBlocked[direction] = this.#peerMaxStreams[direction];
      return undefined;
    }
    this.#nextLocal[direction] = index + 1;
    return this.#create(streamId(this.#role, direction, index)).id;
  }

  /** How many more streams of `direction` the peer allows us to open now. */
  availableStreams(direction: StreamDirection): number {
    return this.#peerMaxStreams[direction] - this.#nextLocal[direction];
  }

  #sendPart(id: number): SendStream {
    const e = this.#streams.get(id);
    if (!e) throw new RangeError(`stream ${id} is not open`);
    if (!e.send) throw new RangeError(`stream ${id} has no sending part`);
    return e.send;
  }

  #recvPart(id: number): RecvStream {
    const e = this.#streams.get(id);
    if (!e) throw new RangeError(`stream ${id} is not open`);
    if (!e.recv) throw new RangeError(`stream ${id} has no receiving part`);
    return e.recv;
  }

  /** Bytes `writeStream` would accept on `id` now (stream and connection credit). */
  writableBytes(id: number): number {
    const s = this.#sendPart(id);
    return Math.min(s.capacity(), this.connSend.limit - this.#connWritten);
  }

  /**
   * Queues `data` (and the FIN, if `fin` and all of it fits). Returns the number of bytes accepted, which is less
   * than `data.length` when flow control allows no more; a `streamWritable` event follows when credit arrives.
   * Throws `RangeError` for an unknown stream and `TypeError` after finish or reset.
   */
  writeStream(id: number, data: Uint8Array, fin = false): number {
    const s = this.#sendPart(id);
    if (s.isClosedForWriting()) throw new TypeError(`stream ${id} is closed for writing`);
    const room = Math.max(0, Math.min(s.capacity(), this.connSend.limit - this.#connWritten));
    const n = Math.min(room, data.length);
    if (n > 0) {
      s.buffer.write(n === data.length ? data : data.subarray(0, n));
      this.#connWritten += n;
    }
    if (n < data.length) {
      s.wantsWritable = true;
      if (s.capacity() === 0) this.#controlDue.streamDataBlocked.add(id);
      if (this.connSend.limit - this.#connWritten <= 0) this.#connWantsWritable = true;
    } else if (fin) {
      s.buffer.finish();
    }
    if (s.buffer.hasPending()) this.#scheduler.markPending(id);
    return n;
  }

  /** Ends the stream after the data written so far. */
  finishStream(id: number): void {
    const s = this.#sendPart(id);
    if (s.resetCode !== undefined) throw new TypeError(`stream ${id} was reset`);
    s.buffer.finish();
    this.#scheduler.markPending(id);
  }

  /** Abandons sending on `id` with an application error code (RESET_STREAM). */
  resetStream(id: number, errorCode: number): void {
    const s = this.#sendPart(id);
    if (s.resetCode !== undefined || s.isTerminal()) return;
    s.reset(errorCode);
    this.#controlDue.reset.add(id);
    this.#scheduler.remove(id);
  }

  /** Asks the peer to stop sending on `id` (STOP_SENDING); data that still arrives is discarded. */
  stopSending(id: number, errorCode: number): void {
    const r = this.#recvPart(id);
    if (r.stopSendingCode !== undefined || r.isTerminal() || r.state === 'Data Recvd' || r.state === 'Reset Recvd') return;
    r.stopSendingCode = errorCode;
    r.stopSendingPending = true;
    this.#controlDue.stopSending.add(id);
    const dropped = r.buffer.discard();
    r.window.onConsumed(dropped);
    this.connRecv.onConsumed(dropped);
  }

  /**
   * Reads up to `max` bytes from `id` (a view of received data; call again until `data` is undefined). `fin` is
   * true once the whole stream was read; `resetCode` is set if the peer reset it (and the stream is then done).
   */
  readStream(id: number, max = Number.POSITIVE_INFINITY): StreamReadResult {
    const r = this.#recvPart(id);
    if (r.state === 'Reset Recvd' || r.state === 'Reset Read') {
      r.state = 'Reset Read';
      this.#maybeCollect(id);
      return { data: undefined, fin: false, resetCode: r.resetCode };
    }
    const data = r.read(max);
    if (data) {
      this.connRecv.onConsumed(data.length);
      if (r.window.shouldUpdate() && r.state === 'Recv') this.#controlDue.maxStreamData.add(id);
    }
    if (!r.hasNews()) r.readableNotified = false;
    const fin = r.state === 'Data Read';
    if (fin) this.#maybeCollect(id);
    return { data, fin, resetCode: undefined };
  }

  /** Sets a stream's send priority (RFC 9218: urgency 0..7, lower first; incremental round-robins). */
  setPriority(id: number, urgency: number, incremental: boolean): void {
    if (!Number.isInteger(urgency) || urgency < 0 || urgency > 7) throw new RangeError(`urgency ${urgency} is not 0..7`);
    if (!this.#streams.has(id)) throw new RangeError(`stream ${id} is not open`);
    this.#scheduler.setPriority(id, urgency, incremental);
  }

  // ---- inputs from frames ---------------------------------------------------------------------------------

  /**
   * The stream a frame from the peer refers to, opening peer-initiated streams implicitly (RFC 9000 §3.2);
   * `undefined` for a stream that was closed and forgotten (the frame is ignored). Throws STREAM_STATE_ERROR or
   * STREAM_LIMIT_ERROR as §19 says.
   */
  #peerFrameStream(id: number, frameType: number, needs: 'send' | 'recv'): StreamEntry | undefined {
    const dir = streamDirection(id);
    const index = streamIndex(id);
    const local = streamInitiator(id) === this.#role;
    if (dir === 'uni') {
      // Frames about receiving on a stream we only send on, or sending on one we only receive on.
      if (local && needs === 'recv') throw new TransportError(TransportErrorCode.STREAM_STATE_ERROR, `stream ${id} is send-only here`, { frameType });
      if (!local && needs === 'send') throw new TransportError(TransportErrorCode.STREAM_STATE_ERROR, `stream ${id} is receive-only here`, { frameType });
    }
    const existing = this.#streams.get(id);
    if (existing) return existing;
    if (local) {
      if (index >= this.#nextLocal[dir]) throw new TransportError(TransportErrorCode.STREAM_STATE_ERROR, `stream ${id} was not opened`, { frameType });
      return undefined;
    }
    if (index < this.#nextPeer[dir]) return undefined;
    if (index >= this.#localMaxStreams[dir]) {
      throw new TransportError(TransportErrorCode.STREAM_LIMIT_ERROR, `stream ${id} exceeds the limit of ${this.#localMaxStreams[dir]} ${dir} streams`, { frameType });
    }
    let entry: StreamEntry | undefined;
    for (let i = this.#nextPeer[dir]; i <= index; i++) {
      entry = this.#create(streamId(streamInitiator(id), dir, i));
      this.#emit({ kind: 'streamOpened', streamId: entry.id, direction: dir });
    }
    this.#nextPeer[dir] = index + 1;
    return entry;
  }

  /** STREAM frame. */
  onStreamFrame(id: number, offset: number, data: Uint8Array, fin: boolean, frameType: number): void {
    const e = this.#peerFrameStream(id, frameType, 'recv');
    if (!e?.recv) return;
    const r = e.recv;
    const advanced = r.onData(offset, data, fin, frameType);
    this.connRecv.onReceived(this.connRecv.received + advanced, frameType);
    if (r.stopSendingCode !== undefined || r.resetCode !== undefined) {
      // Discarded data still counts as consumed for the connection window.
      this.connRecv.onConsumed(advanced);
      return;
    }
    this.#notifyReadable(r, id);
  }

  #notifyReadable(r: RecvStream, id: number): void {
    if (!r.readableNotified && r.hasNews()) {
      r.readableNotified = true;
      this.#emit({ kind: 'streamReadable', streamId: id });
    }
  }

  /** RESET_STREAM frame. */
  onResetStream(id: number, errorCode: number, finalSize: number, frameType: number): void {
    const e = this.#peerFrameStream(id, frameType, 'recv');
    if (!e?.recv) return;
    const r = e.recv;
    const wasReset = r.resetCode !== undefined;
    const held = r.buffer.bufferedBytes;
    const advanced = r.onReset(errorCode, finalSize, frameType);
    this.connRecv.onReceived(this.connRecv.received + advanced, frameType);
    if (!wasReset && r.resetCode !== undefined) {
      // Bytes never read are released to the connection window.
      this.connRecv.onConsumed(advanced + held);
      this.#controlDue.maxStreamData.delete(id);
      this.#emit({ kind: 'streamReset', streamId: id, errorCode });
      r.readableNotified = false;
      this.#notifyReadable(r, id);
    }
  }

  /** STOP_SENDING frame: answer with RESET_STREAM carrying the same code (RFC 9000 §3.5). */
  onStopSending(id: number, errorCode: number, frameType: number): void {
    const e = this.#peerFrameStream(id, frameType, 'send');
    if (!e?.send) return;
    const s = e.send;
    if (s.stopSendingCode !== undefined) return;
    s.stopSendingCode = errorCode;
    if (s.resetCode === undefined && !s.isTerminal()) {
      s.reset(errorCode);
      this.#controlDue.reset.add(id);
      this.#scheduler.remove(id);
    }
    this.#emit({ kind: 'streamStopped', streamId: id, errorCode });
  }

  /** MAX_STREAM_DATA frame. */
  onMaxStreamData(id: number, maximum: number, frameType: number): void {
    const e = this.#peerFrameStream(id, frameType, 'send');
    if (!e?.send) return;
    if (e.send.credit.raise(maximum)) this.#wakeWritable(e);
  }

  /** MAX_DATA frame. */
  onMaxData(maximum: number): void {
    if (this.connSend.raise(maximum)) this.#wakeWritable();
  }

  /** MAX_STREAMS frame (or the initial limit). */
  onMaxStreams(direction: StreamDirection, maximum: number): void {
    if (maximum > MAX_STREAMS_LIMIT) {
      throw new TransportError(TransportErrorCode.FRAME_ENCODING_ERROR, `MAX_STREAMS ${maximum} exceeds 2^60`);
    }
    if (maximum <= this.#peerMaxStreams[direction]) return;
    this.#peerMaxStreams[direction] = maximum;
    if (this.#openBlocked[direction] >= 0) {
      this.#openBlocked[direction] = -1;
      this.#emit({ kind: 'streamsAvailable', direction });
    }
  }

  /** STREAM_DATA_BLOCKED: the peer is blocked on our limit; make sure a current limit reaches it. */
  onStreamDataBlocked(id: number, frameType: number): void {
    const e = this.#peerFrameStream(id, frameType, 'recv');
    if (e?.recv && e.recv.state === 'Recv') this.#controlDue.maxStreamData.add(id);
  }

  #wakeWritable(only?: StreamEntry): void {
    const connRoom = this.connSend.limit - this.#connWritten;
    if (connRoom <= 0) return;
    const candidates = only && !this.#connWantsWritable ? [only] : this.#streams.values();
    this.#connWantsWritable = false;
    for (const e of candidates) {
      const s = e.send;
      if (s?.wantsWritable && s.capacity() > 0) {
        s.wantsWritable = false;
        this.#emit({ kind: 'streamWritable', streamId: e.id });
      }
    }
  }

  // ---- outputs for the packet builder ---------------------------------------------------------------------

  /** Flow-control and stream-state frames due now. Each is returned once; report losses with `onControlLost`. */
  controlFrames(now: number, smoothedRtt: number): StreamControlFrame[] {
    const out: StreamControlFrame[] = [];
    const maxData = this.connRecv.update(now, smoothedRtt);
    if (maxData !== undefined || this.#resendMaxData) out.push({ kind: 'maxData', maximumData: this.connRecv.limit });
    this.#resendMaxData = false;
    for (const dir of ['bidi', 'uni'] as const) {
      if (this.#localMaxStreams[dir] !== this.#maxStreamsSent[dir]) {
        this.#maxStreamsSent[dir] = this.#localMaxStreams[dir];
        out.push({ kind: 'maxStreams', streamType: dir, maximumStreams: this.#localMaxStreams[dir] });
      }
      if (this.#openBlocked[dir] >= 0 && this.#blockedReported[dir] !== this.#openBlocked[dir]) {
        this.#blockedReported[dir] = this.#openBlocked[dir];
        out.push({ kind: 'streamsBlocked', streamType: dir, maximumStreams: this.#openBlocked[dir] });
      }
    }
    if (this.#connWantsWritable) {
      this.connSend.setUsed(this.#connWritten);
      const limit = this.connSend.blockedFrameDue();
      if (limit !== undefined) {
        this.connSend.onBlockedSent();
        out.push({ kind: 'dataBlocked', maximumData: limit });
      }
    }
    for (const id of this.#controlDue.maxStreamData) {
      const r = this.#streams.get(id)?.recv;
      if (!r || r.state !== 'Recv') continue;
      const max = r.window.update(now, smoothedRtt);
      if (max !== undefined || this.#resendMaxStreamData.has(id)) {
        out.push({ kind: 'maxStreamData', streamId: id, maximumStreamData: r.window.limit });
      }
    }
    this.#resendMaxStreamData.clear();
    this.#controlDue.maxStreamData.clear();
    for (const id of this.#controlDue.streamDataBlocked) {
      const s = this.#streams.get(id)?.send;
      if (s && s.capacity() === 0 && s.resetCode === undefined) {
        s.credit.setUsed(s.buffer.writtenBytes);
        const limit = s.credit.blockedFrameDue();
        if (limit !== undefined) {
          s.credit.onBlockedSent();
          out.push({ kind: 'streamDataBlocked', streamId: id, maximumStreamData: limit });
        }
      }
    }
    this.#controlDue.streamDataBlocked.clear();
    for (const id of this.#controlDue.reset) {
      const s = this.#streams.get(id)?.send;
      if (s?.resetPending && s.resetCode !== undefined) {
        s.resetPending = false;
        out.push({ kind: 'resetStream', streamId: id, errorCode: s.resetCode, finalSize: s.finalSize() });
      }
    }
    this.#controlDue.reset.clear();
    for (const id of this.#controlDue.stopSending) {
      const r = this.#streams.get(id)?.recv;
      if (r?.stopSendingPending && r.stopSendingCode !== undefined) {
        r.stopSendingPending = false;
        out.push({ kind: 'stopSending', streamId: id, errorCode: r.stopSendingCode });
      }
    }
    this.#controlDue.stopSending.clear();
    return out;
  }

  /** True if {@link controlFrames} has something to return (cheap check before building a packet). */
  hasControlFrames(): boolean {
    const d = this.#controlDue;
    return (
      this.connRecv.shouldUpdate() || this.#resendMaxData || d.maxStreamData.size > 0 || d.streamDataBlocked.size > 0 || d.reset.size > 0 ||
      d.stopSending.size > 0 || this.#localMaxStreams.bidi !== this.#maxStreamsSent.bidi ||
      this.#localMaxStreams.uni !== this.#maxStreamsSent.uni ||
      (this.#openBlocked.bidi >= 0 && this.#blockedReported.bidi !== this.#openBlocked.bidi) ||
      (this.#openBlocked.uni >= 0 && this.#blockedReported.uni !== this.#openBlocked.uni) ||
      (this.#connWantsWritable && this.#connWritten >= this.connSend.limit && this.connSend.blockedFrameDue() !== undefined)
    );
  }

  /** A packet carrying `frame` was lost: queue what is still current (RFC 9000 §13.3). */
  onControlLost(frame: StreamControlFrame): void {
    switch (frame.kind) {
      case 'maxData':
        if (frame.maximumData === this.connRecv.limit) this.#resendMaxData = true;
        return;
      case 'maxStreamData': {
        const r = this.#streams.get(frame.streamId)?.recv;
        if (r && r.state === 'Recv' && r.window.limit === frame.maximumStreamData) {
          this.#resendMaxStreamData.add(frame.streamId);
          this.#controlDue.maxStreamData.add(frame.streamId);
        }
        return;
      }
      case 'maxStreams':
        if (frame.maximumStreams === this.#localMaxStreams[frame.streamType]) this.#maxStreamsSent[frame.streamType] = -1;
        return;
      case 'dataBlocked':
        this.connSend.onBlockedLost(frame.maximumData);
        return;
      case 'streamDataBlocked':
        this.#streams.get(frame.streamId)?.send?.credit.onBlockedLost(frame.maximumStreamData);
        this.#controlDue.streamDataBlocked.add(frame.streamId);
        return;
      case 'streamsBlocked':
        if (this.#blockedReported[frame.streamType] === frame.maximumStreams) this.#blockedReported[frame.streamType] = -1;
        return;
      case 'resetStream': {
        const s = this.#streams.get(frame.streamId)?.send;
        if (s && s.state === 'Reset Sent') {
          s.resetPending = true;
          this.#controlDue.reset.add(frame.streamId);
        }
        return;
      }
      case 'stopSending': {
        const r = this.#streams.get(frame.streamId)?.recv;
        if (r && r.state !== 'Reset Recvd' && r.state !== 'Reset Read' && r.state !== 'Data Recvd' && r.state !== 'Data Read') {
          r.stopSendingPending = true;
          this.#controlDue.stopSending.add(frame.streamId);
        }
        return;
      }
    }
  }

  /** A RESET_STREAM we sent was acknowledged. */
  onResetAcked(id: number): void {
    const s = this.#streams.get(id)?.send;
    if (s && s.state === 'Reset Sent') {
      s.state = 'Reset Recvd';
      this.#maybeCollect(id);
    }
  }

  // ---- stream data for the packet builder -----------------------------------------------------------------

  /** The next stream with data to send, by priority; `undefined` if none. */
  nextSendable(): number | undefined {
    for (;;) {
      const id = this.#scheduler.peek();
      if (id === undefined) return undefined;
      const s = this.#streams.get(id)?.send;
      if (s && s.resetCode === undefined && s.buffer.hasPending()) return id;
      this.#scheduler.remove(id);
    }
  }

  /** The send part of `id` for the packet builder (which calls `buffer.nextChunk` / `onSent`). */
  sendStreamOf(id: number): SendStream | undefined {
    return this.#streams.get(id)?.send;
  }

  /** Records that a chunk of `id` went into a packet; advances the scheduler. */
  onStreamDataSent(id: number, offset: number, length: number, fin: boolean): void {
    const s = this.#streams.get(id)?.send;
    if (!s) return;
    s.buffer.onSent(offset, length, fin);
    s.onSent(fin);
    if (s.buffer.hasPending()) this.#scheduler.rotate(id);
    else this.#scheduler.remove(id);
  }

  /** STREAM data we sent was acknowledged. */
  onStreamDataAcked(id: number, offset: number, length: number, fin: boolean): void {
    const s = this.#streams.get(id)?.send;
    if (!s || s.resetCode !== undefined) return;
    s.buffer.onAck(offset, length, fin);
    s.onAcked();
    if (s.isTerminal()) this.#maybeCollect(id);
  }

  /** STREAM data we sent was lost: it will be sent again. */
  onStreamDataLost(id: number, offset: number, length: number, fin: boolean): void {
    const s = this.#streams.get(id)?.send;
    if (!s || s.resetCode !== undefined) return;
    s.buffer.onLost(offset, length, fin);
    if (s.buffer.hasPending()) this.#scheduler.markPending(id);
  }

  /** Forgets a stream whose parts are both finished, returning stream credit to the peer. */
  #maybeCollect(id: number): void {
    const e = this.#streams.get(id);
    if (!e) return;
    if ((e.send && !e.send.isTerminal()) || (e.recv && !e.recv.isTerminal())) return;
    this.#streams.delete(id);
    this.#scheduler.forget(id);
    if (streamInitiator(id) !== this.#role) {
      const dir = streamDirection(id);
      this.#localMaxStreams[dir] = Math.min(MAX_STREAMS_LIMIT, this.#localMaxStreams[dir] + 1);
    }
  }

  // ---- getters ----------------------------------------------------------------------------------------------

  /** True if `id` is open (known and not yet collected). */
  has(id: number): boolean {
    return this.#streams.has(id);
  }

  /** Number of open streams. */
  get openCount(): number {
    return this.#streams.size;
  }

  /** Ids of open streams with something for the application to read (level-triggered). */
  *readable(): IterableIterator<number> {
    for (const e of this.#streams.values()) if (e.recv?.hasNews()) yield e.id;
  }

  /** Ids of open streams that can accept writes now (level-triggered). */
  *writable(): IterableIterator<number> {
    for (const e of this.#streams.values()) if (e.send && this.writableBytes(e.id) > 0) yield e.id;
  }

  /** State names of both parts of `id`, for tests and qlog. */
  stateOf(id: number): { send: string | undefined; recv: string | undefined } | undefined {
    const e = this.#streams.get(id);
    return e && { send: e.send?.state, recv: e.recv?.state };
  }
}
