/**
 * A UDP socket over node:dgram with what a QUIC endpoint needs around it:
 * - IPv4 or IPv6, optionally dual-stack (IPv4 peers appear as `::ffff:a.b.c.d`, and IPv4 destinations are mapped
 *   the same way on send);
 * - sends batched per JavaScript task: `send` queues, and one flush per task (`process.nextTick`) hands the batch to
 *   the kernel. node:dgram has no sendmmsg/GSO, so the batch still costs one syscall per datagram;
 * - backpressure instead of unbounded buffering: when libuv starts queueing (the kernel said EAGAIN) or the queue
 *   is full, `writable` turns false and workers stop pulling datagrams out of their connections until
 *   `whenWritable` calls them back, so a busy socket never costs a connection its state;
 * - EAGAIN / ENOBUFS: the datagram goes back to the head of the queue and flushing pauses with exponential backoff;
 *   other send errors drop the datagram (QUIC treats it as lost) and are counted.
 */
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import type { SocketAddress } from './transport.js';
import type { IoMetrics, WriteErrorKind } from './metrics.js';
import { noopMetrics } from './metrics.js';
import { BoundedQueue } from './queue.js';

/** The part of `dgram.Socket` the wrapper uses: tests substitute one that fails on purpose. */
export interface RawUdpSocket {
  send(msg: Uint8Array, port: number, address: string, callback: (error: Error | null, bytes: number) => void): void;
  on(event: 'message', listener: (msg: Uint8Array, rinfo: dgram.RemoteInfo) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(callback?: () => void): unknown;
  address(): AddressInfo;
  getSendQueueCount(): number;
}

/** Send-side tuning, shared by {@link UdpSocket.bind} and the constructor. */
export interface UdpSendOptions {
  /** Datagrams the socket queues before `writable` turns false and `send` refuses. Default 4096. */
  readonly maxQueuedDatagrams?: number;
  /** Sends queued inside libuv (after EAGAIN) at which the socket reports busy. Default 64. */
  readonly kernelQueueHighWater?: number;
  /** First backoff after EAGAIN/ENOBUFS, in ms. Default 1. */
  readonly retryDelayMs?: number;
  /** Longest backoff, in ms. Default 50. */
  readonly maxRetryDelayMs?: number;
  /** Attempts per datagram before it is dropped. Default 8. */
  readonly maxSendAttempts?: number;
  /** Hook points; default no-op. */
  readonly metrics?: IoMetrics;
  /** Called for socket-level errors (the 'error' event); default: ignored. */
  readonly onError?: (error: Error) => void;
}

/** Options of {@link UdpSocket.bind}. */
export interface UdpSocketOptions extends UdpSendOptions {
  /** The address to bind: an IPv4 or IPv6 literal, `'0.0.0.0'` or `'::'`. Default `'127.0.0.1'`. */
  readonly address?: string;
  /** The port; 0 (the default) lets the OS pick one. */
  readonly port?: number;
  /** IPv6 sockets only: also accept and send IPv4 (IPV6_V6ONLY off). Default false. */
  readonly dualStack?: boolean;
  /** SO_REUSEADDR. Default false. */
  readonly reuseAddr?: boolean;
  /**
   * SO_REUSEPORT, for one process per core on the same port (DESIGN §3). Passed to node:dgram, which honours it
   * from Node 22.12 / 23.1 on (Linux 3.9+, FreeBSD 12+); Node 20 ignores it. Default false.
   */
  readonly reusePort?: boolean;
  /** SO_RCVBUF in bytes (the OS may cap it). Default 2 MiB. */
  readonly recvBufferSize?: number;
  /** SO_SNDBUF in bytes (the OS may cap it). Default 2 MiB. */
  readonly sendBufferSize?: number;
}

/** Counters of one socket. */
export interface UdpSocketStats {
  /** Datagrams the kernel accepted. */
  readonly datagramsSent: number;
  /** Datagrams received. */
  readonly datagramsReceived: number;
  /** Flushes that sent at least one datagram. */
  readonly flushes: number;
  /** Send errors, all kinds. */
  readonly sendErrors: number;
  /** Datagrams put back for another attempt. */
  readonly retries: number;
  /** Datagrams dropped: queue full, attempts exhausted, or a non-retryable error. */
  readonly sendDrops: number;
  /** Datagrams queued now. */
  readonly queued: number;
}

interface SendEntry {
  readonly data: Uint8Array;
  readonly port: number;
  readonly address: string;
  attempts: number;
}

/** Maps a node error code to the write-error kind, and says whether to retry. */
export function classifyWriteError(code: string | undefined): { kind: WriteErrorKind; retry: boolean } {
  switch (code) {
    case 'EAGAIN':
    case 'EWOULDBLOCK':
      return { kind: 'wouldBlock', retry: true };
    case 'ENOBUFS':
    case 'ENOMEM':
      return { kind: 'noBuffers', retry: true };
    case 'EMSGSIZE':
      return { kind: 'messageTooBig', retry: false };
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
    case 'ECONNREFUSED':
    case 'EADDRNOTAVAIL':
    case 'ENETDOWN':
    case 'EHOSTDOWN':
      return { kind: 'unreachable', retry: false };
    default:
      return { kind: 'other', retry: false };
  }
}

function checkPositiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer >= 1, got ${value}`);
  return value;
}

/**
 * A bound UDP socket with batched, backpressured sends.
 *
 * @example
 * const socket = await UdpSocket.bind({ address: '::', port: 4433, dualStack: true });
 * socket.setReceiver((data, from) => router.receive(data, from));
 * socket.send(datagram, { address: '127.0.0.1', port: 5000 });
 * await socket.close();
 */
export class UdpSocket {
  /** The bound address (a wildcard bind reports the wildcard). */
  readonly localAddress: SocketAddress;
  /** The socket's family. */
  readonly family: 'IPv4' | 'IPv6';
  private readonly queue: BoundedQueue<SendEntry>;
  private readonly highWater: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly maxAttempts: number;
  private readonly metrics: IoMetrics;
  private readonly mapV4: boolean;
  private receiver: ((data: Uint8Array, from: SocketAddress) => void) | undefined;
  private waiters: (() => void)[] = [];
  private flushScheduled = false;
  private kernelBusy = false;
  private backoffTimer: ReturnType<typeof setTimeout> | undefined;
  private consecutiveFailures = 0;
  private pendingCallbacks = 0;
  private closing = false;
  private closePromise: Promise<void> | undefined;
  private drainedCallback: (() => void) | undefined;
  private counters = { datagramsSent: 0, datagramsReceived: 0, flushes: 0, sendErrors: 0, retries: 0, sendDrops: 0 };

  /**
   * Creates and binds a node:dgram socket.
   *
   * @throws RangeError for a bad port or option; the promise rejects when binding fails (e.g. EADDRINUSE)
   */
  static bind(options: UdpSocketOptions = {}): Promise<UdpSocket> {
    const address = options.address ?? '127.0.0.1';
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer in 0..65535, got ${port}`);
    const ipv6 = address.includes(':');
    const socketOptions: dgram.SocketOptions & { reusePort?: boolean } = {
      type: ipv6 ? 'udp6' : 'udp4',
      reuseAddr: options.reuseAddr ?? false,
      ...(ipv6 ? { ipv6Only: !(options.dualStack ?? false) } : {}),
      ...(options.reusePort ? { reusePort: true } : {}),
    };
    const raw = dgram.createSocket(socketOptions);
    return new Promise<UdpSocket>((resolve, reject) => {
      const onBindError = (error: Error) => {
        raw.close();
        reject(error);
      };
      raw.once('error', onBindError);
      raw.bind(port, address, () => {
        raw.off('error', onBindError);
        // The OS caps these silently (Linux: net.core.rmem_max); a refusal is not worth failing the bind for.
        try {
          raw.setRecvBufferSize(options.recvBufferSize ?? 2 << 20);
          raw.setSendBufferSize(options.sendBufferSize ?? 2 << 20);
        } catch {
          // keep the OS defaults
        }
        resolve(new UdpSocket(raw, { ...options, dualStack: ipv6 && (options.dualStack ?? false) }));
      });
    });
  }

  /** Wraps an already bound socket. `dualStack` says whether IPv4 destinations must be written `::ffff:a.b.c.d`. */
  constructor(private readonly raw: RawUdpSocket, options: UdpSendOptions & { readonly dualStack?: boolean } = {}) {
    const info = raw.address();
    this.localAddress = { address: info.address, port: info.port };
    this.family = info.family === 'IPv6' || (info.family as unknown) === 6 ? 'IPv6' : 'IPv4';
    this.mapV4 = this.family === 'IPv6' && (options.dualStack ?? false);
    this.queue = new BoundedQueue(checkPositiveInt(options.maxQueuedDatagrams ?? 4096, 'maxQueuedDatagrams'));
    this.highWater = checkPositiveInt(options.kernelQueueHighWater ?? 64, 'kernelQueueHighWater');
    this.retryDelayMs = checkPositiveInt(options.retryDelayMs ?? 1, 'retryDelayMs');
    this.maxRetryDelayMs = checkPositiveInt(options.maxRetryDelayMs ?? 50, 'maxRetryDelayMs');
    this.maxAttempts = checkPositiveInt(options.maxSendAttempts ?? 8, 'maxSendAttempts');
    this.metrics = options.metrics ?? noopMetrics;
    const onError = options.onError;
    raw.on('error', (error: Error) => onError?.(error));
    raw.on('message', (msg: Uint8Array, rinfo: dgram.RemoteInfo) => {
      if (this.closing) return;
      this.counters.datagramsReceived++;
      // A plain Uint8Array view of node's Buffer: no copy, and `slice` keeps its copying meaning downstream.
      const data = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
      this.receiver?.(data, rinfo);
    });
  }

  /** Installs the one receiver of incoming datagrams (the router). */
  setReceiver(receiver: (data: Uint8Array, from: SocketAddress) => void): void {
    this.receiver = receiver;
  }

  /** False while the socket is backed up or closing: workers should stop polling their connections. */
  get writable(): boolean {
    return !this.closing && !this.kernelBusy && this.backoffTimer === undefined && !this.queue.isFull();
  }

  /** True once `close` was called. */
  get isClosing(): boolean {
    return this.closing;
  }

  /** Calls `callback` once when the socket becomes writable again (at once, on the next flush, if it is). */
  whenWritable(callback: () => void): void {
    if (this.closing) return;
    if (!this.waiters.includes(callback)) this.waiters.push(callback);
    this.scheduleFlush();
  }

  /**
   * Queues `data` for `remote`; it leaves at the end of the current task. Returns false (and counts a drop) when
   * the queue is full or the socket is closing. The buffer must not be reused until then.
   */
  send(data: Uint8Array, remote: SocketAddress): boolean {
    if (this.closing || this.queue.isFull()) {
      this.counters.sendDrops++;
      return false;
    }
    let address = remote.address;
    if (this.mapV4 && !address.includes(':')) address = `::ffff:${address}`;
    this.queue.push({ data, port: remote.port, address, attempts: 0 });
    this.scheduleFlush();
    return true;
  }

  /** Sends what is queued now instead of at the end of the task. */
  flush(): void {
    this.flushScheduled = false;
    let sent = 0;
    while (this.queue.length > 0 && !this.kernelBusy && this.backoffTimer === undefined) {
      if (this.raw.getSendQueueCount() >= this.highWater) {
        this.kernelBusy = true;
        break;
      }
      const entry = this.queue.shift()!;
      entry.attempts++;
      this.pendingCallbacks++;
      sent++;
      this.raw.send(entry.data, entry.port, entry.address, (error) => this.onSendDone(entry, error));
    }
    if (sent > 0) this.counters.flushes++;
    this.notifyWaiters();
  }

  /** Counters, for tests and status pages. */
  stats(): UdpSocketStats {
    return { ...this.counters, queued: this.queue.length };
  }

  /**
   * Flushes what is queued, waits (at most `lingerMs`, default 200) for the kernel to take it, then closes.
   * Idempotent. Nothing of the socket's (handle, timers) is left afterwards.
   */
  close(lingerMs = 200): Promise<void> {
    if (this.closePromise !== undefined) return this.closePromise;
    this.flush();
    this.closing = true;
    this.waiters = [];
    this.closePromise = new Promise<void>((resolve) => {
      const finish = () => {
        if (lingerTimer !== undefined) clearTimeout(lingerTimer);
        this.drainedCallback = undefined;
        if (this.backoffTimer !== undefined) clearTimeout(this.backoffTimer);
        this.backoffTimer = undefined;
        this.queue.clear();
        this.raw.close(() => resolve());
      };
      let lingerTimer: ReturnType<typeof setTimeout> | undefined;
      if (this.pendingCallbacks === 0 && this.queue.length === 0) {
        finish();
        return;
      }
      lingerTimer = setTimeout(finish, lingerMs);
      this.drainedCallback = finish;
    });
    return this.closePromise;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.closing) return;
    this.flushScheduled = true;
    process.nextTick(this.flushTask);
  }

  private readonly flushTask = (): void => {
    if (this.flushScheduled) this.flush();
  };

  private onSendDone(entry: SendEntry, error: Error | null): void {
    this.pendingCallbacks--;
    if (error === null) {
      this.consecutiveFailures = 0;
      this.counters.datagramsSent++;
      this.metrics.datagramSent(entry.data.length);
    } else {
      this.counters.sendErrors++;
      const { kind, retry } = classifyWriteError((error as NodeJS.ErrnoException).code);
      const retried = retry && !this.closing && entry.attempts < this.maxAttempts && this.queue.unshift(entry);
      this.metrics.writeError(kind, retried);
      if (retried) {
        this.counters.retries++;
        this.startBackoff();
      } else {
        this.counters.sendDrops++;
      }
    }
    if (this.kernelBusy && this.raw.getSendQueueCount() < Math.ceil(this.highWater / 2)) {
      this.kernelBusy = false;
      this.scheduleFlush();
    }
    if (this.closing) {
      if (this.queue.length > 0 && !this.kernelBusy && this.backoffTimer === undefined) this.flush();
      if (this.pendingCallbacks === 0 && this.queue.length === 0) this.drainedCallback?.();
    }
  }

  private startBackoff(): void {
    if (this.backoffTimer !== undefined) return;
    const delay = Math.min(this.maxRetryDelayMs, this.retryDelayMs * 2 ** Math.min(this.consecutiveFailures, 16));
    this.consecutiveFailures++;
    this.backoffTimer = setTimeout(() => {
      this.backoffTimer = undefined;
      this.flush();
    }, delay);
  }

  private notifyWaiters(): void {
    if (this.waiters.length === 0 || !this.writable) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
