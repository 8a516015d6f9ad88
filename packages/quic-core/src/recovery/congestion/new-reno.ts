/**
 * NewReno congestion control exactly as RFC 9002 §7 and Appendix B specify it.
 *
 * @module
 */
import {
  type AckEvent,
  checkControllerOptions,
  type CongestionController,
  type CongestionControllerOptions,
  type CongestionEvent,
  initialWindow,
  minimumWindow,
  type SentEvent,
} from './controller.js';
import { CwndLimitTracker } from './cwnd-limited.js';

/** Scaling factor applied to the window on a new congestion event (RFC 9002 Appendix B.1). */
export const kLossReductionFactor = 0.5;

/**
 * NewReno (RFC 9002 Appendix B): slow start, a recovery period keyed on the send time of the lost packet,
 * additive increase of one datagram per window in congestion avoidance, the window halved once per recovery
 * period, and the minimum window on persistent congestion. The window does not grow while the sender is not
 * window-limited (§7.8).
 */
export class NewReno implements CongestionController {
  readonly name = 'new_reno' as const;
  private maxDatagramSize: number;
  private readonly initialWindowPackets: number | undefined;
  private cwnd: number;
  private ssthresh = Infinity;
  /** congestion_recovery_start_time; -Infinity stands for the RFC's 0 ("never"). */
  private congestionRecoveryStartTime = -Infinity;
  private recovering = false;
  private readonly limit: CwndLimitTracker;

  constructor(options: CongestionControllerOptions) {
    checkControllerOptions(options);
    this.maxDatagramSize = options.maxDatagramSize;
    this.initialWindowPackets = options.initialWindowPackets;
    this.cwnd = initialWindow(this.maxDatagramSize, this.initialWindowPackets);
    this.limit = new CwndLimitTracker(this.maxDatagramSize);
  }

  onPacketSent(_now: number, sent: SentEvent): void {
    this.limit.onSent(sent.bytesInFlight, this.cwnd);
  }

  onPacketsAcked(now: number, ack: AckEvent): void {
    const cwndLimited = this.limit.isCwndLimited(now, this.cwnd, this.inSlowStart(), ack.rtt.smoothedRtt);
    for (const packet of ack.acked) {
      // InCongestionRecovery(sent_time): a packet sent after the recovery started ends the recovery period.
      if (packet.timeSent <= this.congestionRecoveryStartTime) continue;
      this.recovering = false;
      // Do not increase the window when application- or flow-control-limited.
      if (!cwndLimited) continue;
      if (this.cwnd < this.ssthresh) {
        this.cwnd += packet.size; // slow start
      } else {
        this.cwnd += (this.maxDatagramSize * packet.size) / this.cwnd; // congestion avoidance
      }
    }
  }

  onCongestionEvent(now: number, event: CongestionEvent): void {
    if (event.sentTime > this.congestionRecoveryStartTime) {
      // Enter a recovery period (no reaction if already in one).
      this.congestionRecoveryStartTime = now;
      this.recovering = true;
      this.ssthresh = this.cwnd * kLossReductionFactor;
      this.cwnd = Math.max(this.ssthresh, minimumWindow(this.maxDatagramSize));
    }
    if (event.persistentCongestion) {
      this.cwnd = minimumWindow(this.maxDatagramSize);
      this.congestionRecoveryStartTime = -Infinity;
      this.recovering = false;
    }
  }

  onMaxDatagramSizeChanged(maxDatagramSize: number): void {
    checkControllerOptions({ maxDatagramSize });
    this.maxDatagramSize = maxDatagramSize;
    this.limit.setMaxDatagramSize(maxDatagramSize);
    this.cwnd = Math.max(this.cwnd, minimumWindow(maxDatagramSize));
  }

  window(): number {
    return this.cwnd;
  }

  /** The slow start threshold in bytes (Infinity until the first congestion event). */
  slowStartThreshold(): number {
    return this.ssthresh;
  }

  inSlowStart(): boolean {
    return this.cwnd < this.ssthresh;
  }

  inRecovery(): boolean {
    return this.recovering;
  }

  pacingRate(): number | undefined {
    return undefined;
  }
}
