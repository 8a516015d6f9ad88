/**
 * Private keys: PKCS#8 (RFC 5208 / RFC 5958, `PRIVATE KEY`) for EC P-256 / P-384, Ed25519 (RFC 8410) and RSA;
 * SEC1 (RFC 5915, `EC PRIVATE KEY`); PKCS#1 (RFC 8017 Appendix A.1.2, `RSA PRIVATE KEY`). Every parsed key
 * carries its PKCS#8 encoding (SEC1 and PKCS#1 inputs are wrapped) and its public half.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { equal } from '@qk/octets';
import type { EcCurve, PrivateKey } from '../crypto/keys.js';
import {
  DerError, DerReader, DerTag, contextTag, derBitString, derBytes, derExplicit, derInteger, derNull, derOctetString,
  derOid, derSequence, derUnsignedInteger, integerFromContent,
} from './der.js';
import { AlgorithmOid } from './oids.js';
import { decodePem, encodePem } from './pem.js';
import {
  bigintToBytes, curveFieldLength, curveFromOid, curveOid, ecPublicKey, ed25519PublicKey, nobleCurve, rsaPublicKey,
} from './public-key.js';

/** The components of an RSA private key (RFC 8017 §3.2, two primes). */
export interface RsaPrivateComponents {
  readonly n: bigint;
  readonly e: bigint;
  readonly d: bigint;
  readonly p: bigint;
  readonly q: bigint;
  readonly dp: bigint;
  readonly dq: bigint;
  readonly qi: bigint;
}

/** The DER ECPrivateKey (RFC 5915 §3) of `d` and its public point, without parameters (PKCS#8 carries them). */
function ecPrivateKeyDer(d: Uint8Array, point: Uint8Array): Uint8Array {
  return derBytes(derSequence([derInteger(1), derOctetString(d), derExplicit(1, derBitString(point))]));
}

/**
 * An EC private key from its scalar (big-endian, at most the field length; shorter is left-padded). Throws
 * `TypeError` when the scalar is zero or not below the group order.
 */
export function ecPrivateKey(curve: EcCurve, scalar: Uint8Array): Extract<PrivateKey, { kind: 'ec' }> {
  const len = curveFieldLength(curve);
  if (scalar.length > len) throw new TypeError(`${curve} private scalar of ${scalar.length} bytes (max ${len})`);
  const d = new Uint8Array(len);
  d.set(scalar, len - scalar.length);
  let point: Uint8Array;
  try {
    point = nobleCurve(curve).getPublicKey(d, false);
  } catch {
    throw new TypeError(`${curve} private scalar out of range`);
  }
  const publicKey = ecPublicKey(curve, point);
  const pkcs8 = derBytes(
    derSequence([
      derInteger(0),
      derSequence([derOid(AlgorithmOid['id-ecPublicKey']), derOid(curveOid(curve))]),
      derOctetString(ecPrivateKeyDer(d, point)),
    ]),
  );
  return { kind: 'ec', curve, d, publicKey, pkcs8 };
}

/** An Ed25519 private key from its 32-byte seed (RFC 8032 §5.1.5). */
export function ed25519PrivateKey(seed: Uint8Array): Extract<PrivateKey, { kind: 'ed25519' }> {
  if (seed.length !== 32) throw new TypeError(`Ed25519 seed of ${seed.length} bytes (must be 32)`);
  const s = seed.slice();
  const publicKey = ed25519PublicKey(ed25519.getPublicKey(s));
  const pkcs8 = derBytes(
    derSequence([derInteger(0), derSequence([derOid(AlgorithmOid['id-Ed25519'])]), derOctetString(derBytes(derOctetString(s)))]),
  );
  return { kind: 'ed25519', seed: s, publicKey, pkcs8 };
}

/** An RSA private key from its components. Throws `TypeError` when they are inconsistent (n ≠ p·q). */
export function rsaPrivateKey(c: RsaPrivateComponents): Extract<PrivateKey, { kind: 'rsa' }> {
  if (c.p * c.q !== c.n) throw new TypeError('RSA private key: n is not p·q');
  let publicKey: Extract<PrivateKey, { kind: 'rsa' }>['publicKey'];
  try {
    publicKey = rsaPublicKey(c.n, c.e);
  } catch (e) {
    throw new TypeError(`RSA private key: ${(e as Error).message}`);
  }
  const ints = [0n, c.n, c.e, c.d, c.p, c.q, c.dp, c.dq, c.qi].map((x, i) =>
    i === 0 ? derInteger(0) : derUnsignedInteger(bigintToBytes(x)),
  );
  const rsaDer = derBytes(derSequence(ints));
  const pkcs8 = derBytes(
    derSequence([derInteger(0), derSequence([derOid(AlgorithmOid.rsaEncryption), derNull()]), derOctetString(rsaDer)]),
  );
  return { kind: 'rsa', ...c, publicKey, pkcs8 };
}

function readPositive(r: DerReader, what: string): bigint {
  const x = integerFromContent(r.expect(DerTag.INTEGER, what).value, what);
  if (x <= 0n) throw new DerError(`${what} is not positive`);
  return x;
}

/** Parses an RSAPrivateKey (PKCS#1). */
function decodeRsaPrivateKey(der: Uint8Array): RsaPrivateComponents {
  const top = DerReader.of(der);
  const seq = top.sequence('RSAPrivateKey');
  top.end('RSAPrivateKey');
  const version = seq.smallInteger('version', 1);
  if (version !== 0) throw new TypeError('multi-prime RSA private keys are not supported');
  const c: RsaPrivateComponents = {
    n: readPositive(seq, 'modulus'),
    e: readPositive(seq, 'publicExponent'),
    d: readPositive(seq, 'privateExponent'),
    p: readPositive(seq, 'prime1'),
    q: readPositive(seq, 'prime2'),
    dp: readPositive(seq, 'exponent1'),
    dq: readPositive(seq, 'exponent2'),
    qi: readPositive(seq, 'coefficient'),
  };
  seq.end('RSAPrivateKey');
  return c;
}

/**
 * Parses an ECPrivateKey (SEC1 / RFC 5915). `curve` comes from the PKCS#8 algorithm when wrapped; otherwise the
 * `[0]` parameters must name it.
 */
function decodeEcPrivateKey(der: Uint8Array, outerCurve: EcCurve | undefined): Extract<PrivateKey, { kind: 'ec' }> {
  const top = DerReader.of(der);
  const seq = top.sequence('ECPrivateKey');
  top.end('ECPrivateKey');
  if (seq.smallInteger('version', 255) !== 1) throw new DerError('ECPrivateKey version is not 1');
  const d = seq.octetString('privateKey');
  let curve = outerCurve;
  const params = seq.optionalExplicit(0, 'parameters');
  if (params) {
    if (params.peekTag() !== DerTag.OBJECT_IDENTIFIER) throw new TypeError('EC private key with explicit curve parameters is not supported');
    const oid = params.oid('namedCurve');
    params.end('parameters');
    const named = curveFromOid(oid);
    if (!named) throw new TypeError(`unsupported EC curve ${oid} (supported: P-256, P-384)`);
    if (curve && curve !== named) throw new DerError('ECPrivateKey curve differs from the PKCS#8 algorithm');
    curve = named;
  }
  const pubR = seq.optionalExplicit(1, 'publicKey');
  const pub = pubR?.octetAlignedBitString('publicKey');
  pubR?.end('publicKey');
  seq.end('ECPrivateKey');
  if (!curve) throw new TypeError('EC private key does not name its curve');
  if (d.length !== curveFieldLength(curve)) {
    // RFC 5915: the octet string is ceiling(log2(n)/8) long; tolerate stripped leading zeros, not extra bytes.
    if (d.length > curveFieldLength(curve) || d.length === 0) throw new DerError(`${curve} private key of ${d.length} bytes`);
  }
  const key = ecPrivateKey(curve, d);
  if (pub && !equal(ecPublicKey(curve, pub).point, key.publicKey.point)) {
    throw new TypeError('EC private key: the embedded public key does not match the private scalar');
  }
  return key;
}

/** Parses a PKCS#8 PrivateKeyInfo / OneAsymmetricKey. */
function decodePkcs8(der: Uint8Array): PrivateKey {
  const top = DerReader.of(der);
  const seq = top.sequence('PrivateKeyInfo');
  top.end('PrivateKeyInfo');
  const version = seq.smallInteger('version', 255);
  if (version > 1) throw new DerError(`PrivateKeyInfo version ${version}`);
  const alg = seq.sequence('privateKeyAlgorithm');
  const oid = alg.oid('algorithm');
  const inner = seq.octetString('privateKey');
  seq.optional(contextTag(0, true), 'attributes');
  seq.optional(contextTag(1, false), 'publicKey');
  seq.end('PrivateKeyInfo');
  let key: PrivateKey;
  switch (oid) {
    case AlgorithmOid['id-ecPublicKey']: {
      if (alg.peekTag() !== DerTag.OBJECT_IDENTIFIER) throw new TypeError('EC private key with explicit curve parameters is not supported');
      const curveId = alg.oid('namedCurve');
      alg.end('ECParameters');
      const curve = curveFromOid(curveId);
      if (!curve) throw new TypeError(`unsupported EC curve ${curveId} (supported: P-256, P-384)`);
      key = decodeEcPrivateKey(inner, curve);
      break;
    }
    case AlgorithmOid['id-Ed25519']: {
      alg.end('Ed25519 AlgorithmIdentifier');
      const r = DerReader.of(inner);
      const seed = r.octetString('CurvePrivateKey');
      r.end('CurvePrivateKey');
      key = ed25519PrivateKey(seed);
      break;
    }
    case AlgorithmOid.rsaEncryption:
    case AlgorithmOid['id-RSASSA-PSS']:
      while (!alg.isEmpty()) alg.any('parameters');
      key = rsaPrivateKey(decodeRsaPrivateKey(inner));
      break;
    case AlgorithmOid['id-Ed448']:
      throw new TypeError('unsupported private key algorithm Ed448 (supported: EC P-256/P-384, Ed25519, RSA)');
    default:
      throw new TypeError(`unsupported private key algorithm ${oid} (supported: EC P-256/P-384, Ed25519, RSA)`);
  }
  // Keep the caller's PKCS#8 (it may carry attributes or a public key), copied.
  return { ...key, pkcs8: der.slice() };
}

/** Which DER structure a key is, from the tag of its second element. */
function decodeKeyDer(der: Uint8Array): PrivateKey {
  const top = DerReader.of(der);
  const seq = top.sequence('private key');
  seq.integer('version');
  const next = seq.peekTag();
  if (next === DerTag.SEQUENCE) return decodePkcs8(der);
  if (next === DerTag.OCTET_STRING) return decodeEcPrivateKey(der, undefined);
  if (next === DerTag.INTEGER) return rsaPrivateKey(decodeRsaPrivateKey(der));
  throw new DerError('not a PKCS#8, SEC1 or PKCS#1 private key');
}

const ENCRYPTED_MESSAGE = 'encrypted private keys are not supported; decrypt with `openssl pkey`';

/**
 * Parses a private key from PEM text or DER bytes: PKCS#8 (`PRIVATE KEY`: EC P-256 / P-384, Ed25519, RSA),
 * SEC1 (`EC PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`). The result always carries `pkcs8` and the public key.
 * Throws `TypeError` with a one-line reason for encrypted keys, unsupported algorithms or curves, and garbage.
 *
 * @example
 * const key = parsePrivateKey(readFileSync('key.pem', 'utf8'));
 * key.kind; // 'ec'
 */
export function parsePrivateKey(pemOrDer: string | Uint8Array): PrivateKey {
  let der: Uint8Array;
  let expected: 'pkcs8' | 'sec1' | 'pkcs1' | undefined;
  if (typeof pemOrDer === 'string') {
    const blocks = decodePem(pemOrDer);
    const block = blocks.find((b) => /PRIVATE KEY$/.test(b.label));
    if (!block) throw new TypeError('no private key PEM block (expected PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY)');
    if (block.label === 'ENCRYPTED PRIVATE KEY' || /ENCRYPTED/.test(block.headers['Proc-Type'] ?? '')) {
      throw new TypeError(ENCRYPTED_MESSAGE);
    }
    if (block.label === 'PRIVATE KEY') expected = 'pkcs8';
    else if (block.label === 'EC PRIVATE KEY') expected = 'sec1';
    else if (block.label === 'RSA PRIVATE KEY') expected = 'pkcs1';
    else throw new TypeError(`unsupported PEM label '${block.label}'`);
    der = block.bytes;
  } else {
    der = pemOrDer;
  }
  try {
    if (expected === 'pkcs8') return decodePkcs8(der);
    if (expected === 'sec1') return decodeEcPrivateKey(der, undefined);
    if (expected === 'pkcs1') return rsaPrivateKey(decodeRsaPrivateKey(der));
    return decodeKeyDer(der);
  } catch (e) {
    if (e instanceof DerError) {
      // An EncryptedPrivateKeyInfo in DER: SEQUENCE { SEQUENCE { OID ... }, OCTET STRING }.
      if (expected === undefined && looksEncrypted(der)) throw new TypeError(ENCRYPTED_MESSAGE);
      throw new TypeError(`malformed private key: ${e.message}`);
    }
    throw e;
  }
}

function looksEncrypted(der: Uint8Array): boolean {
  try {
    const top = DerReader.of(der);
    const seq = top.sequence('EncryptedPrivateKeyInfo');
    seq.sequence('encryptionAlgorithm');
    seq.octetString('encryptedData');
    seq.end('EncryptedPrivateKeyInfo');
    return true;
  } catch {
    return false;
  }
}

/** The PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) of a key. */
export function encodePrivateKeyPem(key: PrivateKey): string {
  return encodePem('PRIVATE KEY', key.pkcs8);
}
