/**
 * Sans-io endpoint helpers for the I/O layer's router (DESIGN.md §2, §3): classify a datagram, build Version
 * Negotiation, Retry and stateless resets, validate address tokens, rate-limit resets, generate connection IDs.
 *
 * | file                      | role                                                       | RFC                          |
 * | ------------------------- | ---------------------------------------------------------- | ---------------------------- |
 * | `cid.ts`                  | `ConnectionIdGenerator`, random and QUIC-LB generators     | 9000 §5.1, QUIC-LB draft-21  |
 * | `decide.ts`               | `classifyDatagram`: route, accept, VN, reset, or drop      | 9000 §5.2, §6.1, §10.3, §14.1|
 * | `version-negotiation.ts`  | `buildVersionNegotiation` with a greased version           | 9000 §6, §17.2.1, 8999 §6    |
 * | `retry.ts`                | `RetryPolicy`: build Retry, check Retry/NEW_TOKEN tokens   | 9000 §8.1, §17.2.5; 9001 §5.8|
 * | `stateless-reset.ts`      | `buildStatelessReset`, `StatelessResetLimiter`, detection  | 9000 §10.3                   |
 *
 * @packageDocumentation
 */
export {
  DEFAULT_CID_LENGTH,
  MAX_GENERATED_CID_LENGTH,
  MIN_GENERATED_CID_LENGTH,
  QUIC_LB_MIN_NONCE_LENGTH,
  QUIC_LB_UNROUTABLE_CONFIG_ROTATION,
  QuicLbConnectionIdGenerator,
  RandomConnectionIdGenerator,
  quicLbCidLength,
  quicLbServerId,
} from './cid.js';
export type { ConnectionIdGenerator, QuicLbConfig } from './cid.js';
export { MIN_INITIAL_DCID_LENGTH, MIN_STATELESS_RESET_LENGTH, classifyDatagram } from './decide.js';
export type { ClassifyOptions, DatagramClassification, RouteDropReason } from './decide.js';
export { DEFAULT_OFFERED_VERSIONS, buildVersionNegotiation, greaseVersion } from './version-negotiation.js';
export type { VersionNegotiationOptions } from './version-negotiation.js';
export { DEFAULT_NEW_TOKEN_LIFETIME_MS, DEFAULT_RETRY_TOKEN_LIFETIME_MS, RetryPolicy } from './retry.js';
export type {
  BuiltRetry, InitialSummary, InitialTokenCheck, RetryDecision, RetryPolicyOptions, RetryTokenRejection,
} from './retry.js';
export {
  DEFAULT_MAX_STATELESS_RESET_LENGTH,
  MIN_UNIDENTIFIABLE_RESET_LENGTH,
  STATELESS_RESET_EXACT_THRESHOLD,
  StatelessResetLimiter,
  buildStatelessReset,
  isStatelessReset,
  statelessResetLength,
} from './stateless-reset.js';
export type { StatelessResetLimiterOptions, TokenBucketSettings } from './stateless-reset.js';
