/**
 * The public API of the @qk/tls13 handshake engine: client and server sessions (sans-io, QUIC or TLS mode), their
 * configuration, events and negotiated parameters, resumption (ticket store, ticket keys, anti-replay), the key
 * log format, the TLS code point registries and the handshake message codecs.
 *
 * @module
 */
export { createClientSession } from './client.js';
export type { ClientSession } from './client.js';
export { createServerSession } from './server.js';
export type { ServerSession } from './server.js';
export type {
  CertificateVerifier,
  CertificateVerifyInfo,
  ClientCertificateMode,
  TlsClientConfig,
  TlsCommonConfig,
  TlsMode,
  TlsServerConfig,
} from './config.js';
export type {
  EarlyDataStatus,
  EncryptionLevel,
  NegotiatedParameters,
  SessionTicket,
  TlsEvent,
  TlsOutput,
  TlsRole,
  TlsSession,
} from './types.js';
export {
  MemoryTicketStore,
  StrikeRegister,
  TicketKeyManager,
  isTicketExpired,
} from './tickets.js';
export type { AntiReplay, TicketKey, TicketSealer, TicketStore } from './tickets.js';
export { certificateVerifyContent } from './signature.js';
export { KeyLogLabel, formatKeyLogLine, parseKeyLogLine } from '../keylog.js';
export type { KeyLogEntry, KeyLogLabelName } from '../keylog.js';
export {
  DOWNGRADE_TLS11,
  DOWNGRADE_TLS12,
  ExtensionType,
  HELLO_RETRY_REQUEST_RANDOM,
  HandshakeType,
  KeyUpdateRequest,
  LEGACY_VERSION,
  NamedGroup,
  PskKeyExchangeMode,
  SignatureScheme,
  TLS13_VERSION,
  defaultCertificateSignatureSchemes,
  defaultSignatureSchemes,
  extensionContexts,
  extensionTypeName,
  handshakeTypeName,
  keyExchangeGroupOf,
  namedGroupName,
  namedGroupOf,
  pskKeyExchangeModeName,
  signatureSchemeInfo,
  signatureSchemeName,
} from '../registry.js';
export type {
  ExtensionContext,
  ExtensionTypeName,
  HandshakeTypeName,
  NamedGroupName,
  PskKeyExchangeModeName,
  SignatureSchemeInfo,
  SignatureSchemeName,
} from '../registry.js';
export {
  HandshakeAssembler,
  decodeHandshakeBody,
  decodeHandshakeMessage,
  defaultHandshakeLimits,
  encodeHandshakeMessage,
  handshakeTypeOf,
  sizeOfHandshakeMessage,
} from '../messages/handshake.js';
export type { HandshakeLimits, HandshakeMessage, RawHandshakeMessage } from '../messages/handshake.js';
export {
  decodeExtensions,
  encodeExtension,
  encodeExtensions,
  encodePskBinders,
  extensionTypeOf,
  findExtension,
  sizeOfExtension,
  sizeOfExtensions,
  sizeOfPskBinders,
} from '../messages/extensions.js';
export type { Extension, ExtensionKind, ExtensionOf, KeyShareEntry, PskIdentity } from '../messages/extensions.js';
export {
  decodeClientHello,
  decodeServerHello,
  encodeClientHello,
  encodeServerHello,
  sizeOfClientHello,
  sizeOfServerHello,
} from '../messages/hello.js';
export type { ClientHello, HelloRetryRequest, ServerHello } from '../messages/hello.js';
export {
  decodeCertificate,
  decodeCertificateRequest,
  decodeCertificateVerify,
  decodeEncryptedExtensions,
  decodeEndOfEarlyData,
  decodeFinished,
  encodeCertificate,
  encodeCertificateRequest,
  encodeCertificateVerify,
  encodeEncryptedExtensions,
  encodeEndOfEarlyData,
  encodeFinished,
  sizeOfCertificate,
  sizeOfCertificateRequest,
  sizeOfCertificateVerify,
  sizeOfEncryptedExtensions,
  sizeOfEndOfEarlyData,
  sizeOfFinished,
} from '../messages/authentication.js';
export type {
  Certificate as CertificateMessage,
  CertificateEntry,
  CertificateRequest,
  CertificateVerify,
  EncryptedExtensions,
  EndOfEarlyData,
  Finished,
} from '../messages/authentication.js';
export {
  decodeKeyUpdate,
  decodeNewSessionTicket,
  encodeKeyUpdate,
  encodeNewSessionTicket,
  sizeOfKeyUpdate,
  sizeOfNewSessionTicket,
} from '../messages/post-handshake.js';
export type { KeyUpdate, NewSessionTicket } from '../messages/post-handshake.js';
