/**
 * Certificate generation: self-signed or CA-issued X.509 v3 certificates for tests, demos and `qk serve`, signed
 * through the injected {@link CryptoProvider} (keys from `provider.random`, signatures from `provider.sign`).
 */
import { equal, utf8 } from '@qk/octets';
import type { PrivateKey, PublicKey } from '../crypto/keys.js';
import type { CryptoProvider, SignatureAlgorithm } from '../crypto/provider.js';
import { parseCertificate } from './certificate.js';
import type { Certificate } from './certificate.js';
import {
  contextTag, derBitString, derBoolean, derBytes, derExplicit, derInteger, derNamedBits, derNull, derOctetString, derOid,
  derRaw, derSequence, derTime, derUnsignedInteger, DerReader,
} from './der.js';
import type { DerNode } from './der.js';
import { KeyUsageBit } from './extensions.js';
import type { KeyUsageName } from './extensions.js';
import { parseIp } from './ip.js';
import { encodeName } from './name.js';
import { AlgorithmOid, ExtKeyUsageOid, ExtensionOid } from './oids.js';
import type { ExtKeyUsageName } from './oids.js';
import { encodePem } from './pem.js';
import { ecPrivateKey, ed25519PrivateKey, encodePrivateKeyPem } from './private-key.js';

/** Options of {@link generateCertificate}. */
export interface GenerateCertificateOptions {
  /** The subject's Common Name (the name is `CN=<subject>`; an empty string gives an empty subject). */
  readonly subject: string;
  /** subjectAltName entries: DNS names and IP literals (IPv4 or IPv6). */
  readonly subjectAltNames?: { readonly dns?: readonly string[]; readonly ip?: readonly string[] };
  /** Generates a new key of this type from `provider.random` (default `p256` unless `privateKey` is given). */
  readonly keyType?: 'p256' | 'p384' | 'ed25519';
  /** Uses this key instead of generating one (any type, RSA included). */
  readonly privateKey?: PrivateKey;
  /** The issuing CA; omit for a self-signed certificate. */
  readonly issuer?: { readonly certificate: Certificate; readonly privateKey: PrivateKey };
  /** A CA certificate (basicConstraints cA). Default false. */
  readonly isCA?: boolean;
  /** pathLenConstraint of a CA. */
  readonly pathLen?: number;
  /** Key usages. Default: CA `keyCertSign`, `cRLSign`, `digitalSignature`; otherwise `digitalSignature`. */
  readonly keyUsage?: readonly KeyUsageName[];
  /** Extended key usages. Default: none for a CA, `serverAuth` and `clientAuth` otherwise. */
  readonly extKeyUsage?: readonly ExtKeyUsageName[];
  /** Start of validity, unix milliseconds. */
  readonly notBefore: number;
  /** End of validity, unix milliseconds. */
  readonly notAfter: number;
  /** Serial number, unsigned big-endian, at most 20 bytes (RFC 5280 §4.1.2.2). Default: 16 random bytes, positive. */
  readonly serial?: Uint8Array;
  /** For an RSA issuer key: PKCS#1 v1.5 (`sha256WithRSAEncryption`, the default) or RSASSA-PSS (SHA-256, salt 32). */
  readonly rsaSignature?: 'pkcs1' | 'pss';
}

/** What {@link generateCertificate} returns. */
export interface GeneratedCertificate {
  readonly certificate: Certificate;
  readonly der: Uint8Array;
  /** The certificate as PEM. */
  readonly pem: string;
  /** The subject's private key. */
  readonly privateKey: PrivateKey;
  /** The subject's private key as PKCS#8 PEM. */
  readonly keyPem: string;
}

/** Generates a key of `type` from `provider.random`. */
export function generatePrivateKey(type: 'p256' | 'p384' | 'ed25519', provider: CryptoProvider): PrivateKey {
  if (type === 'ed25519') return ed25519PrivateKey(provider.random(new Uint8Array(32)));
  const curve = type === 'p256' ? 'P-256' : 'P-384';
  for (let i = 0; i < 64; i++) {
    try {
      return ecPrivateKey(curve, provider.random(new Uint8Array(curve === 'P-256' ? 32 : 48)));
    } catch {
      // out of range (probability about 2^-32 for P-256): draw again
    }
  }
  throw new Error('the random source keeps producing invalid EC scalars');
}

/** The signature algorithm a key signs certificates with, and its AlgorithmIdentifier. */
function signingAlgorithm(key: PrivateKey, rsaSignature: 'pkcs1' | 'pss'): { alg: SignatureAlgorithm; id: DerNode } {
  switch (key.kind) {
    case 'ec':
      return key.curve === 'P-256'
        ? { alg: { kind: 'ecdsa', hash: 'sha256' }, id: derSequence([derOid(AlgorithmOid['ecdsa-with-SHA256'])]) }
        : { alg: { kind: 'ecdsa', hash: 'sha384' }, id: derSequence([derOid(AlgorithmOid['ecdsa-with-SHA384'])]) };
    case 'ed25519':
      return { alg: { kind: 'ed25519' }, id: derSequence([derOid(AlgorithmOid['id-Ed25519'])]) };
    case 'rsa': {
      if (rsaSignature === 'pkcs1') {
        return {
          alg: { kind: 'rsa-pkcs1', hash: 'sha256' },
          id: derSequence([derOid(AlgorithmOid.sha256WithRSAEncryption), derNull()]),
        };
      }
      const sha256Id = derSequence([derOid(AlgorithmOid['id-sha256']), derNull()]);
      const params = derSequence([
        derExplicit(0, sha256Id),
        derExplicit(1, derSequence([derOid(AlgorithmOid['id-mgf1']), sha256Id])),
        derExplicit(2, derInteger(32)),
      ]);
      return { alg: { kind: 'rsa-pss', hash: 'sha256', saltLength: 32 }, id: derSequence([derOid(AlgorithmOid['id-RSASSA-PSS']), params]) };
    }
  }
}

function samePublicKey(a: PublicKey, b: PublicKey): boolean {
  if (a.kind === 'ec' && b.kind === 'ec') return a.curve === b.curve && equal(a.point, b.point);
  if (a.kind === 'ed25519' && b.kind === 'ed25519') return equal(a.key, b.key);
  if (a.kind === 'rsa' && b.kind === 'rsa') return a.n === b.n && a.e === b.e;
  return false;
}

/** RFC 7093 §2 method 1: the leftmost 160 bits of SHA-256 over the subjectPublicKey BIT STRING's bytes. */
function keyIdentifier(key: PublicKey, provider: CryptoProvider): Uint8Array {
  const spki = DerReader.of(key.spki).sequence('SubjectPublicKeyInfo');
  spki.sequence('AlgorithmIdentifier');
  return provider.hash('sha256', spki.octetAlignedBitString('subjectPublicKey')).slice(0, 20);
}

function extension(oid: string, critical: boolean, value: DerNode): DerNode {
  return derSequence([derOid(oid), ...(critical ? [derBoolean(true)] : []), derOctetString(derBytes(value))]);
}

/**
 * Generates an X.509 v3 certificate: self-signed, or issued by `options.issuer`. The signature algorithm follows
 * the issuer's key: ecdsa-with-SHA256 (P-256), ecdsa-with-SHA384 (P-384), Ed25519, sha256WithRSAEncryption or
 * RSASSA-PSS (RSA). Throws `TypeError` / `RangeError` for inconsistent options.
 *
 * @example
 * const ca = generateCertificate({ subject: 'Test CA', isCA: true, notBefore, notAfter }, nobleProvider);
 * const leaf = generateCertificate(
 *   { subject: 'example.test', subjectAltNames: { dns: ['example.test'] }, issuer: ca, notBefore, notAfter },
 *   nobleProvider,
 * );
 */
export function generateCertificate(options: GenerateCertificateOptions, provider: CryptoProvider): GeneratedCertificate {
  if (options.privateKey && options.keyType) throw new TypeError('give keyType or privateKey, not both');
  if (!(options.notBefore <= options.notAfter)) throw new RangeError('notBefore must not be after notAfter');
  const isCA = options.isCA ?? false;
  if (options.pathLen !== undefined && (!isCA || !Number.isInteger(options.pathLen) || options.pathLen < 0)) {
    throw new RangeError('pathLen needs isCA and a non-negative integer');
  }
  const privateKey = options.privateKey ?? generatePrivateKey(options.keyType ?? 'p256', provider);
  const issuerKey = options.issuer?.privateKey ?? privateKey;
  if (options.issuer) {
    const issuerPublic = options.issuer.certificate.publicKey;
    if (!issuerPublic) throw new TypeError("the issuer certificate's public key algorithm is not supported");
    if (!samePublicKey(issuerPublic, issuerKey.publicKey)) {
      throw new TypeError("issuer.privateKey does not match the issuer certificate's public key");
    }
  }

  let serial = options.serial;
  if (serial) {
    if (serial.length === 0 || serial.length > 20 || serial.every((b) => b === 0)) {
      throw new RangeError('serial must be 1 to 20 bytes and not zero');
    }
  } else {
    serial = provider.random(new Uint8Array(16));
    serial[0] = (serial[0]! & 0x7f) | 0x40; // positive, 16 bytes
  }

  const subjectName = encodeName(options.subject === '' ? [] : [{ type: 'CN', value: options.subject }]);
  const issuerName = options.issuer ? options.issuer.certificate.subject.der : subjectName;
  const { alg, id: algorithmId } = signingAlgorithm(issuerKey, options.rsaSignature ?? 'pkcs1');

  const ski = keyIdentifier(privateKey.publicKey, provider);
  const aki = options.issuer
    ? (options.issuer.certificate.extensions.subjectKeyIdentifier ?? keyIdentifier(issuerKey.publicKey, provider))
    : ski;
  const exts: DerNode[] = [];
  exts.push(
    extension(
      ExtensionOid.basicConstraints,
      true,
      derSequence(isCA ? [derBoolean(true), ...(options.pathLen !== undefined ? [derInteger(options.pathLen)] : [])] : []),
    ),
  );
  const keyUsage = options.keyUsage ?? (isCA ? ['digitalSignature', 'keyCertSign', 'cRLSign'] : ['digitalSignature']);
  if (keyUsage.length) exts.push(extension(ExtensionOid.keyUsage, true, derNamedBits(keyUsage.map((k) => KeyUsageBit[k]))));
  const eku = options.extKeyUsage ?? (isCA ? [] : ['serverAuth', 'clientAuth']);
  if (eku.length) exts.push(extension(ExtensionOid.extKeyUsage, false, derSequence(eku.map((e) => derOid(ExtKeyUsageOid[e])))));
  const sans: DerNode[] = [];
  for (const dns of options.subjectAltNames?.dns ?? []) {
    if (!/^[\x21-\x7e]+$/.test(dns)) throw new TypeError(`dNSName '${dns}' must be ASCII (use A-labels for IDNs)`);
    sans.push({ kind: 'primitive', tag: contextTag(2, false), value: utf8(dns) });
  }
  for (const ip of options.subjectAltNames?.ip ?? []) {
    const bytes = parseIp(ip);
    if (!bytes) throw new TypeError(`'${ip}' is not an IPv4 or IPv6 literal`);
    sans.push({ kind: 'primitive', tag: contextTag(7, false), value: bytes });
  }
  // RFC 5280 §4.2.1.6: critical when the subject is empty.
  if (sans.length) exts.push(extension(ExtensionOid.subjectAltName, options.subject === '', derSequence(sans)));
  exts.push(extension(ExtensionOid.subjectKeyIdentifier, false, derOctetString(ski)));
  exts.push(extension(ExtensionOid.authorityKeyIdentifier, false, derSequence([{ kind: 'primitive', tag: contextTag(0, false), value: aki }])));

  const tbs = derBytes(
    derSequence([
      derExplicit(0, derInteger(2)),
      derUnsignedInteger(serial),
      algorithmId,
      derRaw(issuerName),
      derSequence([derTime(options.notBefore), derTime(options.notAfter)]),
      derRaw(subjectName),
      derRaw(privateKey.publicKey.spki),
      derExplicit(3, derSequence(exts)),
    ]),
  );
  const signature = provider.sign(alg, issuerKey, tbs);
  const der = derBytes(derSequence([derRaw(tbs), algorithmId, derBitString(signature)]));
  const certificate = parseCertificate(der);
  return { certificate, der: certificate.der, pem: encodePem('CERTIFICATE', der), privateKey, keyPem: encodePrivateKeyPem(privateKey) };
}

const DAY = 86_400_000;

/**
 * A self-signed P-256 certificate for `localhost`, `127.0.0.1` and `::1`, valid for 14 days from a minute before
 * `now` (unix ms): what the demo and `qk serve` use. Fourteen days is the longest validity WebTransport's
 * `serverCertificateHashes` accepts.
 */
export function generateSelfSignedForLocalhost(provider: CryptoProvider, now: number): GeneratedCertificate {
  const notBefore = now - 60_000;
  return generateCertificate(
    {
      subject: 'localhost',
      subjectAltNames: { dns: ['localhost'], ip: ['127.0.0.1', '::1'] },
      keyType: 'p256',
      notBefore,
      notAfter: notBefore + 14 * DAY,
      keyUsage: ['digitalSignature'],
      extKeyUsage: ['serverAuth'],
    },
    provider,
  );
}
