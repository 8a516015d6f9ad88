/**
 * Distinguished names (RFC 5280 §4.1.2.4): the raw DER for exact issuer/subject matching, the attributes, and a
 * readable RFC 4514 string.
 */
import { toHex } from '@qk/octets';
import {
  DerError, DerReader, DerTag, derBytes, derOid, derSequence, derSet, derUtf8String, derPrintableString, isStringTag,
  stringFromContent,
} from './der.js';
import { AttributeTypeOid, attributeNameByOid } from './oids.js';

/** One AttributeTypeAndValue of a name. */
export interface NameAttribute {
  /** The attribute type OID, e.g. `2.5.4.3`. */
  readonly oid: string;
  /** The short name (`CN`, `O`, ...) or, for an unknown type, the dotted OID. */
  readonly name: string;
  /** The value as text; values that are not character strings become `#` followed by the hex of their DER. */
  readonly value: string;
}

/** A parsed Name. */
export interface DistinguishedName {
  /** The Name's exact DER (SEQUENCE header included): issuers and subjects are matched on these bytes. */
  readonly der: Uint8Array;
  /** RelativeDistinguishedNames in encoding order (most significant first); each holds one or more attributes. */
  readonly rdns: readonly (readonly NameAttribute[])[];
  /** The RFC 4514 string: RDNs in reverse order, comma-separated, e.g. `CN=example.com,O=Example,C=US`. */
  readonly text: string;
}

/** Escapes an attribute value per RFC 4514 §2.4. */
function escapeValue(v: string): string {
  if (v.startsWith('#') && /^#[0-9a-f]*$/.test(v)) return v;
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '\0') out += '\\00';
    else if (',+"\\<>;'.includes(c)) out += `\\${c}`;
    else if ((i === 0 && (c === '#' || c === ' ')) || (i === v.length - 1 && c === ' ')) out += `\\${c}`;
    else out += c;
  }
  return out;
}

/** Parses a Name from a reader positioned at it. Throws `DerError`. */
export function readName(r: DerReader, what: string): DistinguishedName {
  const el = r.expect(DerTag.SEQUENCE, what);
  const seq = DerReader.contents(el, r);
  const rdns: NameAttribute[][] = [];
  while (!seq.isEmpty()) {
    const set = seq.set('RelativeDistinguishedName');
    const rdn: NameAttribute[] = [];
    while (!set.isEmpty()) {
      const atv = set.sequence('AttributeTypeAndValue');
      const oid = atv.oid('AttributeType');
      const valueEl = atv.any('AttributeValue');
      atv.end('AttributeTypeAndValue');
      const value = isStringTag(valueEl.tag) ? stringFromContent(valueEl.tag, valueEl.value) : `#${toHex(valueEl.raw)}`;
      rdn.push({ oid, name: attributeNameByOid.get(oid) ?? oid, value });
    }
    if (rdn.length === 0) throw new DerError('empty RelativeDistinguishedName');
    rdns.push(rdn);
  }
  const text = rdns
    .slice()
    .reverse()
    .map((rdn) => rdn.map((a) => `${a.name}=${escapeValue(a.value)}`).join('+'))
    .join(',');
  return { der: el.raw, rdns, text };
}

/** The values of every attribute of type `oid` in `name`, in order (e.g. the CNs). */
export function nameAttributeValues(name: DistinguishedName, oid: string): string[] {
  const out: string[] = [];
  for (const rdn of name.rdns) for (const a of rdn) if (a.oid === oid) out.push(a.value);
  return out;
}

/** The DER of a Name with one RDN per attribute, in the given order (`C` as PrintableString, others UTF8String). */
export function encodeName(attributes: readonly { readonly type: keyof typeof AttributeTypeOid; readonly value: string }[]): Uint8Array {
  return derBytes(
    derSequence(
      attributes.map((a) =>
        derSet([
          derSequence([
            derOid(AttributeTypeOid[a.type]),
            a.type === 'C' ? derPrintableString(a.value) : derUtf8String(a.value),
          ]),
        ]),
      ),
    ),
  );
}
