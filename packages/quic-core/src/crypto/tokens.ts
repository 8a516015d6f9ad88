/**
 * Server-side tokens: stateless reset tokens (RFC 9000 §10.3.2) and address validation tokens carried in Retry
 * and NEW_TOKEN (RFC 9000 §8.1.1 to §8.1.4).
 *
 * Address validation tokens are opaque to the client (RFC 9000 §8.1.4). qk's format:
 *
 * ```
 * token = format (1 byte, 0x01) || salt (16 random bytes) || AEAD-sealed body || tag (16)
 * key   = HMAC-SHA256(secret, "qk address token" || salt), AEAD_AES_256_GCM, zero nonce, AAD = format || salt
 * body  = kind (u8: 1 Retry, 2 NEW_TOKEN) || version (u32) || issued at (u48, ms) || client IP (u8 length + bytes)
 *         [Retry only: || client port (u16) || original DCID (u8 length + bytes) || Retry SCID (u8 length + bytes)]
 * ```
 *
 * A fresh key per token (from a 128-bit random salt) keeps AES-GCM far from its random-nonce limits however many
 * tokens a server issues. Retry tokens bind the client's IP and port (the very next Initial must come from the
 * same address); NEW_TOKEN tokens bind only the IP, since a later connection usually has a new port
 * (RFC 9000 §8.1.3). The version is bound because tokens must not cross QUIC versions (RFC 9369 §5).
 *
 * Time is the caller's `now` in milliseconds on a clock that means the same thing across the token's lifetime
 * (and across server restarts for NEW_TOKEN tokens): the I/O layer passes wall-clock time.
 *
 * @module
 */
import { DecodeError, Reader, Writer, equal, utf8 } from '@qk/octets';
import type { Aead, CryptoProvider } from '@qk/tls13';

/** A stateless reset token is 16 bytes (RFC 9000 §10.3). */
export const STATELESS_RESET_TOKEN_LENGTH = 16;

/** Keys shorter than this are refused: 128 bits of secret at least. */
const MIN_SECRET_LENGTH = 16;

const TOKEN_FORMAT = 0x01;
const SALT_LENGTH = 16;
const TAG_LENGTH = 16;
const HEADER_LENGTH = 1 + SALT_LENGTH;
const KEY_LABEL = utf8('qk address token');
const ZERO_NONCE = new Uint8Array(12);
const MAX_ISSUED_AT = 2 ** 48;
const MAX_CID_LENGTH = 20;

/** Body kind codes. */
const KIND_RETRY = 1;
const KIND_NEW_TOKEN = 2;

/**
 * The stateless reset token for `connectionId`: HMAC-SHA256(staticKey, connectionId) truncated to 16 bytes
 * (RFC 9000 §10.3.2). Deterministic, so a server that restarts with the same `staticKey` can still reset
 * connections it has forgotten. Throws `RangeError` for a key shorter than 16 bytes.
 *
 * @example
 * const token = statelessResetToken(nobleProvider, staticKey, newConnectionId);
 */
export function statelessResetToken(
  provider: CryptoProvider,
  staticKey: Uint8Array,
  connectionId: Uint8Array,
): Uint8Array {
  if (staticKey.length < MIN_SECRET_LENGTH) {
    throw new RangeError(`statelessResetToken: static key of ${staticKey.length} bytes is shorter than 16`);
  }
  return provider.hmac('sha256', staticKey, connectionId).slice(0, STATELESS_RESET_TOKEN_LENGTH);
}

/** A server's address-token key: a provider and a secret of at least 16 bytes. Make one with {@link addressTokenKey}. */
export interface AddressTokenKey {
  readonly provider: CryptoProvider;
  readonly secret: Uint8Array;
}

/** Binds `secret` (at least 16 bytes; copied) for sealing and validating address tokens. */
export function addressTokenKey(provider: CryptoProvider, secret: Uint8Array): AddressTokenKey {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new RangeError(`addressTokenKey: secret of ${secret.length} bytes is shorter than 16`);
  }
  return { provider, secret: secret.slice() };
}

/**
 * A client address as tokens bind it. `ip` is compared byte for byte: raw address bytes (4 or 16), or a string
 * in one canonical form the server always uses (it is UTF-8 encoded). `port` is bound only by Retry tokens.
 */
export interface TokenAddress {
  readonly ip: Uint8Array | string;
  readonly port: number;
}

/** What a Retry token carries (RFC 9000 §8.1.2). */
export interface RetryToken {
  readonly kind: 'retry';
  /** The QUIC version of the connection attempt. */
  readonly version: number;
  /** When the token was issued (the caller's ms clock). */
  readonly issuedAt: number;
  /** The client's IP bytes (UTF-8 if a string was sealed). */
  readonly ip: Uint8Array;
  /** The client's UDP port. */
  readonly port: number;
  /** The Destination Connection ID of the client's first Initial (original_destination_connection_id). */
  readonly originalDcid: Uint8Array;
  /** The Source Connection ID of the Retry packet (retry_source_connection_id). */
  readonly retrySourceCid: Uint8Array;
}

/** What a NEW_TOKEN token carries (RFC 9000 §8.1.3). */
export interface NewToken {
  readonly kind: 'new_token';
  /** The QUIC version of the connection that issued it (RFC 9369 §5). */
  readonly version: number;
  /** When the token was issued (the caller's ms clock). */
  readonly issuedAt: number;
  /** The client's IP bytes (UTF-8 if a string was sealed). */
  readonly ip: Uint8Array;
}

/** A decoded address validation token. */
export type AddressToken = RetryToken | NewToken;

/** Why a token was rejected. */
export type TokenRejection =
  /** Not a token of this format (wrong length or format byte), or a body that does not parse. */
  | 'malformed'
  /** The AEAD tag does not verify: forged, corrupted, or sealed with another key. */
  | 'bad_tag'
  /** Issued for another QUIC version than the one expected. */
  | 'wrong_version'
  /** Older than the allowed age (or dated further in the future than that). */
  | 'expired'
  /** Issued to another client address (IP, and port for Retry tokens). */
  | 'wrong_address';

/** The outcome of {@link validateToken}. */
export type TokenValidation =
  | { readonly kind: 'valid'; readonly token: AddressToken }
  | { readonly kind: 'invalid'; readonly reason: TokenRejection };

/** Maximum token age in ms: one number for both kinds, or one per kind. */
export type TokenMaxAge = number | { readonly retry: number; readonly newToken: number };

function ipBytes(ip: Uint8Array | string): Uint8Array {
  return typeof ip === 'string' ? utf8(ip) : ip;
}

function checkIssuedAt(now: number): void {
  if (!Number.isSafeInteger(now) || now < 0 || now >= MAX_ISSUED_AT) {
    throw new RangeError(`address token: now ${now} is not an integer millisecond count in [0, 2^48)`);
  }
}

function tokenAead(key: AddressTokenKey, salt: Uint8Array): Aead {
  const keyInput = new Uint8Array(KEY_LABEL.length + salt.length);
  keyInput.set(KEY_LABEL, 0);
  keyInput.set(salt, KEY_LABEL.length);
  return key.provider.aead('aes-256-gcm', key.provider.hmac('sha256', key.secret, keyInput));
}

function seal(key: AddressTokenKey, body: Uint8Array): Uint8Array {
  const header = new Uint8Array(HEADER_LENGTH);
  header[0] = TOKEN_FORMAT;
  key.provider.random(header.subarray(1));
  const sealed = tokenAead(key, header.subarray(1)).seal(ZERO_NONCE, header, body);
  const out = new Uint8Array(HEADER_LENGTH + sealed.length);
  out.set(header, 0);
  out.set(sealed, HEADER_LENGTH);
  return out;
}

/**
 * Seals a Retry token (RFC 9000 §8.1.2) binding the client's IP and port, the original Destination Connection
 * ID, the Retry's Source Connection ID, the version and `now`. Throws `RangeError` on misuse (connection IDs over
 * 20 bytes, an IP over 255 bytes, a bad port or time).
 *
 * @example
 * const token = sealRetryToken(tokenKey, { version, address: from, originalDcid, retrySourceCid }, now);
 */
export function sealRetryToken(
  key: AddressTokenKey,
  fields: {
    readonly version: number;
    readonly address: TokenAddress;
    readonly originalDcid: Uint8Array;
    readonly retrySourceCid: Uint8Array;
  },
  now: number,
): Uint8Array {
  checkIssuedAt(now);
  const { address, originalDcid, retrySourceCid } = fields;
  if (originalDcid.length > MAX_CID_LENGTH || retrySourceCid.length > MAX_CID_LENGTH) {
    throw new RangeError('sealRetryToken: connection IDs are at most 20 bytes');
  }
  if (!Number.isInteger(address.port) || address.port < 0 || address.port > 0xffff) {
    throw new RangeError(`sealRetryToken: port ${address.port} is not a UDP port`);
  }
  const w = new Writer(64);
  w.writeU8(KIND_RETRY).writeU32(fields.version >>> 0).writeUint(now, 6).writeU8Bytes(ipBytes(address.ip));
  w.writeU16(address.port).writeU8Bytes(originalDcid).writeU8Bytes(retrySourceCid);
  return seal(key, w.finish());
}

/**
 * Seals a NEW_TOKEN token (RFC 9000 §8.1.3) binding the client's IP (not its port), the version and `now`.
 * Throws `RangeError` on misuse.
 *
 * @example
 * conn.sendNewToken(sealNewToken(tokenKey, { version, address: peer }, now));
 */
export function sealNewToken(
  key: AddressTokenKey,
  fields: { readonly version: number; readonly address: Pick<TokenAddress, 'ip'> },
  now: number,
): Uint8Array {
  checkIssuedAt(now);
  const w = new Writer(32);
  w.writeU8(KIND_NEW_TOKEN).writeU32(fields.version >>> 0).writeUint(now, 6).writeU8Bytes(ipBytes(fields.address.ip));
  return seal(key, w.finish());
}

function decodeBody(body: Uint8Array): AddressToken {
  const r = new Reader(body);
  const kind = r.readU8();
  const version = r.readU32();
  const issuedAt = r.readUint(6);
  const ip = r.readU8Bytes();
  if (kind === KIND_NEW_TOKEN) {
    r.expectEnd('NEW_TOKEN token');
    return { kind: 'new_token', version, issuedAt, ip };
  }
  if (kind !== KIND_RETRY) throw new DecodeError(`unknown token kind ${kind}`);
  const port = r.readU16();
  const originalDcid = r.readU8Bytes();
  const retrySourceCid = r.readU8Bytes();
  r.expectEnd('Retry token');
  return { kind: 'retry', version, issuedAt, ip, port, originalDcid, retrySourceCid };
}

/**
 * Opens and checks an address validation token from a client's Initial (RFC 9000 §8.1.3, §8.1.4): its tag, its
 * version (if `options.version` is given; RFC 9369 §5), its age against `maxAge` at `now`, and the client
 * address (IP, plus port for Retry tokens). Returns the decoded fields or the reason for rejection; never throws
 * for any token bytes. The caller still checks what the kind implies: a Retry token's connection IDs go into the
 * transport parameters, and a Retry token only counts in the Initial that answers that Retry.
 *
 * @example
 * const v = validateToken(tokenKey, initial.token, from, now, { retry: 10_000, newToken: 86_400_000 });
 * if (v.kind === 'valid') markAddressValidated();
 */
export function validateToken(
  key: AddressTokenKey,
  token: Uint8Array,
  clientAddress: TokenAddress,
  now: number,
  maxAge: TokenMaxAge,
  options: { readonly version?: number } = {},
): TokenValidation {
  if (token.length < HEADER_LENGTH + TAG_LENGTH || token[0] !== TOKEN_FORMAT) {
    return { kind: 'invalid', reason: 'malformed' };
  }
  let body: Uint8Array | undefined;
  try {
    const header = token.subarray(0, HEADER_LENGTH);
    body = tokenAead(key, token.subarray(1, HEADER_LENGTH)).open(ZERO_NONCE, header, token.subarray(HEADER_LENGTH));
  } catch {
    body = undefined;
  }
  if (body === undefined) return { kind: 'invalid', reason: 'bad_tag' };

  let decoded: AddressToken;
  try {
    decoded = decodeBody(body);
  } catch {
    return { kind: 'invalid', reason: 'malformed' };
  }
  if (options.version !== undefined && decoded.version !== options.version >>> 0) {
    return { kind: 'invalid', reason: 'wrong_version' };
  }
  const limit = typeof maxAge === 'number' ? maxAge : decoded.kind === 'retry' ? maxAge.retry : maxAge.newToken;
  const age = now - decoded.issuedAt;
  if (!(age <= limit && -age <= limit)) return { kind: 'invalid', reason: 'expired' };
  if (!equal(decoded.ip, ipBytes(clientAddress.ip))) return { kind: 'invalid', reason: 'wrong_address' };
  if (decoded.kind === 'retry' && decoded.port !== clientAddress.port) {
    return { kind: 'invalid', reason: 'wrong_address' };
  }
  return { kind: 'valid', token: decoded };
}
