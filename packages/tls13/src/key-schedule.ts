/**
 * The TLS 1.3 key schedule (RFC 8446 §7.1), as a thin mapping of the RFC's diagram onto a {@link CryptoProvider}.
 *
 * ```
 *              0
 *              |
 *              v
 *    PSK ->  HKDF-Extract = Early Secret
 *              |
 *              +-----> Derive-Secret(., "ext binder" | "res binder", "") = binder_key
 *              +-----> Derive-Secret(., "c e traffic", ClientHello)     = client_early_traffic_secret
 *              +-----> Derive-Secret(., "e exp master", ClientHello)    = early_exporter_master_secret
 *              v
 *        Derive-Secret(., "derived", "")
 *              |
 *              v
 * (EC)DHE -> HKDF-Extract = Handshake Secret
 *              +-----> Derive-Secret(., "c hs traffic", ClientHello...ServerHello) = client_handshake_traffic_secret
 *              +-----> Derive-Secret(., "s hs traffic", ClientHello...ServerHello) = server_handshake_traffic_secret
 *              v
 *        Derive-Secret(., "derived", "")
 *              |
 *              v
 *   0 -> HKDF-Extract = Master Secret
 *              +-----> Derive-Secret(., "c ap traffic", ClientHello...server Finished) = client_application_traffic_secret_0
 *              +-----> Derive-Secret(., "s ap traffic", ClientHello...server Finished) = server_application_traffic_secret_0
 *              +-----> Derive-Secret(., "exp master",   ClientHello...server Finished) = exporter_master_secret
 *              +-----> Derive-Secret(., "res master",   ClientHello...client Finished) = resumption_master_secret
 * ```
 *
 * Transcript hashes are computed by the caller (the handshake keeps a running transcript) and passed in.
 *
 * @module
 */
import { Writer, utf8 } from '@qk/octets';
import type { CipherSuiteInfo } from './crypto/suites.js';
import type { CryptoProvider, HashAlgorithm } from './crypto/provider.js';

/** The prefix RFC 8446 §7.1 puts before every HKDF label. */
const LABEL_PREFIX = utf8('tls13 ');

/** Encoded `"tls13 " + label`, cached per label (labels are a small fixed set). */
const labelCache = new Map<string, Uint8Array>();

function fullLabel(label: string): Uint8Array {
  let full = labelCache.get(label);
  if (full === undefined) {
    const body = utf8(label);
    full = new Uint8Array(LABEL_PREFIX.length + body.length);
    full.set(LABEL_PREFIX, 0);
    full.set(body, LABEL_PREFIX.length);
    if (full.length > 255) throw new RangeError(`hkdfExpandLabel: label "${label}" is longer than 249 bytes`);
    if (labelCache.size < 64) labelCache.set(label, full);
  }
  return full;
}

/**
 * Encodes the `HkdfLabel` structure of RFC 8446 §7.1:
 * `struct { uint16 length; opaque label<7..255> = "tls13 " + Label; opaque context<0..255>; }`.
 */
export function encodeHkdfLabel(label: string, context: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 0xffff) {
    throw new RangeError(`hkdfExpandLabel: length ${length} is not a uint16`);
  }
  if (context.length > 255) throw new RangeError(`hkdfExpandLabel: context of ${context.length} bytes exceeds 255`);
  const full = fullLabel(label);
  const w = new Writer(4 + full.length + context.length);
  w.writeU16(length);
  w.writeU8Bytes(full);
  w.writeU8Bytes(context);
  return w.finish();
}

/**
 * `HKDF-Expand-Label(Secret, Label, Context, Length)` of RFC 8446 §7.1: HKDF-Expand with the `HkdfLabel`
 * structure (label prefixed with `"tls13 "`) as info. QUIC uses it too (RFC 9001 §5.1, labels "quic key", ...).
 *
 * @example
 * const key = hkdfExpandLabel(nobleProvider, 'sha256', secret, 'quic key', new Uint8Array(0), 16);
 */
export function hkdfExpandLabel(
  provider: CryptoProvider,
  hash: HashAlgorithm,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  return provider.hkdfExpand(hash, secret, encodeHkdfLabel(label, context, length), length);
}

/**
 * `Derive-Secret(Secret, Label, Messages)` of RFC 8446 §7.1, given `messagesHash` = Transcript-Hash(Messages)
 * (for an empty transcript, the hash of the empty string): HKDF-Expand-Label(Secret, Label, messagesHash, Hash.length).
 */
export function deriveSecret(
  provider: CryptoProvider,
  hash: HashAlgorithm,
  secret: Uint8Array,
  label: string,
  messagesHash: Uint8Array,
): Uint8Array {
  return hkdfExpandLabel(provider, hash, secret, label, messagesHash, provider.hashLength(hash));
}

/** A record layer's AEAD key and IV derived from a traffic secret (RFC 8446 §7.3). */
export interface TrafficKeys {
  /** `HKDF-Expand-Label(Secret, "key", "", key_length)`. */
  readonly key: Uint8Array;
  /** `HKDF-Expand-Label(Secret, "iv", "", iv_length)`. */
  readonly iv: Uint8Array;
}

/**
 * `[sender]_write_key` and `[sender]_write_iv` of RFC 8446 §7.3 from a traffic secret, for a TLS record layer.
 * (QUIC derives its packet-protection keys with its own labels, RFC 9001 §5.1.)
 */
export function trafficKeys(provider: CryptoProvider, secret: Uint8Array, suite: CipherSuiteInfo): TrafficKeys {
  const empty = new Uint8Array(0);
  return {
    key: hkdfExpandLabel(provider, suite.hash, secret, 'key', empty, suite.keyLength),
    iv: hkdfExpandLabel(provider, suite.hash, secret, 'iv', empty, suite.ivLength),
  };
}

/** `finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length)` (RFC 8446 §4.4.4). */
export function finishedKey(provider: CryptoProvider, hash: HashAlgorithm, baseKey: Uint8Array): Uint8Array {
  return hkdfExpandLabel(provider, hash, baseKey, 'finished', new Uint8Array(0), provider.hashLength(hash));
}

/**
 * `verify_data = HMAC(finished_key, Transcript-Hash(Handshake Context, Certificate*, CertificateVerify*))`
 * (RFC 8446 §4.4.4); also the PSK binder value (§4.2.11.2) with the binder key's finished key.
 */
export function finishedVerifyData(
  provider: CryptoProvider,
  hash: HashAlgorithm,
  key: Uint8Array,
  transcriptHash: Uint8Array,
): Uint8Array {
  return provider.hmac(hash, key, transcriptHash);
}

/**
 * `application_traffic_secret_N+1 = HKDF-Expand-Label(application_traffic_secret_N, "traffic upd", "", Hash.length)`
 * (RFC 8446 §7.2). QUIC key updates use "quic ku" instead (RFC 9001 §6.1).
 */
export function nextApplicationSecret(provider: CryptoProvider, hash: HashAlgorithm, secret: Uint8Array): Uint8Array {
  return hkdfExpandLabel(provider, hash, secret, 'traffic upd', new Uint8Array(0), provider.hashLength(hash));
}

/**
 * The PSK of a resumption ticket: `HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce,
 * Hash.length)` (RFC 8446 §4.6.1).
 */
export function resumptionPsk(
  provider: CryptoProvider,
  hash: HashAlgorithm,
  resumptionMasterSecret: Uint8Array,
  ticketNonce: Uint8Array,
): Uint8Array {
  return hkdfExpandLabel(provider, hash, resumptionMasterSecret, 'resumption', ticketNonce, provider.hashLength(hash));
}

/**
 * `TLS-Exporter(label, context_value, key_length) = HKDF-Expand-Label(Derive-Secret(Secret, label, ""),
 * "exporter", Hash(context_value), key_length)` (RFC 8446 §7.5), with `exporterSecret` the (early) exporter master
 * secret.
 */
export function exportKeyingMaterial(
  provider: CryptoProvider,
  hash: HashAlgorithm,
  exporterSecret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const secret = deriveSecret(provider, hash, exporterSecret, label, provider.hash(hash, new Uint8Array(0)));
  return hkdfExpandLabel(provider, hash, secret, 'exporter', provider.hash(hash, context), length);
}

/** Which binder label a PSK uses (RFC 8446 §7.1): `"ext binder"` for external PSKs, `"res binder"` for tickets. */
export type PskKind = 'external' | 'resumption';

/**
 * The secrets of RFC 8446 §7.1 for one connection, in the order the handshake reaches them:
 * construct with the PSK (or none) to get the Early Secret, call {@link KeySchedule.deriveHandshakeSecret} with the
 * (EC)DHE shared secret after ServerHello, then {@link KeySchedule.deriveMasterSecret}. Each `Derive-Secret` output
 * is a method taking the transcript hash its row of the diagram names.
 *
 * Calling a stage's methods before that stage exists throws `TypeError` (API misuse).
 *
 * @example
 * const ks = new KeySchedule(nobleProvider, 'sha256');
 * ks.deriveHandshakeSecret(sharedSecret);
 * const cHs = ks.clientHandshakeTrafficSecret(transcriptHashThroughServerHello);
 * ks.deriveMasterSecret();
 * const cAp = ks.clientApplicationTrafficSecret(transcriptHashThroughServerFinished);
 */
export class KeySchedule {
  /** The cipher suite's hash. */
  readonly hash: HashAlgorithm;
  /** `Hash.length`. */
  readonly hashLength: number;
  /** `Early Secret = HKDF-Extract(0, PSK)` (PSK = 0 when none). */
  readonly earlySecret: Uint8Array;
  readonly #provider: CryptoProvider;
  /** `Transcript-Hash("")`, the context of `Derive-Secret(., "derived", "")` and of the binder keys. */
  readonly #emptyHash: Uint8Array;
  #handshakeSecret: Uint8Array | undefined;
  #masterSecret: Uint8Array | undefined;

  /**
   * @param provider the crypto provider
   * @param hash the negotiated cipher suite's hash
   * @param psk the pre-shared key (resumption or external); omitted for a full handshake
   */
  constructor(provider: CryptoProvider, hash: HashAlgorithm, psk?: Uint8Array) {
    this.#provider = provider;
    this.hash = hash;
    this.hashLength = provider.hashLength(hash);
    const zeros = new Uint8Array(this.hashLength);
    this.#emptyHash = provider.hash(hash, new Uint8Array(0));
    this.earlySecret = provider.hkdfExtract(hash, zeros, psk ?? zeros);
  }

  #derive(secret: Uint8Array, label: string, messagesHash: Uint8Array): Uint8Array {
    if (messagesHash.length !== this.hashLength) {
      throw new RangeError(`transcript hash for "${label}" must be ${this.hashLength} bytes, not ${messagesHash.length}`);
    }
    return deriveSecret(this.#provider, this.hash, secret, label, messagesHash);
  }

  // Early Secret stage

  /** `binder_key = Derive-Secret(Early Secret, "ext binder" | "res binder", "")`. */
  binderKey(kind: PskKind): Uint8Array {
    return this.#derive(this.earlySecret, kind === 'external' ? 'ext binder' : 'res binder', this.#emptyHash);
  }

  /** `client_early_traffic_secret = Derive-Secret(Early Secret, "c e traffic", ClientHello)`. */
  clientEarlyTrafficSecret(clientHelloHash: Uint8Array): Uint8Array {
    return this.#derive(this.earlySecret, 'c e traffic', clientHelloHash);
  }

  /** `early_exporter_master_secret = Derive-Secret(Early Secret, "e exp master", ClientHello)`. */
  earlyExporterMasterSecret(clientHelloHash: Uint8Array): Uint8Array {
    return this.#derive(this.earlySecret, 'e exp master', clientHelloHash);
  }

  /**
   * `Handshake Secret = HKDF-Extract(Derive-Secret(Early Secret, "derived", ""), (EC)DHE)`; the (EC)DHE input is
   * 0 (Hash.length zero bytes) for psk_ke. Returns it and moves the schedule to the handshake stage.
   */
  deriveHandshakeSecret(sharedSecret: Uint8Array | undefined): Uint8Array {
    const salt = this.#derive(this.earlySecret, 'derived', this.#emptyHash);
    this.#handshakeSecret = this.#provider.hkdfExtract(this.hash, salt, sharedSecret ?? new Uint8Array(this.hashLength));
    return this.#handshakeSecret;
  }

  // Handshake Secret stage

  /** The Handshake Secret; throws `TypeError` before {@link KeySchedule.deriveHandshakeSecret}. */
  get handshakeSecret(): Uint8Array {
    if (this.#handshakeSecret === undefined) throw new TypeError('KeySchedule: no Handshake Secret yet');
    return this.#handshakeSecret;
  }

  /** `client_handshake_traffic_secret = Derive-Secret(Handshake Secret, "c hs traffic", ClientHello...ServerHello)`. */
  clientHandshakeTrafficSecret(helloHash: Uint8Array): Uint8Array {
    return this.#derive(this.handshakeSecret, 'c hs traffic', helloHash);
  }

  /** `server_handshake_traffic_secret = Derive-Secret(Handshake Secret, "s hs traffic", ClientHello...ServerHello)`. */
  serverHandshakeTrafficSecret(helloHash: Uint8Array): Uint8Array {
    return this.#derive(this.handshakeSecret, 's hs traffic', helloHash);
  }

  /**
   * `Master Secret = HKDF-Extract(Derive-Secret(Handshake Secret, "derived", ""), 0)`. Returns it and moves the
   * schedule to the master stage.
   */
  deriveMasterSecret(): Uint8Array {
    const salt = this.#derive(this.handshakeSecret, 'derived', this.#emptyHash);
    this.#masterSecret = this.#provider.hkdfExtract(this.hash, salt, new Uint8Array(this.hashLength));
    return this.#masterSecret;
  }

  // Master Secret stage

  /** The Master Secret; throws `TypeError` before {@link KeySchedule.deriveMasterSecret}. */
  get masterSecret(): Uint8Array {
    if (this.#masterSecret === undefined) throw new TypeError('KeySchedule: no Master Secret yet');
    return this.#masterSecret;
  }

  /** `client_application_traffic_secret_0 = Derive-Secret(Master Secret, "c ap traffic", ClientHello...server Finished)`. */
  clientApplicationTrafficSecret(handshakeHash: Uint8Array): Uint8Array {
    return this.#derive(this.masterSecret, 'c ap traffic', handshakeHash);
  }

  /** `server_application_traffic_secret_0 = Derive-Secret(Master Secret, "s ap traffic", ClientHello...server Finished)`. */
  serverApplicationTrafficSecret(handshakeHash: Uint8Array): Uint8Array {
    return this.#derive(this.masterSecret, 's ap traffic', handshakeHash);
  }

  /** `exporter_master_secret = Derive-Secret(Master Secret, "exp master", ClientHello...server Finished)`. */
  exporterMasterSecret(handshakeHash: Uint8Array): Uint8Array {
    return this.#derive(this.masterSecret, 'exp master', handshakeHash);
  }

  /** `resumption_master_secret = Derive-Secret(Master Secret, "res master", ClientHello...client Finished)`. */
  resumptionMasterSecret(handshakeHash: Uint8Array): Uint8Array {
    return this.#derive(this.masterSecret, 'res master', handshakeHash);
  }

  // Helpers bound to this schedule's provider and hash

  /** {@link finishedKey} with this schedule's hash. */
  finishedKey(baseKey: Uint8Array): Uint8Array {
    return finishedKey(this.#provider, this.hash, baseKey);
  }

  /** {@link finishedVerifyData} with this schedule's hash. */
  finishedVerifyData(key: Uint8Array, transcriptHash: Uint8Array): Uint8Array {
    return finishedVerifyData(this.#provider, this.hash, key, transcriptHash);
  }

  /** {@link nextApplicationSecret} with this schedule's hash. */
  nextApplicationSecret(secret: Uint8Array): Uint8Array {
    return nextApplicationSecret(this.#provider, this.hash, secret);
  }

  /** {@link resumptionPsk} with this schedule's hash. */
  resumptionPsk(resumptionMasterSecret: Uint8Array, ticketNonce: Uint8Array): Uint8Array {
    return resumptionPsk(this.#provider, this.hash, resumptionMasterSecret, ticketNonce);
  }

  /** {@link trafficKeys}; throws `RangeError` if `suite`'s hash is not this schedule's. */
  trafficKeys(secret: Uint8Array, suite: CipherSuiteInfo): TrafficKeys {
    if (suite.hash !== this.hash) throw new RangeError(`${suite.name} does not use ${this.hash}`);
    return trafficKeys(this.#provider, secret, suite);
  }
}
