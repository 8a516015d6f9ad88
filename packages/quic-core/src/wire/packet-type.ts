import type { LongPacketType } from '../versions.js';

/**
 * Every QUIC packet type by meaning: the four long-header types (RFC 9000 §17.2; their wire bits differ per
 * version, see `versions.ts`), the short-header 1-RTT packet (§17.3.1) and Version Negotiation (§17.2.1).
 */
export type PacketType = LongPacketType | 'oneRtt' | 'versionNegotiation';

/** The packet types that carry frames, the columns of RFC 9000 Table 3: Initial, Handshake, 0-RTT, 1-RTT. */
export type FramePacketType = 'initial' | 'handshake' | 'zeroRtt' | 'oneRtt';
