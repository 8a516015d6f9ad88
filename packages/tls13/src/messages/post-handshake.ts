/**
 * Post-handshake messages: NewSessionTicket (RFC 8446 §4.6.1) and KeyUpdate (§4.6.3, TLS mode only: QUIC has its
 * own key update, RFC 9001 §6, and forbids the TLS message).
 *
 * @module
 */
import { type Reader, type Writer } from '@qk/octets';
import { TlsAlert } from '../errors.js';
import { KeyUpdateRequest } from '../registry.js';
import { decodeExtensions, encodeExtensions, sizeOfExtensions, type Extension } from './extensions.js';

/** NewSessionTicket (RFC 8446 §4.6.1). */
export interface NewSessionTicket {
  readonly kind: 'new_session_ticket';
  /** Lifetime in seconds, at most 604800 (7 days). */
  readonly lifetime: number;
  /** Added (mod 2^32) to the ticket age in milliseconds to obfuscate it. */
  readonly ageAdd: number;
  /** Per-ticket nonce, 0 to 255 bytes. */
  readonly nonce: Uint8Array;
  /** The opaque ticket (the PSK identity when resuming). */
  readonly ticket: Uint8Array;
  /** Extensions (early_data with max_early_data_size). */
  readonly extensions: readonly Extension[];
}

/** KeyUpdate (RFC 8446 §4.6.3). */
export interface KeyUpdate {
  readonly kind: 'key_update';
  /** True for update_requested: the peer must answer with its own KeyUpdate. */
  readonly requestUpdate: boolean;
}

/** Decodes a NewSessionTicket body. */
export function decodeNewSessionTicket(r: Reader): NewSessionTicket {
  const lifetime = r.readU32();
  const ageAdd = r.readU32();
  const nonce = r.readU8Bytes();
  const ticket = r.readU16Bytes();
  if (ticket.length === 0) throw new TlsAlert('decode_error', 'empty ticket');
  const extensions = decodeExtensions(r, 'NST');
  r.expectEnd('NewSessionTicket');
  return { kind: 'new_session_ticket', lifetime, ageAdd, nonce, ticket, extensions };
}

/** Writes a NewSessionTicket body. */
export function encodeNewSessionTicket(w: Writer, m: NewSessionTicket): void {
  w.writeU32(m.lifetime);
  w.writeU32(m.ageAdd);
  w.writeU8Bytes(m.nonce);
  w.writeU16Bytes(m.ticket);
  encodeExtensions(w, m.extensions);
}

/** Size of a NewSessionTicket body. */
export function sizeOfNewSessionTicket(m: NewSessionTicket): number {
  return 8 + 1 + m.nonce.length + 2 + m.ticket.length + sizeOfExtensions(m.extensions);
}

/** Decodes a KeyUpdate body; a request value other than 0 or 1 is illegal_parameter (§4.6.3). */
export function decodeKeyUpdate(r: Reader): KeyUpdate {
  const v = r.readU8();
  r.expectEnd('KeyUpdate');
  if (v !== KeyUpdateRequest.update_not_requested && v !== KeyUpdateRequest.update_requested) {
    throw new TlsAlert('illegal_parameter', `KeyUpdate request_update ${v}`);
  }
  return { kind: 'key_update', requestUpdate: v === KeyUpdateRequest.update_requested };
}

/** Writes a KeyUpdate body. */
export function encodeKeyUpdate(w: Writer, m: KeyUpdate): void {
  w.writeU8(m.requestUpdate ? KeyUpdateRequest.update_requested : KeyUpdateRequest.update_not_requested);
}

/** Size of a KeyUpdate body: 1. */
export function sizeOfKeyUpdate(_m: KeyUpdate): number {
  return 1;
}
