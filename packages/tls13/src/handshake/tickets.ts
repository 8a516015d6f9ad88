/**
 * Session resumption state (RFC 8446 §4.6.1, §8): the client's ticket store, the server's rotating ticket keys
 * (stateless tickets: the server's state sealed with AES-256-GCM inside the ticket), the sealed state's codec, and
 * the 0-RTT anti-replay strike register (RFC 8446 §8.2: single-use tickets).
 *
 * @module
 */
import { Reader, Writer, equal } from '@qk/octets';
import type { CryptoProvider } from '../crypto/provider.js';
import type { SessionTicket } from './types.js';

// ---------------------------------------------------------------------------------------------------------------
// Client side

/**
 * Where a client keeps tickets between connections, keyed by server name. Clients use a ticket once (RFC 8446
 * Appendix C.4): the engine `remove`s the ticket it offers.
 */
export interface TicketStore {
  /** The newest ticket for `serverName` still valid at `now` (unix ms), if any. */
  get(serverName: string, now: number): SessionTicket | undefined;
  /** Keeps `ticket` (under `ticket.serverName`). */
  put(ticket: SessionTicket): void;
  /** Forgets `ticket`. */
  remove(ticket: SessionTicket): void;
}

/** True when `ticket` is past its lifetime at `now`. */
export function isTicketExpired(ticket: SessionTicket, now: number): boolean {
  return now - ticket.receivedAt >= ticket.lifetimeSeconds * 1000 || now < ticket.receivedAt - 60_000;
}

/**
 * An in-memory {@link TicketStore}: bounded LRU over server names, a few tickets per name (newest first).
 *
 * @example
 * const ticketStore = new MemoryTicketStore({ maxServers: 1000 });
 * const config = { ...clientConfig, ticketStore };
 */
export class MemoryTicketStore implements TicketStore {
  readonly #byName = new Map<string, SessionTicket[]>();
  readonly #maxServers: number;
  readonly #maxPerServer: number;

  /**
   * @param options.maxServers server names kept (least recently used dropped first), default 256
   * @param options.maxPerServer tickets kept per name, default 4
   */
  constructor(options: { readonly maxServers?: number; readonly maxPerServer?: number } = {}) {
    this.#maxServers = options.maxServers ?? 256;
    this.#maxPerServer = options.maxPerServer ?? 4;
    if (!Number.isInteger(this.#maxServers) || this.#maxServers < 1) {
      throw new RangeError('MemoryTicketStore: maxServers must be a positive integer');
    }
    if (!Number.isInteger(this.#maxPerServer) || this.#maxPerServer < 1) {
      throw new RangeError('MemoryTicketStore: maxPerServer must be a positive integer');
    }
  }

  get(serverName: string, now: number): SessionTicket | undefined {
    const list = this.#byName.get(serverName);
    if (list === undefined) return undefined;
    const live = list.filter((t) => !isTicketExpired(t, now));
    if (live.length === 0) {
      this.#byName.delete(serverName);
      return undefined;
    }
    this.#byName.delete(serverName);
    this.#byName.set(serverName, live);
    return live[0];
  }

  put(ticket: SessionTicket): void {
    const list = this.#byName.get(ticket.serverName) ?? [];
    this.#byName.delete(ticket.serverName);
    list.unshift(ticket);
    if (list.length > this.#maxPerServer) list.length = this.#maxPerServer;
    this.#byName.set(ticket.serverName, list);
    while (this.#byName.size > this.#maxServers) {
      const oldest = this.#byName.keys().next().value;
      if (oldest === undefined) break;
      this.#byName.delete(oldest);
    }
  }

  remove(ticket: SessionTicket): void {
    const list = this.#byName.get(ticket.serverName);
    if (list === undefined) return;
    const rest = list.filter((t) => t !== ticket && !equal(t.ticket, ticket.ticket));
    if (rest.length === 0) this.#byName.delete(ticket.serverName);
    else this.#byName.set(ticket.serverName, rest);
  }

  /** Number of tickets held. */
  get size(): number {
    let n = 0;
    for (const l of this.#byName.values()) n += l.length;
    return n;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Server side: ticket sealing

/** Seals and opens the server state carried in tickets. {@link TicketKeyManager} is the standard one. */
export interface TicketSealer {
  /** Encrypts and authenticates `plaintext` into an opaque ticket. */
  seal(plaintext: Uint8Array): Uint8Array;
  /** The plaintext of a ticket this server sealed with a key it still accepts, else `undefined`. */
  open(ticket: Uint8Array): Uint8Array | undefined;
}

/** One ticket key: a 4-byte id (carried in the ticket) and a 32-byte AES-256-GCM key. */
export interface TicketKey {
  readonly id: Uint8Array;
  readonly key: Uint8Array;
}

const KEY_ID_LENGTH = 4;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;

/**
 * Rotating ticket keys (AES-256-GCM through the provider). Tickets are `key id (4) || nonce (12) || ciphertext ||
 * tag`, the key id authenticated as associated data. The current key seals; the current and the previous key open.
 * Keys rotate every `rotationSeconds` of the injected clock, so a ticket stays openable for at least one rotation
 * period and at most two: keep `rotationSeconds` at or above the ticket lifetime. Servers behind a load balancer
 * share keys by constructing every instance with the same `keys`.
 *
 * @example
 * const ticketKeys = new TicketKeyManager({ provider: nobleProvider, now: Date.now });
 * createServerSession({ ...serverConfig, ticketKeys });
 */
export class TicketKeyManager implements TicketSealer {
  readonly #provider: CryptoProvider;
  readonly #now: () => number;
  readonly #rotationMs: number;
  readonly #autoRotate: boolean;
  #current: TicketKey;
  #previous: TicketKey | undefined;
  #currentSince: number;

  /**
   * @param options.provider seals with its AEAD, draws keys and nonces from its `random`
   * @param options.now the clock (unix ms) that drives rotation
   * @param options.rotationSeconds seconds between rotations (default 43200, 12 h)
   * @param options.keys fixed keys, current first (then rotation is off unless `rotationSeconds` is also given)
   */
  constructor(options: {
    readonly provider: CryptoProvider;
    readonly now: () => number;
    readonly rotationSeconds?: number;
    readonly keys?: readonly TicketKey[];
  }) {
    this.#provider = options.provider;
    this.#now = options.now;
    const rotation = options.rotationSeconds ?? 43_200;
    if (!Number.isFinite(rotation) || rotation <= 0) {
      throw new RangeError('TicketKeyManager: rotationSeconds must be a positive number');
    }
    this.#rotationMs = rotation * 1000;
    this.#autoRotate = options.keys === undefined || options.rotationSeconds !== undefined;
    const keys = options.keys;
    if (keys !== undefined) {
      if (keys.length === 0) throw new RangeError('TicketKeyManager: keys must not be empty');
      for (const k of keys) {
        if (k.id.length !== KEY_ID_LENGTH || k.key.length !== 32) {
          throw new RangeError('TicketKeyManager: each key needs a 4-byte id and a 32-byte key');
        }
      }
      this.#current = keys[0]!;
      this.#previous = keys[1];
    } else {
      this.#current = this.#newKey();
    }
    this.#currentSince = this.#now();
  }

  #newKey(): TicketKey {
    return {
      id: this.#provider.random(new Uint8Array(KEY_ID_LENGTH)),
      key: this.#provider.random(new Uint8Array(32)),
    };
  }

  #maybeRotate(): void {
    if (!this.#autoRotate) return;
    const now = this.#now();
    if (now - this.#currentSince < this.#rotationMs) return;
    if (now - this.#currentSince >= 2 * this.#rotationMs) this.#previous = undefined;
    else this.#previous = this.#current;
    this.#current = this.#newKey();
    this.#currentSince = now;
  }

  /** Starts a new current key now; the old current key becomes the previous one. */
  rotate(): void {
    this.#previous = this.#current;
    this.#current = this.#newKey();
    this.#currentSince = this.#now();
  }

  /** The key ids accepted right now, current first. */
  get keyIds(): readonly Uint8Array[] {
    this.#maybeRotate();
    return this.#previous === undefined ? [this.#current.id] : [this.#current.id, this.#previous.id];
  }

  seal(plaintext: Uint8Array): Uint8Array {
    this.#maybeRotate();
    const k = this.#current;
    const nonce = this.#provider.random(new Uint8Array(NONCE_LENGTH));
    const sealed = this.#provider.aead('aes-256-gcm', k.key).seal(nonce, k.id, plaintext);
    const out = new Uint8Array(KEY_ID_LENGTH + NONCE_LENGTH + sealed.length);
    out.set(k.id, 0);
    out.set(nonce, KEY_ID_LENGTH);
    out.set(sealed, KEY_ID_LENGTH + NONCE_LENGTH);
    return out;
  }

  open(ticket: Uint8Array): Uint8Array | undefined {
    if (ticket.length < KEY_ID_LENGTH + NONCE_LENGTH + TAG_LENGTH) return undefined;
    this.#maybeRotate();
    const id = ticket.subarray(0, KEY_ID_LENGTH);
    const k = equal(id, this.#current.id)
      ? this.#current
      : this.#previous !== undefined && equal(id, this.#previous.id)
        ? this.#previous
        : undefined;
    if (k === undefined) return undefined;
    const nonce = ticket.subarray(KEY_ID_LENGTH, KEY_ID_LENGTH + NONCE_LENGTH);
    return this.#provider.aead('aes-256-gcm', k.key).open(nonce, k.id, ticket.subarray(KEY_ID_LENGTH + NONCE_LENGTH));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Server side: what a ticket carries

/** The server state sealed inside a ticket. */
export interface ServerTicketState {
  /** The issuing connection's cipher suite. */
  readonly cipherSuite: number;
  /** When it was issued, unix ms. */
  readonly issuedAt: number;
  /** ticket_lifetime, seconds. */
  readonly lifetimeSeconds: number;
  /** ticket_age_add. */
  readonly ageAdd: number;
  /** max_early_data_size sent with it (0: no 0-RTT). */
  readonly maxEarlyData: number;
  /** The resumption PSK. */
  readonly psk: Uint8Array;
  /** The ALPN protocol negotiated ('' for none). */
  readonly alpn: string;
  /** The SNI of the issuing connection ('' for none). */
  readonly serverName: string;
  /** A random 16-byte id: the anti-replay key. */
  readonly id: Uint8Array;
  /** True when the issuing connection authenticated the client with a certificate. */
  readonly clientAuthenticated: boolean;
  /** The server's early-data context (e.g. QUIC transport settings); 0-RTT needs it unchanged. */
  readonly earlyDataContext: Uint8Array;
}

const STATE_VERSION = 1;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** Serializes a {@link ServerTicketState} (before sealing). */
export function encodeServerTicketState(s: ServerTicketState): Uint8Array {
  const w = new Writer(128 + s.psk.length + s.earlyDataContext.length);
  w.writeU8(STATE_VERSION);
  w.writeU16(s.cipherSuite);
  w.writeUint(Math.max(0, Math.floor(s.issuedAt)), 6);
  w.writeU32(s.lifetimeSeconds);
  w.writeU32(s.ageAdd >>> 0);
  w.writeU32(s.maxEarlyData >>> 0);
  w.writeU8Bytes(s.psk);
  w.writeU8Bytes(textEncoder.encode(s.alpn));
  w.writeU8Bytes(textEncoder.encode(s.serverName));
  w.writeU8Bytes(s.id);
  w.writeU8(s.clientAuthenticated ? 1 : 0);
  w.writeU16Bytes(s.earlyDataContext);
  return w.finish().slice();
}

/** Parses a {@link ServerTicketState}; `undefined` for anything malformed or of another version. */
export function decodeServerTicketState(bytes: Uint8Array): ServerTicketState | undefined {
  try {
    const r = new Reader(bytes);
    if (r.readU8() !== STATE_VERSION) return undefined;
    const cipherSuite = r.readU16();
    const issuedAt = r.readUint(6);
    const lifetimeSeconds = r.readU32();
    const ageAdd = r.readU32();
    const maxEarlyData = r.readU32();
    const psk = r.readU8Bytes().slice();
    const alpn = textDecoder.decode(r.readU8Bytes());
    const serverName = textDecoder.decode(r.readU8Bytes());
    const id = r.readU8Bytes().slice();
    const clientAuthenticated = r.readU8() === 1;
    const earlyDataContext = r.readU16Bytes().slice();
    if (!r.isEmpty()) return undefined;
    return {
      cipherSuite,
      issuedAt,
      lifetimeSeconds,
      ageAdd,
      maxEarlyData,
      psk,
      alpn,
      serverName,
      id,
      clientAuthenticated,
      earlyDataContext,
    };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 0-RTT anti-replay

/** Decides whether a 0-RTT ticket is used for the first time (RFC 8446 §8.2). */
export interface AntiReplay {
  /**
   * Records ticket `id` as used until `expiresAt` (unix ms) and returns true if it was not used before; false for a
   * replay (or when the register cannot remember more, which must also refuse 0-RTT).
   */
  checkAndRecord(id: Uint8Array, expiresAt: number, now: number): boolean;
}

/**
 * A bounded in-memory strike register of single-use 0-RTT ticket ids (RFC 8446 §8.1 "single-use tickets").
 * Entries leave when their ticket expires; when full of live entries it refuses (fails safe: early data rejected,
 * the handshake still resumes). One instance must serve every connection that can accept a given ticket.
 *
 * @example
 * const antiReplay = new StrikeRegister({ maxEntries: 100_000 });
 */
export class StrikeRegister implements AntiReplay {
  readonly #seen = new Map<string, number>();
  readonly #maxEntries: number;

  /** @param options.maxEntries ids remembered at most (default 100000) */
  constructor(options: { readonly maxEntries?: number } = {}) {
    this.#maxEntries = options.maxEntries ?? 100_000;
    if (!Number.isInteger(this.#maxEntries) || this.#maxEntries < 1) {
      throw new RangeError('StrikeRegister: maxEntries must be a positive integer');
    }
  }

  checkAndRecord(id: Uint8Array, expiresAt: number, now: number): boolean {
    const key = keyOf(id);
    const prior = this.#seen.get(key);
    if (prior !== undefined && prior > now) return false;
    if (prior !== undefined) this.#seen.delete(key);
    if (this.#seen.size >= this.#maxEntries) {
      for (const [k, exp] of this.#seen) if (exp <= now) this.#seen.delete(k);
      if (this.#seen.size >= this.#maxEntries) return false;
    }
    this.#seen.set(key, expiresAt);
    return true;
  }

  /** Ids currently remembered. */
  get size(): number {
    return this.#seen.size;
  }
}

function keyOf(id: Uint8Array): string {
  let s = '';
  for (let i = 0; i < id.length; i++) s += String.fromCharCode(id[i]!);
  return s;
}
