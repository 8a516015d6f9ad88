/**
 * Recovery: RTT estimation, loss detection and probe timeouts (RFC 9002), ACK generation (RFC 9000 §13.2),
 * congestion control (NewReno, CUBIC with HyStart++, BBRv3), delivery-rate sampling and pacing.
 *
 * @module
 */
export {
  PACKET_NUMBER_SPACES,
  PROTOCOL_VIOLATION,
  kDefaultMaxAckDelay,
  kGranularity,
  kInitialRtt,
  kPacketThreshold,
  kPersistentCongestionThreshold,
  kTimeThreshold,
} from './types.js';
export type {
  AckProtocolViolation,
  DeliveryRateFields,
  PacketNumberSpace,
  SentPacket,
  SentPacketInit,
} from './types.js';
export { RttEstimator } from './rtt.js';
export type { RttView } from './rtt.js';
export { LossDetection } from './loss-detection.js';
export type {
  AckEcnCounts,
  AckOutcome,
  AckProcessed,
  LossDetectionOptions,
  LossDetectionStats,
  LossDetectionTimeout,
} from './loss-detection-types.js';
export { ReceivedPacketTracker, decodeAckDelay, encodeAckDelay } from './ack-tracker.js';
export type { AckFrameContent, EcnCodepoint, ReceivedPacketTrackerOptions } from './ack-tracker.js';
export { Pacer } from './pacer.js';
export type { PacerOptions } from './pacer.js';
export {
  CongestionControllerName,
  initialWindow,
  minimumWindow,
} from './congestion/controller.js';
export type {
  AckEvent,
  AckedPacketInfo,
  CongestionController,
  CongestionControllerOptions,
  CongestionEvent,
  LostPacketInfo,
  SentEvent,
} from './congestion/controller.js';
export { createCongestionController } from './congestion/create.js';
export type { CreateCongestionControllerOptions } from './congestion/create.js';
export { DeliveryRateEstimator } from './congestion/delivery-rate.js';
export type { RateSample } from './congestion/delivery-rate.js';
export { NewReno, kLossReductionFactor } from './congestion/new-reno.js';
export { Cubic, CUBIC_ALPHA, CUBIC_BETA, CUBIC_C } from './congestion/cubic.js';
export type { CubicOptions } from './congestion/cubic.js';
export { HyStartPlusPlus } from './congestion/hystart.js';
export type { HyStartAck, HyStartDecision, HyStartPhase } from './congestion/hystart.js';
export { Bbr, BbrState } from './congestion/bbr.js';
export type { BbrOptions } from './congestion/bbr.js';
