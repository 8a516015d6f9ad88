/**
 * Certificate extensions (RFC 5280 §4.2) that path validation and name matching use: basic constraints, key
 * usage, extended key usage, subject alternative names, subject and authority key identifiers. Every other
 * extension is kept raw; the critical ones among them are listed so the verifier can refuse them.
 */
import { DerError, DerReader, DerTag, contextTag, stringFromContent } from './der.js';
import { formatIp } from './ip.js';
import { readName } from './name.js';
import type { DistinguishedName } from './name.js';
import { ExtensionOid, extKeyUsageNameByOid } from './oids.js';

/** KeyUsage bits by their RFC 5280 §4.2.1.3 names, as bit positions. */
export const KeyUsageBit = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;

/** A key usage name. */
export type KeyUsageName = keyof typeof KeyUsageBit;

const keyUsageNames = Object.keys(KeyUsageBit) as KeyUsageName[];

/** A GeneralName (RFC 5280 §4.2.1.6), with the forms this module reads decoded and the rest kept raw. */
export type GeneralName =
  | { readonly kind: 'dns'; readonly value: string }
  | { readonly kind: 'ip'; readonly value: string; readonly bytes: Uint8Array }
  | { readonly kind: 'email'; readonly value: string }
  | { readonly kind: 'uri'; readonly value: string }
  | { readonly kind: 'directory'; readonly value: DistinguishedName }
  | { readonly kind: 'other'; readonly tag: number; readonly der: Uint8Array };

/** The basicConstraints extension. */
export interface BasicConstraints {
  readonly cA: boolean;
  /** Maximum number of non-self-issued intermediates that may follow this CA in a path. */
  readonly pathLenConstraint?: number;
}

/** An extension as encoded. */
export interface RawExtension {
  readonly oid: string;
  readonly critical: boolean;
  /** The extnValue OCTET STRING's contents (a view). */
  readonly value: Uint8Array;
}

/** The extensions of a certificate. */
export interface CertificateExtensions {
  readonly basicConstraints?: BasicConstraints;
  /** The asserted key usages, in bit order. */
  readonly keyUsage?: readonly KeyUsageName[];
  /** Extended key usages: names of `ExtKeyUsageOid` (`serverAuth`, ...) or dotted OIDs for others. */
  readonly extKeyUsage?: readonly string[];
  readonly subjectAltNames?: readonly GeneralName[];
  readonly subjectKeyIdentifier?: Uint8Array;
  /** The keyIdentifier of the authorityKeyIdentifier extension. */
  readonly authorityKeyIdentifier?: Uint8Array;
  /** OIDs of critical extensions this module does not process (the verifier refuses them). */
  readonly unknownCritical: readonly string[];
  /** Every extension, in order. */
  readonly all: readonly RawExtension[];
}

/** Extensions this module processes (so their criticality is honoured). */
const UNDERSTOOD = new Set<string>([
  ExtensionOid.basicConstraints,
  ExtensionOid.keyUsage,
  ExtensionOid.extKeyUsage,
  ExtensionOid.subjectAltName,
  ExtensionOid.subjectKeyIdentifier,
  ExtensionOid.authorityKeyIdentifier,
]);

/** GeneralName tags (context-specific, IMPLICIT). */
const GN_RFC822 = contextTag(1, false);
const GN_DNS = contextTag(2, false);
const GN_DIRECTORY = contextTag(4, true);
const GN_URI = contextTag(6, false);
const GN_IP = contextTag(7, false);

function readGeneralNames(r: DerReader, what: string): GeneralName[] {
  const out: GeneralName[] = [];
  while (!r.isEmpty()) {
    const el = r.any(what);
    switch (el.tag) {
      case GN_DNS:
        out.push({ kind: 'dns', value: stringFromContent(DerTag.IA5String, el.value) });
        break;
      case GN_RFC822:
        out.push({ kind: 'email', value: stringFromContent(DerTag.IA5String, el.value) });
        break;
      case GN_URI:
        out.push({ kind: 'uri', value: stringFromContent(DerTag.IA5String, el.value) });
        break;
      case GN_IP:
        if (el.value.length !== 4 && el.value.length !== 16) {
          throw new DerError(`iPAddress of ${el.value.length} bytes (must be 4 or 16)`);
        }
        out.push({ kind: 'ip', value: formatIp(el.value), bytes: el.value });
        break;
      case GN_DIRECTORY: {
        const inner = DerReader.contents(el, r);
        const name = readName(inner, 'directoryName');
        inner.end('directoryName');
        out.push({ kind: 'directory', value: name });
        break;
      }
      default:
        if ((el.tag & 0xc0) !== 0x80) throw new DerError(`${what}: GeneralName with a non-context tag`);
        out.push({ kind: 'other', tag: el.tag & 0x1f, der: el.raw });
    }
  }
  return out;
}

interface Mutable {
  basicConstraints?: BasicConstraints;
  keyUsage?: readonly KeyUsageName[];
  extKeyUsage?: readonly string[];
  subjectAltNames?: readonly GeneralName[];
  subjectKeyIdentifier?: Uint8Array;
  authorityKeyIdentifier?: Uint8Array;
}

function parseKnown(oid: string, value: Uint8Array, out: Mutable): void {
  const top = DerReader.of(value);
  switch (oid) {
    case ExtensionOid.basicConstraints: {
      const seq = top.sequence('BasicConstraints');
      // DER omits cA when FALSE; an explicit FALSE is tolerated, as real CAs emit it.
      const cA = seq.peekTag() === DerTag.BOOLEAN ? seq.boolean('cA') : false;
      const pathLen = seq.peekTag() === DerTag.INTEGER ? seq.smallInteger('pathLenConstraint', 0x7fff_ffff) : undefined;
      seq.end('BasicConstraints');
      out.basicConstraints = pathLen === undefined ? { cA } : { cA, pathLenConstraint: pathLen };
      break;
    }
    case ExtensionOid.keyUsage: {
      const bits = top.bitString('KeyUsage');
      const usages: KeyUsageName[] = [];
      for (let i = 0; i < keyUsageNames.length; i++) {
        const byte = bits.bytes[i >> 3];
        if (byte !== undefined && byte & (0x80 >> (i & 7))) usages.push(keyUsageNames[i]!);
      }
      out.keyUsage = usages;
      break;
    }
    case ExtensionOid.extKeyUsage: {
      const seq = top.sequence('ExtKeyUsageSyntax');
      const purposes: string[] = [];
      while (!seq.isEmpty()) {
        const p = seq.oid('KeyPurposeId');
        purposes.push(extKeyUsageNameByOid.get(p) ?? p);
      }
      if (purposes.length === 0) throw new DerError('empty ExtKeyUsageSyntax');
      out.extKeyUsage = purposes;
      break;
    }
    case ExtensionOid.subjectAltName: {
      const names = readGeneralNames(top.sequence('SubjectAltName'), 'GeneralName');
      if (names.length === 0) throw new DerError('empty SubjectAltName');
      out.subjectAltNames = names;
      break;
    }
    case ExtensionOid.subjectKeyIdentifier:
      out.subjectKeyIdentifier = top.octetString('SubjectKeyIdentifier');
      break;
    case ExtensionOid.authorityKeyIdentifier: {
      const seq = top.sequence('AuthorityKeyIdentifier');
      const keyId = seq.optional(contextTag(0, false), 'keyIdentifier');
      seq.optional(contextTag(1, true), 'authorityCertIssuer');
      seq.optional(contextTag(2, false), 'authorityCertSerialNumber');
      seq.end('AuthorityKeyIdentifier');
      if (keyId) out.authorityKeyIdentifier = keyId.value;
      break;
    }
  }
  top.end(oid);
}

/** Reads the `Extensions` SEQUENCE (inside the `[3]` wrapper). Throws `DerError`, also for duplicates. */
export function readExtensions(r: DerReader): CertificateExtensions {
  const seq = r.sequence('Extensions');
  const all: RawExtension[] = [];
  const unknownCritical: string[] = [];
  const seen = new Set<string>();
  const out: Mutable = {};
  while (!seq.isEmpty()) {
    const ext = seq.sequence('Extension');
    const oid = ext.oid('extnID');
    const critical = ext.peekTag() === DerTag.BOOLEAN ? ext.boolean('critical') : false;
    const value = ext.octetString('extnValue');
    ext.end('Extension');
    if (seen.has(oid)) throw new DerError(`duplicate extension ${oid} (RFC 5280 §4.2)`);
    seen.add(oid);
    all.push({ oid, critical, value });
    if (UNDERSTOOD.has(oid)) parseKnown(oid, value, out);
    else if (critical) unknownCritical.push(oid);
  }
  if (all.length === 0) throw new DerError('empty Extensions');
  return { ...out, unknownCritical, all };
}

/** The extensions of a certificate that has none. */
export const NO_EXTENSIONS: CertificateExtensions = { unknownCritical: [], all: [] };
