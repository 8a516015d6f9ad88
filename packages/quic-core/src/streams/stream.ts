import { TransportError, TransportErrorCode } from '../errors.js';
import { ReceiveWindow, SendCredit } from './flow-control.js';
import { RecvBuffer } from './recv-buffer.js';
import { SendBuffer } from './send-buffer.js';

/** Sending-part states (RFC 9000 §3.1). */
export type SendState = 'Ready' | 'Send' | 'Data Sent' | 'Data Recvd' | 'Reset Sent' | 'Reset Recvd';
/** Receiving-part states (RFC 9000 §3.2). */
export type RecvState = 'Recv' | 'Size Known' | 'Data Recvd' | 'Data Read' | 'Reset Recvd' | 'Reset Read';

/** The sending part of a stream. */
export class SendStream {
  state: SendState = 'Ready';
  readonly buffer = new SendBuffer();
  /** Stream-level credit from the peer's MAX_STREAM_DATA. */
  readonly credit: SendCredit;
  /** Set once the application reset the stream (or answered STOP_SENDING). */
  resetCode: number | undefined;
  /** A RESET_STREAM frame is due. */
  resetPending = false;
  /** The peer asked us to stop (STOP_SENDING) with this code. */
  stopSendingCode: number | undefined;
  /** The application wants a `streamWritable` event when credit arrives. */
  wantsWritable = false;

  constructor(peerLimit: number) {
    this.credit = new SendCredit(peerLimit);
  }

  /** True in a terminal state or after a reset: no more data may be written. */
  isClosedForWriting(): boolean {
    return this.resetCode !== undefined || this.buffer.isFinished;
  }

  /** Bytes the application may still write under stream-level flow control. */
  capacity(): number {
    if (this.isClosedForWriting()) return 0;
    return Math.max(0, this.credit.limit - this.buffer.writtenBytes);
  }

  /** Resets the stream with an application error code; queues RESET_STREAM. */
  reset(code: number): void {
    if (this.resetCode !== undefined || this.state === 'Data Recvd') return;
    this.resetCode = code;
    this.resetPending = true;
    this.state = 'Reset Sent';
    this.buffer.discard();
  }

  /** The final size for RESET_STREAM: everything written counts (RFC 9000 §4.5). */
  finalSize(): number {
    return this.buffer.writtenBytes;
  }

  /** Called after an acknowledgement: moves to Data Recvd once everything including the FIN was acknowledged. */
  onAcked(): void {
    if (this.state !== 'Reset Sent' && this.state !== 'Reset Recvd' && this.buffer.isFullyAcked()) this.state = 'Data Recvd';
  }

  /** Called when data was sent: Ready → Send, and Data Sent once the FIN went out. */
  onSent(fin: boolean): void {
    if (this.state === 'Ready') this.state = 'Send';
    if (fin && this.state === 'Send') this.state = 'Data Sent';
  }

  /** True when this part needs nothing more (all acknowledged, or the reset was acknowledged). */
  isTerminal(): boolean {
    return this.state === 'Data Recvd' || this.state === 'Reset Recvd';
  }
}

/** The receiving part of a stream. */
export class RecvStream {
  state: RecvState = 'Recv';
  readonly buffer: RecvBuffer;
  /** Stream-level flow control for what the peer may send. */
  readonly window: ReceiveWindow;
  /** Code of a RESET_STREAM the peer sent. */
  resetCode: number | undefined;
  /** The application asked the peer to stop with this code: a STOP_SENDING frame is due while set and unsent. */
  stopSendingCode: number | undefined;
  stopSendingPending = false;
  /** A `streamReadable` event was reported and the application has not drained the stream since. */
  readableNotified = false;

  constructor(initialWindow: number, maxWindow: number, maxChunks: number) {
    this.window = new ReceiveWindow(initialWindow, maxWindow);
    this.buffer = new RecvBuffer(maxChunks);
  }

  /**
   * Handles a STREAM frame's data. Returns how far the highest received offset advanced (what connection-level
   * flow control must count). Throws FLOW_CONTROL_ERROR / FINAL_SIZE_ERROR.
   */
  onData(offset: number, data: Uint8Array, fin: boolean, frameType: number): number {
    const before = this.buffer.highestOffset;
    const end = offset + data.length;
    if (this.state === 'Reset Recvd' || this.state === 'Reset Read') {
      // Data after a reset still has to respect the final size.
      const fs = this.buffer.finalSize;
      if (fs !== undefined && (end > fs || (fin && end !== fs))) {
        throw new TransportError(TransportErrorCode.FINAL_SIZE_ERROR, `data beyond the reset final size ${fs}`, { frameType });
      }
      return 0;
    }
    this.window.onReceived(end, frameType);
    if (this.stopSendingCode !== undefined) {
      // The application no longer wants the data: account for it, keep nothing.
      if (fin) this.buffer.setFinalSize(end, frameType);
      else if (end > this.buffer.highestOffset) this.buffer.insert(end, new Uint8Array(0), false, frameType);
    } else {
      this.buffer.insert(offset, data, fin, frameType);
    }
    if (fin && this.state === 'Recv') this.state = 'Size Known';
    if (this.state === 'Size Known' && this.buffer.finalSize !== undefined && this.#allReceived()) this.state = 'Data Recvd';
    return Math.max(0, this.buffer.highestOffset - before);
  }

  #allReceived(): boolean {
    // Every byte up to the final size is either read or buffered.
    return this.buffer.readOffset + this.buffer.bufferedBytes === this.buffer.finalSize;
  }

  /** Handles RESET_STREAM. Returns how far the highest offset advanced (for connection flow control). */
  onReset(code: number, finalSize: number, frameType: number): number {
    const before = this.buffer.highestOffset;
    this.window.onReceived(finalSize, frameType);
    this.buffer.setFinalSize(finalSize, frameType);
    if (this.state === 'Data Recvd' || this.state === 'Data Read' || this.state === 'Reset Recvd' || this.state === 'Reset Read') {
      return Math.max(0, finalSize - before);
    }
    this.resetCode = code;
    this.state = 'Reset Recvd';
    this.buffer.discard();
    return Math.max(0, finalSize - before);
  }

  /** Reads up to `max` bytes; `undefined` when nothing is contiguous. Updates states and flow control. */
  read(max: number): Uint8Array | undefined {
    const out = this.buffer.read(max);
    if (out) this.window.onConsumed(out.length);
    if (this.buffer.isFinished() && (this.state === 'Data Recvd' || this.state === 'Size Known')) this.state = 'Data Read';
    return out;
  }

  /** True when there is something for the application: data, the end of the stream, or a reset. */
  hasNews(): boolean {
    return this.buffer.isReadable() || this.buffer.isFinished() || this.state === 'Reset Recvd';
  }

  /** True when this part needs nothing more. */
  isTerminal(): boolean {
    return this.state === 'Data Read' || this.state === 'Reset Read';
  }
}
