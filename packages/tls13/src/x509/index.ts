/**
 * X.509 for @qk/tls13: a strict DER codec, PEM, certificates, private and public keys, trust stores, chain
 * verification with RFC 9525 name matching, and certificate generation. Sans-io: `now` is an argument, signatures
 * and randomness come from the injected `CryptoProvider`. (Node's bundled roots live in `./node-roots.ts`, which
 * only `@qk/tls13/node` exports.)
 *
 * @packageDocumentation
 */
export {
  DerError, DerReader, DerTag, MAX_DER_DEPTH, decodeDer, decodeDerElement, derBitString, derBoolean, derBytes,
  derExplicit, derIa5String, derImplicit, derInteger, derNamedBits, derNull, derOctetString, derOid,
  derPrintableString, derRaw, derSequence, derSet, derTime, derUnsignedInteger, derUtf8String, encodeDer, sizeOfDer,
} from './der.js';
export type { BitString, DerElement, DerNode } from './der.js';
export { base64Decode, base64Encode, decodePem, encodePem } from './pem.js';
export type { PemBlock } from './pem.js';
export { AlgorithmOid, AttributeTypeOid, ExtKeyUsageOid, ExtensionOid } from './oids.js';
export type { ExtKeyUsageName } from './oids.js';
export type { DistinguishedName, NameAttribute } from './name.js';
export { KeyUsageBit } from './extensions.js';
export type { BasicConstraints, CertificateExtensions, GeneralName, KeyUsageName, RawExtension } from './extensions.js';
export {
  certificateFromPem, isSelfIssued, parseCertificate, parseCertificateChainPem, spkiSha256,
} from './certificate.js';
export type { Certificate } from './certificate.js';
export { parsePublicKey } from './public-key.js';
export { ecPrivateKey, ed25519PrivateKey, encodePrivateKeyPem, parsePrivateKey, rsaPrivateKey } from './private-key.js';
export type { RsaPrivateComponents } from './private-key.js';
export { formatIp, parseIp } from './ip.js';
export { dnsNameMatches, matchesServerName } from './hostname.js';
export { TrustStore } from './trust-store.js';
export { DEFAULT_MAX_DEPTH, verifyCertificateChain } from './verify.js';
export type { CertificatePurpose, VerifyOptions } from './verify.js';
export { generateCertificate, generatePrivateKey, generateSelfSignedForLocalhost } from './generate.js';
export type { GenerateCertificateOptions, GeneratedCertificate } from './generate.js';
