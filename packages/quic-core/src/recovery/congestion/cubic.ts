/**
 * CUBIC congestion control (RFC 9438) with HyStart++ (RFC 9406) in slow start.
 *
 * Windows are kept in bytes; the cubic function is evaluated in segments of max_datagram_size and seconds, as the
 * RFC writes it, and converted.
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
import { HyStartPlusPlus } from './hystart.js';

/** C: the aggressiveness of the window increase, in segments per second cubed (RFC 9438 §4.1). */
export const CUBIC_C = 0.4;
/** β_cubic: the multiplicative decrease factor (RFC 9438 §4.6). */
export const CUBIC_BETA = 0.7;
/** α_cubic = 3 * (1 - β) / (1 + β): the Reno-friendly additive increase (RFC 9438 §4.3). */
export const CUBIC_ALPHA = (3 * (1 - CUBIC_BETA)) / (1 + CUBIC_BETA);

/** CUBIC-specific options. */
export interface CubicOptions extends CongestionControllerOptions {
  /** Fast convergence (RFC 9438 §4.7); default on. */
  readonly fastConvergence?: boolean;
  /** HyStart++ in slow start (RFC 9406); default on. */
  readonly hystart?: boolean;
}

interface UndoState {
  readonly cwnd: number;
  readonly cwndPrior: number;
  readonly ssthresh: number;
  readonly wMax: number | undefined;
  readonly k: number;
  readonly epochStart: number | undefined;
  readonly wEst: number;
  readonly alpha: number;
}

/**
 * CUBIC (RFC 9438): W_cubic(t) = C * (t - K)^3 + W_max with K = cbrt((W_max - cwnd_epoch) / C), the
 * Reno-friendly estimate W_est, fast convergence, multiplicative decrease by β = 0.7, spurious-loss undo, and no
 * growth (nor elapsed time) while not window-limited.
 */
export class Cubic implements CongestionController {
  readonly name = 'cubic' as const;
  /** The HyStart++ state machine (exposed for tests and qlog). */
  readonly hystart: HyStartPlusPlus | undefined;
  private maxDatagramSize: number;
  private readonly fastConvergence: boolean;
  private cwnd: number;
  private ssthresh = Infinity;
  /** W_max in bytes; undefined before the first congestion event (and after HyStart++ exits without one). */
  private wMax: number | undefined = undefined;
  /** cwnd_prior: the window when ssthresh was last set. */
  private cwndPrior = 0;
  /** K in seconds. */
  private k = 0;
  /** Start of the current congestion avoidance stage (ms); undefined until the first ACK in it. */
  private epochStart: number | undefined = undefined;
  /** W_max for the current epoch (the origin of the cubic curve), bytes. */
  private epochWMax = 0;
  /** W_est in bytes. */
  private wEst = 0;
  private alpha = CUBIC_ALPHA;
  private recoveryStartTime = -Infinity;
  private recovering = false;
  private lastAckTime: number | undefined = undefined;
  private undo: UndoState | undefined = undefined;
  private readonly limit: CwndLimitTracker;

  constructor(options: CubicOptions) {
    checkControllerOptions(options);
    this.maxDatagramSize = options.maxDatagramSize;
    this.fastConvergence = options.fastConvergence ?? true;
    this.hystart = options.hystart === false ? undefined : new HyStartPlusPlus();
    this.cwnd = initialWindow(this.maxDatagramSize, options.initialWindowPackets);
    this.limit = new CwndLimitTracker(this.maxDatagramSize);
  }

  onPacketSent(_now: number, sent: SentEvent): void {
    this.limit.onSent(sent.bytesInFlight, this.cwnd);
  }

  onPacketsAcked(now: number, ack: AckEvent): void {
    let bytes = 0;
    for (const packet of ack.acked) {
      if (packet.timeSent > this.recoveryStartTime) {
        bytes += packet.size;
        this.recovering = false;
      }
    }
    const previousAck = this.lastAckTime;
    this.lastAckTime = now;
    if (bytes === 0) return; // only packets sent before the recovery period began: no growth
    const cwndLimited = this.limit.isCwndLimited(now, this.cwnd, this.inSlowStart(), ack.rtt.smoothedRtt);
    if (!cwndLimited) {
      // RFC 9438 §4.2: t must not include application-limited periods.
      if (this.epochStart !== undefined && previousAck !== undefined) this.epochStart += now - previousAck;
      return;
    }
    if (this.cwnd < this.ssthresh) {
      this.slowStart(ack, bytes);
      return;
    }
    this.congestionAvoidance(now, ack.rtt.smoothedRtt, bytes);
  }

  private slowStart(ack: AckEvent, bytes: number): void {
    if (this.hystart === undefined || this.hystart.phase === 'done') {
      this.cwnd += bytes;
      return;
    }
    const decision = this.hystart.onAck({
      priorDelivered: ack.rateSample.priorDelivered,
      totalDelivered: ack.rateSample.totalDelivered,
      ackedBytes: bytes,
      rttSample: ack.rttSampled ? ack.rtt.latestRtt : undefined,
    });
    this.cwnd += decision.increase;
    if (decision.exitSlowStart) {
      // RFC 9438 §4.10: leaving slow start without loss, W_max is undefined: K = 0 and W_max = cwnd at the start
      // of congestion avoidance.
      this.ssthresh = this.cwnd;
      this.cwndPrior = this.cwnd;
      this.wMax = undefined;
      this.epochStart = undefined;
    }
  }

  private congestionAvoidance(now: number, smoothedRtt: number, bytes: number): void {
    const mds = this.maxDatagramSize;
    if (this.epochStart === undefined) {
      this.epochStart = now;
      const cwndEpoch = this.cwnd;
      if (this.wMax === undefined || cwndEpoch >= this.wMax) {
        this.epochWMax = cwndEpoch;
        this.k = 0;
      } else {
        this.epochWMax = this.wMax;
        this.k = Math.cbrt((this.wMax - cwndEpoch) / mds / CUBIC_C);
      }
      this.wEst = cwndEpoch;
      if (this.cwndPrior === 0) this.cwndPrior = cwndEpoch;
    }
    const t = (now - this.epochStart) / 1000;
    const target = Math.min(Math.max(this.wCubic(t + smoothedRtt / 1000), this.cwnd), 1.5 * this.cwnd);
    // Reno-friendly estimate (RFC 9438 §4.3), in bytes: α * segments_acked / cwnd segments.
    this.wEst += (this.alpha * bytes * mds) / this.cwnd;
    if (this.wEst >= this.cwndPrior) this.alpha = 1;
    if (this.wCubic(t) < this.wEst) {
      // Reno-friendly region: follow W_est (never shrinking the window on an ACK).
      if (this.wEst > this.cwnd) this.cwnd = this.wEst;
    } else {
      // Concave or convex region: (target - cwnd) / cwnd per acknowledged segment.
      this.cwnd += ((target - this.cwnd) * bytes) / this.cwnd;
    }
  }

  /** W_cubic(t) in bytes, `t` in seconds since the epoch start (RFC 9438 Figure 1). */
  wCubic(t: number): number {
    const d = t - this.k;
    return CUBIC_C * d * d * d * this.maxDatagramSize + this.epochWMax;
  }

  onCongestionEvent(now: number, event: CongestionEvent): void {
    const mds = this.maxDatagramSize;
    if (event.sentTime > this.recoveryStartTime) {
      this.undo =
        event.cause === 'loss'
          ? {
              cwnd: this.cwnd,
              cwndPrior: this.cwndPrior,
              ssthresh: this.ssthresh,
              wMax: this.wMax,
              k: this.k,
              epochStart: this.epochStart,
              wEst: this.wEst,
              alpha: this.alpha,
            }
          : undefined;
      this.recoveryStartTime = now;
      this.recovering = true;
      this.hystart?.onCongestion();
      // Fast convergence (§4.7), then multiplicative decrease (§4.6). The window, not flight size, is the base:
      // the window never grows while it is not used (see CwndLimitTracker), as §4.6 requires of QUIC senders.
      if (this.fastConvergence && this.wMax !== undefined && this.cwnd < this.wMax) {
        this.wMax = (this.cwnd * (1 + CUBIC_BETA)) / 2;
      } else {
        this.wMax = this.cwnd;
      }
      this.cwndPrior = this.cwnd;
      this.ssthresh = Math.max(this.cwnd * CUBIC_BETA, minimumWindow(mds));
      this.cwnd = this.ssthresh;
      this.epochStart = undefined;
      this.alpha = CUBIC_ALPHA;
    }
    if (event.persistentCongestion) {
      // Like a TCP timeout (§4.8): minimum window, then slow start to ssthresh; the next congestion avoidance
      // starts with K = 0 and W_max = the window at its start.
      this.cwnd = minimumWindow(mds);
      this.wMax = undefined;
      this.epochStart = undefined;
      this.recoveryStartTime = -Infinity;
      this.recovering = false;
      this.undo = undefined;
      // HyStart++ is for the initial slow start; this one is standard slow start up to ssthresh.
    }
  }

  onSpuriousCongestionEvent(): void {
    const u = this.undo;
    this.undo = undefined;
    if (u === undefined || this.cwnd >= u.cwnd) return;
    this.cwnd = u.cwnd;
    this.cwndPrior = u.cwndPrior;
    this.ssthresh = u.ssthresh;
    this.wMax = u.wMax;
    this.k = u.k;
    this.epochStart = u.epochStart;
    this.wEst = u.wEst;
    this.alpha = u.alpha;
    this.recoveryStartTime = -Infinity;
    this.recovering = false;
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

  /** The slow start threshold in bytes. */
  slowStartThreshold(): number {
    return this.ssthresh;
  }

  /** W_max in bytes, or undefined before any congestion event. */
  maxWindowBeforeReduction(): number | undefined {
    return this.wMax;
  }

  /** K in seconds for the current congestion avoidance epoch. */
  timeToOrigin(): number {
    return this.k;
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
