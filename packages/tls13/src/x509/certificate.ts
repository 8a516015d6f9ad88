/**
 * X.509 v3 certificates (RFC 5280 §4.1): parsing DER and PEM into {@link Certificate}, signature algorithm
 * identifiers (RFC 4055, RFC 5758, RFC 8410), and the SPKI pin Chromium takes.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { equal, toHex } from '@qk/octets';
import type { PublicKey } from '../crypto/keys.js';
import type { HashAlgorithm, SignatureAlgorithm } from '../crypto/provider.js';
import { TlsAlert } from '../errors.js';
import { DerError, DerReader, DerTag, contextTag } from './der.js';
import { NO_EXTENSIONS, readExtensions } from './extensions.js';
import type { CertificateExtensions } from './extensions.js';
import { readName } from './name.js';
import type { DistinguishedName } from './name.js';
import { AlgorithmOid } from './oids.js';
import { base64Encode, decodePem } from './pem.js';
import { decodeSpki } from './public-key.js';

/** A parsed certificate. Every byte field is a view into {@link Certificate.der} (one copy of the input). */
export interface Certificate {
  /** The whole certificate's DER. */
  readonly der: Uint8Array;
  /** The DER of tbsCertificate: the signed bytes. */
  readonly tbs: Uint8Array;
  /** 1, 2 or 3. */
  readonly version: 1 | 2 | 3;
  /** The serial number's INTEGER content octets (two's complement; RFC 5280 wants it positive). */
  readonly serialNumber: Uint8Array;
  /** The serial number in lowercase hex, as OpenSSL prints it (without a leading 00 sign byte). */
  readonly serialNumberHex: string;
  /** The signature algorithm, or `undefined` when it is not one qk supports. */
  readonly signatureAlgorithm: SignatureAlgorithm | undefined;
  /** The signature algorithm's OID. */
  readonly signatureAlgorithmOid: string;
  /** The signature value (for ECDSA: the DER Ecdsa-Sig-Value). */
  readonly signature: Uint8Array;
  readonly issuer: DistinguishedName;
  readonly subject: DistinguishedName;
  /** Start of validity, unix milliseconds (inclusive). */
  readonly notBefore: number;
  /** End of validity, unix milliseconds (inclusive, RFC 5280 §4.1.2.5). */
  readonly notAfter: number;
  /** The DER SubjectPublicKeyInfo. */
  readonly spki: Uint8Array;
  /** The subject's public key, or `undefined` when its algorithm or curve is not supported. */
  readonly publicKey: PublicKey | undefined;
  /** The public key's algorithm OID (for EC keys on other curves: the curve's OID). */
  readonly publicKeyAlgorithmOid: string;
  readonly extensions: CertificateExtensions;
}

const HASH_BY_OID: ReadonlyMap<string, HashAlgorithm> = new Map([
  [AlgorithmOid['id-sha256'], 'sha256'],
  [AlgorithmOid['id-sha384'], 'sha384'],
  [AlgorithmOid['id-sha512'], 'sha512'],
] as const);

const PKCS1_BY_OID: ReadonlyMap<string, HashAlgorithm> = new Map([
  [AlgorithmOid.sha256WithRSAEncryption, 'sha256'],
  [AlgorithmOid.sha384WithRSAEncryption, 'sha384'],
  [AlgorithmOid.sha512WithRSAEncryption, 'sha512'],
] as const);

const ECDSA_BY_OID: ReadonlyMap<string, HashAlgorithm> = new Map([
  [AlgorithmOid['ecdsa-with-SHA256'], 'sha256'],
  [AlgorithmOid['ecdsa-with-SHA384'], 'sha384'],
  [AlgorithmOid['ecdsa-with-SHA512'], 'sha512'],
] as const);

/** Reads a hash AlgorithmIdentifier (parameters NULL or absent, RFC 4055 §2.1); `undefined` if unsupported. */
function readHashAlgorithm(r: DerReader, what: string): HashAlgorithm | undefined {
  const alg = r.sequence(what);
  const oid = alg.oid(what);
  if (!alg.isEmpty()) alg.null(`${what} parameters`);
  alg.end(what);
  return HASH_BY_OID.get(oid);
}

/** RSASSA-PSS-params (RFC 4055 §3.1). `undefined` for SHA-1 defaults, mismatched MGF1 hash, or another MGF. */
function readPssParams(alg: DerReader): SignatureAlgorithm | undefined {
  const params = alg.sequence('RSASSA-PSS-params');
  const hashR = params.optionalExplicit(0, 'hashAlgorithm');
  const hash = hashR ? readHashAlgorithm(hashR, 'hashAlgorithm') : undefined; // default: SHA-1
  hashR?.end('hashAlgorithm');
  let mgfHash: HashAlgorithm | undefined;
  let mgfSupported = false;
  const mgfR = params.optionalExplicit(1, 'maskGenAlgorithm');
  if (mgfR) {
    const mgf = mgfR.sequence('maskGenAlgorithm');
    const mgfOid = mgf.oid('maskGenAlgorithm');
    if (mgfOid === AlgorithmOid['id-mgf1']) {
      mgfSupported = true;
      mgfHash = readHashAlgorithm(mgf, 'MGF1 hash');
    } else if (!mgf.isEmpty()) {
      mgf.any('maskGenAlgorithm parameters');
    }
    mgf.end('maskGenAlgorithm');
    mgfR.end('maskGenAlgorithm');
  }
  const saltR = params.optionalExplicit(2, 'saltLength');
  const saltLength = saltR ? saltR.smallInteger('saltLength', 0xffff) : 20;
  saltR?.end('saltLength');
  const trailerR = params.optionalExplicit(3, 'trailerField');
  const trailer = trailerR ? trailerR.smallInteger('trailerField', 0xffff) : 1;
  trailerR?.end('trailerField');
  params.end('RSASSA-PSS-params');
  if (trailer !== 1) throw new DerError(`RSASSA-PSS trailerField ${trailer} (must be 1)`);
  if (!hash || !mgfSupported || mgfHash !== hash) return undefined;
  return { kind: 'rsa-pss', hash, saltLength };
}

/**
 * Reads a signature AlgorithmIdentifier. Returns the OID and the algorithm (`undefined` when unsupported);
 * throws `DerError` when the parameters are malformed for a known OID.
 */
export function readSignatureAlgorithm(r: DerReader): { oid: string; algorithm: SignatureAlgorithm | undefined } {
  const alg = r.sequence('AlgorithmIdentifier');
  const oid = alg.oid('algorithm');
  let algorithm: SignatureAlgorithm | undefined;
  const pkcs1 = PKCS1_BY_OID.get(oid);
  const ecdsa = ECDSA_BY_OID.get(oid);
  if (pkcs1) {
    if (!alg.isEmpty()) alg.null('parameters'); // RFC 4055 §5: NULL (absent tolerated)
    algorithm = { kind: 'rsa-pkcs1', hash: pkcs1 };
  } else if (ecdsa) {
    algorithm = { kind: 'ecdsa', hash: ecdsa }; // RFC 5758 §3.2: parameters absent
  } else if (oid === AlgorithmOid['id-Ed25519']) {
    algorithm = { kind: 'ed25519' }; // RFC 8410 §3: parameters absent
  } else if (oid === AlgorithmOid['id-RSASSA-PSS']) {
    algorithm = readPssParams(alg);
  } else {
    while (!alg.isEmpty()) alg.any('parameters');
  }
  alg.end(`AlgorithmIdentifier ${oid}`);
  return { oid, algorithm };
}

function decodeCertificate(der: Uint8Array): Certificate {
  const top = DerReader.of(der);
  const cert = top.sequence('Certificate');
  top.end('Certificate');
  const tbsEl = cert.expect(DerTag.SEQUENCE, 'TBSCertificate');
  const outerAlgEl = cert.expect(DerTag.SEQUENCE, 'signatureAlgorithm');
  const signature = cert.octetAlignedBitString('signatureValue');
  cert.end('Certificate');
  const { oid: signatureAlgorithmOid, algorithm: signatureAlgorithm } = readSignatureAlgorithm(
    DerReader.of(outerAlgEl.raw),
  );

  const tbs = DerReader.contents(tbsEl, cert);
  let version: 1 | 2 | 3 = 1;
  const versionR = tbs.optionalExplicit(0, 'version');
  if (versionR) {
    const v = versionR.smallInteger('version', 2);
    versionR.end('version');
    version = (v + 1) as 1 | 2 | 3;
  }
  const serialNumber = tbs.integerBytes('serialNumber');
  const innerAlgEl = tbs.expect(DerTag.SEQUENCE, 'signature');
  if (!equal(innerAlgEl.raw, outerAlgEl.raw)) {
    throw new DerError('tbsCertificate.signature differs from signatureAlgorithm (RFC 5280 §4.1.1.2)');
  }
  const issuer = readName(tbs, 'issuer');
  const validity = tbs.sequence('Validity');
  const notBefore = validity.time('notBefore');
  const notAfter = validity.time('notAfter');
  validity.end('Validity');
  const subject = readName(tbs, 'subject');
  const spkiEl = tbs.expect(DerTag.SEQUENCE, 'subjectPublicKeyInfo');
  const { algorithmOid: publicKeyAlgorithmOid, publicKey } = decodeSpki(spkiEl.raw);
  if (tbs.optional(contextTag(1, false), 'issuerUniqueID') && version === 1) {
    throw new DerError('issuerUniqueID in a v1 certificate');
  }
  if (tbs.optional(contextTag(2, false), 'subjectUniqueID') && version === 1) {
    throw new DerError('subjectUniqueID in a v1 certificate');
  }
  let extensions = NO_EXTENSIONS;
  const extR = tbs.optionalExplicit(3, 'extensions');
  if (extR) {
    if (version !== 3) throw new DerError(`extensions in a v${version} certificate`);
    extensions = readExtensions(extR);
    extR.end('extensions');
  }
  tbs.end('TBSCertificate');

  let serialMagnitude = serialNumber;
  if (serialMagnitude.length > 1 && serialMagnitude[0] === 0) serialMagnitude = serialMagnitude.subarray(1);
  return {
    der,
    tbs: tbsEl.raw,
    version,
    serialNumber,
    serialNumberHex: toHex(serialMagnitude),
    signatureAlgorithm,
    signatureAlgorithmOid,
    signature,
    issuer,
    subject,
    notBefore,
    notAfter,
    spki: spkiEl.raw,
    publicKey,
    publicKeyAlgorithmOid,
    extensions,
  };
}

/**
 * Parses a DER certificate. The input is copied once; every field is a view of the copy. Malformed input throws
 * `TlsAlert('bad_certificate')` (or `decode_error` when `alert` says so, for callers inside a TLS message), and
 * nothing else.
 *
 * @example
 * const cert = parseCertificate(der);
 * cert.subject.text; // 'CN=example.com'
 * cert.extensions.subjectAltNames; // [{ kind: 'dns', value: 'example.com' }]
 */
export function parseCertificate(der: Uint8Array, alert: 'bad_certificate' | 'decode_error' = 'bad_certificate'): Certificate {
  try {
    return decodeCertificate(der.slice());
  } catch (e) {
    if (e instanceof DerError) throw new TlsAlert(alert, `malformed certificate: ${e.message}`, { cause: e });
    throw e;
  }
}

/**
 * Parses every `CERTIFICATE` block of a PEM text, in order (other blocks are ignored). Throws `TypeError` for
 * malformed PEM and `TlsAlert('bad_certificate')` for a malformed certificate.
 */
export function parseCertificateChainPem(pem: string): Certificate[] {
  return decodePem(pem)
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => parseCertificate(b.bytes));
}

/** Parses the one certificate of a PEM text (the first `CERTIFICATE` block). Throws `TypeError` if there is none. */
export function certificateFromPem(pem: string): Certificate {
  const block = decodePem(pem).find((b) => b.label === 'CERTIFICATE');
  if (!block) throw new TypeError('no CERTIFICATE block in the PEM text');
  return parseCertificate(block.bytes);
}

/**
 * Base64 of SHA-256 over the certificate's SubjectPublicKeyInfo DER: the pin format of HPKP (RFC 7469) and
 * of Chromium's `--ignore-certificate-errors-spki-list`.
 */
export function spkiSha256(cert: Certificate): string {
  return base64Encode(sha256(cert.spki));
}

/** True when the certificate's subject and issuer are the same name (RFC 5280 §3.2: self-issued). */
export function isSelfIssued(cert: Certificate): boolean {
  return equal(cert.subject.der, cert.issuer.der);
}
