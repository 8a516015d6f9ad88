/**
 * The crypto layer of @qk/tls13 that runs everywhere: cipher suites, the pure-TypeScript provider and the TLS 1.3
 * key schedule. The node:crypto providers (`nodeProvider`, `fastestNodeProvider`) are deliberately not here: they
 * are exported from `./node-index.ts` for the `@qk/tls13/node` entry only, so browser bundles never load node:crypto.
 *
 * @module
 */
export { CipherSuite, cipherSuiteInfo, supportedCipherSuites } from './suites.js';
export type { CipherSuiteCode, CipherSuiteInfo, CipherSuiteName } from './suites.js';
export { createNobleProvider, nobleProvider, platformRandom, X25519MLKEM768 } from './noble.js';
export type { NobleProviderOptions, RandomSource } from './noble.js';
export { RSA_MAX_MODULUS_BITS, RSA_MIN_MODULUS_BITS } from './rsa.js';
export { decodeEcdsaSignature, encodeEcdsaSignature } from './ecdsa-signature.js';
export {
  KeySchedule,
  deriveSecret,
  encodeHkdfLabel,
  finishedKey,
  finishedVerifyData,
  hkdfExpandLabel,
  nextApplicationSecret,
  resumptionPsk,
  trafficKeys,
  exportKeyingMaterial,
} from '../key-schedule.js';
export type { PskKind, TrafficKeys } from '../key-schedule.js';
