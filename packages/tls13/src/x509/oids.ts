/**
 * Object identifiers used by the X.509 module, by their RFC names (RFC 5280, RFC 4055, RFC 5480, RFC 5758,
 * RFC 8410, RFC 8017, RFC 4519).
 */

/** Algorithm OIDs: signatures, key types, hashes, curves. */
export const AlgorithmOid = {
  /** RFC 8017 Appendix C. */
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  /** RFC 4055 §3.1: RSASSA-PSS, with RSASSA-PSS-params. */
  'id-RSASSA-PSS': '1.2.840.113549.1.1.10',
  /** RFC 4055 §2.2: MGF1. */
  'id-mgf1': '1.2.840.113549.1.1.8',
  /** RFC 5480 §2.1.1. */
  'id-ecPublicKey': '1.2.840.10045.2.1',
  /** RFC 5480 §2.1.1.1 named curves. */
  secp256r1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
  /** RFC 5758 §3.2. */
  'ecdsa-with-SHA256': '1.2.840.10045.4.3.2',
  'ecdsa-with-SHA384': '1.2.840.10045.4.3.3',
  'ecdsa-with-SHA512': '1.2.840.10045.4.3.4',
  /** RFC 8410 §3. */
  'id-Ed25519': '1.3.101.112',
  'id-Ed448': '1.3.101.113',
  /** Hashes (RFC 5754 §2). */
  'id-sha1': '1.3.14.3.2.26',
  'id-sha256': '2.16.840.1.101.3.4.2.1',
  'id-sha384': '2.16.840.1.101.3.4.2.2',
  'id-sha512': '2.16.840.1.101.3.4.2.3',
} as const;

/** Certificate extension OIDs (RFC 5280 §4.2). */
export const ExtensionOid = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  cRLDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
} as const;

/** Extended key usage purposes (RFC 5280 §4.2.1.12). */
export const ExtKeyUsageOid = {
  anyExtendedKeyUsage: '2.5.29.37.0',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  OCSPSigning: '1.3.6.1.5.5.7.3.9',
} as const;

/** An extended key usage name of {@link ExtKeyUsageOid}. */
export type ExtKeyUsageName = keyof typeof ExtKeyUsageOid;

/**
 * Attribute types of distinguished names with their RFC 4514 §3 short names (and the usual extras OpenSSL and
 * Node print), for the readable form of a Name.
 */
export const AttributeTypeOid = {
  CN: '2.5.4.3',
  SN: '2.5.4.4',
  serialNumber: '2.5.4.5',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  STREET: '2.5.4.9',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  title: '2.5.4.12',
  GN: '2.5.4.42',
  initials: '2.5.4.43',
  generationQualifier: '2.5.4.44',
  dnQualifier: '2.5.4.46',
  pseudonym: '2.5.4.65',
  organizationIdentifier: '2.5.4.97',
  DC: '0.9.2342.19200300.100.1.25',
  UID: '0.9.2342.19200300.100.1.1',
  emailAddress: '1.2.840.113549.1.9.1',
} as const;

function invert<T extends Record<string, string>>(table: T): ReadonlyMap<string, keyof T & string> {
  return new Map(Object.entries(table).map(([name, oid]) => [oid, name as keyof T & string]));
}

/** OID → short attribute name. */
export const attributeNameByOid = invert(AttributeTypeOid);
/** OID → extended key usage name. */
export const extKeyUsageNameByOid = invert(ExtKeyUsageOid);
/** OID → extension name. */
export const extensionNameByOid = invert(ExtensionOid);
