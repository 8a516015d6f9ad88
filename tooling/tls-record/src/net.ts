/**
 * TLS 1.3 over node:net with `@qk/tls13`'s engine: {@link connectTls} (client) and {@link serveTls} (server),
 * a small promise API for interop tests and the demo. Every wait is bounded by a timeout; nothing here is meant
 * for production (the record layer is test tooling, not a public API of qk).
 *
 * @module
 */
import net from 'node:net';
import { TlsAlert } from '@qk/tls13';
import { TlsRecordConnection } from './connection.js';
import type { TlsConnectionEvent, TlsRecordConnectionOptions } from './connection.js';
import { createClientSession, createServerSession } from './tls13.js';
import type { NegotiatedParameters, SessionTicket, TlsClientConfig, TlsServerConfig, TlsSession } from './tls13.js';

/** Default bound on every wait (handshake, receive, ticket, close), in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Record-layer knobs shared by client and server. */
export type RecordOptions = Omit<TlsRecordConnectionOptions, 'provider'>;

const tlsModeConfigs = new WeakMap<object, object>();

/**
 * `config` with `mode: 'tls'`, memoized per config object: the engine keys its default ticket store (client) and
 * ticket keys (server) on the config object's identity, so a fresh spread per connection would break resumption.
 */
export function tlsModeConfig<C extends { readonly mode?: 'quic' | 'tls' }>(config: Omit<C, 'mode'> | C): C {
  if ((config as C).mode === 'tls') return config as C;
  let derived = tlsModeConfigs.get(config);
  if (derived === undefined) {
    derived = { ...config, mode: 'tls' };
    tlsModeConfigs.set(config, derived);
  }
  return derived as C;
}

/** A promise with its settle functions, and a bounded wait on it. */
class Waiter<T> {
  readonly promise: Promise<T>;
  resolve!: (value: T) => void;
  reject!: (error: unknown) => void;
  settled = false;
  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = (v) => {
        this.settled = true;
        resolve(v);
      };
      this.reject = (e) => {
        this.settled = true;
        reject(e);
      };
    });
    this.promise.catch(() => undefined); // rejections are observed by whoever awaits; never unhandled
  }
}

/** Awaits `promise` for at most `ms`; rejects with an Error naming `what` on timeout. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One TLS connection over a TCP socket, driven by a {@link TlsRecordConnection}. Created by {@link connectTls}
 * and {@link serveTls}; resolves {@link handshake} when both Finished messages are through.
 */
export class TlsConnection {
  readonly socket: net.Socket;
  readonly core: TlsRecordConnection;
  readonly #timeoutMs: number;
  readonly #handshake = new Waiter<NegotiatedParameters>();
  readonly #closed = new Waiter<void>();
  #data: Uint8Array[] = [];
  #dataWaiter: Waiter<void> | undefined;
  #tickets: SessionTicket[] = [];
  #ticketWaiter: Waiter<void> | undefined;
  #ended = false;
  #error: unknown;

  constructor(
    socket: net.Socket,
    session: TlsSession,
    provider: TlsRecordConnectionOptions['provider'],
    options: RecordOptions & { timeoutMs?: number } = {},
  ) {
    this.socket = socket;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const { timeoutMs: _ignored, ...recordOptions } = options;
    this.core = new TlsRecordConnection(session, { ...recordOptions, provider });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Uint8Array) => this.#run(() => this.core.receive(chunk)));
    socket.on('end', () => this.#onEnd());
    socket.on('error', (e) => this.#fail(e));
    socket.on('close', () => {
      this.#onEnd();
      this.#closed.resolve();
    });
  }

  /** Resolves with the negotiated parameters when the handshake completes; rejects with its failure. */
  handshake(): Promise<NegotiatedParameters> {
    return withTimeout(this.#handshake.promise, this.#timeoutMs, 'the TLS handshake');
  }

  /** The negotiated parameters (throws before the handshake completed). */
  get negotiated(): NegotiatedParameters {
    const n = this.core.session.negotiated();
    if (n === undefined || !this.core.handshakeCompleted) throw new Error('the handshake has not completed');
    return n;
  }

  /** The error that ended the connection (a `TlsAlert` for TLS failures), if any. */
  get error(): unknown {
    return this.#error;
  }

  /** Sends application data. */
  send(data: Uint8Array | string): void {
    this.core.send(typeof data === 'string' ? new TextEncoder().encode(data) : data);
    this.#flush();
  }

  /** The next chunk of application data, or `undefined` once the peer closed. */
  async receive(): Promise<Uint8Array | undefined> {
    for (;;) {
      const chunk = this.#data.shift();
      if (chunk !== undefined) return chunk;
      if (this.#error !== undefined) throw this.#error;
      if (this.#ended) return undefined;
      this.#dataWaiter ??= new Waiter<void>();
      await withTimeout(this.#dataWaiter.promise, this.#timeoutMs, 'application data');
    }
  }

  /** Reads until `length` bytes arrived (throws if the peer closes first). */
  async receiveExactly(length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    let have = 0;
    while (have < length) {
      const chunk = await this.receive();
      if (chunk === undefined) throw new Error(`connection closed after ${have} of ${length} bytes`);
      const take = Math.min(chunk.length, length - have);
      out.set(chunk.subarray(0, take), have);
      have += take;
      if (take < chunk.length) this.#data.unshift(chunk.subarray(take));
    }
    return out;
  }

  /** Client: the next NewSessionTicket the engine processed (waits for one if none arrived yet). */
  async nextSessionTicket(): Promise<SessionTicket> {
    for (;;) {
      const ticket = this.#tickets.shift();
      if (ticket !== undefined) return ticket;
      if (this.#error !== undefined) throw this.#error;
      if (this.#ended) throw new Error('connection closed before a session ticket arrived');
      this.#ticketWaiter ??= new Waiter<void>();
      await withTimeout(this.#ticketWaiter.promise, this.#timeoutMs, 'a session ticket');
    }
  }

  /** Sends close_notify, half-closes the socket and waits (bounded) for it to close. */
  async close(): Promise<void> {
    if (!this.socket.destroyed) {
      this.core.close();
      this.#flush();
      this.socket.end();
    }
    try {
      await withTimeout(this.#closed.promise, this.#timeoutMs, 'the socket to close');
    } catch (e) {
      this.socket.destroy();
      throw e;
    }
  }

  /** Destroys the socket at once. */
  destroy(): void {
    this.socket.destroy();
  }

  /** Starts the handshake (client: sends the ClientHello). */
  start(): void {
    this.#run(() => this.core.start());
  }

  #run(fn: () => void): void {
    try {
      fn();
      this.#flush();
      this.#drainEvents();
    } catch (e) {
      this.#flush(); // our alert, if one was queued
      this.#drainEvents();
      this.#fail(e);
      this.socket.end();
      this.socket.destroySoon();
    }
  }

  #flush(): void {
    const out = this.core.pollTransmit();
    if (out !== undefined && !this.socket.destroyed && this.socket.writable) this.socket.write(out);
  }

  #drainEvents(): void {
    for (let ev: TlsConnectionEvent | undefined = this.core.pollEvent(); ev; ev = this.core.pollEvent()) {
      switch (ev.kind) {
        case 'handshakeCompleted':
          this.#handshake.resolve(ev.negotiated);
          break;
        case 'applicationDataReceived':
          if (ev.data.length > 0) this.#data.push(ev.data);
          this.#wake();
          break;
        case 'sessionTicketReceived':
          this.#tickets.push(ev.ticket);
          this.#ticketWaiter?.resolve();
          this.#ticketWaiter = undefined;
          break;
        case 'closeNotifyReceived':
          this.#ended = true;
          this.#wake();
          break;
      }
    }
  }

  #wake(): void {
    this.#dataWaiter?.resolve();
    this.#dataWaiter = undefined;
    this.#ticketWaiter?.resolve();
    this.#ticketWaiter = undefined;
  }

  #onEnd(): void {
    this.#ended = true;
    if (!this.#handshake.settled) {
      this.#fail(this.#error ?? new Error('the peer closed the connection during the handshake'));
    }
    this.#wake();
  }

  #fail(e: unknown): void {
    this.#error ??= e;
    if (!this.#handshake.settled) this.#handshake.reject(this.#error);
    this.#dataWaiter?.reject(this.#error);
    this.#dataWaiter = undefined;
    this.#ticketWaiter?.reject(this.#error);
    this.#ticketWaiter = undefined;
  }
}

/** Options of {@link connectTls}. */
export interface ConnectTlsOptions extends RecordOptions {
  /** The server's address, e.g. `127.0.0.1`. */
  readonly host: string;
  /** The server's TCP port. */
  readonly port: number;
  /**
   * The engine's client configuration; `mode` is forced to `'tls'`. Pass the same object again to resume with its
   * default ticket store.
   */
  readonly engineConfig: Omit<TlsClientConfig, 'mode'>;
  /** Bound on each wait in milliseconds (default 10 000). */
  readonly timeoutMs?: number;
}

/**
 * Connects over TCP and runs qk's client handshake; resolves when the handshake completed (rejects with the
 * `TlsAlert` or socket error that ended it, or on timeout).
 *
 * @example
 * const conn = await connectTls({ host: '127.0.0.1', port, engineConfig: { provider, now: Date.now, trustStore } });
 * conn.send('ping');
 * await conn.receiveExactly(4);
 * await conn.close();
 */
export async function connectTls(options: ConnectTlsOptions): Promise<TlsConnection> {
  const { host, port, engineConfig, timeoutMs = DEFAULT_TIMEOUT_MS, ...record } = options;
  const session = createClientSession(tlsModeConfig<TlsClientConfig>(engineConfig));
  const socket = net.connect({ host, port });
  const conn = new TlsConnection(socket, session, engineConfig.provider, { ...record, timeoutMs });
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      }),
      timeoutMs,
      `a TCP connection to ${host}:${port}`,
    );
    conn.start();
    await conn.handshake();
    return conn;
  } catch (e) {
    socket.destroy();
    throw e;
  }
}

/** Options of {@link serveTls}. */
export interface ServeTlsOptions extends RecordOptions {
  /** Address to listen on (default `127.0.0.1`). */
  readonly host?: string;
  /** Port (default 0: an ephemeral port, see {@link TlsServer.port}). */
  readonly port?: number;
  /**
   * The engine's server configuration; `mode` is forced to `'tls'`. A function is called per connection; return
   * the same object (or pass `ticketKeys`) for tickets to survive across connections.
   */
  readonly engineConfig: Omit<TlsServerConfig, 'mode'> | (() => Omit<TlsServerConfig, 'mode'>);
  /** Echo every byte of application data back (default true). */
  readonly echo?: boolean;
  /** Called with each connection once its handshake completed. */
  readonly onConnection?: (conn: TlsConnection) => void;
  /** Bound on each wait in milliseconds (default 10 000). */
  readonly timeoutMs?: number;
}

/** A listening qk TLS server over TCP (see {@link serveTls}). */
export class TlsServer {
  readonly server: net.Server;
  /** Every connection accepted, handshake completed or not. */
  readonly connections: TlsConnection[] = [];
  /** Handshakes that completed, in order. */
  readonly completed: TlsConnection[] = [];
  /** Connections whose handshake failed, with the error. */
  readonly failures: { readonly connection: TlsConnection; readonly error: unknown }[] = [];
  readonly #timeoutMs: number;
  #waiters: (() => void)[] = [];

  constructor(server: net.Server, timeoutMs: number) {
    this.server = server;
    this.#timeoutMs = timeoutMs;
  }

  /** The address actually bound. */
  get host(): string {
    return (this.server.address() as net.AddressInfo).address;
  }

  /** The port actually bound. */
  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** @internal called when a connection's handshake settles */
  notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  /** Waits until `n` handshakes have completed or failed in total; returns the `n`-th outcome. */
  async settled(n: number): Promise<{ connection: TlsConnection; error?: unknown }> {
    const outcome = (): { connection: TlsConnection; error?: unknown } | undefined => {
      const all = [...this.completed.map((connection) => ({ connection })), ...this.failures];
      if (all.length < n) return undefined;
      const order = (c: TlsConnection): number => this.connections.indexOf(c);
      return all.sort((a, b) => order(a.connection) - order(b.connection))[n - 1];
    };
    const ready = outcome();
    if (ready) return ready;
    await withTimeout(
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (outcome()) resolve();
          else this.#waiters.push(check);
        };
        this.#waiters.push(check);
      }),
      this.#timeoutMs,
      `server handshake #${n}`,
    );
    return outcome()!;
  }

  /** Stops listening, destroys every connection and waits for the listener to close. */
  async close(): Promise<void> {
    for (const c of this.connections) c.destroy();
    await withTimeout(
      new Promise<void>((resolve) => this.server.close(() => resolve())),
      this.#timeoutMs,
      'the server to close',
    );
  }
}

/**
 * Listens on TCP and runs qk's server handshake on every connection; echoes application data by default.
 *
 * @example
 * const server = await serveTls({ engineConfig: { provider, now: Date.now, certificateChain, privateKey } });
 * // ... connect to server.port ...
 * await server.close();
 */
export async function serveTls(options: ServeTlsOptions): Promise<TlsServer> {
  const { host = '127.0.0.1', port = 0, engineConfig, echo = true, onConnection, ...rest } = options;
  const { timeoutMs = DEFAULT_TIMEOUT_MS, ...record } = rest;
  const listener = net.createServer();
  const server = new TlsServer(listener, timeoutMs);
  listener.on('connection', (socket) => {
    const config = typeof engineConfig === 'function' ? engineConfig() : engineConfig;
    const session = createServerSession(tlsModeConfig<TlsServerConfig>(config));
    const conn = new TlsConnection(socket, session, config.provider, { ...record, timeoutMs });
    server.connections.push(conn);
    conn.start();
    conn.handshake().then(
      async () => {
        server.completed.push(conn);
        server.notify();
        onConnection?.(conn);
        if (!echo) return;
        try {
          for (let chunk = await conn.receive(); chunk !== undefined; chunk = await conn.receive()) conn.send(chunk);
          await conn.close();
        } catch {
          conn.destroy();
        }
      },
      (error: unknown) => {
        server.failures.push({ connection: conn, error });
        server.notify();
        conn.destroy();
      },
    );
  });
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(port, host, () => resolve());
    }),
    timeoutMs,
    `listening on ${host}:${port}`,
  );
  return server;
}

/** True when `e` is a TLS alert with the given RFC name (for tests). */
export function isAlert(e: unknown, description: string): boolean {
  return e instanceof TlsAlert && e.description === description;
}
