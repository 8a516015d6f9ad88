/**
 * The engine's public contract: encryption levels, events, negotiated parameters, the session interface, and the
 * session ticket a client keeps.
 *
 * @module
 */
import type { KeyExchangeGroup } from '../crypto/provider.js';
import type { TlsAlert } from '../errors.js';
import type { Certificate } from '../x509/certificate.js';

/**
 * Where handshake bytes travel (RFC 9001 §4.1.4): `initial` (QUIC Initial packets; in TLS mode, plaintext
 * records), `zeroRtt` (0-RTT; in QUIC no handshake bytes ever travel here, in TLS mode EndOfEarlyData does),
 * `handshake`, and `oneRtt` (post-handshake messages: NewSessionTicket; KeyUpdate in TLS mode).
 */
export type EncryptionLevel = 'initial' | 'zeroRtt' | 'handshake' | 'oneRtt';

/** Which role a session plays. */
export type TlsRole = 'client' | 'server';

/** The outcome of 0-RTT for a connection. */
export type EarlyDataStatus = 'accepted' | 'rejected' | 'not_offered';

/**
 * A resumption ticket as the client keeps it (RFC 8446 §4.6.1), with what 0-RTT needs to remember (RFC 9001 §4.6).
 */
export interface SessionTicket {
  /** The server name the ticket was issued for ('' when none was sent). */
  readonly serverName: string;
  /** The opaque ticket: the PSK identity. */
  readonly ticket: Uint8Array;
  /** The PSK: HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length). */
  readonly psk: Uint8Array;
  /** The cipher suite of the connection that issued it (its hash must match when resuming; 0-RTT needs it equal). */
  readonly cipherSuite: number;
  /** ticket_age_add. */
  readonly ageAdd: number;
  /** ticket_lifetime in seconds. */
  readonly lifetimeSeconds: number;
  /** When the client received it, unix ms (from the config's `now`). */
  readonly receivedAt: number;
  /** max_early_data_size; 0 when the server does not allow 0-RTT with it. */
  readonly maxEarlyData: number;
  /** The ALPN protocol the issuing connection negotiated. */
  readonly alpn?: string;
  /** The server's transport parameters on the issuing connection (QUIC mode), for 0-RTT (RFC 9000 §7.4.1). */
  readonly transportParameters?: Uint8Array;
}

/** Parameters of a connection, as far as the handshake has got. */
export interface NegotiatedParameters {
  /** The cipher suite code point. */
  readonly cipherSuite: number;
  /** The key-exchange group. */
  readonly group: KeyExchangeGroup;
  /** The negotiated ALPN protocol, if any. */
  readonly alpn?: string;
  /** The server name the client sent (SNI), if any. */
  readonly serverName?: string;
  /** True when the handshake resumed a session with a PSK. */
  readonly resumed: boolean;
  /** What became of 0-RTT. */
  readonly earlyData: EarlyDataStatus;
  /** True when the server sent a HelloRetryRequest. */
  readonly helloRetry: boolean;
  /** The SignatureScheme the server signed CertificateVerify with (absent when resumed). */
  readonly signatureScheme?: number;
  /** The SignatureScheme the client signed with, when it authenticated with a certificate. */
  readonly clientSignatureScheme?: number;
  /** The peer's certificate chain as it sent it, leaf first (empty when resumed or not authenticated). */
  readonly peerCertificates: readonly Certificate[];
}

/** Events a session reports, in order (readonly, discriminated on `kind`). */
export type TlsEvent =
  /**
   * A traffic secret is ready. QUIC derives packet-protection keys from it (RFC 9001 §5.1); a TLS record layer
   * derives record keys with `trafficKeys`. `read` secrets protect what the peer sends, `write` what this side sends.
   */
  | {
      readonly kind: 'secretsDerived';
      /** The encryption level the secret is for. */
      readonly level: 'zeroRtt' | 'handshake' | 'oneRtt';
      /** Whether this side reads or writes with it. */
      readonly direction: 'read' | 'write';
      /** The cipher suite code point (its AEAD and hash say how to use the secret). */
      readonly cipherSuite: number;
      /** The traffic secret, Hash.length bytes. */
      readonly secret: Uint8Array;
    }
  /** The handshake is complete: Finished verified in both directions (server: the client's Finished arrived). */
  | { readonly kind: 'handshakeCompleted' }
  /** The server accepted 0-RTT (client: EncryptedExtensions said so; server: it decided to). */
  | { readonly kind: 'earlyDataAccepted' }
  /** 0-RTT was offered and rejected: early data must be discarded (client: resent at 1-RTT if still wanted). */
  | { readonly kind: 'earlyDataRejected' }
  /** Client: a NewSessionTicket arrived and went into the ticket store. */
  | {
      readonly kind: 'sessionTicketReceived';
      /** The ticket as stored. */
      readonly ticket: SessionTicket;
    }
  /** The peer's quic_transport_parameters arrived (QUIC mode; TLS mode when the peer sent them). */
  | {
      readonly kind: 'peerTransportParametersReceived';
      /** The opaque extension body (RFC 9000 §18), for quic-core to decode. */
      readonly parameters: Uint8Array;
    };

/** A piece of handshake data to send at an encryption level. */
export interface TlsOutput {
  /** The level to send it at. */
  readonly level: EncryptionLevel;
  /** The bytes (one or more whole handshake messages). */
  readonly data: Uint8Array;
}

/**
 * A sans-io TLS 1.3 handshake in QUIC mode (RFC 9001 §4) or TLS mode. Call order: `start()` once (the client
 * queues its ClientHello), then feed received handshake bytes with `handleData(level, bytes)` and drain
 * `pollEvent()` and `pollOutput()` after every call until they return `undefined`. Apply `secretsDerived` events
 * before sending the output that follows them: each output item names its level, and every `write` secret for that
 * level has been reported by then (TLS mode KeyUpdate aside: the KeyUpdate message is the last one under the old key).
 *
 * @example
 * const client = createClientSession({ provider: nobleProvider, now: Date.now, serverName: 'example.com',
 *   alpnProtocols: ['h3'], transportParameters, trustStore });
 * client.start();
 * for (let out; (out = client.pollOutput()); ) sendCrypto(out.level, out.data);
 */
export interface TlsSession {
  /** Which side this is. */
  readonly role: TlsRole;
  /** The RFC 8446 Appendix A state (`START`, `WAIT_SH`, ..., `CONNECTED`), or `CLOSED` after an alert. */
  readonly state: string;
  /** Client: queues the ClientHello (and derives 0-RTT secrets when offering early data). Server: nothing. */
  start(): void;
  /**
   * Handshake bytes received at `level` (in order; any split). Throws {@link TlsAlert} only; after an alert the
   * session is dead and every further call throws the same alert.
   */
  handleData(level: EncryptionLevel, data: Uint8Array): void;
  /** The next handshake bytes to send, or `undefined`. */
  pollOutput(): TlsOutput | undefined;
  /** The next event, or `undefined`. */
  pollEvent(): TlsEvent | undefined;
  /** True once both Finished messages are verified (client: once it has sent its Finished). */
  isHandshakeComplete(): boolean;
  /** The negotiated parameters, once the ServerHello is sent or received. */
  negotiated(): NegotiatedParameters | undefined;
  /** The peer's quic_transport_parameters, once received. */
  peerTransportParameters(): Uint8Array | undefined;
  /**
   * Advances both directions' application traffic secrets one generation ("traffic upd", RFC 8446 §7.2) and returns
   * the new ones. QUIC key updates derive packet keys from them with "quic ku" (RFC 9001 §6). Throws `TypeError`
   * before the handshake has produced 1-RTT secrets.
   */
  nextApplicationSecrets(): { readonly client: Uint8Array; readonly server: Uint8Array };
  /**
   * `TLS-Exporter(label, context, length)` (RFC 8446 §7.5) over the exporter_master_secret. Throws `TypeError`
   * before the server Finished.
   */
  exportKeyingMaterial(label: string, context: Uint8Array, length: number): Uint8Array;
  /** The alert that ended the session, if any. */
  readonly alert: TlsAlert | undefined;
}
