/**
 * @qk/tls13: a sans-io TLS 1.3 handshake engine in QUIC mode (RFC 8446, RFC 9001 §4).
 *
 * @packageDocumentation
 */
export { AlertDescription, TlsAlert, alertName } from './errors.js';
export type { AlertName } from './errors.js';
export type {
  Aead, AeadAlgorithm, CryptoProvider, HashAlgorithm, HeaderProtection, KeyExchangeGroup, KeyShare, SignatureAlgorithm,
} from './crypto/provider.js';
export type { EcCurve, PrivateKey, PublicKey } from './crypto/keys.js';
export {
  CipherSuite, KeySchedule, X25519MLKEM768, cipherSuiteInfo, createNobleProvider, deriveSecret, encodeHkdfLabel,
  exportKeyingMaterial, finishedKey, finishedVerifyData, hkdfExpandLabel, nextApplicationSecret, nobleProvider,
  resumptionPsk, supportedCipherSuites, trafficKeys,
} from './crypto/index.js';
export type {
  CipherSuiteCode, CipherSuiteInfo, CipherSuiteName, NobleProviderOptions, PskKind, RandomSource, TrafficKeys,
} from './crypto/index.js';
export {
  TrustStore, certificateFromPem, decodePem, encodePem, encodePrivateKeyPem, generateCertificate,
  generateSelfSignedForLocalhost, parseCertificate, parseCertificateChainPem, parsePrivateKey, parsePublicKey,
  spkiSha256, verifyCertificateChain,
} from './x509/index.js';
export type {
  Certificate, CertificatePurpose, DistinguishedName, GenerateCertificateOptions, GeneratedCertificate, PemBlock,
  VerifyOptions,
} from './x509/index.js';
export {
  ExtensionType, HandshakeType, KeyLogLabel, MemoryTicketStore, NamedGroup, PskKeyExchangeMode, SignatureScheme,
  StrikeRegister, TLS13_VERSION, TicketKeyManager, createClientSession, createServerSession, formatKeyLogLine,
  isTicketExpired, keyExchangeGroupOf, namedGroupName, namedGroupOf, parseKeyLogLine, signatureSchemeInfo,
  signatureSchemeName,
} from './handshake/index.js';
export type {
  AntiReplay, CertificateVerifier, CertificateVerifyInfo, ClientCertificateMode, ClientSession, EarlyDataStatus,
  EncryptionLevel, KeyLogEntry, KeyLogLabelName, NamedGroupName, NegotiatedParameters, ServerSession, SessionTicket,
  SignatureSchemeInfo, SignatureSchemeName, TicketKey, TicketSealer, TicketStore, TlsClientConfig, TlsCommonConfig,
  TlsEvent, TlsMode, TlsOutput, TlsRole, TlsServerConfig, TlsSession,
} from './handshake/index.js';
