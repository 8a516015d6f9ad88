/**
 * TLS 1.3 cipher suites (RFC 8446 §B.4, IANA "TLS Cipher Suites") that QUIC can use (RFC 9001 §5.3).
 * TLS_AES_128_CCM_SHA256 and TLS_AES_128_CCM_8_SHA256 are not offered.
 *
 * @module
 */
import type { AeadAlgorithm, HashAlgorithm } from './provider.js';

/** Cipher suite code points by their RFC names. */
export const CipherSuite = {
  TLS_AES_128_GCM_SHA256: 0x1301,
  TLS_AES_256_GCM_SHA384: 0x1302,
  TLS_CHACHA20_POLY1305_SHA256: 0x1303,
} as const;

/** A cipher suite's RFC name. */
export type CipherSuiteName = keyof typeof CipherSuite;

/** A supported cipher suite code point. */
export type CipherSuiteCode = (typeof CipherSuite)[CipherSuiteName];

/** What a cipher suite means: its AEAD, its hash, and the record-protection key and IV sizes. */
export interface CipherSuiteInfo {
  /** The code point, e.g. 0x1301. */
  readonly code: CipherSuiteCode;
  /** The RFC name, e.g. `TLS_AES_128_GCM_SHA256`. */
  readonly name: CipherSuiteName;
  /** The AEAD protecting records and QUIC packets. */
  readonly aead: AeadAlgorithm;
  /** The hash of HKDF and the transcript. */
  readonly hash: HashAlgorithm;
  /** AEAD (and header-protection) key length in bytes. */
  readonly keyLength: number;
  /** AEAD IV length in bytes: 12 for every suite here. */
  readonly ivLength: 12;
}

const SUITE_TABLE: CipherSuiteInfo[] = [
  { code: 0x1301, name: 'TLS_AES_128_GCM_SHA256', aead: 'aes-128-gcm', hash: 'sha256', keyLength: 16, ivLength: 12 },
  { code: 0x1302, name: 'TLS_AES_256_GCM_SHA384', aead: 'aes-256-gcm', hash: 'sha384', keyLength: 32, ivLength: 12 },
  {
    code: 0x1303,
    name: 'TLS_CHACHA20_POLY1305_SHA256',
    aead: 'chacha20-poly1305',
    hash: 'sha256',
    keyLength: 32,
    ivLength: 12,
  },
];
const SUITES: readonly CipherSuiteInfo[] = Object.freeze(SUITE_TABLE.map((s) => Object.freeze(s)));

const byCode = new Map<number, CipherSuiteInfo>(SUITES.map((s) => [s.code, s]));

/**
 * The parameters of cipher suite `code`, or `undefined` for a suite qk does not implement.
 *
 * @example
 * cipherSuiteInfo(CipherSuite.TLS_AES_128_GCM_SHA256)?.hash; // 'sha256'
 */
export function cipherSuiteInfo(code: number): CipherSuiteInfo | undefined {
  return byCode.get(code);
}

/** Every supported suite, in qk's default preference order (AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305). */
export const supportedCipherSuites: readonly CipherSuiteInfo[] = SUITES;
