/**
 * What client and server sessions share: per-level reassembly with the level discipline of RFC 9001 §4.1.3, the
 * output and event queues, the transcript, secret reporting (events and key log), the single alert boundary, and
 * the post-handshake secrets (key update, exporter).
 *
 * @module
 */
import { Writer, constantTimeEqual } from '@qk/octets';
import type { CryptoProvider, KeyExchangeGroup } from '../crypto/provider.js';
import type { CipherSuiteInfo } from '../crypto/suites.js';
import { TlsAlert } from '../errors.js';
import { KeySchedule, exportKeyingMaterial, nextApplicationSecret } from '../key-schedule.js';
import { formatKeyLogLine, type KeyLogLabelName } from '../keylog.js';
import {
  HandshakeAssembler,
  decodeHandshakeBody,
  encodeHandshakeMessage,
  sizeOfHandshakeMessage,
  type HandshakeMessage,
  type RawHandshakeMessage,
} from '../messages/handshake.js';
import { handshakeTypeName } from '../registry.js';
import type { Certificate } from '../x509/certificate.js';
import type { ResolvedCommon } from './config.js';
import { Transcript } from './transcript.js';
import type {
  EarlyDataStatus,
  EncryptionLevel,
  NegotiatedParameters,
  TlsEvent,
  TlsOutput,
  TlsRole,
  TlsSession,
} from './types.js';

const LEVELS: readonly EncryptionLevel[] = ['initial', 'zeroRtt', 'handshake', 'oneRtt'];

interface PendingOutput {
  readonly level: EncryptionLevel;
  readonly chunks: Uint8Array[];
}

/** Mutable negotiation results a session fills in as it goes. */
export interface NegotiationState {
  cipherSuite: CipherSuiteInfo | undefined;
  group: KeyExchangeGroup | undefined;
  alpn: string | undefined;
  serverName: string | undefined;
  resumed: boolean;
  earlyData: EarlyDataStatus;
  helloRetry: boolean;
  signatureScheme: number | undefined;
  clientSignatureScheme: number | undefined;
  peerCertificates: readonly Certificate[];
}

/** The machinery client and server sessions share. Subclasses implement {@link TlsSessionBase.onMessage}. */
export abstract class TlsSessionBase implements TlsSession {
  abstract readonly role: TlsRole;
  /** The RFC 8446 Appendix A state. */
  state = 'START';
  /** The options, validated. */
  protected readonly config: ResolvedCommon;
  protected readonly provider: CryptoProvider;
  protected readonly transcript: Transcript;
  /** The level the next handshake message must arrive at. */
  protected readLevel: EncryptionLevel = 'initial';
  /** The key schedule, once the suite (and PSK) are known. */
  protected keySchedule: KeySchedule | undefined;
  /** ClientHello.random (the key log's identifier). */
  protected clientRandom: Uint8Array = new Uint8Array(32);
  protected readonly negotiation: NegotiationState = {
    cipherSuite: undefined,
    group: undefined,
    alpn: undefined,
    serverName: undefined,
    resumed: false,
    earlyData: 'not_offered',
    helloRetry: false,
    signatureScheme: undefined,
    clientSignatureScheme: undefined,
    peerCertificates: [],
  };
  protected peerTransportParams: Uint8Array | undefined;
  protected clientApplicationSecret: Uint8Array | undefined;
  protected serverApplicationSecret: Uint8Array | undefined;
  protected exporterMasterSecret: Uint8Array | undefined;
  protected handshakeComplete = false;

  readonly #assemblers = new Map<EncryptionLevel, HandshakeAssembler>();
  readonly #outputs: PendingOutput[] = [];
  readonly #events: TlsEvent[] = [];
  #alert: TlsAlert | undefined;

  constructor(config: ResolvedCommon) {
    this.config = config;
    this.provider = config.provider;
    this.transcript = new Transcript(config.provider);
  }

  abstract start(): void;

  /** Handles one complete message at `level`; throw {@link TlsAlert} for any protocol violation. */
  protected abstract onMessage(level: EncryptionLevel, message: RawHandshakeMessage): void;

  get alert(): TlsAlert | undefined {
    return this.#alert;
  }

  handleData(level: EncryptionLevel, data: Uint8Array): void {
    if (this.#alert !== undefined) throw this.#alert;
    if (!LEVELS.includes(level)) throw new TypeError(`handleData: unknown encryption level ${String(level)}`);
    if (!(data instanceof Uint8Array)) throw new TypeError('handleData: data must be a Uint8Array');
    if (data.length === 0) return;
    try {
      if (level !== this.readLevel) {
        throw new TlsAlert(
          'unexpected_message',
          `handshake data at the ${level} level while expecting ${this.readLevel}`,
        );
      }
      const assembler = this.#assembler(level);
      assembler.append(data);
      for (;;) {
        if (this.#alert !== undefined) return;
        if (this.readLevel !== level) {
          if (assembler.buffered > 0) {
            throw new TlsAlert('unexpected_message', `handshake data left at the ${level} level after a key change`);
          }
          break;
        }
        const message = assembler.next();
        if (message === undefined) break;
        this.onMessage(level, message);
      }
      assembler.retain();
    } catch (e) {
      throw this.fail(e);
    }
  }

  #assembler(level: EncryptionLevel): HandshakeAssembler {
    let a = this.#assemblers.get(level);
    if (a === undefined) {
      a = new HandshakeAssembler(this.config.limits);
      this.#assemblers.set(level, a);
    }
    return a;
  }

  /** Records `e` as the session's fatal alert (internal faults become internal_error) and returns it. */
  protected fail(e: unknown): TlsAlert {
    const alert =
      e instanceof TlsAlert
        ? e
        : new TlsAlert('internal_error', `internal error: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    this.#alert = alert;
    this.state = 'CLOSED';
    this.#outputs.length = 0;
    return alert;
  }

  /** Runs `fn` at the API boundary of a command (e.g. `start`), turning failures into the session's alert. */
  protected guard(fn: () => void): void {
    if (this.#alert !== undefined) throw this.#alert;
    try {
      fn();
    } catch (e) {
      throw this.fail(e);
    }
  }

  /** Decodes a message body after checking its type is one of `expected` (else unexpected_message). */
  protected decode(message: RawHandshakeMessage, ...expected: readonly number[]): HandshakeMessage {
    if (!expected.includes(message.type)) {
      throw new TlsAlert('unexpected_message', `unexpected ${handshakeTypeName(message.type)} in state ${this.state}`);
    }
    return decodeHandshakeBody(message.type, message.body);
  }

  pollOutput(): TlsOutput | undefined {
    const next = this.#outputs.shift();
    if (next === undefined) return undefined;
    if (next.chunks.length === 1) return { level: next.level, data: next.chunks[0]! };
    let n = 0;
    for (const c of next.chunks) n += c.length;
    const data = new Uint8Array(n);
    let at = 0;
    for (const c of next.chunks) {
      data.set(c, at);
      at += c.length;
    }
    return { level: next.level, data };
  }

  pollEvent(): TlsEvent | undefined {
    return this.#events.shift();
  }

  isHandshakeComplete(): boolean {
    return this.handshakeComplete;
  }

  peerTransportParameters(): Uint8Array | undefined {
    return this.peerTransportParams;
  }

  negotiated(): NegotiatedParameters | undefined {
    const n = this.negotiation;
    if (n.cipherSuite === undefined || n.group === undefined) return undefined;
    return {
      cipherSuite: n.cipherSuite.code,
      group: n.group,
      ...(n.alpn === undefined ? {} : { alpn: n.alpn }),
      ...(n.serverName === undefined ? {} : { serverName: n.serverName }),
      resumed: n.resumed,
      earlyData: n.earlyData,
      helloRetry: n.helloRetry,
      ...(n.signatureScheme === undefined ? {} : { signatureScheme: n.signatureScheme }),
      ...(n.clientSignatureScheme === undefined ? {} : { clientSignatureScheme: n.clientSignatureScheme }),
      peerCertificates: n.peerCertificates,
    };
  }

  nextApplicationSecrets(): { readonly client: Uint8Array; readonly server: Uint8Array } {
    const suite = this.negotiation.cipherSuite;
    if (this.clientApplicationSecret === undefined || this.serverApplicationSecret === undefined || !suite) {
      throw new TypeError('nextApplicationSecrets: no application traffic secrets yet');
    }
    this.clientApplicationSecret = nextApplicationSecret(this.provider, suite.hash, this.clientApplicationSecret);
    this.serverApplicationSecret = nextApplicationSecret(this.provider, suite.hash, this.serverApplicationSecret);
    return { client: this.clientApplicationSecret, server: this.serverApplicationSecret };
  }

  exportKeyingMaterial(label: string, context: Uint8Array, length: number): Uint8Array {
    const suite = this.negotiation.cipherSuite;
    if (this.exporterMasterSecret === undefined || !suite) {
      throw new TypeError('exportKeyingMaterial: no exporter_master_secret yet');
    }
    return exportKeyingMaterial(this.provider, suite.hash, this.exporterMasterSecret, label, context, length);
  }

  /** Queues an event. */
  protected emit(event: TlsEvent): void {
    this.#events.push(event);
  }

  /** Encodes `msg`, adds it to the transcript, and queues it at `level`. Returns the encoded bytes. */
  protected send(level: EncryptionLevel, msg: HandshakeMessage, addToTranscript = true): Uint8Array {
    const w = new Writer(sizeOfHandshakeMessage(msg));
    encodeHandshakeMessage(w, msg);
    const bytes = w.finish();
    this.sendEncoded(level, bytes, addToTranscript);
    return bytes;
  }

  /** Queues already-encoded message bytes at `level`, adding them to the transcript unless told not to. */
  protected sendEncoded(level: EncryptionLevel, bytes: Uint8Array, addToTranscript = true): void {
    if (addToTranscript) this.transcript.add(bytes);
    const last = this.#outputs[this.#outputs.length - 1];
    if (last !== undefined && last.level === level) last.chunks.push(bytes);
    else this.#outputs.push({ level, chunks: [bytes] });
  }

  /** Reports a traffic secret: a `secretsDerived` event and, with a key log, its line. */
  protected secretReady(
    level: 'zeroRtt' | 'handshake' | 'oneRtt',
    direction: 'read' | 'write',
    secret: Uint8Array,
    label: KeyLogLabelName,
  ): void {
    const suite = this.negotiation.cipherSuite;
    if (suite === undefined) throw new TypeError('secretReady before the cipher suite is known');
    this.emit({ kind: 'secretsDerived', level, direction, cipherSuite: suite.code, secret });
    this.logKey(label, secret);
  }

  /** Writes a key log line if a key log is configured. */
  protected logKey(label: KeyLogLabelName, secret: Uint8Array): void {
    const log = this.config.keyLog;
    if (log !== undefined) log(formatKeyLogLine(label, this.clientRandom, secret));
  }

  /**
   * A KeyUpdate arrived (TLS mode, RFC 8446 §4.6.3): the peer's next read secret; when asked, answer with our own
   * KeyUpdate (the last message under the old write key) and move to our next write secret.
   */
  protected onKeyUpdate(requestUpdate: boolean): void {
    const suite = this.requireSuite();
    const schedule = this.requireKeySchedule();
    const client = this.role === 'client';
    const peer = client ? this.serverApplicationSecret : this.clientApplicationSecret;
    const own = client ? this.clientApplicationSecret : this.serverApplicationSecret;
    if (peer === undefined || own === undefined) throw new TlsAlert('internal_error', 'no application secrets');
    const nextPeer = schedule.nextApplicationSecret(peer);
    if (client) this.serverApplicationSecret = nextPeer;
    else this.clientApplicationSecret = nextPeer;
    const cipherSuite = suite.code;
    this.emit({ kind: 'secretsDerived', level: 'oneRtt', direction: 'read', cipherSuite, secret: nextPeer });
    if (!requestUpdate) return;
    this.send('oneRtt', { kind: 'key_update', requestUpdate: false }, false);
    const nextOwn = schedule.nextApplicationSecret(own);
    if (client) this.clientApplicationSecret = nextOwn;
    else this.serverApplicationSecret = nextOwn;
    this.emit({ kind: 'secretsDerived', level: 'oneRtt', direction: 'write', cipherSuite, secret: nextOwn });
  }

  /** `verify_data` for a Finished keyed by `baseKey` over the transcript so far. */
  protected finishedVerifyData(baseKey: Uint8Array): Uint8Array {
    const ks = this.requireKeySchedule();
    return ks.finishedVerifyData(ks.finishedKey(baseKey), this.transcript.hash(ks.hash));
  }

  /** Checks a received Finished against the transcript so far (decode_error for a wrong length, else decrypt_error). */
  protected checkFinished(verifyData: Uint8Array, baseKey: Uint8Array): void {
    const expected = this.finishedVerifyData(baseKey);
    if (verifyData.length !== expected.length) {
      throw new TlsAlert('decode_error', `Finished of ${verifyData.length} bytes, expected ${expected.length}`);
    }
    if (!constantTimeEqual(verifyData, expected)) throw new TlsAlert('decrypt_error', 'Finished does not verify');
  }

  /** The key schedule; `internal_error` if called too early (a bug). */
  protected requireKeySchedule(): KeySchedule {
    if (this.keySchedule === undefined) throw new TlsAlert('internal_error', 'no key schedule yet');
    return this.keySchedule;
  }

  /** The negotiated suite; `internal_error` if called too early (a bug). */
  protected requireSuite(): CipherSuiteInfo {
    const s = this.negotiation.cipherSuite;
    if (s === undefined) throw new TlsAlert('internal_error', 'no cipher suite yet');
    return s;
  }
}
