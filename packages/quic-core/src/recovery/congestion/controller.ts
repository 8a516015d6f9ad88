/**
 * The one small interface every congestion control algorithm implements, and the data recovery hands it.
 *
 * Loss detection ({@link LossDetection}) owns bytes in flight, the RTT estimator and the delivery-rate estimator,
 * and drives a controller through these hooks, in the order RFC 9002 Appendix A does: on each ACK first the
 * congestion event (if packets were lost or the ECN-CE count rose), then the acknowledged packets.
 *
 * @module
 */
import type { RttView } from '../rtt.js';
import type { RateSample } from './delivery-rate.js';

/** The registered algorithm names, for {@link createCongestionController} and qlog. */
export const CongestionControllerName = {
  /** NewReno as RFC 9002 §7 and Appendix B specify it. */
  newReno: 'new_reno',
  /** CUBIC (RFC 9438) with HyStart++ (RFC 9406) in slow start. */
  cubic: 'cubic',
  /** BBRv3 (draft-ietf-ccwg-bbr). */
  bbr: 'bbr',
} as const;

/** One of the registered algorithm names. */
export type CongestionControllerName = (typeof CongestionControllerName)[keyof typeof CongestionControllerName];

/** What a controller sees of an in-flight packet that was newly acknowledged. */
export interface AckedPacketInfo {
  /** The packet number (within its space; spaces share one controller). */
  readonly packetNumber: number;
  /** When the packet was sent (ms). */
  readonly timeSent: number;
  /** Bytes the packet counted toward bytes in flight. */
  readonly size: number;
  /** C.delivered when the packet was sent (delivery-rate P.delivered), which marks packet-timed rounds. */
  readonly delivered: number;
  /** Bytes in flight just after the packet was sent (P.tx_in_flight). */
  readonly txInFlight: number;
  /** Whether the packet was sent while application-limited (P.is_app_limited). */
  readonly isAppLimited: boolean;
}

/** What a controller sees of an in-flight packet declared lost. */
export interface LostPacketInfo {
  /** The packet number (within its space). */
  readonly packetNumber: number;
  /** When the packet was sent (ms). */
  readonly timeSent: number;
  /** Bytes the packet counted toward bytes in flight. */
  readonly size: number;
  /** Bytes in flight just after the packet was sent (P.tx_in_flight). */
  readonly txInFlight: number;
  /** C.lost when the packet was sent (P.lost). */
  readonly lost: number;
  /** C.lost just after this packet was counted lost, so `lostAtDetection - lost` is RS.lost for it. */
  readonly lostAtDetection: number;
  /** Whether the packet was sent while application-limited (P.is_app_limited). */
  readonly isAppLimited: boolean;
}

/** Everything a controller learns from one ACK frame that newly acknowledged in-flight packets. */
export interface AckEvent {
  /** The newly acknowledged in-flight packets, in increasing packet number order. */
  readonly acked: readonly AckedPacketInfo[];
  /** Sum of their sizes (RS.newly_acked). */
  readonly ackedBytes: number;
  /** Bytes in flight before this ACK was processed. */
  readonly priorBytesInFlight: number;
  /** Bytes in flight after removing the acknowledged and lost packets. */
  readonly bytesInFlight: number;
  /** The RTT estimate, already updated with this ACK's sample if it produced one. */
  readonly rtt: RttView;
  /** Whether this ACK produced an RTT sample (RFC 9002 §5.1); then `rtt.latestRtt` is it. */
  readonly rttSampled: boolean;
  /** The delivery-rate sample of this ACK. */
  readonly rateSample: RateSample;
}

/** A congestion signal: in-flight packets declared lost, or an increase of the peer-reported ECN-CE count. */
export interface CongestionEvent {
  /** What signalled congestion. */
  readonly cause: 'loss' | 'ecn';
  /** The send time of the most recently sent lost packet (or of the largest acknowledged one for ECN). */
  readonly sentTime: number;
  /** Whether the losses establish persistent congestion (RFC 9002 §7.6). */
  readonly persistentCongestion: boolean;
  /** The lost in-flight packets, in increasing send order (empty for ECN). */
  readonly lost: readonly LostPacketInfo[];
  /** Sum of the lost packets' sizes. */
  readonly lostBytes: number;
  /** Bytes in flight after removing the lost (and, on an ACK, the acknowledged) packets. */
  readonly bytesInFlight: number;
  /** The current RTT estimate. */
  readonly rtt: RttView;
}

/** What a controller learns at each send of an in-flight packet. */
export interface SentEvent {
  /** Size of the packet just sent. */
  readonly size: number;
  /** Bytes in flight including this packet. */
  readonly bytesInFlight: number;
  /** Whether the delivery-rate estimator considers the connection application-limited. */
  readonly isAppLimited: boolean;
}

/**
 * A congestion control algorithm. Every hook takes `now` (ms); none may look at a clock.
 *
 * @example
 * ```ts
 * const cc = createCongestionController('cubic', { maxDatagramSize: 1200 });
 * if (bytesInFlight + size <= cc.window()) send();
 * ```
 */
export interface CongestionController {
  /** The algorithm's registered name. */
  readonly name: CongestionControllerName;
  /** An in-flight packet was sent (RFC 9002 Appendix B.4 `OnPacketSentCC`). */
  onPacketSent(now: number, sent: SentEvent): void;
  /** In-flight packets were newly acknowledged (Appendix B.5 `OnPacketsAcked`). */
  onPacketsAcked(now: number, ack: AckEvent): void;
  /** Loss or ECN-CE signalled congestion (Appendix B.6 `OnCongestionEvent`, B.8 persistent congestion). */
  onCongestionEvent(now: number, event: CongestionEvent): void;
  /** Every packet declared lost in the latest congestion event was acknowledged after all: undo if supported. */
  onSpuriousCongestionEvent?(now: number): void;
  /** The maximum datagram size changed (PMTU discovery, RFC 9002 §7.2). */
  onMaxDatagramSizeChanged?(maxDatagramSize: number): void;
  /** The congestion window in bytes: bytes in flight may not exceed it except for probes. */
  window(): number;
  /** Whether the algorithm is in slow start (or BBR Startup). */
  inSlowStart(): boolean;
  /** Whether the algorithm is in a recovery period. */
  inRecovery(): boolean;
  /**
   * The pacing rate in bytes per ms, or `undefined` to let the pacer use `1.25 * window / smoothed_rtt`
   * (RFC 9002 §7.7).
   */
  pacingRate(rtt: RttView): number | undefined;
}

/** Options shared by every algorithm's factory. */
export interface CongestionControllerOptions {
  /** The sender's maximum datagram size in bytes (max_datagram_size); at least 1200. */
  readonly maxDatagramSize: number;
  /** The initial window in packets; the default follows RFC 9002 §7.2: min(10, max(14720 / mds, 2)). */
  readonly initialWindowPackets?: number;
  /**
   * A uniform random number in [0, 1), for algorithms that randomise (BBR's probe timing). Wire it to the
   * connection's `CryptoProvider.random`; the default is a fixed-seed generator, deterministic but fine.
   */
  readonly random?: () => number;
}

/**
 * The initial window of RFC 9002 §7.2: `min(10 * mds, max(14720, 2 * mds))`, or `packets * mds` if given.
 */
export function initialWindow(maxDatagramSize: number, initialWindowPackets?: number): number {
  if (initialWindowPackets !== undefined) return initialWindowPackets * maxDatagramSize;
  return Math.min(10 * maxDatagramSize, Math.max(14720, 2 * maxDatagramSize));
}

/** The minimum window of RFC 9002 §7.2 (kMinimumWindow): two datagrams. */
export function minimumWindow(maxDatagramSize: number): number {
  return 2 * maxDatagramSize;
}

/** Validates the common options, throwing a `RangeError` naming the bad one. */
export function checkControllerOptions(options: CongestionControllerOptions): void {
  const mds = options.maxDatagramSize;
  if (!Number.isInteger(mds) || mds < 1200 || mds > 65527) {
    throw new RangeError(`maxDatagramSize must be an integer in 1200..65527, got ${mds}`);
  }
  const iw = options.initialWindowPackets;
  if (iw !== undefined && (!Number.isInteger(iw) || iw < 2 || iw > 1000)) {
    throw new RangeError(`initialWindowPackets must be an integer in 2..1000, got ${iw}`);
  }
}
