/**
 * The `@qk/tls13` names this package uses, in one place.
 *
 * @module
 */
export {
  CipherSuite, MemoryTicketStore, TicketKeyManager, TrustStore, cipherSuiteInfo, createClientSession,
  createServerSession, generateCertificate, namedGroupName, nobleProvider, parsePrivateKey, signatureSchemeName,
  trafficKeys,
} from '@qk/tls13';
export type {
  Certificate, CipherSuiteInfo, EncryptionLevel, GeneratedCertificate, NegotiatedParameters, SessionTicket,
  TlsClientConfig, TlsEvent, TlsServerConfig, TlsSession,
} from '@qk/tls13';
