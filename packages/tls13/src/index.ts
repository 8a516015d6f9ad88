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
