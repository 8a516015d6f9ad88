/**
 * The handshake transcript (RFC 8446 §4.4.1): the concatenation of every handshake message so far, hashed on
 * demand with the negotiated suite's hash (the client sends its ClientHello before it knows which hash that is).
 * After a HelloRetryRequest, ClientHello1 is replaced by the synthetic `message_hash` message.
 *
 * @module
 */
import type { CryptoProvider, HashAlgorithm } from '../crypto/provider.js';
import { HandshakeType } from '../registry.js';

/** The running transcript of one handshake. */
export class Transcript {
  #buf = new Uint8Array(1024);
  #len = 0;
  #cacheLen = -1;
  #cacheAlg: HashAlgorithm | undefined;
  #cacheHash: Uint8Array | undefined;
  readonly #provider: CryptoProvider;

  constructor(provider: CryptoProvider) {
    this.#provider = provider;
  }

  /** Appends one whole handshake message (header included); copies it. */
  add(message: Uint8Array): void {
    const need = this.#len + message.length;
    if (need > this.#buf.length) {
      let cap = Math.max(1024, this.#buf.length * 2);
      while (cap < need) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.#buf.subarray(0, this.#len));
      this.#buf = next;
    }
    this.#buf.set(message, this.#len);
    this.#len = need;
  }

  /** Frees the bytes once no more transcript hashes are needed (after resumption_master_secret). */
  release(): void {
    this.#buf = new Uint8Array(0);
    this.#len = 0;
    this.#cacheLen = -1;
    this.#cacheHash = undefined;
  }

  /** Bytes in the transcript. */
  get length(): number {
    return this.#len;
  }

  /** `Transcript-Hash` of everything so far. */
  hash(alg: HashAlgorithm): Uint8Array {
    if (this.#cacheLen === this.#len && this.#cacheAlg === alg && this.#cacheHash !== undefined) return this.#cacheHash;
    const h = this.#provider.hash(alg, this.#buf.subarray(0, this.#len));
    this.#cacheLen = this.#len;
    this.#cacheAlg = alg;
    this.#cacheHash = h;
    return h;
  }

  /** `Transcript-Hash` of everything so far followed by `extra` (not added): e.g. a truncated ClientHello. */
  hashWith(alg: HashAlgorithm, extra: Uint8Array): Uint8Array {
    const all = new Uint8Array(this.#len + extra.length);
    all.set(this.#buf.subarray(0, this.#len), 0);
    all.set(extra, this.#len);
    return this.#provider.hash(alg, all);
  }

  /**
   * Replaces the transcript (ClientHello1) by `message_hash` = `254 00 00 Hash.length || Hash(ClientHello1)`
   * (RFC 8446 §4.4.1), before the HelloRetryRequest is added.
   */
  replaceWithMessageHash(alg: HashAlgorithm): void {
    const h = this.hash(alg);
    this.#len = 0;
    this.#cacheLen = -1;
    this.add(messageHashMessage(h));
  }
}

/** The synthetic `message_hash` handshake message that stands for ClientHello1 after a HelloRetryRequest. */
export function messageHashMessage(clientHello1Hash: Uint8Array): Uint8Array {
  const m = new Uint8Array(4 + clientHello1Hash.length);
  m[0] = HandshakeType.message_hash;
  m[3] = clientHello1Hash.length;
  m.set(clientHello1Hash, 4);
  return m;
}
