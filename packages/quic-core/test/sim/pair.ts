/**
 * A client and a server `Connection` in the deterministic network simulator (quinn's `Pair`, quiche's `Pipe`):
 * a generated localhost certificate and trust store, seeded crypto providers, and a small application loop per
 * side that runs after every input and records every event with its virtual time.
 */
import { Random, Simulator } from '@qk/netsim';
import type { EndpointHandle, LinkConfig, Path, SimEndpoint, SocketAddress, Transmit } from '@qk/netsim';
import { TrustStore, createNobleProvider, generateSelfSignedForLocalhost } from '@qk/tls13';
import type { CryptoProvider, KeyExchangeGroup } from '@qk/tls13';
import { nodeProvider } from '@qk/tls13/node';
import { Connection } from '../../src/connection/index.js';
import type {
  ClientConfig,
  ClientTlsConfig,
  ConnectionEvent,
  ServerConfig,
  ServerTlsConfig,
  TransportConfig,
} from '../../src/connection/index.js';

/** The virtual clock's origin as a wall-clock time, for the TLS engine (certificate validity). */
export const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

export const CLIENT_HOST = '10.0.0.1';
export const SERVER_HOST = '10.0.0.2';
export const clientAddress: SocketAddress = { address: CLIENT_HOST, port: 50_000 };
export const serverAddress: SocketAddress = { address: SERVER_HOST, port: 443 };
export const ALPN = 'qk-test';

/**
 * A deterministic provider: @noble with a seeded random source for everything that draws randomness (key shares,
 * signatures, connection IDs), and node:crypto for the deterministic bulk primitives (AEAD, hashes, HKDF), which
 * keeps 10 MB transfers fast.
 */
export function simProvider(seed: number): CryptoProvider {
  const rng = new Random(seed);
  const noble = createNobleProvider({ random: (out) => rng.fill(out), name: 'sim' });
  return {
    ...noble,
    aead: nodeProvider.aead,
    hash: nodeProvider.hash,
    hmac: nodeProvider.hmac,
    hkdfExtract: nodeProvider.hkdfExtract,
    hkdfExpand: nodeProvider.hkdfExpand,
  };
}

const certProvider = simProvider(0xce27);
const generated = generateSelfSignedForLocalhost(certProvider, T0);
/** The server's certificate, trusted by the client. */
export const certificate = generated;
export const trustStore = TrustStore.fromCertificates([generated.certificate]);

/** One recorded event. */
export interface Recorded {
  readonly time: number;
  readonly event: ConnectionEvent;
}

/** The application side of a peer: called with each event, then once per loop turn. */
export interface App {
  onEvent?(conn: Connection, event: ConnectionEvent, now: number): void;
  tick?(conn: Connection, now: number): void;
}

/** Runs the application after every input and before every poll, recording events. */
export class Peer implements SimEndpoint {
  conn: Connection | undefined;
  readonly events: Recorded[] = [];
  /** UDP payload bytes received and sent by this peer. */
  bytesIn = 0;
  bytesOut = 0;
  /** The largest `bytesOut / bytesIn` after any transmit (for the anti-amplification limit). */
  maxAmplification = 0;
  constructor(
    readonly app: App,
    readonly create: ((data: Uint8Array, path: Path, now: number) => Connection) | undefined,
  ) {}

  #loop(now: number): void {
    const conn = this.conn;
    if (conn === undefined) return;
    for (let e = conn.pollEvent(); e !== undefined; e = conn.pollEvent()) {
      this.events.push({ time: now, event: e });
      this.app.onEvent?.(conn, e, now);
    }
    this.app.tick?.(conn, now);
    for (let e = conn.pollEvent(); e !== undefined; e = conn.pollEvent()) {
      this.events.push({ time: now, event: e });
      this.app.onEvent?.(conn, e, now);
    }
  }

  handleDatagram(data: Uint8Array, path: Path, now: number): void {
    this.bytesIn += data.length;
    if (this.conn === undefined) {
      if (this.create === undefined) return;
      this.conn = this.create(data, path, now);
    } else {
      this.conn.handleDatagram(data, path, now);
    }
    this.#loop(now);
  }

  handleTimeout(now: number): void {
    this.conn?.handleTimeout(now);
    this.#loop(now);
  }

  pollTransmit(now: number): Transmit | undefined {
    this.#loop(now);
    const t = this.conn?.pollTransmit(now);
    if (t !== undefined) {
      this.bytesOut += t.data.length;
      if (this.bytesIn > 0) this.maxAmplification = Math.max(this.maxAmplification, this.bytesOut / this.bytesIn);
    }
    return t;
  }

  pollTimeout(): number | undefined {
    return this.conn?.pollTimeout();
  }

  /** Events of `kind`, with their times. */
  eventsOf<K extends ConnectionEvent['kind']>(kind: K): Array<{ time: number; event: Extract<ConnectionEvent, { kind: K }> }> {
    return this.events.filter((r) => r.event.kind === kind) as Array<{ time: number; event: Extract<ConnectionEvent, { kind: K }> }>;
  }
}

/** Options of {@link makePair}. */
export interface PairOptions {
  readonly seed?: number;
  /** Both directions (default 10 ms one way, 100 Mbit/s, 256 KB queue). */
  readonly link?: LinkConfig;
  /** Client to server, overriding `link`. */
  readonly uplink?: LinkConfig;
  /** Server to client, overriding `link`. */
  readonly downlink?: LinkConfig;
  readonly client?: TransportConfig;
  readonly server?: TransportConfig;
  readonly clientApp?: App;
  readonly serverApp?: App;
  /** Key-exchange groups (default x25519 only, for speed). */
  readonly groups?: readonly KeyExchangeGroup[];
  /** Overrides of the client's TLS options. */
  readonly clientTls?: Partial<ClientTlsConfig>;
  /** Overrides of the server's TLS options. */
  readonly serverTls?: Partial<ServerTlsConfig>;
}

/** A running pair. */
export interface Pair {
  readonly sim: Simulator;
  readonly client: Peer;
  readonly server: Peer;
  readonly clientHandle: EndpointHandle<Peer>;
  readonly serverHandle: EndpointHandle<Peer>;
  /** The client connection (created at once). */
  readonly clientConn: Connection;
  /** The server connection (created on the first datagram). */
  serverConn(): Connection;
}

/** The server configuration {@link makePair} uses (exported for tests that drive connections by hand). */
export function makeServerConfig(seed: number, clock: () => number, options: PairOptions = {}): ServerConfig {
  return {
    ...options.server,
    tls: {
      provider: simProvider(seed * 2 + 1),
      now: clock,
      alpnProtocols: [ALPN],
      certificateChain: [generated.certificate],
      privateKey: generated.privateKey,
      groups: options.groups ?? ['x25519'],
      ...options.serverTls,
    },
  };
}

/** The client configuration {@link makePair} uses. */
export function makeClientConfig(seed: number, clock: () => number, options: PairOptions = {}): ClientConfig {
  return {
    ...options.client,
    tls: {
      provider: simProvider(seed * 2 + 2),
      now: clock,
      alpnProtocols: [ALPN],
      serverName: 'localhost',
      trustStore,
      groups: options.groups ?? ['x25519'],
      ...options.clientTls,
    },
  };
}

/** The default link: 10 ms one way, 100 Mbit/s, a 256 KB drop-tail queue. */
export const DEFAULT_LINK: LinkConfig = { delay: 10, bandwidth: 12_500_000, queueBytes: 256_000 };

/** Builds a client and a server in a fresh simulator; the client sends its first flight when the run starts. */
export function makePair(options: PairOptions = {}): Pair {
  const seed = options.seed ?? 1;
  const sim = new Simulator({ seed });
  sim.addHost(CLIENT_HOST);
  sim.addHost(SERVER_HOST);
  const base = options.link ?? DEFAULT_LINK;
  sim.connect(CLIENT_HOST, SERVER_HOST, options.uplink ?? base, options.downlink ?? base);
  const clock = (): number => T0 + sim.now;
  const serverConfig = makeServerConfig(seed, clock, options);
  const clientConfig = makeClientConfig(seed, clock, options);
  const server = new Peer(options.serverApp ?? {}, (data, path, now) => Connection.accept(serverConfig, data, path, now));
  const clientConn = Connection.connect(clientConfig, { local: clientAddress, remote: serverAddress }, 0);
  const client = new Peer(options.clientApp ?? {}, undefined);
  client.conn = clientConn;
  const serverHandle = sim.addEndpoint('server', server, serverAddress);
  const clientHandle = sim.addEndpoint('client', client, clientAddress);
  return {
    sim,
    client,
    server,
    clientHandle,
    serverHandle,
    clientConn,
    serverConn: () => {
      if (server.conn === undefined) throw new Error('the server connection does not exist yet');
      return server.conn;
    },
  };
}

/** Deterministic pseudo-random bytes (xorshift32), fast enough for megabytes. */
export function testData(length: number, seed = 7): Uint8Array {
  const out = new Uint8Array(length);
  const words = new Uint32Array(out.buffer, 0, length >>> 2);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  for (let i = words.length * 4; i < length; i++) out[i] = i & 0xff;
  return out;
}

/** Sends `data` on one stream opened once the handshake completes, finishing it at the end. */
export class BulkSender implements App {
  streamId: number | undefined;
  written = 0;
  finished = false;
  constructor(
    readonly data: Uint8Array,
    readonly direction: 'bidi' | 'uni' = 'uni',
  ) {}

  tick(conn: Connection): void {
    if (this.finished || !conn.isEstablished()) return;
    if (this.streamId === undefined) {
      this.streamId = conn.openStream(this.direction);
      if (this.streamId === undefined) return;
    }
    while (this.written < this.data.length) {
      const n = conn.writeStream(this.streamId, this.data.subarray(this.written, Math.min(this.data.length, this.written + 262_144)));
      if (n === 0) return;
      this.written += n;
    }
    conn.finishStream(this.streamId);
    this.finished = true;
  }
}

/** Reads every stream into one buffer per stream; records when each stream's FIN was read. */
export class Sink implements App {
  readonly received = new Map<number, Uint8Array[]>();
  readonly finishedAt = new Map<number, number>();
  bytes = 0;

  onEvent(conn: Connection, e: ConnectionEvent, now: number): void {
    if (e.kind !== 'streamReadable' || this.finishedAt.has(e.streamId)) return;
    this.drain(conn, e.streamId, now);
  }

  drain(conn: Connection, id: number, now: number): void {
    let parts = this.received.get(id);
    if (parts === undefined) {
      parts = [];
      this.received.set(id, parts);
    }
    for (;;) {
      const r = conn.readStream(id);
      if (r.data !== undefined) {
        parts.push(r.data);
        this.bytes += r.data.length;
      }
      if (r.fin) {
        this.finishedAt.set(id, now);
        return;
      }
      if (r.data === undefined) return;
    }
  }

  /** Everything stream `id` carried, concatenated. */
  bytesOf(id: number): Uint8Array {
    const parts = this.received.get(id) ?? [];
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}
