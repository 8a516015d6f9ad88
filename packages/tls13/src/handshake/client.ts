/**
 * The client state machine (RFC 8446 Appendix A.1): START → WAIT_SH → WAIT_EE → (WAIT_CERT_CR → WAIT_CERT →
 * WAIT_CV) or PSK → WAIT_FINISHED → CONNECTED, with one HelloRetryRequest allowed on the way, PSK resumption with
 * binders (§4.2.11), 0-RTT (§4.2.10, RFC 9001 §4.6), client certificates on request, and NewSessionTicket
 * processing afterwards.
 *
 * @module
 */
import { Writer, equal } from '@qk/octets';
import type { KeyExchangeGroup, KeyShare } from '../crypto/provider.js';
import { cipherSuiteInfo, type CipherSuiteInfo } from '../crypto/suites.js';
import { TlsAlert } from '../errors.js';
import { KeySchedule } from '../key-schedule.js';
import type {
  Certificate as CertificateMessage,
  CertificateRequest,
  EncryptedExtensions,
  Finished,
} from '../messages/authentication.js';
import { findExtension, sizeOfPskBinders, type Extension } from '../messages/extensions.js';
import { encodeHandshakeMessage, sizeOfHandshakeMessage, type RawHandshakeMessage } from '../messages/handshake.js';
import type { ClientHello, HelloRetryRequest, ServerHello } from '../messages/hello.js';
import type { NewSessionTicket } from '../messages/post-handshake.js';
import {
  HandshakeType,
  LEGACY_VERSION,
  PskKeyExchangeMode,
  TLS13_VERSION,
  defaultCertificateSignatureSchemes,
  extensionTypeName,
  keyExchangeGroupOf,
  namedGroupOf,
} from '../registry.js';
import type { Certificate } from '../x509/certificate.js';
import { resolveClientConfig, type ResolvedClientConfig, type TlsClientConfig } from './config.js';
import {
  certificateMessage,
  checkCertificateVerify,
  parseCertificateMessage,
  signCertificateVerify,
  verifyPeerChain,
} from './peer-auth.js';
import { TlsSessionBase } from './session.js';
import { selectSignatureScheme } from './signature.js';
import { isTicketExpired } from './tickets.js';
import type { EncryptionLevel, SessionTicket, TlsSession } from './types.js';

/** Test-only hooks: rewrite the ClientHello before it is encoded (binders are computed afterwards). */
export interface ClientTestHooks {
  /** Called for ClientHello1 and ClientHello2 with what the engine built; returns what to send. */
  readonly clientHello?: (ch: ClientHello, retry: boolean) => ClientHello;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();
const MAX_TICKET_LIFETIME = 604_800;

/** The client side of a handshake. Create with {@link createClientSession}. */
export class ClientSession extends TlsSessionBase implements TlsSession {
  readonly role = 'client' as const;
  readonly #cfg: ResolvedClientConfig;
  readonly #hooks: ClientTestHooks;
  #started = false;
  #keyShares: KeyShare[] = [];
  #clientHello: ClientHello | undefined;
  #ticket: SessionTicket | undefined;
  #earlyDataOffered = false;
  #helloRetry: HelloRetryRequest | undefined;
  #clientHandshakeSecret: Uint8Array | undefined;
  #serverHandshakeSecret: Uint8Array | undefined;
  #certificateRequest: CertificateRequest | undefined;
  #serverChain: Certificate[] = [];
  #resumptionMasterSecret: Uint8Array | undefined;
  readonly #alpnOffered: Uint8Array[];

  constructor(config: TlsClientConfig, hooks: ClientTestHooks = {}) {
    const cfg = resolveClientConfig(config);
    super(cfg);
    this.#cfg = cfg;
    this.#hooks = hooks;
    this.#alpnOffered = cfg.alpnProtocols.map((p) => utf8.encode(p));
  }

  /** The ticket offered for resumption (and 0-RTT when {@link ClientSession.earlyDataOffered}), if any. */
  get offeredTicket(): SessionTicket | undefined {
    return this.#ticket;
  }

  /** True when the ClientHello offered 0-RTT: 0-RTT data may be sent with the `zeroRtt` write secret. */
  get earlyDataOffered(): boolean {
    return this.#earlyDataOffered;
  }

  start(): void {
    if (this.#started) throw new TypeError('start: the client session has already started');
    this.#started = true;
    this.guard(() => {
      const cfg = this.#cfg;
      this.clientRandom = this.provider.random(new Uint8Array(32));
      this.#keyShares = cfg.keyShareGroups.map((g) => this.provider.generateKeyShare(g));
      this.#pickTicket();
      this.#sendClientHello(undefined);
      this.state = 'WAIT_SH';
    });
  }

  #pickTicket(): void {
    const cfg = this.#cfg;
    const now = cfg.now();
    const ticket = cfg.ticketStore.get(cfg.serverName ?? '', now);
    if (ticket === undefined || isTicketExpired(ticket, now)) return;
    const suite = cipherSuiteInfo(ticket.cipherSuite);
    if (suite === undefined || !cfg.cipherSuites.some((s) => cipherSuiteInfo(s)?.hash === suite.hash)) return;
    cfg.ticketStore.remove(ticket); // tickets are single use (RFC 8446 Appendix C.4)
    this.#ticket = ticket;
    const alpnOk = ticket.alpn === undefined ? cfg.alpnProtocols.length === 0 : cfg.alpnProtocols.includes(ticket.alpn);
    this.#earlyDataOffered =
      cfg.earlyData && ticket.maxEarlyData > 0 && cfg.cipherSuites.includes(ticket.cipherSuite) && alpnOk;
  }

  #buildClientHello(cookie: Uint8Array | undefined): ClientHello {
    const cfg = this.#cfg;
    const exts: Extension[] = [{ kind: 'supported_versions', versions: [TLS13_VERSION] }];
    if (cfg.sni !== undefined) exts.push({ kind: 'server_name', hostName: cfg.sni });
    exts.push({ kind: 'supported_groups', groups: cfg.groups.map(namedGroupOf) });
    exts.push({ kind: 'signature_algorithms', schemes: cfg.signatureSchemes });
    exts.push({ kind: 'signature_algorithms_cert', schemes: defaultCertificateSignatureSchemes });
    if (this.#alpnOffered.length > 0) {
      exts.push({ kind: 'application_layer_protocol_negotiation', protocols: this.#alpnOffered });
    }
    exts.push({
      kind: 'key_share',
      shares: this.#keyShares.map((s) => ({ group: namedGroupOf(s.group), keyExchange: s.publicShare })),
    });
    exts.push({ kind: 'psk_key_exchange_modes', modes: [PskKeyExchangeMode.psk_dhe_ke] });
    if (cfg.transportParameters !== undefined) {
      exts.push({ kind: 'quic_transport_parameters', parameters: cfg.transportParameters });
    }
    if (cookie !== undefined) exts.push({ kind: 'cookie', cookie });
    if (this.#earlyDataOffered && this.#helloRetry === undefined) exts.push({ kind: 'early_data' });
    const ticket = this.#ticket;
    if (ticket !== undefined) {
      const hashLength = this.provider.hashLength(cipherSuiteInfo(ticket.cipherSuite)!.hash);
      const age = Math.max(0, Math.floor(cfg.now() - ticket.receivedAt));
      exts.push({
        kind: 'pre_shared_key',
        identities: [{ identity: ticket.ticket, obfuscatedTicketAge: (age + ticket.ageAdd) >>> 0 }],
        binders: [new Uint8Array(hashLength)],
      });
    }
    return {
      kind: 'client_hello',
      legacyVersion: LEGACY_VERSION,
      random: this.clientRandom,
      legacySessionId: this.#clientHello?.legacySessionId ?? new Uint8Array(0),
      cipherSuites: cfg.cipherSuites,
      legacyCompressionMethods: Uint8Array.of(0),
      extensions: exts,
    };
  }

  #sendClientHello(cookie: Uint8Array | undefined): void {
    const retry = this.#helloRetry !== undefined;
    let ch = this.#buildClientHello(cookie);
    if (this.#hooks.clientHello !== undefined) ch = this.#hooks.clientHello(ch, retry);
    this.#clientHello = ch;
    const w = new Writer(sizeOfHandshakeMessage(ch));
    encodeHandshakeMessage(w, ch);
    const bytes = w.finish();
    const psk = findExtension(ch.extensions, 'pre_shared_key');
    const ticket = this.#ticket;
    let earlySchedule: KeySchedule | undefined;
    if (psk !== undefined && ticket !== undefined) {
      // RFC 8446 §4.2.11.2: the binder is an HMAC over the transcript up to the binders list (truncated ClientHello).
      const hash = cipherSuiteInfo(ticket.cipherSuite)!.hash;
      earlySchedule = new KeySchedule(this.provider, hash, ticket.psk);
      const truncated = bytes.subarray(0, bytes.length - sizeOfPskBinders(psk.binders));
      const binderKey = earlySchedule.finishedKey(earlySchedule.binderKey('resumption'));
      const binder = earlySchedule.finishedVerifyData(binderKey, this.transcript.hashWith(hash, truncated));
      bytes.set(binder, bytes.length - binder.length);
    }
    this.sendEncoded('initial', bytes);
    if (earlySchedule !== undefined && ticket !== undefined && !retry && findExtension(ch.extensions, 'early_data')) {
      const secret = earlySchedule.clientEarlyTrafficSecret(this.transcript.hash(earlySchedule.hash));
      const cipherSuite = ticket.cipherSuite;
      this.emit({ kind: 'secretsDerived', level: 'zeroRtt', direction: 'write', cipherSuite, secret });
      this.logKey('CLIENT_EARLY_TRAFFIC_SECRET', secret);
    }
  }

  protected onMessage(level: EncryptionLevel, raw: RawHandshakeMessage): void {
    switch (this.state) {
      case 'WAIT_SH': {
        const msg = this.decode(raw, HandshakeType.server_hello);
        if (msg.kind === 'hello_retry_request') this.#onHelloRetryRequest(raw, msg);
        else if (msg.kind === 'server_hello') this.#onServerHello(raw, msg);
        return;
      }
      case 'WAIT_EE':
        return this.#onEncryptedExtensions(
          raw,
          this.decode(raw, HandshakeType.encrypted_extensions) as EncryptedExtensions,
        );
      case 'WAIT_CERT_CR': {
        const msg = this.decode(raw, HandshakeType.certificate, HandshakeType.certificate_request);
        if (msg.kind === 'certificate_request') return this.#onCertificateRequest(raw, msg);
        if (msg.kind === 'certificate') return this.#onCertificate(raw, msg);
        return;
      }
      case 'WAIT_CERT': {
        const msg = this.decode(raw, HandshakeType.certificate);
        if (msg.kind === 'certificate') this.#onCertificate(raw, msg);
        return;
      }
      case 'WAIT_CV': {
        const msg = this.decode(raw, HandshakeType.certificate_verify);
        if (msg.kind !== 'certificate_verify') return;
        checkCertificateVerify(
          this.provider,
          msg,
          this.#serverChain[0]!,
          this.#cfg.signatureSchemes,
          'server',
          this.transcript.hash(this.requireSuite().hash),
        );
        this.negotiation.signatureScheme = msg.scheme;
        this.transcript.add(raw.raw);
        this.state = 'WAIT_FINISHED';
        return;
      }
      case 'WAIT_FINISHED':
        return this.#onFinished(raw, this.decode(raw, HandshakeType.finished) as Finished);
      case 'CONNECTED': {
        const types: number[] = [HandshakeType.new_session_ticket];
        if (this.config.mode === 'tls') types.push(HandshakeType.key_update);
        const msg = this.decode(raw, ...types);
        if (msg.kind === 'new_session_ticket') this.#onNewSessionTicket(msg);
        else if (msg.kind === 'key_update') this.onKeyUpdate(msg.requestUpdate);
        return;
      }
      default:
        throw new TlsAlert('unexpected_message', `unexpected handshake message at ${level} in state ${this.state}`);
    }
  }

  /** Checks what ServerHello and HelloRetryRequest share (RFC 8446 §4.1.3, §4.1.4, §4.2.1). */
  #checkServerHelloCommon(msg: ServerHello | HelloRetryRequest): CipherSuiteInfo {
    const ch = this.#clientHello!;
    const version = findExtension(msg.extensions, 'supported_versions_server');
    if (version === undefined) throw new TlsAlert('protocol_version', 'the server does not speak TLS 1.3');
    if (version.selectedVersion !== TLS13_VERSION) {
      throw new TlsAlert('illegal_parameter', `the server selected version 0x${version.selectedVersion.toString(16)}`);
    }
    if (msg.legacyVersion !== LEGACY_VERSION) throw new TlsAlert('illegal_parameter', 'bad ServerHello legacy_version');
    if (!equal(msg.legacySessionIdEcho, ch.legacySessionId)) {
      throw new TlsAlert('illegal_parameter', 'legacy_session_id_echo differs from legacy_session_id');
    }
    if (msg.legacyCompressionMethod !== 0) throw new TlsAlert('illegal_parameter', 'non-zero compression method');
    const suite = cipherSuiteInfo(msg.cipherSuite);
    if (suite === undefined || !ch.cipherSuites.includes(msg.cipherSuite)) {
      const code = msg.cipherSuite.toString(16);
      throw new TlsAlert('illegal_parameter', `the server selected cipher suite 0x${code}, which was not offered`);
    }
    const pskOffered = findExtension(ch.extensions, 'pre_shared_key') !== undefined;
    for (const e of msg.extensions) {
      const ok =
        e.kind === 'supported_versions_server' ||
        (msg.kind === 'server_hello' &&
          (e.kind === 'key_share_server' || (e.kind === 'pre_shared_key_server' && pskOffered))) ||
        (msg.kind === 'hello_retry_request' && (e.kind === 'key_share_retry' || e.kind === 'cookie'));
      if (!ok) {
        const type = e.kind === 'unknown' ? extensionTypeName(e.type) : e.kind;
        throw new TlsAlert('unsupported_extension', `unrequested ${type} extension in ${msg.kind}`);
      }
    }
    return suite;
  }

  #onHelloRetryRequest(raw: RawHandshakeMessage, hrr: HelloRetryRequest): void {
    if (this.#helloRetry !== undefined) throw new TlsAlert('unexpected_message', 'a second HelloRetryRequest');
    const suite = this.#checkServerHelloCommon(hrr);
    const keyShare = findExtension(hrr.extensions, 'key_share_retry');
    const cookie = findExtension(hrr.extensions, 'cookie');
    if (keyShare === undefined && cookie === undefined) {
      throw new TlsAlert('illegal_parameter', 'HelloRetryRequest would not change the ClientHello');
    }
    let newGroup: KeyExchangeGroup | undefined;
    if (keyShare !== undefined) {
      newGroup = keyExchangeGroupOf(keyShare.selectedGroup);
      if (newGroup === undefined || !this.#cfg.groups.includes(newGroup)) {
        throw new TlsAlert('illegal_parameter', 'HelloRetryRequest selected a group the client did not offer');
      }
      if (this.#keyShares.some((s) => s.group === newGroup)) {
        throw new TlsAlert('illegal_parameter', 'HelloRetryRequest selected a group the client already shared');
      }
    }
    this.#helloRetry = hrr;
    this.negotiation.helloRetry = true;
    this.negotiation.cipherSuite = suite;
    if (this.#earlyDataOffered) {
      this.negotiation.earlyData = 'rejected';
      this.emit({ kind: 'earlyDataRejected' });
    }
    if (this.#ticket !== undefined && cipherSuiteInfo(this.#ticket.cipherSuite)!.hash !== suite.hash) {
      this.#ticket = undefined; // a PSK is only usable with its own hash (§4.2.11)
    }
    this.transcript.replaceWithMessageHash(suite.hash);
    this.transcript.add(raw.raw);
    if (newGroup !== undefined) this.#keyShares = [this.provider.generateKeyShare(newGroup)];
    this.#sendClientHello(cookie?.cookie.slice());
    this.state = 'WAIT_SH';
  }

  #onServerHello(raw: RawHandshakeMessage, sh: ServerHello): void {
    const suite = this.#checkServerHelloCommon(sh);
    const hrr = this.#helloRetry;
    if (hrr !== undefined && hrr.cipherSuite !== sh.cipherSuite) {
      throw new TlsAlert('illegal_parameter', 'ServerHello cipher suite differs from the HelloRetryRequest one');
    }
    const share = findExtension(sh.extensions, 'key_share_server');
    if (share === undefined) throw new TlsAlert('missing_extension', 'ServerHello without key_share (psk_dhe_ke only)');
    const retryGroup = hrr === undefined ? undefined : findExtension(hrr.extensions, 'key_share_retry');
    if (retryGroup !== undefined && retryGroup.selectedGroup !== share.share.group) {
      throw new TlsAlert('illegal_parameter', 'ServerHello key share group differs from the HelloRetryRequest one');
    }
    const ours = this.#keyShares.find((s) => namedGroupOf(s.group) === share.share.group);
    if (ours === undefined) {
      throw new TlsAlert('illegal_parameter', 'ServerHello key share for a group without a client share');
    }
    const psk = findExtension(sh.extensions, 'pre_shared_key_server');
    const ticket = this.#ticket;
    let schedule: KeySchedule;
    if (psk !== undefined && ticket !== undefined) {
      if (psk.selectedIdentity !== 0) throw new TlsAlert('illegal_parameter', 'selected_identity out of range');
      if (cipherSuiteInfo(ticket.cipherSuite)!.hash !== suite.hash) {
        throw new TlsAlert('illegal_parameter', 'the server resumed with a cipher suite of another hash');
      }
      schedule = new KeySchedule(this.provider, suite.hash, ticket.psk);
      this.negotiation.resumed = true;
    } else {
      schedule = new KeySchedule(this.provider, suite.hash);
    }
    const shared = this.provider.completeKeyExchange(ours, share.share.keyExchange);
    if (shared === undefined) throw new TlsAlert('illegal_parameter', 'invalid server key share');
    this.keySchedule = schedule;
    this.negotiation.cipherSuite = suite;
    this.negotiation.group = ours.group;
    if (this.#cfg.sni !== undefined) this.negotiation.serverName = this.#cfg.sni;
    this.transcript.add(raw.raw);
    schedule.deriveHandshakeSecret(shared);
    const helloHash = this.transcript.hash(suite.hash);
    this.#clientHandshakeSecret = schedule.clientHandshakeTrafficSecret(helloHash);
    this.#serverHandshakeSecret = schedule.serverHandshakeTrafficSecret(helloHash);
    this.secretReady('handshake', 'read', this.#serverHandshakeSecret, 'SERVER_HANDSHAKE_TRAFFIC_SECRET');
    this.secretReady('handshake', 'write', this.#clientHandshakeSecret, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET');
    this.readLevel = 'handshake';
    this.state = 'WAIT_EE';
  }

  #onEncryptedExtensions(raw: RawHandshakeMessage, ee: EncryptedExtensions): void {
    const cfg = this.#cfg;
    let earlyAccepted = false;
    for (const e of ee.extensions) {
      switch (e.kind) {
        case 'server_name':
          if (cfg.sni === undefined) throw new TlsAlert('unsupported_extension', 'unrequested server_name');
          break;
        case 'supported_groups':
          break;
        case 'application_layer_protocol_negotiation': {
          if (this.#alpnOffered.length === 0) throw new TlsAlert('unsupported_extension', 'unrequested ALPN');
          const chosen = e.protocols[0]!;
          if (!this.#alpnOffered.some((p) => equal(p, chosen))) {
            throw new TlsAlert('illegal_parameter', 'the server selected an ALPN protocol the client did not offer');
          }
          this.negotiation.alpn = utf8Decoder.decode(chosen);
          break;
        }
        case 'early_data':
          if (!this.#earlyDataOffered || this.#helloRetry !== undefined) {
            throw new TlsAlert('unsupported_extension', 'early_data accepted but not offered');
          }
          if (!this.negotiation.resumed) throw new TlsAlert('illegal_parameter', 'early_data accepted without the PSK');
          earlyAccepted = true;
          break;
        case 'quic_transport_parameters':
          if (cfg.transportParameters === undefined) {
            throw new TlsAlert('unsupported_extension', 'unrequested quic_transport_parameters');
          }
          this.peerTransportParams = e.parameters.slice();
          break;
        default: {
          // an extension qk does not implement is acceptable only as the answer to one the ClientHello carried
          // (possible when a test hook shaped the ClientHello); anything else was not requested (RFC 8446 §4.2)
          if (e.kind === 'unknown') {
            const type = e.type;
            if (this.#clientHello!.extensions.some((x) => x.kind === 'unknown' && x.type === type)) break;
          }
          const type = e.kind === 'unknown' ? extensionTypeName(e.type) : e.kind;
          throw new TlsAlert('unsupported_extension', `unrequested ${type} in EncryptedExtensions`);
        }
      }
    }
    if (cfg.mode === 'quic') {
      if (this.negotiation.alpn === undefined) {
        throw new TlsAlert('no_application_protocol', 'the server did not select an ALPN protocol (RFC 9001 §8.1)');
      }
      if (this.peerTransportParams === undefined) {
        throw new TlsAlert('missing_extension', 'no quic_transport_parameters from the server (RFC 9001 §8.2)');
      }
    }
    if (earlyAccepted) {
      const ticket = this.#ticket!;
      if (ticket.cipherSuite !== this.requireSuite().code || ticket.alpn !== this.negotiation.alpn) {
        throw new TlsAlert('illegal_parameter', "0-RTT accepted with another cipher suite or ALPN than the ticket's");
      }
    }
    this.transcript.add(raw.raw);
    if (this.peerTransportParams !== undefined) {
      this.emit({ kind: 'peerTransportParametersReceived', parameters: this.peerTransportParams });
    }
    if (this.#earlyDataOffered && this.#helloRetry === undefined) {
      this.negotiation.earlyData = earlyAccepted ? 'accepted' : 'rejected';
      this.emit({ kind: earlyAccepted ? 'earlyDataAccepted' : 'earlyDataRejected' });
    }
    this.state = this.negotiation.resumed ? 'WAIT_FINISHED' : 'WAIT_CERT_CR';
  }

  #onCertificateRequest(raw: RawHandshakeMessage, cr: CertificateRequest): void {
    if (cr.context.length !== 0) throw new TlsAlert('illegal_parameter', 'non-empty certificate_request_context');
    if (findExtension(cr.extensions, 'signature_algorithms') === undefined) {
      throw new TlsAlert('missing_extension', 'CertificateRequest without signature_algorithms');
    }
    this.#certificateRequest = { ...cr, context: cr.context.slice() };
    this.transcript.add(raw.raw);
    this.state = 'WAIT_CERT';
  }

  #onCertificate(raw: RawHandshakeMessage, msg: CertificateMessage): void {
    if (msg.context.length !== 0) throw new TlsAlert('illegal_parameter', 'non-empty certificate_request_context');
    if (msg.entries.length === 0) throw new TlsAlert('decode_error', 'the server sent an empty Certificate');
    const chain = parseCertificateMessage(msg);
    const cfg = this.#cfg;
    verifyPeerChain(chain, {
      useDefault: cfg.verifyPeer && !cfg.insecureSkipVerify,
      trustStore: cfg.trustStore,
      hook: cfg.verifyCertificate,
      purpose: 'serverAuth',
      serverName: cfg.serverName,
      provider: this.provider,
      now: cfg.now(),
    });
    this.#serverChain = chain;
    this.negotiation.peerCertificates = chain;
    this.transcript.add(raw.raw);
    this.state = 'WAIT_CV';
  }

  #onFinished(raw: RawHandshakeMessage, fin: Finished): void {
    const suite = this.requireSuite();
    const schedule = this.requireKeySchedule();
    this.checkFinished(fin.verifyData, this.#serverHandshakeSecret!);
    this.transcript.add(raw.raw);
    schedule.deriveMasterSecret();
    const handshakeHash = this.transcript.hash(suite.hash);
    this.clientApplicationSecret = schedule.clientApplicationTrafficSecret(handshakeHash);
    this.serverApplicationSecret = schedule.serverApplicationTrafficSecret(handshakeHash);
    this.exporterMasterSecret = schedule.exporterMasterSecret(handshakeHash);
    this.secretReady('oneRtt', 'read', this.serverApplicationSecret, 'SERVER_TRAFFIC_SECRET_0');
    this.logKey('EXPORTER_SECRET', this.exporterMasterSecret);
    if (this.config.mode === 'tls' && this.negotiation.earlyData === 'accepted') {
      this.send('zeroRtt', { kind: 'end_of_early_data' });
    }
    const cr = this.#certificateRequest;
    if (cr !== undefined) this.#sendClientCertificate(cr);
    const verifyData = this.finishedVerifyData(this.#clientHandshakeSecret!);
    this.send('handshake', { kind: 'finished', verifyData });
    this.#resumptionMasterSecret = schedule.resumptionMasterSecret(this.transcript.hash(suite.hash));
    this.transcript.release();
    this.secretReady('oneRtt', 'write', this.clientApplicationSecret, 'CLIENT_TRAFFIC_SECRET_0');
    this.handshakeComplete = true;
    this.readLevel = 'oneRtt';
    this.state = 'CONNECTED';
    this.emit({ kind: 'handshakeCompleted' });
  }

  #sendClientCertificate(cr: CertificateRequest): void {
    const cfg = this.#cfg;
    const offered = findExtension(cr.extensions, 'signature_algorithms')!.schemes;
    const key = cfg.privateKey;
    const scheme = key === undefined ? undefined : selectSignatureScheme(cfg.signatureSchemes, offered, key);
    if (key === undefined || scheme === undefined) {
      this.send('handshake', certificateMessage(cr.context, []));
      return;
    }
    this.send('handshake', certificateMessage(cr.context, cfg.certificateChain));
    const hash = this.requireSuite().hash;
    this.send('handshake', signCertificateVerify(this.provider, scheme, key, 'client', this.transcript.hash(hash)));
    this.negotiation.clientSignatureScheme = scheme;
  }

  #onNewSessionTicket(nst: NewSessionTicket): void {
    if (nst.lifetime > MAX_TICKET_LIFETIME) throw new TlsAlert('illegal_parameter', 'ticket_lifetime over 7 days');
    const early = findExtension(nst.extensions, 'early_data');
    const maxEarlyData = early?.maxEarlyDataSize ?? 0;
    if (this.config.mode === 'quic' && early !== undefined && maxEarlyData !== 0xffff_ffff) {
      throw new TlsAlert('illegal_parameter', 'max_early_data_size must be 0xffffffff in QUIC (RFC 9001 §4.6.1)');
    }
    if (nst.lifetime === 0) return;
    const suite = this.requireSuite();
    const psk = this.requireKeySchedule().resumptionPsk(this.#resumptionMasterSecret!, nst.nonce);
    const ticket: SessionTicket = {
      serverName: this.#cfg.serverName ?? '',
      ticket: nst.ticket.slice(),
      psk,
      cipherSuite: suite.code,
      ageAdd: nst.ageAdd,
      lifetimeSeconds: nst.lifetime,
      receivedAt: this.#cfg.now(),
      maxEarlyData,
      ...(this.negotiation.alpn === undefined ? {} : { alpn: this.negotiation.alpn }),
      ...(this.peerTransportParams === undefined ? {} : { transportParameters: this.peerTransportParams }),
    };
    this.#cfg.ticketStore.put(ticket);
    this.emit({ kind: 'sessionTicketReceived', ticket });
  }
}

/**
 * Creates a client session. Validates `config` at once (`TypeError` / `RangeError` naming the option).
 *
 * @example
 * const client = createClientSession({
 *   provider: nobleProvider, now: Date.now, serverName: 'example.com', trustStore,
 *   alpnProtocols: ['h3'], transportParameters: encodedTransportParameters,
 * });
 * client.start();
 */
export function createClientSession(config: TlsClientConfig): ClientSession {
  return new ClientSession(config);
}
