/**
 * Tracks whether the sender actually used its congestion window, so window-based controllers do not grow the
 * window while application- or flow-control-limited (RFC 9002 §7.8, RFC 9438 §5.8).
 *
 * The rule follows Linux's `tcp_is_cwnd_limited`: in slow start the window may grow while it is less than twice
 * the most bytes recently in flight; in congestion avoidance only if a send came within one datagram of the
 * window during the current or previous round trip. A paced sender that keeps the window full counts as
 * window-limited, as RFC 9002 §7.8 asks.
 *
 * @module
 */

/** Per-controller window-utilisation tracker. */
export class CwndLimitTracker {
  private maxInFlight = 0;
  private previousMaxInFlight = 0;
  private limited = false;
  private previousLimited = false;
  private periodStart = -Infinity;

  constructor(private maxDatagramSize: number) {}

  /** Updates the datagram size used for the "within one datagram of the window" test. */
  setMaxDatagramSize(maxDatagramSize: number): void {
    this.maxDatagramSize = maxDatagramSize;
  }

  /** Records a send: `bytesInFlight` includes the packet just sent. */
  onSent(bytesInFlight: number, cwnd: number): void {
    if (bytesInFlight > this.maxInFlight) this.maxInFlight = bytesInFlight;
    if (bytesInFlight + this.maxDatagramSize > cwnd) this.limited = true;
  }

  /**
   * Whether the window was fully used recently. Call once per ACK, before growing the window; a new period
   * starts every smoothed RTT.
   */
  isCwndLimited(now: number, cwnd: number, inSlowStart: boolean, smoothedRtt: number): boolean {
    if (now - this.periodStart >= smoothedRtt) {
      this.previousMaxInFlight = this.maxInFlight;
      this.previousLimited = this.limited;
      this.maxInFlight = 0;
      this.limited = false;
      this.periodStart = now;
    }
    if (inSlowStart) return cwnd < 2 * Math.max(this.maxInFlight, this.previousMaxInFlight);
    return this.limited || this.previousLimited;
  }
}
