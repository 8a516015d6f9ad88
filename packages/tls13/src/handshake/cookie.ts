/**
 * Stateless HelloRetryRequest cookies (RFC 8446 §4.2.2): the server puts what it needs to rebuild the transcript
 * after the retry (the hash of ClientHello1 and its choices) in the cookie, authenticated with HMAC-SHA256 under
 * a server key, so a fresh session that receives ClientHello2 can continue without having kept state.
 *
 * Layout: `version (1) || issued_at ms (6) || cipher_suite (2) || group (2) || ch1_hash<1..255> || hmac (32)`.
 *
 * @module
 */
import { Reader, Writer, constantTimeEqual } from '@qk/octets';
import type { CryptoProvider } from '../crypto/provider.js';

/** What a HelloRetryRequest cookie carries. */
export interface HelloRetryCookieState {
  /** When the HelloRetryRequest was sent, unix ms. */
  readonly issuedAt: number;
  /** The cipher suite the HelloRetryRequest selected. */
  readonly cipherSuite: number;
  /** The NamedGroup the HelloRetryRequest asked for. */
  readonly group: number;
  /** Hash(ClientHello1) with the suite's hash. */
  readonly clientHello1Hash: Uint8Array;
}

const VERSION = 1;
const MAC_LENGTH = 32;

/** Seals `state` into a cookie under `key`. */
export function sealHelloRetryCookie(
  provider: CryptoProvider,
  key: Uint8Array,
  state: HelloRetryCookieState,
): Uint8Array {
  const w = new Writer(48 + state.clientHello1Hash.length + MAC_LENGTH);
  w.writeU8(VERSION);
  w.writeUint(Math.max(0, Math.floor(state.issuedAt)), 6);
  w.writeU16(state.cipherSuite);
  w.writeU16(state.group);
  w.writeU8Bytes(state.clientHello1Hash);
  const body = w.finish().slice();
  const mac = provider.hmac('sha256', key, body);
  const out = new Uint8Array(body.length + MAC_LENGTH);
  out.set(body, 0);
  out.set(mac, body.length);
  return out;
}

/**
 * Opens a cookie sealed under `key`: `undefined` when it is malformed, forged, or older than `maxAgeMs` at `now`.
 */
export function openHelloRetryCookie(
  provider: CryptoProvider,
  key: Uint8Array,
  cookie: Uint8Array,
  now: number,
  maxAgeMs: number,
): HelloRetryCookieState | undefined {
  if (cookie.length <= MAC_LENGTH) return undefined;
  const body = cookie.subarray(0, cookie.length - MAC_LENGTH);
  const mac = cookie.subarray(cookie.length - MAC_LENGTH);
  if (!constantTimeEqual(provider.hmac('sha256', key, body), mac)) return undefined;
  try {
    const r = new Reader(body);
    if (r.readU8() !== VERSION) return undefined;
    const issuedAt = r.readUint(6);
    const cipherSuite = r.readU16();
    const group = r.readU16();
    const clientHello1Hash = r.readU8Bytes().slice();
    if (!r.isEmpty()) return undefined;
    if (now - issuedAt > maxAgeMs || issuedAt - now > 60_000) return undefined;
    return { issuedAt, cipherSuite, group, clientHello1Hash };
  } catch {
    return undefined;
  }
}
