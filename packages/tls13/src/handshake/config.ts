/**
 * Client and server configuration: one home for every option, its default, and its validation (API misuse throws
 * `TypeError` / `RangeError` at once with a one-line message naming the option).
 *
 * @module
 */
import { equal } from '@qk/octets';
import type { PrivateKey } from '../crypto/keys.js';
import type { CryptoProvider, KeyExchangeGroup } from '../crypto/provider.js';
import { cipherSuiteInfo, supportedCipherSuites } from '../crypto/suites.js';
import { defaultHandshakeLimits, type HandshakeLimits } from '../messages/handshake.js';
import { defaultSignatureSchemes, signatureSchemeInfo } from '../registry.js';
import type { Certificate } from '../x509/certificate.js';
import { parseIp } from '../x509/ip.js';
import type { TrustStore } from '../x509/trust-store.js';
import {
  MemoryTicketStore,
  StrikeRegister,
  TicketKeyManager,
  type AntiReplay,
  type TicketSealer,
  type TicketStore,
} from './tickets.js';

/** `quic`: RFC 9001 §4 rules (transport parameters and ALPN required, no EndOfEarlyData); `tls`: TLS over TCP. */
export type TlsMode = 'quic' | 'tls';

/** Whether a server asks for a client certificate. */
export type ClientCertificateMode = 'none' | 'request' | 'require';

/** What a custom certificate verifier is told. */
export interface CertificateVerifyInfo {
  /** Whose certificate it is. */
  readonly peerRole: 'client' | 'server';
  /** The server name being checked (clients), if any. */
  readonly serverName?: string;
  /** The config clock's reading, unix ms. */
  readonly now: number;
  /** The provider, for signature checks. */
  readonly provider: CryptoProvider;
}

/**
 * A custom verifier: throw {@link TlsAlert} to reject the chain (leaf first). Runs after the default verification,
 * or alone when the default one is off (`verifyPeer: false`).
 */
export type CertificateVerifier = (chain: readonly Certificate[], info: CertificateVerifyInfo) => void;

/** Options both roles share. */
export interface TlsCommonConfig {
  /** `quic` (default) or `tls`. */
  readonly mode?: TlsMode;
  /** Every primitive, and the randomness. */
  readonly provider: CryptoProvider;
  /** The wall clock, unix ms: the only clock the engine reads (ticket ages, certificate validity). */
  readonly now: () => number;
  /** ALPN protocols in preference order; required in QUIC mode (RFC 9001 §8.1). */
  readonly alpnProtocols?: readonly string[];
  /** Cipher suite code points in preference order (default: AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305). */
  readonly cipherSuites?: readonly number[];
  /** Key-exchange groups in preference order (default x25519mlkem768, x25519, secp256r1, secp384r1). */
  readonly groups?: readonly KeyExchangeGroup[];
  /** SignatureSchemes accepted and used in CertificateVerify, in preference order. */
  readonly signatureSchemes?: readonly number[];
  /** The quic_transport_parameters extension body to send (required in QUIC mode). */
  readonly transportParameters?: Uint8Array;
  /** Receives NSS key log lines (SSLKEYLOGFILE format). */
  readonly keyLog?: (line: string) => void;
  /** Limits on incoming handshake messages. */
  readonly limits?: Partial<HandshakeLimits>;
}

/** Client options. */
export interface TlsClientConfig extends TlsCommonConfig {
  /** The server's DNS name or IP literal: sent as SNI (DNS names only) and checked against the certificate. */
  readonly serverName?: string;
  /** Groups the ClientHello carries key shares for (default: x25519mlkem768 and x25519, as offered). */
  readonly keyShareGroups?: readonly KeyExchangeGroup[];
  /** Trust anchors for the server's chain (required unless verification is off). */
  readonly trustStore?: TrustStore;
  /** Run the default chain verification (default true). */
  readonly verifyPeer?: boolean;
  /** DANGER: accept any server certificate (CertificateVerify is still checked). For tests only. Default false. */
  readonly insecureSkipVerify?: boolean;
  /** A custom verifier (see {@link CertificateVerifier}). */
  readonly verifyCertificate?: CertificateVerifier;
  /** Where tickets are kept (default: an in-memory LRU shared by the sessions of this config object). */
  readonly ticketStore?: TicketStore;
  /** Offer 0-RTT when a stored ticket allows it (default false). */
  readonly earlyData?: boolean;
  /** The client's certificate chain, sent if the server asks. */
  readonly certificateChain?: readonly Certificate[];
  /** The client certificate's private key. */
  readonly privateKey?: PrivateKey;
}

/** Server options. */
export interface TlsServerConfig extends TlsCommonConfig {
  /** The server's chain, leaf first. */
  readonly certificateChain: readonly Certificate[];
  /** The leaf's private key. */
  readonly privateKey: PrivateKey;
  /** Whose cipher suite preference wins (default `server`). */
  readonly cipherSuitePreference?: 'server' | 'client';
  /** Ask for a client certificate (default `none`). */
  readonly requestClientCertificate?: ClientCertificateMode;
  /** Trust anchors for client certificates (required when asking for them, unless a custom verifier decides). */
  readonly clientTrustStore?: TrustStore;
  /** A custom client-certificate verifier (runs after the default one, or alone without `clientTrustStore`). */
  readonly verifyClientCertificate?: CertificateVerifier;
  /** Seals tickets (default: a {@link TicketKeyManager} shared by the sessions of this config object). */
  readonly ticketKeys?: TicketSealer;
  /** ticket_lifetime in seconds (default 7200, at most 604800). */
  readonly ticketLifetimeSeconds?: number;
  /** NewSessionTickets sent after the handshake (default 1; 0 disables resumption). */
  readonly ticketCount?: number;
  /** max_early_data_size in tickets: 0 disables 0-RTT (default); QUIC allows only 0xffffffff otherwise. */
  readonly maxEarlyData?: number;
  /** 0-RTT anti-replay (default: a {@link StrikeRegister} shared by the sessions of this config object). */
  readonly antiReplay?: AntiReplay;
  /** Opaque bytes that must be unchanged for a ticket's 0-RTT to be accepted (e.g. QUIC settings). */
  readonly earlyDataContext?: Uint8Array;
  /** Largest difference (ms) between the client's and the server's view of a ticket's age for 0-RTT (default 10000). */
  readonly earlyDataAgeToleranceMs?: number;
  /** HMAC key (at least 16 bytes) for stateless HelloRetryRequest cookies; without it no cookie is sent. */
  readonly helloRetryCookie?: Uint8Array;
}

/** The defaults and validated options of a client. */
export interface ResolvedClientConfig extends ResolvedCommon {
  readonly serverName: string | undefined;
  /** SNI: the server name unless it is an IP literal. */
  readonly sni: string | undefined;
  readonly keyShareGroups: readonly KeyExchangeGroup[];
  readonly trustStore: TrustStore | undefined;
  readonly verifyPeer: boolean;
  readonly insecureSkipVerify: boolean;
  readonly verifyCertificate: CertificateVerifier | undefined;
  readonly ticketStore: TicketStore;
  readonly earlyData: boolean;
  readonly certificateChain: readonly Certificate[];
  readonly privateKey: PrivateKey | undefined;
}

/** The defaults and validated options of a server. */
export interface ResolvedServerConfig extends ResolvedCommon {
  readonly certificateChain: readonly Certificate[];
  readonly privateKey: PrivateKey;
  readonly cipherSuitePreference: 'server' | 'client';
  readonly requestClientCertificate: ClientCertificateMode;
  readonly clientTrustStore: TrustStore | undefined;
  readonly verifyClientCertificate: CertificateVerifier | undefined;
  readonly ticketKeys: TicketSealer;
  readonly ticketLifetimeSeconds: number;
  readonly ticketCount: number;
  readonly maxEarlyData: number;
  readonly antiReplay: AntiReplay;
  readonly earlyDataContext: Uint8Array;
  readonly earlyDataAgeToleranceMs: number;
  readonly helloRetryCookie: Uint8Array | undefined;
}

/** Options both roles share, resolved. */
export interface ResolvedCommon {
  readonly mode: TlsMode;
  readonly provider: CryptoProvider;
  readonly now: () => number;
  readonly alpnProtocols: readonly string[];
  readonly cipherSuites: readonly number[];
  readonly groups: readonly KeyExchangeGroup[];
  readonly signatureSchemes: readonly number[];
  readonly transportParameters: Uint8Array | undefined;
  readonly keyLog: ((line: string) => void) | undefined;
  readonly limits: HandshakeLimits;
}

const ALL_GROUPS: readonly KeyExchangeGroup[] = ['x25519mlkem768', 'x25519', 'secp256r1', 'secp384r1'];
const DEFAULT_KEY_SHARE_GROUPS: readonly KeyExchangeGroup[] = ['x25519mlkem768', 'x25519'];
const MAX_TICKET_LIFETIME = 604_800;
const utf8Encoder = new TextEncoder();

function typeError(option: string, what: string): TypeError {
  return new TypeError(`${option}: ${what}`);
}

function checkFunction(v: unknown, option: string): void {
  if (typeof v !== 'function') throw typeError(option, 'must be a function');
}

function resolveCommon(c: TlsCommonConfig, role: string): ResolvedCommon {
  if (typeof c !== 'object' || c === null) throw new TypeError(`${role} config must be an object`);
  const mode = c.mode ?? 'quic';
  if (mode !== 'quic' && mode !== 'tls') throw typeError('mode', `must be 'quic' or 'tls', not ${String(mode)}`);
  if (typeof c.provider !== 'object' || c.provider === null) {
    throw typeError('provider', 'a CryptoProvider is required');
  }
  checkFunction(c.now, 'now');
  const alpnProtocols = c.alpnProtocols ?? [];
  if (!Array.isArray(alpnProtocols)) throw typeError('alpnProtocols', 'must be an array of strings');
  for (const p of alpnProtocols) {
    if (typeof p !== 'string') throw typeError('alpnProtocols', 'must be an array of strings');
    const n = utf8Encoder.encode(p).length;
    if (n < 1 || n > 255) throw new RangeError(`alpnProtocols: '${p}' must be 1 to 255 bytes`);
  }
  if (new Set(alpnProtocols).size !== alpnProtocols.length) throw typeError('alpnProtocols', 'has duplicates');
  if (mode === 'quic' && alpnProtocols.length === 0) {
    throw typeError('alpnProtocols', 'at least one protocol is required in quic mode (RFC 9001 §8.1)');
  }
  const cipherSuites = c.cipherSuites ?? supportedCipherSuites.map((s) => s.code);
  if (!Array.isArray(cipherSuites) || cipherSuites.length === 0) {
    throw typeError('cipherSuites', 'must be a non-empty array of cipher suite code points');
  }
  for (const s of cipherSuites) {
    if (cipherSuiteInfo(s) === undefined) {
      throw new RangeError(`cipherSuites: 0x${Number(s).toString(16)} is not supported`);
    }
  }
  const groups = c.groups ?? ALL_GROUPS;
  if (!Array.isArray(groups) || groups.length === 0) throw typeError('groups', 'must be a non-empty array');
  for (const g of groups) if (!ALL_GROUPS.includes(g)) throw new RangeError(`groups: '${String(g)}' is not supported`);
  const signatureSchemes = c.signatureSchemes ?? defaultSignatureSchemes;
  if (!Array.isArray(signatureSchemes) || signatureSchemes.length === 0) {
    throw typeError('signatureSchemes', 'must be a non-empty array');
  }
  for (const s of signatureSchemes) {
    if (signatureSchemeInfo(s)?.handshake !== true) {
      const code = Number(s).toString(16);
      throw new RangeError(`signatureSchemes: 0x${code} is not a TLS 1.3 handshake scheme qk supports`);
    }
  }
  const transportParameters = c.transportParameters;
  if (transportParameters !== undefined && !(transportParameters instanceof Uint8Array)) {
    throw typeError('transportParameters', 'must be a Uint8Array');
  }
  if (mode === 'quic' && transportParameters === undefined) {
    throw typeError('transportParameters', 'is required in quic mode (RFC 9001 §8.2)');
  }
  if (transportParameters !== undefined && transportParameters.length > 0xffff) {
    throw new RangeError('transportParameters: longer than 65535 bytes');
  }
  if (c.keyLog !== undefined) checkFunction(c.keyLog, 'keyLog');
  const limits: HandshakeLimits = { ...defaultHandshakeLimits, ...c.limits };
  for (const [k, v] of Object.entries(limits)) {
    if (!Number.isInteger(v) || v < 256 || v > 0xff_ffff) throw new RangeError(`limits.${k}: must be 256 to 16777215`);
  }
  return {
    mode,
    provider: c.provider,
    now: c.now,
    alpnProtocols,
    cipherSuites,
    groups,
    signatureSchemes,
    transportParameters,
    keyLog: c.keyLog,
    limits,
  };
}

const defaultTicketStores = new WeakMap<object, TicketStore>();
const defaultTicketKeys = new WeakMap<object, TicketSealer>();
const defaultAntiReplay = new WeakMap<object, AntiReplay>();

function checkKeyPair(chain: readonly Certificate[], key: PrivateKey, option: string): void {
  const leaf = chain[0];
  if (leaf === undefined) throw typeError(option, 'certificateChain must not be empty');
  if (!equal(leaf.spki, key.publicKey.spki)) {
    throw typeError(option, 'privateKey does not match the public key of certificateChain[0]');
  }
}

/** Validates a client config and fills in defaults. */
export function resolveClientConfig(c: TlsClientConfig): ResolvedClientConfig {
  const common = resolveCommon(c, 'client');
  const serverName = c.serverName;
  if (serverName !== undefined) {
    if (typeof serverName !== 'string' || serverName.length === 0 || serverName.length > 253) {
      throw typeError('serverName', 'must be a DNS name or IP literal of 1 to 253 characters');
    }
    if (!/^[\x21-\x7e]+$/.test(serverName)) {
      throw typeError('serverName', 'must be ASCII (use the A-label form of internationalized names)');
    }
  }
  const isIp = serverName !== undefined && parseIp(serverName) !== undefined;
  const sni = serverName === undefined || isIp ? undefined : serverName.replace(/\.$/, '');
  let keyShareGroups = c.keyShareGroups ?? DEFAULT_KEY_SHARE_GROUPS.filter((g) => common.groups.includes(g));
  if (keyShareGroups.length === 0 && c.keyShareGroups === undefined) keyShareGroups = [common.groups[0]!];
  if (!Array.isArray(keyShareGroups) || keyShareGroups.length === 0) {
    throw typeError('keyShareGroups', 'must be a non-empty array');
  }
  for (const g of keyShareGroups) {
    if (!common.groups.includes(g)) throw new RangeError(`keyShareGroups: '${String(g)}' is not in groups`);
  }
  if (new Set(keyShareGroups).size !== keyShareGroups.length) throw typeError('keyShareGroups', 'has duplicates');
  const verifyPeer = c.verifyPeer ?? true;
  const insecureSkipVerify = c.insecureSkipVerify ?? false;
  if (typeof verifyPeer !== 'boolean') throw typeError('verifyPeer', 'must be a boolean');
  if (typeof insecureSkipVerify !== 'boolean') throw typeError('insecureSkipVerify', 'must be a boolean');
  if (c.verifyCertificate !== undefined) checkFunction(c.verifyCertificate, 'verifyCertificate');
  const defaultVerification = verifyPeer && !insecureSkipVerify;
  if (defaultVerification && c.trustStore === undefined) {
    throw typeError(
      'trustStore',
      "is required to verify the server (nodeRootStore() from '@qk/tls13/node' has Node's roots)",
    );
  }
  if (!verifyPeer && !insecureSkipVerify && c.verifyCertificate === undefined) {
    throw typeError('verifyPeer', 'false needs a verifyCertificate hook, or insecureSkipVerify: true');
  }
  const chain = c.certificateChain ?? [];
  if ((c.certificateChain === undefined) !== (c.privateKey === undefined)) {
    throw typeError('certificateChain', 'and privateKey must be given together');
  }
  if (c.privateKey !== undefined) checkKeyPair(chain, c.privateKey, 'certificateChain');
  let ticketStore = c.ticketStore;
  if (ticketStore === undefined) {
    ticketStore = defaultTicketStores.get(c);
    if (ticketStore === undefined) {
      ticketStore = new MemoryTicketStore();
      defaultTicketStores.set(c, ticketStore);
    }
  }
  return {
    ...common,
    serverName,
    sni,
    keyShareGroups,
    trustStore: c.trustStore,
    verifyPeer,
    insecureSkipVerify,
    verifyCertificate: c.verifyCertificate,
    ticketStore,
    earlyData: c.earlyData ?? false,
    certificateChain: chain,
    privateKey: c.privateKey,
  };
}

/** Validates a server config and fills in defaults. */
export function resolveServerConfig(c: TlsServerConfig): ResolvedServerConfig {
  const common = resolveCommon(c, 'server');
  if (!Array.isArray(c.certificateChain)) throw typeError('certificateChain', 'is required');
  if (c.privateKey === undefined) throw typeError('privateKey', 'is required');
  checkKeyPair(c.certificateChain, c.privateKey, 'certificateChain');
  const cipherSuitePreference = c.cipherSuitePreference ?? 'server';
  if (cipherSuitePreference !== 'server' && cipherSuitePreference !== 'client') {
    throw typeError('cipherSuitePreference', "must be 'server' or 'client'");
  }
  const requestClientCertificate = c.requestClientCertificate ?? 'none';
  if (!['none', 'request', 'require'].includes(requestClientCertificate)) {
    throw typeError('requestClientCertificate', "must be 'none', 'request' or 'require'");
  }
  if (c.verifyClientCertificate !== undefined) checkFunction(c.verifyClientCertificate, 'verifyClientCertificate');
  const noClientVerifier = c.clientTrustStore === undefined && c.verifyClientCertificate === undefined;
  if (requestClientCertificate !== 'none' && noClientVerifier) {
    throw typeError('clientTrustStore', 'or verifyClientCertificate is required to request client certificates');
  }
  const ticketLifetimeSeconds = c.ticketLifetimeSeconds ?? 7200;
  const lifetime = ticketLifetimeSeconds;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_TICKET_LIFETIME) {
    const max = MAX_TICKET_LIFETIME;
    throw new RangeError(`ticketLifetimeSeconds: must be an integer from 1 to ${max} (RFC 8446 §4.6.1)`);
  }
  const ticketCount = c.ticketCount ?? 1;
  if (!Number.isInteger(ticketCount) || ticketCount < 0 || ticketCount > 16) {
    throw new RangeError('ticketCount: must be an integer from 0 to 16');
  }
  const maxEarlyData = c.maxEarlyData ?? 0;
  if (!Number.isInteger(maxEarlyData) || maxEarlyData < 0 || maxEarlyData > 0xffff_ffff) {
    throw new RangeError('maxEarlyData: must be an integer from 0 to 0xffffffff');
  }
  if (common.mode === 'quic' && maxEarlyData !== 0 && maxEarlyData !== 0xffff_ffff) {
    throw new RangeError('maxEarlyData: must be 0 or 0xffffffff in quic mode (RFC 9001 §4.6.1)');
  }
  const tolerance = c.earlyDataAgeToleranceMs ?? 10_000;
  if (!Number.isFinite(tolerance) || tolerance < 0) throw new RangeError('earlyDataAgeToleranceMs: must be >= 0');
  const cookieKey = c.helloRetryCookie;
  if (cookieKey !== undefined && (!(cookieKey instanceof Uint8Array) || cookieKey.length < 16)) {
    throw new RangeError('helloRetryCookie: must be a key of at least 16 bytes');
  }
  if (c.earlyDataContext !== undefined && !(c.earlyDataContext instanceof Uint8Array)) {
    throw typeError('earlyDataContext', 'must be a Uint8Array');
  }
  let ticketKeys = c.ticketKeys;
  if (ticketKeys === undefined) {
    ticketKeys = defaultTicketKeys.get(c);
    if (ticketKeys === undefined) {
      ticketKeys = new TicketKeyManager({ provider: common.provider, now: common.now });
      defaultTicketKeys.set(c, ticketKeys);
    }
  }
  let antiReplay = c.antiReplay;
  if (antiReplay === undefined) {
    antiReplay = defaultAntiReplay.get(c);
    if (antiReplay === undefined) {
      antiReplay = new StrikeRegister();
      defaultAntiReplay.set(c, antiReplay);
    }
  }
  return {
    ...common,
    certificateChain: c.certificateChain,
    privateKey: c.privateKey,
    cipherSuitePreference,
    requestClientCertificate,
    clientTrustStore: c.clientTrustStore,
    verifyClientCertificate: c.verifyClientCertificate,
    ticketKeys,
    ticketLifetimeSeconds,
    ticketCount,
    maxEarlyData,
    antiReplay,
    earlyDataContext: c.earlyDataContext ?? new Uint8Array(0),
    earlyDataAgeToleranceMs: tolerance,
    helloRetryCookie: cookieKey,
  };
}
