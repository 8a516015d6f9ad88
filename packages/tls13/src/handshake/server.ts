/**
 * The server state machine (RFC 8446 Appendix A.2): START → RECVD_CH → NEGOTIATED → (WAIT_EOED) →
 * WAIT_FLIGHT2 → (WAIT_CERT → WAIT_CV) → WAIT_FINISHED → CONNECTED, with HelloRetryRequest (stateful, or
 * stateless through the cookie), PSK resumption from sealed tickets, the 0-RTT acceptance rules (§4.2.10, §8,
 * RFC 9001 §4.6), optional client authentication, and NewSessionTickets once the client's Finished is verified.
 *
 * @module
 */
import { Writer, equal } from '@qk/octets';
import { cipherSuiteInfo, type CipherSuiteInfo } from '../crypto/suites.js';
import { TlsAlert } from '../errors.js';
import { KeySchedule } from '../key-schedule.js';
import type { Certificate as CertificateMessage, EncryptedExtensions } from '../messages/authentication.js';
import { findExtension, sizeOfPskBinders, type Extension, type KeyShareEntry } from '../messages/extensions.js';
import { encodeHandshakeMessage, sizeOfHandshakeMessage, type RawHandshakeMessage } from '../messages/handshake.js';
import type { ClientHello, HelloRetryRequest } from '../messages/hello.js';
import {
  HandshakeType,
  LEGACY_VERSION,
  PskKeyExchangeMode,
  TLS13_VERSION,
  keyExchangeGroupOf,
  namedGroupOf,
} from '../registry.js';
import type { Certificate } from '../x509/certificate.js';
import { resolveServerConfig, type ResolvedServerConfig, type TlsServerConfig } from './config.js';
import { openHelloRetryCookie, sealHelloRetryCookie } from './cookie.js';
import {
  certificateMessage,
  checkCertificateVerify,
  parseCertificateMessage,
  signCertificateVerify,
  verifyPeerChain,
} from './peer-auth.js';
import { TlsSessionBase } from './session.js';
import { selectSignatureScheme } from './signature.js';
import { decodeServerTicketState, encodeServerTicketState, type ServerTicketState } from './tickets.js';
import type { EncryptionLevel, TlsSession } from './types.js';
import { messageHashMessage } from './transcript.js';

/** Test-only hooks: rewrite messages before they are encoded. */
export interface ServerTestHooks {
  /** Rewrites the HelloRetryRequest. */
  readonly helloRetryRequest?: (hrr: HelloRetryRequest) => HelloRetryRequest;
  /** Rewrites the EncryptedExtensions. */
  readonly encryptedExtensions?: (ee: EncryptedExtensions) => EncryptedExtensions;
}

/** How long a stateless HelloRetryRequest cookie stays valid. */
const COOKIE_LIFETIME_MS = 60_000;
/** PSK identities examined at most (the rest are ignored). */
const MAX_PSK_IDENTITIES = 8;
const utf8 = new TextEncoder();

interface HelloRetryState {
  readonly suite: CipherSuiteInfo;
  readonly group: number;
  readonly cookie: Uint8Array | undefined;
  readonly random: Uint8Array | undefined;
}

interface AcceptedPsk {
  readonly state: ServerTicketState;
  readonly index: number;
  readonly obfuscatedAge: number;
}

/** The server side of a handshake. Create with {@link createServerSession}. */
export class ServerSession extends TlsSessionBase implements TlsSession {
  readonly role = 'server' as const;
  readonly #cfg: ResolvedServerConfig;
  readonly #hooks: ServerTestHooks;
  #retry: HelloRetryState | undefined;
  #clientHandshakeSecret: Uint8Array | undefined;
  #clientAuthMode: 'none' | 'request' | 'require' = 'none';
  #clientAuthenticated = false;
  #clientChain: Certificate[] = [];
  #ticketsAllowed = false;
  #ticketNonce = 0;
  #resumptionMasterSecret: Uint8Array | undefined;

  constructor(config: TlsServerConfig, hooks: ServerTestHooks = {}) {
    const cfg = resolveServerConfig(config);
    super(cfg);
    this.#cfg = cfg;
    this.#hooks = hooks;
  }

  start(): void {
    this.guard(() => undefined);
  }

  protected onMessage(level: EncryptionLevel, raw: RawHandshakeMessage): void {
    switch (this.state) {
      case 'START': {
        const msg = this.decode(raw, HandshakeType.client_hello);
        if (msg.kind === 'client_hello') this.#onClientHello(raw, msg);
        return;
      }
      case 'WAIT_EOED':
        this.decode(raw, HandshakeType.end_of_early_data);
        this.transcript.add(raw.raw);
        this.readLevel = 'handshake';
        this.state = this.#clientAuthMode === 'none' ? 'WAIT_FINISHED' : 'WAIT_CERT';
        return;
      case 'WAIT_CERT': {
        const msg = this.decode(raw, HandshakeType.certificate);
        if (msg.kind === 'certificate') this.#onClientCertificate(raw, msg);
        return;
      }
      case 'WAIT_CV': {
        const msg = this.decode(raw, HandshakeType.certificate_verify);
        if (msg.kind !== 'certificate_verify') return;
        const hash = this.requireSuite().hash;
        const leaf = this.#clientChain[0]!;
        const transcriptHash = this.transcript.hash(hash);
        checkCertificateVerify(this.provider, msg, leaf, this.#cfg.signatureSchemes, 'client', transcriptHash);
        this.negotiation.clientSignatureScheme = msg.scheme;
        this.#clientAuthenticated = true;
        this.transcript.add(raw.raw);
        this.state = 'WAIT_FINISHED';
        return;
      }
      case 'WAIT_FINISHED': {
        const msg = this.decode(raw, HandshakeType.finished);
        if (msg.kind === 'finished') this.#onClientFinished(raw, msg.verifyData);
        return;
      }
      case 'CONNECTED': {
        if (this.config.mode !== 'tls') {
          throw new TlsAlert('unexpected_message', 'no post-handshake messages from a QUIC client');
        }
        const msg = this.decode(raw, HandshakeType.key_update);
        if (msg.kind === 'key_update') this.onKeyUpdate(msg.requestUpdate);
        return;
      }
      default:
        throw new TlsAlert('unexpected_message', `unexpected handshake message at ${level} in state ${this.state}`);
    }
  }

  // ClientHello

  #onClientHello(raw: RawHandshakeMessage, ch: ClientHello): void {
    const cfg = this.#cfg;
    this.state = 'RECVD_CH';
    const versions = findExtension(ch.extensions, 'supported_versions');
    if (versions === undefined || !versions.versions.includes(TLS13_VERSION)) {
      throw new TlsAlert('protocol_version', 'the client does not offer TLS 1.3');
    }
    if (ch.legacyCompressionMethods.length !== 1 || ch.legacyCompressionMethods[0] !== 0) {
      throw new TlsAlert('illegal_parameter', 'legacy_compression_methods must be exactly [null]');
    }
    if (cfg.mode === 'quic' && ch.legacySessionId.length !== 0) {
      throw new TlsAlert('illegal_parameter', 'non-empty legacy_session_id in QUIC (RFC 9001 §8.4)');
    }
    const cookie = findExtension(ch.extensions, 'cookie');
    if (this.#retry === undefined && cookie !== undefined) this.#restoreFromCookie(ch, cookie.cookie);
    const retry = this.#retry;
    if (retry !== undefined) this.#checkSecondClientHello(ch, retry);

    const suite = retry?.suite ?? this.#selectCipherSuite(ch);
    const tp = findExtension(ch.extensions, 'quic_transport_parameters');
    if (cfg.mode === 'quic' && tp === undefined) {
      throw new TlsAlert('missing_extension', 'no quic_transport_parameters from the client (RFC 9001 §8.2)');
    }
    const alpn = this.#selectAlpn(ch);
    const { share, retryGroup } = this.#selectKeyShare(ch, retry);
    if (share === undefined) {
      this.#sendHelloRetryRequest(raw, ch, suite, retryGroup!);
      return;
    }
    const modes = findExtension(ch.extensions, 'psk_key_exchange_modes');
    const pskExt = findExtension(ch.extensions, 'pre_shared_key');
    if (pskExt !== undefined && modes === undefined) {
      throw new TlsAlert('missing_extension', 'pre_shared_key without psk_key_exchange_modes');
    }
    const dheMode = modes?.modes.includes(PskKeyExchangeMode.psk_dhe_ke) ?? false;
    this.#ticketsAllowed = dheMode;
    const psk = pskExt !== undefined && dheMode ? this.#acceptPsk(raw, ch, pskExt, suite) : undefined;
    let scheme: number | undefined;
    if (psk === undefined) {
      const sigs = findExtension(ch.extensions, 'signature_algorithms');
      if (sigs === undefined) throw new TlsAlert('missing_extension', 'no signature_algorithms from the client');
      scheme = selectSignatureScheme(cfg.signatureSchemes, sigs.schemes, cfg.privateKey);
      if (scheme === undefined) {
        throw new TlsAlert('handshake_failure', 'no common signature scheme for the certificate');
      }
    }
    if (tp !== undefined && cfg.transportParameters !== undefined) {
      this.peerTransportParams = tp.parameters.slice();
      this.emit({ kind: 'peerTransportParametersReceived', parameters: this.peerTransportParams });
    }
    const sni = findExtension(ch.extensions, 'server_name')?.hostName;
    this.negotiation.cipherSuite = suite;
    this.negotiation.alpn = alpn;
    this.negotiation.serverName = sni;
    this.negotiation.resumed = psk !== undefined;
    const earlyData = this.#decideEarlyData(ch, psk, suite, alpn, sni);
    this.state = 'NEGOTIATED';
    this.transcript.add(raw.raw);
    this.#sendFlight(ch, suite, share, psk, scheme, earlyData, sni);
  }

  #selectCipherSuite(ch: ClientHello): CipherSuiteInfo {
    const ours = this.#cfg.cipherSuites;
    const order = this.#cfg.cipherSuitePreference === 'server' ? ours : ch.cipherSuites;
    for (const code of order) {
      if (ours.includes(code) && ch.cipherSuites.includes(code)) return cipherSuiteInfo(code)!;
    }
    throw new TlsAlert('handshake_failure', 'no cipher suite in common');
  }

  #selectAlpn(ch: ClientHello): string | undefined {
    const ours = this.#cfg.alpnProtocols;
    const offered = findExtension(ch.extensions, 'application_layer_protocol_negotiation')?.protocols;
    if (ours.length === 0) return undefined;
    if (offered === undefined) {
      if (this.#cfg.mode === 'quic') {
        throw new TlsAlert('no_application_protocol', 'the client offered no ALPN protocol');
      }
      return undefined;
    }
    for (const p of ours) {
      const bytes = utf8.encode(p);
      if (offered.some((o) => equal(o, bytes))) return p;
    }
    throw new TlsAlert('no_application_protocol', 'no ALPN protocol in common');
  }

  /** The client share to use, or the group to ask for in a HelloRetryRequest. */
  #selectKeyShare(
    ch: ClientHello,
    retry: HelloRetryState | undefined,
  ): { share: KeyShareEntry | undefined; retryGroup: number | undefined } {
    const supported = findExtension(ch.extensions, 'supported_groups');
    const shares = findExtension(ch.extensions, 'key_share');
    if (supported === undefined) throw new TlsAlert('missing_extension', 'no supported_groups from the client');
    if (shares === undefined) {
      throw new TlsAlert('missing_extension', 'no key_share from the client (psk_ke is not supported)');
    }
    for (const s of shares.shares) {
      if (!supported.groups.includes(s.group)) {
        throw new TlsAlert('illegal_parameter', 'a key share for a group not in supported_groups');
      }
    }
    if (retry !== undefined) {
      const share = shares.shares.find((s) => s.group === retry.group);
      if (share === undefined || shares.shares.length !== 1) {
        throw new TlsAlert('illegal_parameter', 'ClientHello2 must carry exactly the key share the retry asked for');
      }
      return { share, retryGroup: undefined };
    }
    const ours = this.#cfg.groups.map(namedGroupOf);
    for (const g of ours) {
      const share = shares.shares.find((s) => s.group === g);
      if (share !== undefined) return { share, retryGroup: undefined };
    }
    for (const g of ours) if (supported.groups.includes(g)) return { share: undefined, retryGroup: g };
    throw new TlsAlert('handshake_failure', 'no key-exchange group in common');
  }

  // HelloRetryRequest

  #helloRetryRequest(
    ch: ClientHello,
    suite: CipherSuiteInfo,
    group: number,
    cookie: Uint8Array | undefined,
  ): HelloRetryRequest {
    const exts: Extension[] = [{ kind: 'key_share_retry', selectedGroup: group }];
    if (cookie !== undefined) exts.push({ kind: 'cookie', cookie });
    exts.push({ kind: 'supported_versions_server', selectedVersion: TLS13_VERSION });
    return {
      kind: 'hello_retry_request',
      legacyVersion: LEGACY_VERSION,
      legacySessionIdEcho: ch.legacySessionId,
      cipherSuite: suite.code,
      legacyCompressionMethod: 0,
      extensions: exts,
    };
  }

  #sendHelloRetryRequest(raw: RawHandshakeMessage, ch: ClientHello, suite: CipherSuiteInfo, group: number): void {
    const cfg = this.#cfg;
    this.transcript.add(raw.raw);
    const ch1Hash = this.transcript.hash(suite.hash);
    const cookie =
      cfg.helloRetryCookie === undefined
        ? undefined
        : sealHelloRetryCookie(this.provider, cfg.helloRetryCookie, {
            issuedAt: cfg.now(),
            cipherSuite: suite.code,
            group,
            clientHello1Hash: ch1Hash,
          });
    let hrr = this.#helloRetryRequest(ch, suite, group, cookie);
    if (this.#hooks.helloRetryRequest !== undefined) hrr = this.#hooks.helloRetryRequest(hrr);
    this.transcript.replaceWithMessageHash(suite.hash);
    this.send('initial', hrr);
    this.#retry = { suite, group, cookie: findExtension(hrr.extensions, 'cookie')?.cookie, random: ch.random.slice() };
    this.negotiation.helloRetry = true;
    this.state = 'START';
    if (findExtension(ch.extensions, 'early_data') !== undefined) {
      this.negotiation.earlyData = 'rejected';
      this.emit({ kind: 'earlyDataRejected' });
    }
  }

  /** A fresh session got a ClientHello with a cookie: rebuild the state of the retry it answers (stateless HRR). */
  #restoreFromCookie(ch: ClientHello, cookie: Uint8Array): void {
    const cfg = this.#cfg;
    const key = cfg.helloRetryCookie;
    const state =
      key === undefined ? undefined : openHelloRetryCookie(this.provider, key, cookie, cfg.now(), COOKIE_LIFETIME_MS);
    const suite = state === undefined ? undefined : cipherSuiteInfo(state.cipherSuite);
    if (state === undefined || suite === undefined || !cfg.cipherSuites.includes(suite.code)) {
      throw new TlsAlert('illegal_parameter', 'a cookie this server did not issue');
    }
    const hrr = this.#helloRetryRequest(ch, suite, state.group, cookie.slice());
    const w = new Writer(sizeOfHandshakeMessage(hrr));
    encodeHandshakeMessage(w, hrr);
    this.transcript.add(messageHashMessage(state.clientHello1Hash));
    this.transcript.add(w.finish());
    this.#retry = { suite, group: state.group, cookie: cookie.slice(), random: undefined };
    this.negotiation.helloRetry = true;
  }

  #checkSecondClientHello(ch: ClientHello, retry: HelloRetryState): void {
    if (retry.random !== undefined && !equal(retry.random, ch.random)) {
      throw new TlsAlert('illegal_parameter', 'ClientHello2 changed the random');
    }
    if (!ch.cipherSuites.includes(retry.suite.code)) {
      throw new TlsAlert('illegal_parameter', 'ClientHello2 no longer offers the selected cipher suite');
    }
    if (findExtension(ch.extensions, 'early_data') !== undefined) {
      throw new TlsAlert('illegal_parameter', 'early_data in ClientHello2');
    }
    const cookie = findExtension(ch.extensions, 'cookie');
    if (retry.cookie !== undefined && (cookie === undefined || !equal(cookie.cookie, retry.cookie))) {
      throw new TlsAlert('illegal_parameter', 'ClientHello2 does not echo the cookie');
    }
    if (retry.cookie === undefined && cookie !== undefined) {
      throw new TlsAlert('illegal_parameter', 'a cookie the retry did not send');
    }
  }

  // PSK and 0-RTT

  #acceptPsk(
    raw: RawHandshakeMessage,
    ch: ClientHello,
    ext: Extract<Extension, { kind: 'pre_shared_key' }>,
    suite: CipherSuiteInfo,
  ): AcceptedPsk | undefined {
    const cfg = this.#cfg;
    const now = cfg.now();
    const sni = findExtension(ch.extensions, 'server_name')?.hostName ?? '';
    const count = Math.min(ext.identities.length, MAX_PSK_IDENTITIES);
    for (let i = 0; i < count; i++) {
      const id = ext.identities[i]!;
      const plain = cfg.ticketKeys.open(id.identity);
      const state = plain === undefined ? undefined : decodeServerTicketState(plain);
      if (state === undefined) continue;
      if (cipherSuiteInfo(state.cipherSuite)?.hash !== suite.hash) continue;
      if (now - state.issuedAt > state.lifetimeSeconds * 1000 || state.issuedAt - now > 60_000) continue;
      if (state.serverName !== sni) continue;
      if (cfg.requestClientCertificate === 'require' && !state.clientAuthenticated) continue;
      const schedule = new KeySchedule(this.provider, suite.hash, state.psk);
      const truncated = raw.raw.subarray(0, raw.raw.length - sizeOfPskBinders(ext.binders));
      const binderKey = schedule.finishedKey(schedule.binderKey('resumption'));
      const expected = schedule.finishedVerifyData(binderKey, this.transcript.hashWith(suite.hash, truncated));
      const binder = ext.binders[i]!;
      if (binder.length !== expected.length || !equal(binder, expected)) {
        throw new TlsAlert('decrypt_error', 'PSK binder does not verify');
      }
      return { state, index: i, obfuscatedAge: id.obfuscatedTicketAge };
    }
    return undefined;
  }

  #decideEarlyData(
    ch: ClientHello,
    psk: AcceptedPsk | undefined,
    suite: CipherSuiteInfo,
    alpn: string | undefined,
    sni: string | undefined,
  ): boolean {
    if (findExtension(ch.extensions, 'early_data') === undefined) return false;
    const cfg = this.#cfg;
    const now = cfg.now();
    const s = psk?.state;
    const accept =
      s !== undefined &&
      psk!.index === 0 &&
      this.#retry === undefined &&
      cfg.maxEarlyData > 0 &&
      s.maxEarlyData > 0 &&
      s.cipherSuite === suite.code &&
      s.alpn === (alpn ?? '') &&
      s.serverName === (sni ?? '') &&
      equal(s.earlyDataContext, cfg.earlyDataContext) &&
      Math.abs(((psk!.obfuscatedAge - s.ageAdd) >>> 0) - (now - s.issuedAt)) <= cfg.earlyDataAgeToleranceMs &&
      cfg.antiReplay.checkAndRecord(s.id, s.issuedAt + s.lifetimeSeconds * 1000, now);
    this.negotiation.earlyData = accept ? 'accepted' : 'rejected';
    return accept;
  }

  // The server's flight

  #sendFlight(
    ch: ClientHello,
    suite: CipherSuiteInfo,
    share: KeyShareEntry,
    psk: AcceptedPsk | undefined,
    scheme: number | undefined,
    earlyData: boolean,
    sni: string | undefined,
  ): void {
    const cfg = this.#cfg;
    const schedule = new KeySchedule(this.provider, suite.hash, psk?.state.psk);
    this.keySchedule = schedule;
    this.clientRandom = ch.random.slice();
    if (earlyData) {
      const secret = schedule.clientEarlyTrafficSecret(this.transcript.hash(suite.hash));
      this.secretReady('zeroRtt', 'read', secret, 'CLIENT_EARLY_TRAFFIC_SECRET');
      this.emit({ kind: 'earlyDataAccepted' });
    } else if (this.negotiation.earlyData === 'rejected' && this.#retry === undefined) {
      this.emit({ kind: 'earlyDataRejected' });
    }
    const group = keyExchangeGroupOf(share.group);
    if (group === undefined) throw new TlsAlert('internal_error', 'selected a group without a key exchange');
    const kx = this.provider.acceptKeyExchange(group, share.keyExchange);
    if (kx === undefined) throw new TlsAlert('illegal_parameter', 'invalid client key share');
    this.negotiation.group = group;
    const shExts: Extension[] = [];
    if (psk !== undefined) shExts.push({ kind: 'pre_shared_key_server', selectedIdentity: psk.index });
    shExts.push({ kind: 'key_share_server', share: { group: share.group, keyExchange: kx.publicShare } });
    shExts.push({ kind: 'supported_versions_server', selectedVersion: TLS13_VERSION });
    this.send('initial', {
      kind: 'server_hello',
      legacyVersion: LEGACY_VERSION,
      random: this.provider.random(new Uint8Array(32)),
      legacySessionIdEcho: ch.legacySessionId,
      cipherSuite: suite.code,
      legacyCompressionMethod: 0,
      extensions: shExts,
    });
    schedule.deriveHandshakeSecret(kx.sharedSecret);
    const helloHash = this.transcript.hash(suite.hash);
    this.#clientHandshakeSecret = schedule.clientHandshakeTrafficSecret(helloHash);
    const serverHandshakeSecret = schedule.serverHandshakeTrafficSecret(helloHash);
    this.secretReady('handshake', 'read', this.#clientHandshakeSecret, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET');
    this.secretReady('handshake', 'write', serverHandshakeSecret, 'SERVER_HANDSHAKE_TRAFFIC_SECRET');

    const eeExts: Extension[] = [];
    if (sni !== undefined && psk === undefined) eeExts.push({ kind: 'server_name' });
    if (this.negotiation.alpn !== undefined) {
      eeExts.push({ kind: 'application_layer_protocol_negotiation', protocols: [utf8.encode(this.negotiation.alpn)] });
    }
    if (this.peerTransportParams !== undefined && cfg.transportParameters !== undefined) {
      eeExts.push({ kind: 'quic_transport_parameters', parameters: cfg.transportParameters });
    }
    if (earlyData) eeExts.push({ kind: 'early_data' });
    let ee: EncryptedExtensions = { kind: 'encrypted_extensions', extensions: eeExts };
    if (this.#hooks.encryptedExtensions !== undefined) ee = this.#hooks.encryptedExtensions(ee);
    this.send('handshake', ee);

    if (psk === undefined) {
      this.#clientAuthMode = cfg.requestClientCertificate;
      if (this.#clientAuthMode !== 'none') {
        this.send('handshake', {
          kind: 'certificate_request',
          context: new Uint8Array(0),
          extensions: [{ kind: 'signature_algorithms', schemes: cfg.signatureSchemes }],
        });
      }
      this.send('handshake', certificateMessage(new Uint8Array(0), cfg.certificateChain));
      const transcriptHash = this.transcript.hash(suite.hash);
      const cv = signCertificateVerify(this.provider, scheme!, cfg.privateKey, 'server', transcriptHash);
      this.send('handshake', cv);
      this.negotiation.signatureScheme = scheme;
    } else {
      this.#clientAuthenticated = psk.state.clientAuthenticated;
    }
    this.send('handshake', { kind: 'finished', verifyData: this.finishedVerifyData(serverHandshakeSecret) });

    schedule.deriveMasterSecret();
    const handshakeHash = this.transcript.hash(suite.hash);
    this.clientApplicationSecret = schedule.clientApplicationTrafficSecret(handshakeHash);
    this.serverApplicationSecret = schedule.serverApplicationTrafficSecret(handshakeHash);
    this.exporterMasterSecret = schedule.exporterMasterSecret(handshakeHash);
    this.secretReady('oneRtt', 'write', this.serverApplicationSecret, 'SERVER_TRAFFIC_SECRET_0');
    this.logKey('EXPORTER_SECRET', this.exporterMasterSecret);
    if (earlyData && cfg.mode === 'tls') {
      this.readLevel = 'zeroRtt';
      this.state = 'WAIT_EOED';
    } else {
      this.readLevel = 'handshake';
      this.state = this.#clientAuthMode === 'none' ? 'WAIT_FINISHED' : 'WAIT_CERT';
    }
  }

  // The client's second flight

  #onClientCertificate(raw: RawHandshakeMessage, msg: CertificateMessage): void {
    if (msg.context.length !== 0) throw new TlsAlert('illegal_parameter', 'certificate_request_context mismatch');
    if (msg.entries.length === 0) {
      if (this.#clientAuthMode === 'require') {
        throw new TlsAlert('certificate_required', 'the client sent no certificate');
      }
      this.transcript.add(raw.raw);
      this.state = 'WAIT_FINISHED';
      return;
    }
    const chain = parseCertificateMessage(msg);
    const cfg = this.#cfg;
    verifyPeerChain(chain, {
      useDefault: cfg.clientTrustStore !== undefined,
      trustStore: cfg.clientTrustStore,
      hook: cfg.verifyClientCertificate,
      purpose: 'clientAuth',
      serverName: undefined,
      provider: this.provider,
      now: cfg.now(),
    });
    this.#clientChain = chain;
    this.negotiation.peerCertificates = chain;
    this.transcript.add(raw.raw);
    this.state = 'WAIT_CV';
  }

  #onClientFinished(raw: RawHandshakeMessage, verifyData: Uint8Array): void {
    const suite = this.requireSuite();
    this.checkFinished(verifyData, this.#clientHandshakeSecret!);
    this.transcript.add(raw.raw);
    this.#resumptionMasterSecret = this.requireKeySchedule().resumptionMasterSecret(this.transcript.hash(suite.hash));
    this.transcript.release();
    this.secretReady('oneRtt', 'read', this.clientApplicationSecret!, 'CLIENT_TRAFFIC_SECRET_0');
    this.handshakeComplete = true;
    this.readLevel = 'oneRtt';
    this.state = 'CONNECTED';
    this.emit({ kind: 'handshakeCompleted' });
    if (this.#ticketsAllowed) for (let i = 0; i < this.#cfg.ticketCount; i++) this.#sendTicket();
  }

  #sendTicket(): void {
    const cfg = this.#cfg;
    const suite = this.requireSuite();
    const nonce = Uint8Array.of((this.#ticketNonce >> 8) & 0xff, this.#ticketNonce & 0xff);
    this.#ticketNonce++;
    const ageBytes = this.provider.random(new Uint8Array(4));
    const ageAdd = ((ageBytes[0]! << 24) | (ageBytes[1]! << 16) | (ageBytes[2]! << 8) | ageBytes[3]!) >>> 0;
    const state: ServerTicketState = {
      cipherSuite: suite.code,
      issuedAt: cfg.now(),
      lifetimeSeconds: cfg.ticketLifetimeSeconds,
      ageAdd,
      maxEarlyData: cfg.maxEarlyData,
      psk: this.requireKeySchedule().resumptionPsk(this.#resumptionMasterSecret!, nonce),
      alpn: this.negotiation.alpn ?? '',
      serverName: this.negotiation.serverName ?? '',
      id: this.provider.random(new Uint8Array(16)),
      clientAuthenticated: this.#clientAuthenticated,
      earlyDataContext: cfg.earlyDataContext,
    };
    const ticket = cfg.ticketKeys.seal(encodeServerTicketState(state));
    this.send(
      'oneRtt',
      {
        kind: 'new_session_ticket',
        lifetime: cfg.ticketLifetimeSeconds,
        ageAdd,
        nonce,
        ticket,
        extensions: cfg.maxEarlyData > 0 ? [{ kind: 'early_data', maxEarlyDataSize: cfg.maxEarlyData }] : [],
      },
      false,
    );
  }
}

/**
 * Creates a server session. Validates `config` at once (`TypeError` / `RangeError` naming the option). Reuse one
 * config object for every connection: the default ticket keys and anti-replay register are shared through it.
 *
 * @example
 * const server = createServerSession({
 *   provider: nobleProvider, now: Date.now, certificateChain: [cert], privateKey,
 *   alpnProtocols: ['h3'], transportParameters: encodedTransportParameters,
 * });
 * server.handleData('initial', clientHelloBytes);
 */
export function createServerSession(config: TlsServerConfig): ServerSession {
  return new ServerSession(config);
}
