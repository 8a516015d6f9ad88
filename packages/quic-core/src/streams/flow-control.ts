import { TransportError, TransportErrorCode } from '../errors.js';

/**
 * Receive-side flow control for a stream or the connection (RFC 9000 §4): the limit advertised to the peer, and
 * when to raise it. The window starts at `initialWindow` and auto-tunes: when a whole window is consumed within
 * two round trips of the previous update, the application is keeping up and the window, not the reader, limits
 * throughput, so it doubles, up to `maxWindow` (the approach of quinn and quiche).
 */
export class ReceiveWindow {
  #limit: number;
  #window: number;
  readonly #maxWindow: number;
  #consumed = 0;
  #received = 0;
  #lastUpdate: number | undefined;

  constructor(initialWindow: number, maxWindow = initialWindow) {
    this.#window = initialWindow;
    this.#limit = initialWindow;
    this.#maxWindow = Math.max(maxWindow, initialWindow);
  }

  /** The highest offset (or, for the connection, total bytes) the peer may send. */
  get limit(): number {
    return this.#limit;
  }

  /** The current window size. */
  get window(): number {
    return this.#window;
  }

  /** Bytes consumed by the application. */
  get consumed(): number {
    return this.#consumed;
  }

  /** Highest offset (or total) received. */
  get received(): number {
    return this.#received;
  }

  /**
   * Records that the peer's data now reaches `highest`. FLOW_CONTROL_ERROR if it exceeds the advertised limit
   * (RFC 9000 §4.1).
   */
  onReceived(highest: number, frameType?: number): void {
    if (highest > this.#limit) {
      throw new TransportError(
        TransportErrorCode.FLOW_CONTROL_ERROR,
        `peer sent up to ${highest}, beyond the limit ${this.#limit}`,
        frameType === undefined ? {} : { frameType },
      );
    }
    if (highest > this.#received) this.#received = highest;
  }

  /** Records that the application consumed `bytes` more. */
  onConsumed(bytes: number): void {
    this.#consumed += bytes;
  }

  /** True when less than half the window is left: a MAX_DATA / MAX_STREAM_DATA update is due. */
  shouldUpdate(): boolean {
    return this.#limit - this.#consumed < this.#window / 2;
  }

  /** Raises the limit if {@link shouldUpdate}, auto-tuning the window; returns the new limit to advertise. */
  update(now: number, smoothedRtt: number): number | undefined {
    if (!this.shouldUpdate()) return undefined;
    if (this.#lastUpdate !== undefined && now - this.#lastUpdate < 2 * smoothedRtt && this.#window < this.#maxWindow) {
      this.#window = Math.min(this.#window * 2, this.#maxWindow);
    }
    this.#lastUpdate = now;
    this.#limit = this.#consumed + this.#window;
    return this.#limit;
  }
}

/**
 * Send-side flow-control credit for a stream or the connection: the peer's limit, what was used, and whether a
 * DATA_BLOCKED / STREAM_DATA_BLOCKED frame is due (once per limit value, RFC 9000 §4.1).
 */
export class SendCredit {
  #limit: number;
  #used = 0;
  #blockedReportedAt = -1;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** The peer's current limit. */
  get limit(): number {
    return this.#limit;
  }

  /** Bytes (or offset) used. */
  get used(): number {
    return this.#used;
  }

  /** Credit left. */
  get available(): number {
    return this.#limit - this.#used;
  }

  /** Consumes credit for newly sent data up to `usedTotal` (an absolute count; smaller values are ignored). */
  setUsed(usedTotal: number): void {
    if (usedTotal > this.#used) this.#used = usedTotal;
  }

  /** Raises the limit (MAX_DATA / MAX_STREAM_DATA); lower values are ignored (RFC 9000 §4.1). Returns true if raised. */
  raise(limit: number): boolean {
    if (limit <= this.#limit) return false;
    this.#limit = limit;
    return true;
  }

  /** The limit to report in a *_BLOCKED frame, if blocked and not yet reported at this limit. */
  blockedFrameDue(): number | undefined {
    return this.#used >= this.#limit && this.#blockedReportedAt !== this.#limit ? this.#limit : undefined;
  }

  /** Records that a *_BLOCKED frame for the current limit was sent. */
  onBlockedSent(): void {
    this.#blockedReportedAt = this.#limit;
  }

  /** Forgets that the current limit's blocked frame was sent (it was lost). */
  onBlockedLost(limit: number): void {
    if (this.#blockedReportedAt === limit) this.#blockedReportedAt = -1;
  }
}
