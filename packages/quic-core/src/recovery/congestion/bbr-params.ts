/**
 * The constants and state names of BBRv3 (draft-ietf-ccwg-bbr-04 §2), by their draft names.
 *
 * @module
 */

/** The BBR states (draft-ietf-ccwg-bbr §5.1.1). */
export const BbrState = {
  /** Exponential search for the bottleneck bandwidth (pacing gain 2.77). */
  Startup: 'Startup',
  /** Drains the queue Startup built (pacing gain 0.35). */
  Drain: 'Drain',
  /** ProbeBW deceleration: sends at 90% of bw to leave headroom. */
  ProbeBW_DOWN: 'ProbeBW_DOWN',
  /** ProbeBW cruising at bw, reacting to loss through the short-term model. */
  ProbeBW_CRUISE: 'ProbeBW_CRUISE',
  /** ProbeBW refill: one round at bw with the short-term model reset. */
  ProbeBW_REFILL: 'ProbeBW_REFILL',
  /** ProbeBW acceleration: sends at 125% of bw to probe for more. */
  ProbeBW_UP: 'ProbeBW_UP',
  /** Halves the window for at least 200 ms and a round to measure min_rtt. */
  ProbeRTT: 'ProbeRTT',
} as const;

/** One of the BBR states. */
export type BbrState = (typeof BbrState)[keyof typeof BbrState];

/** BBR.ack_phase values. */
export type AckPhase = 'ACKS_INIT' | 'ACKS_REFILLING' | 'ACKS_PROBE_STARTING' | 'ACKS_PROBE_FEEDBACK' | 'ACKS_PROBE_STOPPING';

/** BBR.StartupPacingGain: 4 * ln(2), doubling the sending rate each round. */
export const StartupPacingGain = 4 * Math.LN2;
/** BBR.DrainPacingGain. */
export const DrainPacingGain = 0.35;
/** BBR.DefaultCwndGain. */
export const DefaultCwndGain = 2;
/** BBR.PacingMarginPercent. */
export const PacingMarginPercent = 1;
/** BBR.LossThresh: the tolerated per-round loss rate while probing. */
export const LossThresh = 0.02;
/** BBR.Beta: the multiplicative decrease on loss. */
export const Beta = 0.7;
/** BBR.Headroom: the share of inflight_longterm left free for other flows. */
export const Headroom = 0.15;
/** BBR.MaxBwFilterLen, in ProbeBW cycles. */
export const MaxBwFilterLen = 2;
/** BBR.ExtraAckedFilterLen, in round trips. */
export const ExtraAckedFilterLen = 10;
/** BBR.MinRTTFilterLen, ms. */
export const MinRTTFilterLen = 10_000;
/** BBR.ProbeRTTCwndGain. */
export const ProbeRTTCwndGain = 0.5;
/** BBR.ProbeRTTDuration, ms. */
export const ProbeRTTDuration = 200;
/** BBR.ProbeRTTInterval, ms. */
export const ProbeRTTInterval = 5_000;
/** Discontiguous lost ranges in a round needed to leave Startup on loss (BBRStartupFullLossCnt). */
export const StartupFullLossCnt = 6;

/** A fixed-seed xorshift32 generator, used when no random source is injected (deterministic, not secret). */
export function defaultRandom(): () => number {
  let x = 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}
