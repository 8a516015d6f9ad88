/**
 * TLS 1.3 code points (RFC 8446 §4 and §B.3, the IANA "TLS" registries, RFC 9001 §8.2), as `as const` tables
 * keyed by their RFC names, each with a name lookup. Also the rules the RFC tables state about them: which
 * messages may carry which extension (RFC 8446 §4.2) and what each SignatureScheme means for keys.
 *
 * @module
 */
import type { KeyExchangeGroup, SignatureAlgorithm } from './crypto/provider.js';

/** The TLS 1.3 protocol version (RFC 8446 §4.2.1). */
export const TLS13_VERSION = 0x0304;

/** `legacy_version` of ClientHello and ServerHello: TLS 1.2 (RFC 8446 §4.1.2). */
export const LEGACY_VERSION = 0x0303;

function nameLookup<T extends Record<string, number>>(table: T): (code: number) => string | undefined {
  const byCode = new Map<number, string>();
  for (const [name, code] of Object.entries(table)) if (!byCode.has(code)) byCode.set(code, name);
  return (code) => byCode.get(code);
}

/** HandshakeType (RFC 8446 §4, IANA "TLS HandshakeType"). `message_hash` is the synthetic HRR message (§4.4.1). */
export const HandshakeType = {
  client_hello: 1,
  server_hello: 2,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  certificate_request: 13,
  certificate_verify: 15,
  finished: 20,
  key_update: 24,
  message_hash: 254,
} as const;

/** A HandshakeType's RFC name. */
export type HandshakeTypeName = keyof typeof HandshakeType;

const handshakeTypeNames = nameLookup(HandshakeType);

/** The RFC name of handshake type `code`, or `handshake_<code>` for an unknown one. */
export function handshakeTypeName(code: number): string {
  return handshakeTypeNames(code) ?? `handshake_${code}`;
}

/**
 * ExtensionType (RFC 8446 §4.2, IANA "TLS ExtensionType Values"). Besides the TLS 1.3 set it names the extensions
 * other stacks commonly send, so logs and errors read well; qk parses only those it implements.
 */
export const ExtensionType = {
  server_name: 0,
  max_fragment_length: 1,
  status_request: 5,
  supported_groups: 10,
  ec_point_formats: 11,
  signature_algorithms: 13,
  use_srtp: 14,
  heartbeat: 15,
  application_layer_protocol_negotiation: 16,
  signed_certificate_timestamp: 18,
  client_certificate_type: 19,
  server_certificate_type: 20,
  padding: 21,
  encrypt_then_mac: 22,
  extended_master_secret: 23,
  compress_certificate: 27,
  record_size_limit: 28,
  session_ticket: 35,
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  cookie: 44,
  psk_key_exchange_modes: 45,
  certificate_authorities: 47,
  oid_filters: 48,
  post_handshake_auth: 49,
  signature_algorithms_cert: 50,
  key_share: 51,
  quic_transport_parameters: 57,
  renegotiation_info: 0xff01,
} as const;

/** An ExtensionType's RFC name. */
export type ExtensionTypeName = keyof typeof ExtensionType;

const extensionTypeNames = nameLookup(ExtensionType);

/** The RFC name of extension `code`, or `extension_<code>` for an unknown one. */
export function extensionTypeName(code: number): string {
  return extensionTypeNames(code) ?? `extension_${code}`;
}

/**
 * The messages an extension may appear in, as RFC 8446 §4.2's table abbreviates them (plus
 * `quic_transport_parameters`, RFC 9001 §8.2): CH ClientHello, SH ServerHello, HRR HelloRetryRequest,
 * EE EncryptedExtensions, CT Certificate, CR CertificateRequest, NST NewSessionTicket.
 */
export type ExtensionContext = 'CH' | 'SH' | 'HRR' | 'EE' | 'CT' | 'CR' | 'NST';

/**
 * RFC 8446 §4.2's table: for each extension TLS 1.3 defines or names, the messages it may appear in. An extension
 * listed here that appears in any other message is `illegal_parameter` (§4.2). Extensions missing from this table
 * are unknown to TLS 1.3's rules (e.g. TLS 1.2-only ones) and handled by each message's policy.
 */
export const extensionContexts: ReadonlyMap<number, ReadonlySet<ExtensionContext>> = new Map<
  number,
  ReadonlySet<ExtensionContext>
>([
  [ExtensionType.server_name, new Set(['CH', 'EE'])],
  [ExtensionType.max_fragment_length, new Set(['CH', 'EE'])],
  [ExtensionType.status_request, new Set(['CH', 'CR', 'CT'])],
  [ExtensionType.supported_groups, new Set(['CH', 'EE'])],
  [ExtensionType.signature_algorithms, new Set(['CH', 'CR'])],
  [ExtensionType.use_srtp, new Set(['CH', 'EE'])],
  [ExtensionType.heartbeat, new Set(['CH', 'EE'])],
  [ExtensionType.application_layer_protocol_negotiation, new Set(['CH', 'EE'])],
  [ExtensionType.signed_certificate_timestamp, new Set(['CH', 'CR', 'CT'])],
  [ExtensionType.client_certificate_type, new Set(['CH', 'EE'])],
  [ExtensionType.server_certificate_type, new Set(['CH', 'EE'])],
  [ExtensionType.padding, new Set(['CH'])],
  [ExtensionType.key_share, new Set(['CH', 'SH', 'HRR'])],
  [ExtensionType.pre_shared_key, new Set(['CH', 'SH'])],
  [ExtensionType.psk_key_exchange_modes, new Set(['CH'])],
  [ExtensionType.early_data, new Set(['CH', 'EE', 'NST'])],
  [ExtensionType.cookie, new Set(['CH', 'HRR'])],
  [ExtensionType.supported_versions, new Set(['CH', 'SH', 'HRR'])],
  [ExtensionType.certificate_authorities, new Set(['CH', 'CR'])],
  [ExtensionType.oid_filters, new Set(['CR'])],
  [ExtensionType.post_handshake_auth, new Set(['CH'])],
  [ExtensionType.signature_algorithms_cert, new Set(['CH', 'CR'])],
  [ExtensionType.quic_transport_parameters, new Set(['CH', 'EE'])],
]);

/** NamedGroup (RFC 8446 §4.2.7, IANA "TLS Supported Groups"; X25519MLKEM768 from draft-ietf-tls-ecdhe-mlkem). */
export const NamedGroup = {
  secp256r1: 0x0017,
  secp384r1: 0x0018,
  secp521r1: 0x0019,
  x25519: 0x001d,
  x448: 0x001e,
  ffdhe2048: 0x0100,
  ffdhe3072: 0x0101,
  ffdhe4096: 0x0102,
  ffdhe6144: 0x0103,
  ffdhe8192: 0x0104,
  X25519MLKEM768: 0x11ec,
} as const;

/** A NamedGroup's RFC name. */
export type NamedGroupName = keyof typeof NamedGroup;

const namedGroupNames = nameLookup(NamedGroup);

/** The RFC name of group `code`, or `group_<hex>` for an unknown one. */
export function namedGroupName(code: number): string {
  return namedGroupNames(code) ?? `group_0x${code.toString(16).padStart(4, '0')}`;
}

const groupToKeyExchange = new Map<number, KeyExchangeGroup>([
  [NamedGroup.x25519, 'x25519'],
  [NamedGroup.secp256r1, 'secp256r1'],
  [NamedGroup.secp384r1, 'secp384r1'],
  [NamedGroup.X25519MLKEM768, 'x25519mlkem768'],
]);

const keyExchangeToGroup: Readonly<Record<KeyExchangeGroup, number>> = {
  x25519: NamedGroup.x25519,
  secp256r1: NamedGroup.secp256r1,
  secp384r1: NamedGroup.secp384r1,
  x25519mlkem768: NamedGroup.X25519MLKEM768,
};

/** The {@link KeyExchangeGroup} qk implements for NamedGroup `code`, or `undefined` if qk has none. */
export function keyExchangeGroupOf(code: number): KeyExchangeGroup | undefined {
  return groupToKeyExchange.get(code);
}

/** The NamedGroup code point of `group`. */
export function namedGroupOf(group: KeyExchangeGroup): number {
  return keyExchangeToGroup[group];
}

/** SignatureScheme (RFC 8446 §4.2.3, IANA "TLS SignatureScheme"). */
export const SignatureScheme = {
  rsa_pkcs1_sha256: 0x0401,
  rsa_pkcs1_sha384: 0x0501,
  rsa_pkcs1_sha512: 0x0601,
  ecdsa_secp256r1_sha256: 0x0403,
  ecdsa_secp384r1_sha384: 0x0503,
  ecdsa_secp521r1_sha512: 0x0603,
  rsa_pss_rsae_sha256: 0x0804,
  rsa_pss_rsae_sha384: 0x0805,
  rsa_pss_rsae_sha512: 0x0806,
  ed25519: 0x0807,
  ed448: 0x0808,
  rsa_pss_pss_sha256: 0x0809,
  rsa_pss_pss_sha384: 0x080a,
  rsa_pss_pss_sha512: 0x080b,
  rsa_pkcs1_sha1: 0x0201,
  ecdsa_sha1: 0x0203,
} as const;

/** A SignatureScheme's RFC name. */
export type SignatureSchemeName = keyof typeof SignatureScheme;

const signatureSchemeNames = nameLookup(SignatureScheme);

/** The RFC name of signature scheme `code`, or `scheme_<hex>` for an unknown one. */
export function signatureSchemeName(code: number): string {
  return signatureSchemeNames(code) ?? `scheme_0x${code.toString(16).padStart(4, '0')}`;
}

/** What a SignatureScheme qk implements requires of the key and how it signs. */
export interface SignatureSchemeInfo {
  /** The code point. */
  readonly code: number;
  /** The RFC name. */
  readonly name: SignatureSchemeName;
  /** The provider algorithm. */
  readonly algorithm: SignatureAlgorithm;
  /** The key type the scheme needs. */
  readonly keyKind: 'ec' | 'ed25519' | 'rsa';
  /** For ECDSA: the curve the key must be on (TLS 1.3 binds the curve to the scheme, RFC 8446 §4.2.3). */
  readonly curve?: 'P-256' | 'P-384';
  /**
   * True when TLS 1.3 allows the scheme in CertificateVerify; false for RSASSA-PKCS1-v1_5, which TLS 1.3 allows
   * only in certificate signatures (RFC 8446 §4.2.3).
   */
  readonly handshake: boolean;
}

const SCHEME_INFO: readonly SignatureSchemeInfo[] = [
  {
    code: 0x0403,
    name: 'ecdsa_secp256r1_sha256',
    algorithm: { kind: 'ecdsa', hash: 'sha256' },
    keyKind: 'ec',
    curve: 'P-256',
    handshake: true,
  },
  {
    code: 0x0503,
    name: 'ecdsa_secp384r1_sha384',
    algorithm: { kind: 'ecdsa', hash: 'sha384' },
    keyKind: 'ec',
    curve: 'P-384',
    handshake: true,
  },
  { code: 0x0807, name: 'ed25519', algorithm: { kind: 'ed25519' }, keyKind: 'ed25519', handshake: true },
  {
    code: 0x0804,
    name: 'rsa_pss_rsae_sha256',
    algorithm: { kind: 'rsa-pss', hash: 'sha256', saltLength: 32 },
    keyKind: 'rsa',
    handshake: true,
  },
  {
    code: 0x0805,
    name: 'rsa_pss_rsae_sha384',
    algorithm: { kind: 'rsa-pss', hash: 'sha384', saltLength: 48 },
    keyKind: 'rsa',
    handshake: true,
  },
  {
    code: 0x0806,
    name: 'rsa_pss_rsae_sha512',
    algorithm: { kind: 'rsa-pss', hash: 'sha512', saltLength: 64 },
    keyKind: 'rsa',
    handshake: true,
  },
  {
    code: 0x0401,
    name: 'rsa_pkcs1_sha256',
    algorithm: { kind: 'rsa-pkcs1', hash: 'sha256' },
    keyKind: 'rsa',
    handshake: false,
  },
  {
    code: 0x0501,
    name: 'rsa_pkcs1_sha384',
    algorithm: { kind: 'rsa-pkcs1', hash: 'sha384' },
    keyKind: 'rsa',
    handshake: false,
  },
  {
    code: 0x0601,
    name: 'rsa_pkcs1_sha512',
    algorithm: { kind: 'rsa-pkcs1', hash: 'sha512' },
    keyKind: 'rsa',
    handshake: false,
  },
];

const schemeInfoByCode = new Map<number, SignatureSchemeInfo>(SCHEME_INFO.map((s) => [s.code, Object.freeze(s)]));

/** What signature scheme `code` means, or `undefined` for one qk does not implement. */
export function signatureSchemeInfo(code: number): SignatureSchemeInfo | undefined {
  return schemeInfoByCode.get(code);
}

/**
 * The schemes qk offers for CertificateVerify by default, strongest-and-fastest first: ECDSA, Ed25519, RSA-PSS.
 */
export const defaultSignatureSchemes: readonly number[] = Object.freeze([
  SignatureScheme.ecdsa_secp256r1_sha256,
  SignatureScheme.ecdsa_secp384r1_sha384,
  SignatureScheme.ed25519,
  SignatureScheme.rsa_pss_rsae_sha256,
  SignatureScheme.rsa_pss_rsae_sha384,
  SignatureScheme.rsa_pss_rsae_sha512,
]);

/** The schemes qk accepts in certificate signatures (signature_algorithms_cert): the handshake set plus PKCS#1. */
export const defaultCertificateSignatureSchemes: readonly number[] = Object.freeze([
  ...defaultSignatureSchemes,
  SignatureScheme.rsa_pkcs1_sha256,
  SignatureScheme.rsa_pkcs1_sha384,
  SignatureScheme.rsa_pkcs1_sha512,
]);

/** PskKeyExchangeMode (RFC 8446 §4.2.9). qk resumes only with `psk_dhe_ke`. */
export const PskKeyExchangeMode = {
  psk_ke: 0,
  psk_dhe_ke: 1,
} as const;

/** A PskKeyExchangeMode's RFC name. */
export type PskKeyExchangeModeName = keyof typeof PskKeyExchangeMode;

const pskModeNames = nameLookup(PskKeyExchangeMode);

/** The RFC name of PSK mode `code`, or `psk_mode_<code>`. */
export function pskKeyExchangeModeName(code: number): string {
  return pskModeNames(code) ?? `psk_mode_${code}`;
}

/** KeyUpdateRequest (RFC 8446 §4.6.3). */
export const KeyUpdateRequest = {
  update_not_requested: 0,
  update_requested: 1,
} as const;

/** ServerHello.random of a HelloRetryRequest: SHA-256("HelloRetryRequest") (RFC 8446 §4.1.3). */
export const HELLO_RETRY_REQUEST_RANDOM: Uint8Array = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11,
  0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

/** The TLS 1.2 downgrade sentinel in the last 8 bytes of ServerHello.random (RFC 8446 §4.1.3): "DOWNGRD\x01". */
export const DOWNGRADE_TLS12: Uint8Array = Uint8Array.from([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01]);

/** The TLS 1.1-or-below downgrade sentinel (RFC 8446 §4.1.3): "DOWNGRD\x00". */
export const DOWNGRADE_TLS11: Uint8Array = Uint8Array.from([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00]);
