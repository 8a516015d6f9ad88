/**
 * @qk/quic-core: a sans-io QUIC transport (RFC 9000, 9001, 9002, 9221, 9369).
 *
 * @packageDocumentation
 */
export { QuicVersion, isReservedVersion, isSupportedVersion, longPacketTypeFromBits, versionParameters } from './versions.js';
export type { LongPacketType, SupportedVersion, VersionParameters } from './versions.js';
