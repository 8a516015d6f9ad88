/**
 * HyStart++ (RFC 9406): slow start that watches the per-round minimum RTT, switches to Conservative Slow Start
 * (CSS) when it rises, and leaves slow start after CSS_ROUNDS rounds of CSS without loss.
 *
 * Rounds are packet-timed as BBR counts them: a round ends when a packet sent after the round began is
 * acknowledged, i.e. when the acknowledged packet's P.delivered reaches the C.delivered recorded at the round's
 * start (RFC 9406 §4.2 marks the round end with SND.NXT; this is the same boundary in delivered bytes).
 *
 * @module
 */

/** Lower bound of the RTT increase threshold, ms (RFC 9406 §4.3). */
export const MIN_RTT_THRESH = 4;
/** Upper bound of the RTT increase threshold, ms. */
export const MAX_RTT_THRESH = 16;
/** The threshold is lastRoundMinRTT / MIN_RTT_DIVISOR, clamped to the bounds. */
export const MIN_RTT_DIVISOR = 8;
/** RTT samples needed in a round before deciding. */
export const N_RTT_SAMPLE = 8;
/** Window growth divisor in CSS. */
export const CSS_GROWTH_DIVISOR = 4;
/** Rounds of CSS before entering congestion avoidance. */
export const CSS_ROUNDS = 5;

/** Where HyStart++ stands. */
export type HyStartPhase = 'slowStart' | 'conservativeSlowStart' | 'done';

/** One ACK as HyStart++ sees it. */
export interface HyStartAck {
  /** P.delivered of the most recently sent packet acknowledged (RS.prior_delivered). */
  readonly priorDelivered: number;
  /** C.delivered after this ACK. */
  readonly totalDelivered: number;
  /** Bytes newly acknowledged (N). */
  readonly ackedBytes: number;
  /** The RTT sample of this ACK in ms, if it produced one (currRTT). */
  readonly rttSample: number | undefined;
}

/** What HyStart++ decides for one ACK. */
export interface HyStartDecision {
  /** Bytes to add to the congestion window. */
  readonly increase: number;
  /** CSS completed CSS_ROUNDS rounds: set ssthresh to cwnd and enter congestion avoidance. */
  readonly exitSlowStart: boolean;
}

/**
 * The HyStart++ state machine of one connection. The sender paces, so L (the per-ACK growth limit of
 * non-paced senders) is infinite.
 */
export class HyStartPlusPlus {
  /** The current phase. */
  phase: HyStartPhase = 'slowStart';
  /** lastRoundMinRTT (ms). */
  lastRoundMinRtt = Infinity;
  /** currentRoundMinRTT (ms). */
  currentRoundMinRtt = Infinity;
  /** rttSampleCount. */
  rttSampleCount = 0;
  /** cssBaselineMinRtt (ms). */
  cssBaselineMinRtt = Infinity;
  /** Rounds started while in CSS. */
  cssRounds = 0;
  private windowEnd = 0;
  private roundStarted = false;

  /** Processes one ACK received in slow start or CSS. */
  onAck(ack: HyStartAck): HyStartDecision {
    if (this.phase === 'done') return { increase: ack.ackedBytes, exitSlowStart: false };
    if (!this.roundStarted || ack.priorDelivered >= this.windowEnd) {
      // Start of a round.
      this.roundStarted = true;
      this.windowEnd = ack.totalDelivered;
      this.lastRoundMinRtt = this.currentRoundMinRtt;
      this.currentRoundMinRtt = Infinity;
      this.rttSampleCount = 0;
      if (this.phase === 'conservativeSlowStart') {
        this.cssRounds++;
        if (this.cssRounds >= CSS_ROUNDS) {
          this.phase = 'done';
          return { increase: 0, exitSlowStart: true };
        }
      }
    }
    if (ack.rttSample !== undefined) {
      if (ack.rttSample < this.currentRoundMinRtt) this.currentRoundMinRtt = ack.rttSample;
      this.rttSampleCount++;
    }
    if (this.phase === 'slowStart') {
      if (
        this.rttSampleCount >= N_RTT_SAMPLE &&
        this.currentRoundMinRtt !== Infinity &&
        this.lastRoundMinRtt !== Infinity
      ) {
        const rttThresh = Math.max(MIN_RTT_THRESH, Math.min(this.lastRoundMinRtt / MIN_RTT_DIVISOR, MAX_RTT_THRESH));
        if (this.currentRoundMinRtt >= this.lastRoundMinRtt + rttThresh) {
          this.cssBaselineMinRtt = this.currentRoundMinRtt;
          this.phase = 'conservativeSlowStart';
          this.cssRounds = 0;
        }
      }
      return { increase: ack.ackedBytes, exitSlowStart: false };
    }
    // Conservative Slow Start.
    if (this.rttSampleCount >= N_RTT_SAMPLE && this.currentRoundMinRtt < this.cssBaselineMinRtt) {
      // The RTT increase was spurious: resume slow start.
      this.cssBaselineMinRtt = Infinity;
      this.phase = 'slowStart';
    }
    return { increase: ack.ackedBytes / CSS_GROWTH_DIVISOR, exitSlowStart: false };
  }

  /** Loss or ECN-CE in slow start or CSS ends HyStart++ (the controller takes over with its own decrease). */
  onCongestion(): void {
    this.phase = 'done';
  }

  /** Re-arms HyStart++ for a new slow start (after persistent congestion). */
  restart(): void {
    this.phase = 'slowStart';
    this.lastRoundMinRtt = Infinity;
    this.currentRoundMinRtt = Infinity;
    this.rttSampleCount = 0;
    this.cssBaselineMinRtt = Infinity;
    this.cssRounds = 0;
    this.roundStarted = false;
  }
}
