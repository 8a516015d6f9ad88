/**
 * A sans-io TLS 1.3 record layer (RFC 8446 §5) for one endpoint: bytes in, typed records out; handshake bytes,
 * application data and alerts in, wire bytes out. It knows nothing of the handshake: the driver
 * ({@link TlsRecordConnection}) installs keys per epoch as the engine derives them.
 *
 * Epochs are named like the engine's encryption levels: `initial` (plaintext records), `zeroRtt`
 * (client_early_traffic_secret), `handshake` and `oneRtt` (application traffic secrets).
 *
 * @module
 */
import { concat } from '@qk/octets';
import { AlertDescription, TlsAlert, alertName } from '@qk/tls13';
import { RecordProtection } from './protection.js';
import {
  ContentType,
  LEGACY_CLIENT_HELLO_RECORD_VERSION,
  LEGACY_RECORD_VERSION,
  MAX_PLAINTEXT_LENGTH,
  RecordDeframer,
  contentTypeName,
  encodePlaintextRecord,
} from './record.js';

/** The key epochs of a TLS 1.3 connection, named like `@qk/tls13`'s `EncryptionLevel`. */
export type RecordEpoch = 'initial' | 'zeroRtt' | 'handshake' | 'oneRtt';

/** Alert levels (RFC 8446 §6): in TLS 1.3 only close_notify and user_canceled may be warnings. */
export const AlertLevel = { warning: 1, fatal: 2 } as const;

/** One record received, decrypted and checked. */
export type ReceivedRecord =
  | {
      readonly kind: 'handshake';
      /** The epoch whose keys protected the record. */
      readonly epoch: RecordEpoch;
      /** Handshake message bytes (possibly part of a message, possibly several). */
      readonly data: Uint8Array;
    }
  | {
      readonly kind: 'applicationData';
      /** `zeroRtt` for early data, `oneRtt` otherwise. */
      readonly epoch: RecordEpoch;
      /** The application bytes (may be empty: RFC 8446 §5.1 allows zero-length application data). */
      readonly data: Uint8Array;
    }
  | {
      /** A non-fatal alert: close_notify or user_canceled (every other alert is thrown as a `TlsAlert`). */
      readonly kind: 'alert';
      /** The alert level byte as sent. */
      readonly level: number;
      /** The description code, e.g. 0 for close_notify. */
      readonly description: number;
    }
  | {
      /** A middlebox-compatibility change_cipher_spec record, dropped as RFC 8446 §5 requires. */
      readonly kind: 'changeCipherSpecIgnored';
    }
  | {
      /** A record that failed to decrypt while skipping the peer's rejected early data (RFC 8446 §4.2.10). */
      readonly kind: 'earlyDataSkipped';
      /** The size of the skipped record's fragment. */
      readonly length: number;
    };

/** Options of a {@link RecordLayer}. */
export interface RecordLayerOptions {
  /** Which side this is: decides the legacy_record_version of the first ClientHello. */
  readonly role: 'client' | 'server';
  /**
   * The largest plaintext fragment to send per record (default and maximum 2^14). Smaller values exercise the
   * splitting of handshake messages across records.
   */
  readonly maxFragmentLength?: number;
}

/**
 * One endpoint's record layer. Receive path: {@link push} bytes, then call {@link nextRecord} until it returns
 * `undefined`, installing read keys between records as the handshake derives them ({@link setReadProtection}).
 * Send path: {@link writeHandshake}, {@link writeApplicationData}, {@link writeAlert},
 * {@link writeChangeCipherSpec} queue records; {@link pollTransmit} hands out the bytes.
 *
 * Every violation of RFC 8446 §5 by the peer throws a `TlsAlert` with the RFC's description; a fatal alert
 * from the peer throws a `TlsAlert` with `fromPeer: true`.
 */
export class RecordLayer {
  readonly role: 'client' | 'server';
  readonly #deframer = new RecordDeframer();
  readonly #maxFragment: number;
  readonly #write = new Map<RecordEpoch, RecordProtection>();
  #readEpoch: RecordEpoch = 'initial';
  #read: RecordProtection | undefined;
  #out: Uint8Array[] = [];
  #sentClientHello = false;
  #receivedFirstRecord = false;
  #peerFinished = false;
  #skipEarlyDataBytes = 0;
  #openedProtectedRecord = false;
  #closed = false;

  constructor(options: RecordLayerOptions) {
    const max = options.maxFragmentLength ?? MAX_PLAINTEXT_LENGTH;
    if (!Number.isInteger(max) || max < 1 || max > MAX_PLAINTEXT_LENGTH) {
      throw new RangeError(`maxFragmentLength must be an integer in [1, ${MAX_PLAINTEXT_LENGTH}], not ${max}`);
    }
    this.role = options.role;
    this.#maxFragment = max;
  }

  /** The epoch whose keys protect the records read next. */
  get readEpoch(): RecordEpoch {
    return this.#readEpoch;
  }

  /** True once a close_notify was received. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Installs the keys that protect the records read from now on (sequence numbers restart at 0). */
  setReadProtection(epoch: RecordEpoch, protection: RecordProtection): void {
    this.#readEpoch = epoch;
    this.#read = protection;
  }

  /** Installs (or replaces, after a key update) the keys for records written at `epoch`. */
  setWriteProtection(epoch: RecordEpoch, protection: RecordProtection): void {
    this.#write.set(epoch, protection);
  }

  /** True when write keys for `epoch` are installed (`initial` needs none). */
  canWrite(epoch: RecordEpoch): boolean {
    return epoch === 'initial' || this.#write.has(epoch);
  }

  /**
   * Marks the peer's Finished as received: from now on a change_cipher_spec record is `unexpected_message`
   * (RFC 8446 §5).
   */
  peerFinishedReceived(): void {
    this.#peerFinished = true;
  }

  /**
   * Server, after rejecting 0-RTT: skip records that fail to decrypt under the handshake keys, up to `maxBytes`
   * in total (RFC 8446 §4.2.10); the first one that decrypts ends the skipping.
   */
  skipRejectedEarlyData(maxBytes: number): void {
    this.#skipEarlyDataBytes = maxBytes;
  }

  /** Appends bytes received from the transport. */
  push(bytes: Uint8Array): void {
    this.#deframer.push(bytes);
  }

  /** Bytes received and not yet returned as records. */
  get buffered(): number {
    return this.#deframer.buffered;
  }

  /**
   * Reads, decrypts and checks the next complete record; `undefined` when more bytes are needed. Throws `TlsAlert`
   * for any violation (or a fatal alert from the peer).
   */
  nextRecord(): ReceivedRecord | undefined {
    const record = this.#deframer.next();
    if (record === undefined) return undefined;
    const { header, headerBytes, fragment } = record;
    const first = !this.#receivedFirstRecord;
    this.#receivedFirstRecord = true;
    const unprotected = this.#read === undefined || header.contentType !== ContentType.application_data;
    if (unprotected && fragment.length > MAX_PLAINTEXT_LENGTH) {
      throw new TlsAlert('record_overflow', `unprotected record of ${fragment.length} bytes exceeds 2^14`);
    }
    if (header.contentType === ContentType.change_cipher_spec) {
      // RFC 8446 §5: a CCS of the single byte 0x01 after the first ClientHello and before the peer's Finished
      // is dropped; any other CCS is unexpected_message.
      if (fragment.length !== 1 || fragment[0] !== 0x01) {
        throw new TlsAlert('unexpected_message', 'change_cipher_spec record is not the single byte 0x01');
      }
      if (this.#peerFinished) throw new TlsAlert('unexpected_message', 'change_cipher_spec after Finished');
      if (first && this.role === 'server') {
        throw new TlsAlert('unexpected_message', 'change_cipher_spec before the ClientHello');
      }
      return { kind: 'changeCipherSpecIgnored' };
    }
    if (this.#read === undefined) return this.#plaintext(header.contentType, fragment);
    if (header.contentType === ContentType.alert && !this.#openedProtectedRecord) {
      // A peer that fails before it switched its own write keys sends its alert in the clear (OpenSSL's client does,
      // on a certificate it rejects); like OpenSSL, accept a plaintext alert until the first protected record.
      return this.#alert(fragment);
    }
    if (header.contentType !== ContentType.application_data) {
      throw new TlsAlert(
        'unexpected_message',
        `unprotected ${contentTypeName(header.contentType)} record after keys were installed`,
      );
    }
    if (this.#skipEarlyDataBytes > 0) {
      try {
        const opened = this.#read.open(headerBytes, fragment);
        this.#skipEarlyDataBytes = 0;
        this.#openedProtectedRecord = true;
        return this.#inner(opened.contentType, opened.content);
      } catch (e) {
        if (!(e instanceof TlsAlert) || e.description !== 'bad_record_mac') throw e;
        if (fragment.length > this.#skipEarlyDataBytes) {
          throw new TlsAlert('bad_record_mac', 'rejected early data exceeds max_early_data_size');
        }
        this.#skipEarlyDataBytes -= fragment.length;
        return { kind: 'earlyDataSkipped', length: fragment.length };
      }
    }
    const opened = this.#read.open(headerBytes, fragment);
    this.#openedProtectedRecord = true;
    return this.#inner(opened.contentType, opened.content);
  }

  #plaintext(contentType: number, fragment: Uint8Array): ReceivedRecord {
    switch (contentType) {
      case ContentType.handshake:
        if (fragment.length === 0) throw new TlsAlert('unexpected_message', 'zero-length handshake record');
        // Copied: the fragment is a view into the deframer's buffer and the engine may keep it.
        return { kind: 'handshake', epoch: 'initial', data: fragment.slice() };
      case ContentType.alert:
        return this.#alert(fragment);
      case ContentType.application_data:
        throw new TlsAlert('unexpected_message', 'application data before the handshake keys');
      default:
        throw new TlsAlert('unexpected_message', `unknown record content type ${contentType}`);
    }
  }

  #inner(contentType: number, content: Uint8Array): ReceivedRecord {
    const epoch = this.#readEpoch;
    switch (contentType) {
      case ContentType.handshake:
        if (content.length === 0) throw new TlsAlert('unexpected_message', 'zero-length handshake record');
        return { kind: 'handshake', epoch, data: content };
      case ContentType.alert:
        return this.#alert(content);
      case ContentType.application_data:
        if (epoch !== 'oneRtt' && epoch !== 'zeroRtt') {
          throw new TlsAlert('unexpected_message', `application data under ${epoch} keys`);
        }
        return { kind: 'applicationData', epoch, data: content };
      default:
        throw new TlsAlert('unexpected_message', `protected record of content type ${contentTypeName(contentType)}`);
    }
  }

  #alert(content: Uint8Array): ReceivedRecord {
    // RFC 8446 §5.1: an alert record carries exactly one alert, never fragmented or coalesced.
    if (content.length !== 2) throw new TlsAlert('decode_error', `alert record of ${content.length} bytes, not 2`);
    const level = content[0]!;
    const description = content[1]!;
    if (description === AlertDescription.close_notify) {
      this.#closed = true;
      return { kind: 'alert', level, description };
    }
    if (description === AlertDescription.user_canceled) return { kind: 'alert', level, description };
    throw new TlsAlert(description, `received from the peer (level ${level})`, { fromPeer: true });
  }

  /**
   * Queues handshake bytes at `epoch`: coalesced into as few records as the fragment limit allows, split across
   * records when longer. Throws `RangeError` if no write keys are installed for `epoch`.
   */
  writeHandshake(epoch: RecordEpoch, data: Uint8Array): void {
    if (data.length === 0) return; // RFC 8446 §5.1: no zero-length handshake fragments
    for (let at = 0; at < data.length; at += this.#maxFragment) {
      this.#writeRecord(epoch, ContentType.handshake, data.subarray(at, Math.min(data.length, at + this.#maxFragment)));
    }
  }

  /** Queues application data at `epoch` (default `oneRtt`), split into records of at most the fragment limit. */
  writeApplicationData(data: Uint8Array, epoch: RecordEpoch = 'oneRtt'): void {
    if (epoch !== 'oneRtt' && epoch !== 'zeroRtt') throw new RangeError(`application data cannot go at ${epoch}`);
    if (data.length === 0) {
      this.#writeRecord(epoch, ContentType.application_data, data);
      return;
    }
    for (let at = 0; at < data.length; at += this.#maxFragment) {
      this.#writeRecord(epoch, ContentType.application_data, data.subarray(at, at + this.#maxFragment));
    }
  }

  /**
   * Queues an alert at `epoch`: `level` defaults to warning for close_notify and user_canceled, fatal otherwise
   * (RFC 8446 §6).
   */
  writeAlert(epoch: RecordEpoch, description: number, level?: number): void {
    const lvl =
      level ??
      (description === AlertDescription.close_notify || description === AlertDescription.user_canceled
        ? AlertLevel.warning
        : AlertLevel.fatal);
    this.#writeRecord(epoch, ContentType.alert, new Uint8Array([lvl, description]));
  }

  /** Queues the middlebox-compatibility change_cipher_spec record (RFC 8446 Appendix D.4): always plaintext. */
  writeChangeCipherSpec(): void {
    this.#out.push(encodePlaintextRecord(ContentType.change_cipher_spec, new Uint8Array([0x01])));
  }

  #writeRecord(epoch: RecordEpoch, contentType: number, fragment: Uint8Array): void {
    if (epoch === 'initial') {
      const version =
        this.role === 'client' && !this.#sentClientHello && contentType === ContentType.handshake
          ? LEGACY_CLIENT_HELLO_RECORD_VERSION
          : LEGACY_RECORD_VERSION;
      if (contentType === ContentType.handshake) this.#sentClientHello = true;
      this.#out.push(encodePlaintextRecord(contentType, fragment, version));
      return;
    }
    const protection = this.#write.get(epoch);
    if (protection === undefined) throw new RangeError(`no write keys for the ${epoch} epoch`);
    this.#out.push(protection.seal(contentType, fragment));
  }

  /** All queued records as one byte string, or `undefined` when nothing is queued. */
  pollTransmit(): Uint8Array | undefined {
    if (this.#out.length === 0) return undefined;
    const out = this.#out.length === 1 ? this.#out[0]! : concat(...this.#out);
    this.#out = [];
    return out;
  }
}

/** The name of an alert description, for messages. */
export function describeAlert(description: number): string {
  return alertName(description);
}
