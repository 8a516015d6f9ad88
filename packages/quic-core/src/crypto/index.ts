/**
 * QUIC packet protection (RFC 9001 §5, §6; RFC 9369 §3.3): Initial secrets, packet keys and key update,
 * packet and header protection, the Retry Integrity Tag, stateless reset and address validation tokens, and
 * AEAD usage limits.
 *
 * @module
 */
export { INITIAL_CIPHER_SUITE, initialKeys, initialSecrets } from './initial.js';
export type { InitialKeys, InitialSecrets } from './initial.js';
export {
  derivePacketKeyMaterial, derivePacketKeys, nextGenerationKeys, nextGenerationSecret, requireVersionParameters,
} from './keys.js';
export type { KeyGeneration, PacketKeyMaterial, PacketKeys } from './keys.js';
export {
  HEADER_PROTECTION_SAMPLE_LENGTH, SAMPLE_OFFSET_FROM_PN, decryptPayload, packetNonce, protectPacket,
  removeHeaderProtection, restoreHeaderProtection, unprotectPacket,
} from './protection.js';
export type { UnmaskedHeader, UnprotectedPacket } from './protection.js';
export { RETRY_INTEGRITY_TAG_LENGTH, retryIntegrityTag, sealRetryPacket, verifyRetryIntegrity } from './retry.js';
export {
  STATELESS_RESET_TOKEN_LENGTH, addressTokenKey, sealNewToken, sealRetryToken, statelessResetToken, validateToken,
} from './tokens.js';
export type {
  AddressToken, AddressTokenKey, NewToken, RetryToken, TokenAddress, TokenMaxAge, TokenRejection, TokenValidation,
} from './tokens.js';
export { AeadLimits, aeadLimits } from './limits.js';
export type { AeadLimit } from './limits.js';
