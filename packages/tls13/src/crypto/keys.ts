/**
 * Parsed public and private keys, as the X.509 module produces them and crypto providers consume them.
 * Every key keeps its DER encoding (SubjectPublicKeyInfo / PKCS#8) so that providers backed by other libraries
 * (node:crypto) can import it without re-encoding, and so that SPKI hashes (certificate pins) are cheap.
 */

/** Named elliptic curves for ECDSA keys. */
export type EcCurve = 'P-256' | 'P-384';

/** A public key. */
export type PublicKey =
  | {
      readonly kind: 'ec';
      readonly curve: EcCurve;
      /** The uncompressed SEC1 point (0x04 || X || Y). */
      readonly point: Uint8Array;
      /** DER SubjectPublicKeyInfo. */
      readonly spki: Uint8Array;
    }
  | {
      readonly kind: 'ed25519';
      /** The 32-byte public key. */
      readonly key: Uint8Array;
      readonly spki: Uint8Array;
    }
  | {
      readonly kind: 'rsa';
      readonly n: bigint;
      readonly e: bigint;
      /** Modulus size in bits. */
      readonly bits: number;
      readonly spki: Uint8Array;
    };

/** A private key, with its public half. */
export type PrivateKey =
  | {
      readonly kind: 'ec';
      readonly curve: EcCurve;
      /** The private scalar, big-endian, the curve's field length. */
      readonly d: Uint8Array;
      readonly publicKey: Extract<PublicKey, { kind: 'ec' }>;
      /** DER PKCS#8 PrivateKeyInfo. */
      readonly pkcs8: Uint8Array;
    }
  | {
      readonly kind: 'ed25519';
      /** The 32-byte seed. */
      readonly seed: Uint8Array;
      readonly publicKey: Extract<PublicKey, { kind: 'ed25519' }>;
      readonly pkcs8: Uint8Array;
    }
  | {
      readonly kind: 'rsa';
      readonly n: bigint;
      readonly e: bigint;
      readonly d: bigint;
      readonly p: bigint;
      readonly q: bigint;
      readonly dp: bigint;
      readonly dq: bigint;
      readonly qi: bigint;
      readonly publicKey: Extract<PublicKey, { kind: 'rsa' }>;
      readonly pkcs8: Uint8Array;
    };
