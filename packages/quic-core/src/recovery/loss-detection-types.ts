/**
 * The options and results of `LossDetection`: what the connection passes in and gets back.
 *
 * @module
 */
import type { CongestionController, CongestionControllerName } from './congestion/controller.js';
import type { DeliveryRateEstimator } from './congestion/delivery-rate.js';
import type { AckProtocolViolation, PacketNumberSpace, SentPacket } from './types.js';

/** Options of {@link LossDetection}. */
export interface LossDetectionOptions {
  /** Whether this endpoint is the server (servers assume the client validated their address). */
  readonly isServer: boolean;
  /** The sender's maximum datagram size in bytes (for the congestion controller and pacing fallback). */
  readonly maxDatagramSize: number;
  /** The congestion controller, or the name of one to create (default `'cubic'`). */
  readonly congestionControl?: CongestionController | CongestionControllerName;
  /** The delivery-rate estimator shared with the controller (created if absent). */
  readonly deliveryRate?: DeliveryRateEstimator;
  /** The RTT assumed before the first sample, in ms (default kInitialRtt, 333). */
  readonly initialRtt?: number;
  /** The peer's max_ack_delay in ms (default 25 until its transport parameters arrive). */
  readonly maxAckDelay?: number;
  /** Initial window in packets, when creating the controller by name. */
  readonly initialWindowPackets?: number;
  /** Uniform random numbers in [0, 1), when creating the controller by name (BBR uses them). */
  readonly random?: () => number;
  /** How many deliberately skipped packet numbers to remember per space (default 16). */
  readonly maxSkippedPacketNumbers?: number;
  /** How many ACK-only (not in flight) packets to track per space before forgetting the oldest (default 1024). */
  readonly maxAckOnlyPackets?: number;
}

/** ECN counts from an ACK_ECN frame (RFC 9000 §19.3.2). */
export interface AckEcnCounts {
  readonly ect0: number;
  readonly ect1: number;
  readonly ce: number;
}

/** The result of a valid ACK frame. */
export interface AckProcessed<T> {
  readonly kind: 'processed';
  /** Packets newly acknowledged, in increasing packet number order. */
  readonly acked: readonly SentPacket<T>[];
  /** Packets of this space newly declared lost, in increasing packet number order. */
  readonly lost: readonly SentPacket<T>[];
  /** Packets declared lost earlier that this ACK acknowledges after all (their payloads were delivered). */
  readonly spuriouslyLost: readonly SentPacket<T>[];
  /** Whether an RTT sample was taken (RFC 9002 §5.1). */
  readonly rttSampled: boolean;
  /** Whether the losses established persistent congestion (RFC 9002 §7.6). */
  readonly persistentCongestion: boolean;
  /** Whether the peer-reported ECN-CE count increased (a congestion event, RFC 9002 §7.1). */
  readonly ecnCongestion: boolean;
}

/** What {@link LossDetection.onAckReceived} returns. */
export type AckOutcome<T> = AckProcessed<T> | AckProtocolViolation;

/** What {@link LossDetection.onLossDetectionTimeout} tells the connection to do. */
export type LossDetectionTimeout<T> =
  | {
      /** The timer was not due (or not armed): nothing to do. */
      readonly kind: 'none';
    }
  | {
      /** Time-threshold loss detection declared packets lost: retransmit their contents. */
      readonly kind: 'packetsLost';
      readonly space: PacketNumberSpace;
      readonly lost: readonly SentPacket<T>[];
      readonly persistentCongestion: boolean;
    }
  | {
      /**
       * The probe timeout expired: send `probePackets` ack-eliciting packets in `space` (new data if any, else
       * retransmitted data, else PING), regardless of the congestion window. `antiDeadlock` means the client is
       * unblocking a server limited by anti-amplification (RFC 9002 §6.2.2.1): a Handshake packet, or an Initial
       * in a datagram padded to 1200 bytes. `alsoProbe` lists other spaces with ack-eliciting data in flight
       * that SHOULD get a probe too, coalesced if possible (§6.2.4).
       */
      readonly kind: 'ptoExpired';
      readonly space: PacketNumberSpace;
      readonly probePackets: 1 | 2;
      readonly antiDeadlock: boolean;
      readonly alsoProbe: readonly PacketNumberSpace[];
    };

/** Counters for `stats()` and qlog. */
export interface LossDetectionStats {
  /** Packets declared lost (in flight or not). */
  packetsLost: number;
  /** Bytes of in-flight packets declared lost. */
  bytesLost: number;
  /** Packets declared lost that were acknowledged later. */
  spuriousLosses: number;
  /** Congestion events signalled to the controller (loss or ECN). */
  congestionEvents: number;
  /** Times persistent congestion was established. */
  persistentCongestionEvents: number;
  /** Probe timeouts that expired. */
  ptoExpirations: number;
}
