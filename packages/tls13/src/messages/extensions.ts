/**
 * TLS 1.3 extension codecs (RFC 8446 §4.2, RFC 6066 §3 server_name, RFC 7301 ALPN, RFC 9001 §8.2
 * quic_transport_parameters), as a discriminated union on `kind` with one variant per extension form.
 *
 * Decoding is strict: every length is checked, an extension in a message the RFC does not allow it in is
 * `illegal_parameter` (§4.2), duplicates are `illegal_parameter`, `pre_shared_key` anywhere but last in a ClientHello
 * is `illegal_parameter` (§4.2.11), and malformed bodies are `decode_error`. Extensions qk does not implement come
 * back as `unknown` (views of the input), so a caller can ignore them (ClientHello, CertificateRequest,
 * NewSessionTicket) or reject them (`unsupported_extension`, §4.2).
 *
 * @module
 */
import { type Reader, type Writer } from '@qk/octets';
import { TlsAlert } from '../errors.js';
import { ExtensionType, extensionContexts, extensionTypeName, type ExtensionContext } from '../registry.js';

/** A KeyShareEntry (RFC 8446 §4.2.8). */
export interface KeyShareEntry {
  /** NamedGroup code point. */
  readonly group: number;
  /** The key_exchange bytes (a public key or KEM ciphertext). */
  readonly keyExchange: Uint8Array;
}

/** A PskIdentity (RFC 8446 §4.2.11). */
export interface PskIdentity {
  /** The identity: for resumption, the ticket. */
  readonly identity: Uint8Array;
  /** The ticket age in milliseconds plus ticket_age_add, mod 2^32. */
  readonly obfuscatedTicketAge: number;
}

/** One extension, decoded by form. `unknown` carries extensions qk does not implement. */
export type Extension =
  /** server_name (RFC 6066 §3): the host name in a ClientHello; empty (no `hostName`) in EncryptedExtensions. */
  | { readonly kind: 'server_name'; readonly hostName?: string }
  /** supported_groups (§4.2.7): NamedGroup code points in preference order. */
  | { readonly kind: 'supported_groups'; readonly groups: readonly number[] }
  /** signature_algorithms (§4.2.3): SignatureScheme code points in preference order. */
  | { readonly kind: 'signature_algorithms'; readonly schemes: readonly number[] }
  /** signature_algorithms_cert (§4.2.3). */
  | { readonly kind: 'signature_algorithms_cert'; readonly schemes: readonly number[] }
  /** application_layer_protocol_negotiation (RFC 7301): offered protocols, or the one selected in EE. */
  | { readonly kind: 'application_layer_protocol_negotiation'; readonly protocols: readonly Uint8Array[] }
  /** key_share in a ClientHello: the client's shares. */
  | { readonly kind: 'key_share'; readonly shares: readonly KeyShareEntry[] }
  /** key_share in a ServerHello: the server's share. */
  | { readonly kind: 'key_share_server'; readonly share: KeyShareEntry }
  /** key_share in a HelloRetryRequest: the group the server wants. */
  | { readonly kind: 'key_share_retry'; readonly selectedGroup: number }
  /** supported_versions in a ClientHello. */
  | { readonly kind: 'supported_versions'; readonly versions: readonly number[] }
  /** supported_versions in a ServerHello or HelloRetryRequest. */
  | { readonly kind: 'supported_versions_server'; readonly selectedVersion: number }
  /** pre_shared_key in a ClientHello (always the last extension). */
  | {
      readonly kind: 'pre_shared_key';
      readonly identities: readonly PskIdentity[];
      readonly binders: readonly Uint8Array[];
    }
  /** pre_shared_key in a ServerHello: the index of the identity the server chose. */
  | { readonly kind: 'pre_shared_key_server'; readonly selectedIdentity: number }
  /** early_data: empty in ClientHello and EncryptedExtensions; `maxEarlyDataSize` in NewSessionTicket. */
  | { readonly kind: 'early_data'; readonly maxEarlyDataSize?: number }
  /** cookie (§4.2.2). */
  | { readonly kind: 'cookie'; readonly cookie: Uint8Array }
  /** psk_key_exchange_modes (§4.2.9). */
  | { readonly kind: 'psk_key_exchange_modes'; readonly modes: readonly number[] }
  /** quic_transport_parameters (RFC 9001 §8.2): opaque to TLS. */
  | { readonly kind: 'quic_transport_parameters'; readonly parameters: Uint8Array }
  /** certificate_authorities (§4.2.4): DER DistinguishedNames, not interpreted by qk. */
  | { readonly kind: 'certificate_authorities'; readonly authorities: readonly Uint8Array[] }
  /** post_handshake_auth (§4.2.6): empty. */
  | { readonly kind: 'post_handshake_auth' }
  /** Any extension qk does not parse. */
  | { readonly kind: 'unknown'; readonly type: number; readonly data: Uint8Array };

/** An extension's `kind`. */
export type ExtensionKind = Extension['kind'];

/** The extension of kind `K`. */
export type ExtensionOf<K extends ExtensionKind> = Extract<Extension, { kind: K }>;

const TYPE_OF_KIND: Readonly<Record<Exclude<ExtensionKind, 'unknown'>, number>> = {
  server_name: ExtensionType.server_name,
  supported_groups: ExtensionType.supported_groups,
  signature_algorithms: ExtensionType.signature_algorithms,
  signature_algorithms_cert: ExtensionType.signature_algorithms_cert,
  application_layer_protocol_negotiation: ExtensionType.application_layer_protocol_negotiation,
  key_share: ExtensionType.key_share,
  key_share_server: ExtensionType.key_share,
  key_share_retry: ExtensionType.key_share,
  supported_versions: ExtensionType.supported_versions,
  supported_versions_server: ExtensionType.supported_versions,
  pre_shared_key: ExtensionType.pre_shared_key,
  pre_shared_key_server: ExtensionType.pre_shared_key,
  early_data: ExtensionType.early_data,
  cookie: ExtensionType.cookie,
  psk_key_exchange_modes: ExtensionType.psk_key_exchange_modes,
  quic_transport_parameters: ExtensionType.quic_transport_parameters,
  certificate_authorities: ExtensionType.certificate_authorities,
  post_handshake_auth: ExtensionType.post_handshake_auth,
};

/** The ExtensionType code point of `ext`. */
export function extensionTypeOf(ext: Extension): number {
  return ext.kind === 'unknown' ? ext.type : TYPE_OF_KIND[ext.kind];
}

/** The first extension of kind `kind` in `exts`, if any. */
export function findExtension<K extends ExtensionKind>(
  exts: readonly Extension[],
  kind: K,
): ExtensionOf<K> | undefined {
  for (const e of exts) if (e.kind === kind) return e as ExtensionOf<K>;
  return undefined;
}

const latin1 = new TextDecoder('latin1');

function decodeError(what: string): TlsAlert {
  return new TlsAlert('decode_error', what);
}

function readU16List(r: Reader, what: string, minBytes: number): number[] {
  const body = r.sub(r.readU16());
  if (body.remaining < minBytes || body.remaining % 2 !== 0) throw decodeError(`malformed ${what} list`);
  const out: number[] = new Array<number>(body.remaining / 2);
  for (let i = 0; i < out.length; i++) out[i] = body.readU16();
  return out;
}

function decodeServerName(r: Reader, ctx: ExtensionContext): Extension {
  if (ctx === 'EE') return { kind: 'server_name' };
  const list = r.sub(r.readU16());
  if (list.isEmpty()) throw decodeError('empty server_name list');
  let hostName: string | undefined;
  while (!list.isEmpty()) {
    const nameType = list.readU8();
    const name = list.readU16Bytes();
    if (name.length === 0) throw decodeError('empty server name');
    if (nameType !== 0) continue; // only host_name(0) is defined; others are skipped
    if (hostName !== undefined) throw new TlsAlert('illegal_parameter', 'two host_name entries in server_name');
    for (let i = 0; i < name.length; i++) {
      const c = name[i]!;
      if (c < 0x21 || c > 0x7e) throw decodeError('server_name host_name is not printable ASCII');
    }
    hostName = latin1.decode(name);
  }
  return hostName === undefined ? { kind: 'server_name' } : { kind: 'server_name', hostName };
}

function decodeAlpn(r: Reader, ctx: ExtensionContext): Extension {
  const list = r.sub(r.readU16());
  if (list.isEmpty()) throw decodeError('empty ALPN protocol list');
  const protocols: Uint8Array[] = [];
  while (!list.isEmpty()) {
    const p = list.readU8Bytes();
    if (p.length === 0) throw decodeError('empty ALPN protocol name');
    protocols.push(p);
  }
  if (ctx !== 'CH' && protocols.length !== 1) {
    throw new TlsAlert('illegal_parameter', 'the server selected more than one ALPN protocol');
  }
  return { kind: 'application_layer_protocol_negotiation', protocols };
}

function decodeKeyShareEntry(r: Reader): KeyShareEntry {
  const group = r.readU16();
  const keyExchange = r.readU16Bytes();
  if (keyExchange.length === 0) throw decodeError('empty key_exchange');
  return { group, keyExchange };
}

function decodeKeyShare(r: Reader, ctx: ExtensionContext): Extension {
  if (ctx === 'SH') return { kind: 'key_share_server', share: decodeKeyShareEntry(r) };
  if (ctx === 'HRR') return { kind: 'key_share_retry', selectedGroup: r.readU16() };
  const list = r.sub(r.readU16());
  const shares: KeyShareEntry[] = [];
  while (!list.isEmpty()) {
    const entry = decodeKeyShareEntry(list);
    for (const s of shares) {
      if (s.group === entry.group) throw new TlsAlert('illegal_parameter', 'two key shares for one group');
    }
    shares.push(entry);
  }
  return { kind: 'key_share', shares };
}

function decodeSupportedVersions(r: Reader, ctx: ExtensionContext): Extension {
  if (ctx !== 'CH') return { kind: 'supported_versions_server', selectedVersion: r.readU16() };
  const body = r.sub(r.readU8());
  if (body.remaining < 2 || body.remaining % 2 !== 0) throw decodeError('malformed supported_versions');
  const versions: number[] = [];
  while (!body.isEmpty()) versions.push(body.readU16());
  return { kind: 'supported_versions', versions };
}

function decodePreSharedKey(r: Reader, ctx: ExtensionContext): Extension {
  if (ctx === 'SH') return { kind: 'pre_shared_key_server', selectedIdentity: r.readU16() };
  const ids = r.sub(r.readU16());
  const identities: PskIdentity[] = [];
  while (!ids.isEmpty()) {
    const identity = ids.readU16Bytes();
    if (identity.length === 0) throw decodeError('empty PSK identity');
    identities.push({ identity, obfuscatedTicketAge: ids.readU32() });
  }
  const bs = r.sub(r.readU16());
  const binders: Uint8Array[] = [];
  while (!bs.isEmpty()) {
    const b = bs.readU8Bytes();
    if (b.length < 32) throw decodeError('PSK binder shorter than 32 bytes');
    binders.push(b);
  }
  if (identities.length === 0) throw decodeError('no PSK identities');
  if (binders.length !== identities.length) {
    throw new TlsAlert('illegal_parameter', 'PSK binder count differs from the identity count');
  }
  return { kind: 'pre_shared_key', identities, binders };
}

function decodeCertificateAuthorities(r: Reader): Extension {
  const list = r.sub(r.readU16());
  if (list.remaining < 3) throw decodeError('malformed certificate_authorities');
  const authorities: Uint8Array[] = [];
  while (!list.isEmpty()) {
    const dn = list.readU16Bytes();
    if (dn.length === 0) throw decodeError('empty DistinguishedName');
    authorities.push(dn);
  }
  return { kind: 'certificate_authorities', authorities };
}

function decodeKnown(type: number, r: Reader, ctx: ExtensionContext): Extension | undefined {
  switch (type) {
    case ExtensionType.server_name:
      return decodeServerName(r, ctx);
    case ExtensionType.supported_groups:
      return { kind: 'supported_groups', groups: readU16List(r, 'supported_groups', 2) };
    case ExtensionType.signature_algorithms:
      return { kind: 'signature_algorithms', schemes: readU16List(r, 'signature_algorithms', 2) };
    case ExtensionType.signature_algorithms_cert:
      return { kind: 'signature_algorithms_cert', schemes: readU16List(r, 'signature_algorithms_cert', 2) };
    case ExtensionType.application_layer_protocol_negotiation:
      return decodeAlpn(r, ctx);
    case ExtensionType.key_share:
      return decodeKeyShare(r, ctx);
    case ExtensionType.supported_versions:
      return decodeSupportedVersions(r, ctx);
    case ExtensionType.pre_shared_key:
      return decodePreSharedKey(r, ctx);
    case ExtensionType.early_data:
      return ctx === 'NST' ? { kind: 'early_data', maxEarlyDataSize: r.readU32() } : { kind: 'early_data' };
    case ExtensionType.cookie: {
      const cookie = r.readU16Bytes();
      if (cookie.length === 0) throw decodeError('empty cookie');
      return { kind: 'cookie', cookie };
    }
    case ExtensionType.psk_key_exchange_modes: {
      const modes = Array.from(r.readU8Bytes());
      if (modes.length === 0) throw decodeError('empty psk_key_exchange_modes');
      return { kind: 'psk_key_exchange_modes', modes };
    }
    case ExtensionType.quic_transport_parameters:
      return { kind: 'quic_transport_parameters', parameters: r.rest() };
    case ExtensionType.certificate_authorities:
      return decodeCertificateAuthorities(r);
    case ExtensionType.post_handshake_auth:
      return { kind: 'post_handshake_auth' };
    default:
      return undefined;
  }
}

/**
 * Decodes an `Extension extensions<..2^16-1>` block (the u16 length and its contents) for the message `ctx`.
 * Throws {@link TlsAlert} (`decode_error`, `illegal_parameter`) for malformed or misplaced extensions; a
 * truncated reader throws `DecodeError`, which the message decoders turn into `decode_error`.
 */
export function decodeExtensions(r: Reader, ctx: ExtensionContext): Extension[] {
  const block = r.sub(r.readU16());
  const out: Extension[] = [];
  const seen = new Set<number>();
  let pskSeen = false;
  while (!block.isEmpty()) {
    const type = block.readU16();
    const body = block.sub(block.readU16());
    if (pskSeen) throw new TlsAlert('illegal_parameter', 'pre_shared_key is not the last ClientHello extension');
    if (seen.has(type)) throw new TlsAlert('illegal_parameter', `duplicate ${extensionTypeName(type)} extension`);
    seen.add(type);
    const allowed = extensionContexts.get(type);
    if (allowed !== undefined && !allowed.has(ctx)) {
      throw new TlsAlert('illegal_parameter', `${extensionTypeName(type)} is not allowed in ${ctx}`);
    }
    const decoded = decodeKnown(type, body, ctx);
    if (decoded === undefined) {
      out.push({ kind: 'unknown', type, data: body.rest() });
      continue;
    }
    if (!body.isEmpty()) throw decodeError(`trailing bytes in ${extensionTypeName(type)}`);
    if (type === ExtensionType.pre_shared_key && ctx === 'CH') pskSeen = true;
    out.push(decoded);
  }
  return out;
}

const utf8Encoder = new TextEncoder();

function bodySize(ext: Extension): number {
  switch (ext.kind) {
    case 'server_name':
      return ext.hostName === undefined ? 0 : 5 + utf8Encoder.encode(ext.hostName).length;
    case 'supported_groups':
      return 2 + 2 * ext.groups.length;
    case 'signature_algorithms':
    case 'signature_algorithms_cert':
      return 2 + 2 * ext.schemes.length;
    case 'application_layer_protocol_negotiation': {
      let n = 2;
      for (const p of ext.protocols) n += 1 + p.length;
      return n;
    }
    case 'key_share': {
      let n = 2;
      for (const s of ext.shares) n += 4 + s.keyExchange.length;
      return n;
    }
    case 'key_share_server':
      return 4 + ext.share.keyExchange.length;
    case 'key_share_retry':
      return 2;
    case 'supported_versions':
      return 1 + 2 * ext.versions.length;
    case 'supported_versions_server':
      return 2;
    case 'pre_shared_key': {
      let n = 2;
      for (const id of ext.identities) n += 6 + id.identity.length;
      return n + sizeOfPskBinders(ext.binders);
    }
    case 'pre_shared_key_server':
      return 2;
    case 'early_data':
      return ext.maxEarlyDataSize === undefined ? 0 : 4;
    case 'cookie':
      return 2 + ext.cookie.length;
    case 'psk_key_exchange_modes':
      return 1 + ext.modes.length;
    case 'quic_transport_parameters':
      return ext.parameters.length;
    case 'certificate_authorities': {
      let n = 2;
      for (const a of ext.authorities) n += 2 + a.length;
      return n;
    }
    case 'post_handshake_auth':
      return 0;
    case 'unknown':
      return ext.data.length;
  }
}

/** Size of the encoded `PskBinderEntry binders<33..2^16-1>` (length prefix included), RFC 8446 §4.2.11.2. */
export function sizeOfPskBinders(binders: readonly Uint8Array[]): number {
  let n = 2;
  for (const b of binders) n += 1 + b.length;
  return n;
}

function writeBody(w: Writer, ext: Extension): void {
  switch (ext.kind) {
    case 'server_name':
      if (ext.hostName !== undefined) {
        const name = utf8Encoder.encode(ext.hostName);
        w.writeU16(3 + name.length).writeU8(0).writeU16Bytes(name);
      }
      return;
    case 'supported_groups':
      w.writeU16(2 * ext.groups.length);
      for (const g of ext.groups) w.writeU16(g);
      return;
    case 'signature_algorithms':
    case 'signature_algorithms_cert':
      w.writeU16(2 * ext.schemes.length);
      for (const s of ext.schemes) w.writeU16(s);
      return;
    case 'application_layer_protocol_negotiation':
      w.withLength(2, () => {
        for (const p of ext.protocols) w.writeU8Bytes(p);
      });
      return;
    case 'key_share':
      w.withLength(2, () => {
        for (const s of ext.shares) w.writeU16(s.group).writeU16Bytes(s.keyExchange);
      });
      return;
    case 'key_share_server':
      w.writeU16(ext.share.group).writeU16Bytes(ext.share.keyExchange);
      return;
    case 'key_share_retry':
      w.writeU16(ext.selectedGroup);
      return;
    case 'supported_versions':
      w.writeU8(2 * ext.versions.length);
      for (const v of ext.versions) w.writeU16(v);
      return;
    case 'supported_versions_server':
      w.writeU16(ext.selectedVersion);
      return;
    case 'pre_shared_key':
      w.withLength(2, () => {
        for (const id of ext.identities) w.writeU16Bytes(id.identity).writeU32(id.obfuscatedTicketAge);
      });
      encodePskBinders(w, ext.binders);
      return;
    case 'pre_shared_key_server':
      w.writeU16(ext.selectedIdentity);
      return;
    case 'early_data':
      if (ext.maxEarlyDataSize !== undefined) w.writeU32(ext.maxEarlyDataSize);
      return;
    case 'cookie':
      w.writeU16Bytes(ext.cookie);
      return;
    case 'psk_key_exchange_modes':
      w.writeU8(ext.modes.length);
      for (const m of ext.modes) w.writeU8(m);
      return;
    case 'quic_transport_parameters':
      w.writeBytes(ext.parameters);
      return;
    case 'certificate_authorities':
      w.withLength(2, () => {
        for (const a of ext.authorities) w.writeU16Bytes(a);
      });
      return;
    case 'post_handshake_auth':
      return;
    case 'unknown':
      w.writeBytes(ext.data);
      return;
  }
}

/** Writes the `PskBinderEntry binders<33..2^16-1>` list (RFC 8446 §4.2.11). */
export function encodePskBinders(w: Writer, binders: readonly Uint8Array[]): void {
  w.withLength(2, () => {
    for (const b of binders) w.writeU8Bytes(b);
  });
}

/** Writes one extension: type, u16 length, body. */
export function encodeExtension(w: Writer, ext: Extension): void {
  w.writeU16(extensionTypeOf(ext));
  w.writeU16(bodySize(ext));
  writeBody(w, ext);
}

/** Encoded size of one extension (4-byte header included). */
export function sizeOfExtension(ext: Extension): number {
  return 4 + bodySize(ext);
}

/** Writes an extension block: the u16 total length, then each extension in order. */
export function encodeExtensions(w: Writer, exts: readonly Extension[]): void {
  let total = 0;
  for (const e of exts) total += sizeOfExtension(e);
  if (total > 0xffff) throw new RangeError(`extensions of ${total} bytes exceed 65535`);
  w.writeU16(total);
  for (const e of exts) encodeExtension(w, e);
}

/** Encoded size of an extension block (its u16 length included). */
export function sizeOfExtensions(exts: readonly Extension[]): number {
  let total = 2;
  for (const e of exts) total += sizeOfExtension(e);
  return total;
}
