/**
 * SubjectPublicKeyInfo (RFC 5280 §4.1.2.7): decoding to {@link PublicKey} for EC P-256 / P-384 (RFC 5480),
 * Ed25519 (RFC 8410) and RSA (RFC 8017, RFC 4055), and encoding from raw key material.
 */
import { p256, p384 } from '@noble/curves/nist.js';
import type { EcCurve, PublicKey } from '../crypto/keys.js';
import {
  DerError, DerReader, DerTag, derBitString, derBytes, derNull, derOid, derSequence, derUnsignedInteger,
  integerFromContent,
} from './der.js';
import { AlgorithmOid } from './oids.js';

/** Largest RSA modulus accepted, in bits: bounds the cost of a verification an attacker can ask for. */
export const MAX_RSA_BITS = 16_384;

/** The OID of an EC curve. */
export function curveOid(curve: EcCurve): string {
  return curve === 'P-256' ? AlgorithmOid.secp256r1 : AlgorithmOid.secp384r1;
}

/** The curve of an OID, or `undefined` for another curve. */
export function curveFromOid(oid: string): EcCurve | undefined {
  if (oid === AlgorithmOid.secp256r1) return 'P-256';
  if (oid === AlgorithmOid.secp384r1) return 'P-384';
  return undefined;
}

/** The noble curve implementing `curve`. */
export function nobleCurve(curve: EcCurve): typeof p256 {
  return curve === 'P-256' ? p256 : p384;
}

/** Field element length of `curve` in bytes (32 or 48). */
export function curveFieldLength(curve: EcCurve): number {
  return curve === 'P-256' ? 32 : 48;
}

/** Bit length of a positive bigint. */
export function bitLength(x: bigint): number {
  return x <= 0n ? 0 : x.toString(2).length;
}

/** Unsigned big-endian bytes of a non-negative bigint (at least one byte), optionally left-padded to `length`. */
export function bigintToBytes(x: bigint, length = 0): Uint8Array {
  let hex = x.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const n = Math.max(hex.length / 2, length);
  const out = new Uint8Array(n);
  const off = n - hex.length / 2;
  for (let i = 0; i < hex.length / 2; i++) out[off + i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** An EC public key from a SEC1 point (compressed or not); validates that it is on the curve. */
export function ecPublicKey(curve: EcCurve, point: Uint8Array): Extract<PublicKey, { kind: 'ec' }> {
  let uncompressed: Uint8Array;
  try {
    uncompressed = nobleCurve(curve).Point.fromBytes(point).toBytes(false);
  } catch {
    throw new DerError(`invalid ${curve} public key point`);
  }
  const spki = derBytes(
    derSequence([
      derSequence([derOid(AlgorithmOid['id-ecPublicKey']), derOid(curveOid(curve))]),
      derBitString(uncompressed),
    ]),
  );
  return { kind: 'ec', curve, point: uncompressed, spki };
}

/** An Ed25519 public key from its 32 bytes. */
export function ed25519PublicKey(key: Uint8Array): Extract<PublicKey, { kind: 'ed25519' }> {
  if (key.length !== 32) throw new DerError(`Ed25519 public key of ${key.length} bytes`);
  const k = key.slice();
  const spki = derBytes(derSequence([derSequence([derOid(AlgorithmOid['id-Ed25519'])]), derBitString(k)]));
  return { kind: 'ed25519', key: k, spki };
}

/** The DER RSAPublicKey (RFC 8017 Appendix A.1.1) of `n`, `e`. */
export function rsaPublicKeyDer(n: bigint, e: bigint): Uint8Array {
  return derBytes(derSequence([derUnsignedInteger(bigintToBytes(n)), derUnsignedInteger(bigintToBytes(e))]));
}

/** An RSA public key (rsaEncryption SPKI) from its modulus and exponent. */
export function rsaPublicKey(n: bigint, e: bigint): Extract<PublicKey, { kind: 'rsa' }> {
  checkRsa(n, e);
  const spki = derBytes(
    derSequence([derSequence([derOid(AlgorithmOid.rsaEncryption), derNull()]), derBitString(rsaPublicKeyDer(n, e))]),
  );
  return { kind: 'rsa', n, e, bits: bitLength(n), spki };
}

function checkRsa(n: bigint, e: bigint): void {
  if (n <= 0n || (n & 1n) === 0n) throw new DerError('RSA modulus is not a positive odd integer');
  if (e < 3n || (e & 1n) === 0n || e >= n) throw new DerError('RSA public exponent out of range');
}

/** A decoded SubjectPublicKeyInfo: the algorithm OID always, the key when the algorithm is supported. */
export interface DecodedSpki {
  /** The AlgorithmIdentifier's OID (for an EC key with an unsupported curve: the curve's OID). */
  readonly algorithmOid: string;
  /** The key, or `undefined` when its algorithm or curve is not supported. */
  readonly publicKey: PublicKey | undefined;
}

/**
 * Decodes a SubjectPublicKeyInfo. Malformed structures and invalid keys of supported types throw
 * {@link DerError}; unsupported algorithms return `publicKey: undefined`.
 */
export function decodeSpki(spki: Uint8Array): DecodedSpki {
  const top = DerReader.of(spki);
  const seq = top.sequence('SubjectPublicKeyInfo');
  top.end('SubjectPublicKeyInfo');
  const alg = seq.sequence('AlgorithmIdentifier');
  const oid = alg.oid('algorithm');
  const keyBits = seq.octetAlignedBitString('subjectPublicKey');
  seq.end('SubjectPublicKeyInfo');
  switch (oid) {
    case AlgorithmOid['id-ecPublicKey']: {
      if (alg.peekTag() !== DerTag.OBJECT_IDENTIFIER) {
        throw new DerError('EC parameters must be a namedCurve (RFC 5480 §2.1.1)');
      }
      const curveId = alg.oid('namedCurve');
      alg.end('ECParameters');
      const curve = curveFromOid(curveId);
      if (!curve) return { algorithmOid: curveId, publicKey: undefined };
      // `point` is always uncompressed; `spki` stays the input's exact DER (pins hash it).
      return { algorithmOid: oid, publicKey: { ...ecPublicKey(curve, keyBits), spki: spki.slice() } };
    }
    case AlgorithmOid['id-Ed25519']: {
      alg.end('Ed25519 AlgorithmIdentifier (parameters must be absent, RFC 8410 §3)');
      const key = ed25519PublicKey(keyBits);
      return { algorithmOid: oid, publicKey: { ...key, spki: spki.slice() } };
    }
    case AlgorithmOid.rsaEncryption:
    case AlgorithmOid['id-RSASSA-PSS']: {
      // rsaEncryption: parameters NULL (RFC 3279 §2.3.1; absent tolerated). id-RSASSA-PSS: optional
      // RSASSA-PSS-params restricting the key's use, which are not enforced here.
      if (oid === AlgorithmOid.rsaEncryption && !alg.isEmpty()) alg.null('rsaEncryption parameters');
      else if (!alg.isEmpty()) alg.sequence('RSASSA-PSS-params');
      alg.end('RSA AlgorithmIdentifier');
      const rsa = DerReader.of(keyBits);
      const body = rsa.sequence('RSAPublicKey');
      rsa.end('RSAPublicKey');
      const n = integerFromContent(body.expect(DerTag.INTEGER, 'modulus').value, 'modulus');
      const e = integerFromContent(body.expect(DerTag.INTEGER, 'publicExponent').value, 'publicExponent');
      body.end('RSAPublicKey');
      checkRsa(n, e);
      const bits = bitLength(n);
      if (bits > MAX_RSA_BITS) return { algorithmOid: oid, publicKey: undefined };
      return { algorithmOid: oid, publicKey: { kind: 'rsa', n, e, bits, spki: spki.slice() } };
    }
    default:
      return { algorithmOid: oid, publicKey: undefined };
  }
}

/**
 * Parses a DER SubjectPublicKeyInfo into a {@link PublicKey}. Throws `TypeError` for malformed input or an
 * unsupported algorithm or curve.
 *
 * @example
 * const key = parsePublicKey(certificate.spki);
 */
export function parsePublicKey(spkiDer: Uint8Array): PublicKey {
  let decoded: DecodedSpki;
  try {
    decoded = decodeSpki(spkiDer);
  } catch (e) {
    if (e instanceof DerError) throw new TypeError(`malformed SubjectPublicKeyInfo: ${e.message}`);
    throw e;
  }
  if (!decoded.publicKey) throw new TypeError(`unsupported public key algorithm or curve ${decoded.algorithmOid}`);
  return decoded.publicKey;
}
