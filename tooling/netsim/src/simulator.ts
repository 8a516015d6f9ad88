import type { LinkConfig } from './config.js';
import { createEndpointState, EndpointHandle, type EndpointState } from './endpoint.js';
import { LivelockError, SimulationError } from './errors.js';
import { EventQueue } from './heap.js';
import { countDrop, Link, type Datagram, type LinkHost } from './link.js';
import { Nat, type NatConfig, type NatHost } from './nat.js';
import { Random } from './random.js';
import type { TraceSink } from './trace.js';
import { checkSocketAddress, formatAddress, sameAddress, type Path, type SimEndpoint, type SocketAddress } from './types.js';

/** Safety limits against runs where virtual time stops advancing. */
export interface SimulatorLimits {
  /** Timer firings of one endpoint at one instant before {@link LivelockError} (default 1000). */
  readonly maxTimerFiresPerInstant?: number;
  /** Events of any kind at one instant before {@link LivelockError} (default 1,000,000). */
  readonly maxEventsPerInstant?: number;
  /** Transmits taken from one endpoint in one polling round before {@link SimulationError} (default 100,000). */
  readonly maxTransmitsPerPoll?: number;
}

/** Settings of a {@link Simulator}. */
export interface SimulatorOptions {
  /** Seed of every random choice (default 1). Same seed, same topology, same endpoints: the same run. */
  readonly seed?: number;
  /** Receives every event as it happens. Costs nothing when absent. */
  readonly trace?: TraceSink;
  /** Livelock guards. */
  readonly limits?: SimulatorLimits;
}

/** Options of a host. */
export interface HostOptions {
  /** Put the host behind a NAT with these external addresses. */
  readonly nat?: NatConfig;
}

/** A machine at one address, optionally behind a NAT. */
export interface Host {
  /** The host's own address (its private address when behind a NAT). */
  readonly address: string;
  /** The NAT in front of the host, if any. */
  readonly nat: Nat | undefined;
}

/** Why {@link Simulator.run} returned. */
export const StopReason = {
  /** The `until` predicate returned true. */
  until: 'until',
  /** No events are left: every endpoint is quiet and has no deadline. */
  idle: 'idle',
  /** The next event is later than `maxTime`; the clock was advanced to `maxTime`. */
  maxTime: 'maxTime',
  /** `maxEvents` events were processed. */
  maxEvents: 'maxEvents',
} as const;

/** One of {@link StopReason}'s values. */
export type StopReason = (typeof StopReason)[keyof typeof StopReason];

/** Options of {@link Simulator.run}. */
export interface RunOptions {
  /** Checked before every event; the run stops as soon as it returns true. */
  readonly until?: () => boolean;
  /** Absolute virtual time (ms): events later than this are left queued (default `Infinity`). */
  readonly maxTime?: number;
  /** Most events to process in this call (default `Infinity`). */
  readonly maxEvents?: number;
}

/** What {@link Simulator.run} did. */
export interface RunResult {
  /** Why it stopped. */
  readonly reason: StopReason;
  /** The virtual time when it stopped. */
  readonly now: number;
  /** Events processed by this call (stale timer events not counted). */
  readonly events: number;
}

type SimEvent =
  | { readonly kind: 'arrival'; readonly time: number; readonly seq: number; readonly link: Link; readonly datagram: Datagram }
  | { readonly kind: 'timer'; readonly time: number; readonly seq: number; readonly ep: EndpointState; readonly generation: number }
  | {
      readonly kind: 'release';
      readonly time: number;
      readonly seq: number;
      readonly ep: EndpointState;
      readonly data: Uint8Array;
      readonly path: Path;
    }
  | { readonly kind: 'wake'; readonly time: number; readonly seq: number; readonly ep: EndpointState }
  | {
      readonly kind: 'action';
      readonly time: number;
      readonly seq: number;
      readonly label: string;
      readonly action: (now: number) => void;
    };

interface Binding {
  readonly state: EndpointState;
  readonly address: SocketAddress;
}

function positiveLimit(v: number | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (!(typeof v === 'number' && v >= 1)) throw new RangeError(`limits.${name} must be >= 1, got ${String(v)}`);
  return v;
}

/**
 * A deterministic discrete-event network simulator for sans-io endpoints: hosts at addresses, one-way links with
 * delay, jitter, bandwidth and a drop-tail queue, random and burst loss, reordering, duplication, corruption, MTU,
 * blackholes and drop filters, NATs that rebind, pacing, and timers, all on one virtual clock in ms.
 *
 * @example
 * const sim = new Simulator({ seed: 7 });
 * sim.addHost('192.0.2.1');
 * sim.addHost('10.0.0.2', { nat: { externalAddresses: ['203.0.113.1', '203.0.113.2'] } });
 * sim.connect('10.0.0.2', '192.0.2.1', { delay: 20, bandwidth: 1_250_000, queueBytes: 64_000, loss: 0.01 });
 * const server = sim.addEndpoint('server', serverConn, { address: '192.0.2.1', port: 443 });
 * const client = sim.addEndpoint('client', clientConn, { address: '10.0.0.2', port: 50000 });
 * const result = sim.run({ until: () => client.endpoint.isEstablished(), maxTime: 10_000 });
 */
export class Simulator {
  #now = 0;
  #seq = 0;
  #nextId = 0;
  readonly #queue = new EventQueue<SimEvent>();
  readonly #trace: TraceSink | undefined;
  readonly #linkRandom: Random;
  /** A random stream for the scenario's own use (e.g. an endpoint's injected randomness), independent of links. */
  readonly random: Random;
  readonly #hosts = new Map<string, Host>();
  /** Address (a host's own or a NAT's external) to the host it leads to. */
  readonly #routes = new Map<string, Host>();
  readonly #links = new Map<string, Link>();
  readonly #bindings = new Map<string, Binding>();
  readonly #endpoints = new Map<string, EndpointHandle>();
  readonly #maxTimerFires: number;
  readonly #maxEventsPerInstant: number;
  readonly #maxTransmits: number;
  #instant = NaN;
  #eventsAtInstant = 0;
  #running = false;
  readonly #linkHost: LinkHost;
  readonly #natHost: NatHost;

  constructor(options: SimulatorOptions = {}) {
    const master = new Random(options.seed ?? 1);
    this.random = master.fork();
    this.#linkRandom = master.fork();
    this.#trace = options.trace;
    const limits = options.limits ?? {};
    this.#maxTimerFires = positiveLimit(limits.maxTimerFiresPerInstant, 'maxTimerFiresPerInstant', 1000);
    this.#maxEventsPerInstant = positiveLimit(limits.maxEventsPerInstant, 'maxEventsPerInstant', 1_000_000);
    this.#maxTransmits = positiveLimit(limits.maxTransmitsPerPoll, 'maxTransmitsPerPoll', 100_000);
    this.#linkHost = {
      trace: this.#trace,
      nextId: () => this.#nextId++,
      scheduleArrival: (link, datagram, time) =>
        this.#push({ kind: 'arrival', time, seq: this.#seq++, link, datagram }),
    };
    this.#natHost = {
      trace: this.#trace,
      now: () => this.#now,
      schedule: (time, label, fn) => this.at(time, fn, label),
    };
  }

  /** The current virtual time in ms. */
  get now(): number {
    return this.#now;
  }

  /** Events waiting in the queue (stale timer events included). */
  get pendingEvents(): number {
    return this.#queue.size;
  }

  // ---- topology ---------------------------------------------------------------------------------------------

  /** Adds a host at `address`, optionally behind a NAT. Throws `RangeError` if an address is taken. */
  addHost(address: string, options: HostOptions = {}): Host {
    if (typeof address !== 'string' || address.length === 0) throw new TypeError('address must be a non-empty string');
    if (this.#routes.has(address)) throw new RangeError(`address ${address} is already in use`);
    const nat = options.nat === undefined ? undefined : new Nat(address, options.nat, this.#natHost);
    if (nat !== undefined) {
      for (const a of nat.externalAddresses) {
        if (a === address || this.#routes.has(a)) throw new RangeError(`NAT address ${a} is already in use`);
      }
    }
    const host: Host = { address, nat };
    this.#hosts.set(address, host);
    this.#routes.set(address, host);
    if (nat !== undefined) for (const a of nat.externalAddresses) this.#routes.set(a, host);
    return host;
  }

  /** The host at `address` (its own address, not a NAT's), or `undefined`. */
  host(address: string): Host | undefined {
    return this.#hosts.get(address);
  }

  /** Adds the one-way link `from -> to` between two existing hosts. Throws `RangeError` if it exists already. */
  link(from: string, to: string, config: LinkConfig = {}): Link {
    for (const [name, a] of [['from', from], ['to', to]] as const) {
      if (!this.#hosts.has(a)) throw new RangeError(`${name}: no host at ${String(a)}`);
    }
    const key = `${from}->${to}`;
    if (this.#links.has(key)) throw new RangeError(`link ${key} already exists`);
    const link = new Link(from, to, config, this.#linkRandom.fork(), this.#linkHost);
    this.#links.set(key, link);
    return link;
  }

  /** Adds both directions between `a` and `b`: `forward` for a to b, `reverse` for b to a (default the same). */
  connect(a: string, b: string, forward: LinkConfig = {}, reverse: LinkConfig = forward): [Link, Link] {
    return [this.link(a, b, forward), this.link(b, a, reverse)];
  }

  /** The link `from -> to`, or `undefined`. */
  linkBetween(from: string, to: string): Link | undefined {
    return this.#links.get(`${from}->${to}`);
  }

  /** Every link, in creation order. */
  links(): readonly Link[] {
    return [...this.#links.values()];
  }

  /**
   * Places `endpoint` in the simulation under `name`, bound to one or more local addresses on existing hosts,
   * and schedules a first poll at the current time (so a client sends its first flight when the run starts).
   */
  addEndpoint<E extends SimEndpoint>(
    name: string,
    endpoint: E,
    local: SocketAddress | readonly SocketAddress[],
  ): EndpointHandle<E> {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('name must be a non-empty string');
    if (this.#endpoints.has(name)) throw new RangeError(`an endpoint named "${name}" already exists`);
    for (const m of ['handleDatagram', 'pollTransmit', 'pollTimeout', 'handleTimeout'] as const) {
      if (typeof endpoint?.[m] !== 'function') throw new TypeError(`endpoint must implement ${m}()`);
    }
    const locals: readonly SocketAddress[] = Array.isArray(local) ? local : [local as SocketAddress];
    if (locals.length === 0) throw new RangeError('an endpoint needs at least one local address');
    const state = createEndpointState(name, endpoint);
    const control = { bind: (s: EndpointState, a: SocketAddress) => this.#bind(s, a), wake: (s: EndpointState) => this.#wake(s) };
    locals.forEach((a, i) => checkSocketAddress(a, `local[${i}]`));
    for (const a of locals) this.#bind(state, a);
    const handle = new EndpointHandle(state, endpoint, control);
    this.#endpoints.set(name, handle as EndpointHandle);
    this.#wake(state);
    return handle;
  }

  /** Every endpoint handle, in creation order. */
  endpoints(): readonly EndpointHandle[] {
    return [...this.#endpoints.values()];
  }

  /**
   * Runs `action(now)` at virtual time `time` (>= now), in order with every other event at that time. Use it
   * to change a link mid-run, give an endpoint a command (then call its handle's `wake()`), or check state.
   */
  at(time: number, action: (now: number) => void, label = 'action'): void {
    if (typeof time !== 'number' || !Number.isFinite(time) || time < this.#now) {
      throw new RangeError(`time must be a finite number >= now (${this.#now}), got ${String(time)}`);
    }
    if (typeof action !== 'function') throw new TypeError('action must be a function');
    this.#push({ kind: 'action', time, seq: this.#seq++, label, action });
  }

  // ---- driving ----------------------------------------------------------------------------------------------

  /**
   * Processes events in `(time, sequence)` order until `until()` returns true, no event is left, the next event
   * is later than `maxTime`, or `maxEvents` were processed. Errors thrown by endpoints propagate; after a
   * {@link SimulationError} the simulation should be discarded.
   */
  run(options: RunOptions = {}): RunResult {
    if (this.#running) throw new Error('Simulator.run is not reentrant');
    const { until } = options;
    const maxTime = options.maxTime ?? Infinity;
    const maxEvents = options.maxEvents ?? Infinity;
    if (typeof maxTime !== 'number' || Number.isNaN(maxTime)) throw new RangeError('maxTime must be a number');
    if (typeof maxEvents !== 'number' || !(maxEvents >= 0)) throw new RangeError('maxEvents must be a number >= 0');
    this.#running = true;
    let events = 0;
    try {
      for (;;) {
        if (until !== undefined && until()) return { reason: 'until', now: this.#now, events };
        const next = this.#peekLive();
        if (next === undefined) return { reason: 'idle', now: this.#now, events };
        if (next.time > maxTime) {
          if (maxTime > this.#now) this.#now = maxTime;
          return { reason: 'maxTime', now: this.#now, events };
        }
        if (events >= maxEvents) return { reason: 'maxEvents', now: this.#now, events };
        this.#queue.pop();
        events++;
        this.#dispatch(next);
      }
    } finally {
      this.#running = false;
    }
  }

  /** Processes the next event, if any; returns false when the queue is empty. */
  step(): boolean {
    return this.run({ maxEvents: 1 }).events === 1;
  }

  #push(e: SimEvent): void {
    this.#queue.push(e);
  }

  /** The next event that is not a stale timer, discarding stale ones. */
  #peekLive(): SimEvent | undefined {
    for (;;) {
      const e = this.#queue.peek();
      if (e === undefined || e.kind !== 'timer' || e.generation === e.ep.timerGeneration) return e;
      this.#queue.pop();
    }
  }

  #dispatch(e: SimEvent): void {
    const time = e.time;
    if (time === this.#instant) {
      if (++this.#eventsAtInstant > this.#maxEventsPerInstant) {
        throw new LivelockError(
          `virtual time stopped at ${time} ms: more than ${this.#maxEventsPerInstant} events ran at this instant ` +
            '(zero-delay ping-pong or an endpoint that never stops reacting?)',
          time,
        );
      }
    } else {
      this.#instant = time;
      this.#eventsAtInstant = 1;
    }
    this.#now = time;
    switch (e.kind) {
      case 'arrival':
        this.#arrive(e.link, e.datagram, time);
        return;
      case 'timer':
        this.#fireTimer(e.ep, time);
        return;
      case 'release':
        this.#send(e.ep, e.data, e.path, time);
        this.#service(e.ep, time);
        return;
      case 'wake':
        this.#trace?.({ kind: 'endpointWoken', time, endpoint: e.ep.name });
        this.#service(e.ep, time);
        return;
      case 'action':
        this.#trace?.({ kind: 'actionRan', time, label: e.label });
        e.action(time);
        return;
      default:
        assertNever(e);
    }
  }

  // ---- endpoints --------------------------------------------------------------------------------------------

  #bind(state: EndpointState, local: SocketAddress): void {
    checkSocketAddress(local, 'local');
    if (!this.#hosts.has(local.address)) throw new RangeError(`no host at ${local.address}`);
    const key = formatAddress(local);
    if (this.#bindings.has(key)) throw new RangeError(`${key} is already bound`);
    const address: SocketAddress = { address: local.address, port: local.port };
    this.#bindings.set(key, { state, address });
    state.locals.push(address);
  }

  #wake(state: EndpointState): void {
    this.#push({ kind: 'wake', time: this.#now, seq: this.#seq++, ep: state });
  }

  /** After an input: take transmits, then re-arm the timer. */
  #service(ep: EndpointState, now: number): void {
    this.#drain(ep, now);
    this.#arm(ep, now);
  }

  #drain(ep: EndpointState, now: number): void {
    if (now < ep.busyUntil) return; // a paced transmit is waiting; its release polls again
    const endpoint = ep.endpoint;
    for (let n = 0; ; n++) {
      const t = endpoint.pollTransmit(now);
      if (t === undefined) return;
      if (n >= this.#maxTransmits) {
        throw new SimulationError(
          `endpoint "${ep.name}" returned more than ${this.#maxTransmits} transmits at ${now} ms without pausing`,
        );
      }
      this.#checkTransmit(ep, t.data, t.path);
      const data = t.data.slice();
      const release = t.releaseTime;
      if (release !== undefined && release > now) {
        if (!Number.isFinite(release)) {
          throw new SimulationError(`endpoint "${ep.name}" returned releaseTime ${release}`);
        }
        ep.busyUntil = release;
        ep.stats.paced++;
        this.#trace?.({ kind: 'transmitPaced', time: now, endpoint: ep.name, releaseTime: release });
        this.#push({ kind: 'release', time: release, seq: this.#seq++, ep, data, path: t.path });
        return;
      }
      this.#send(ep, data, t.path, now);
    }
  }

  #checkTransmit(ep: EndpointState, data: unknown, path: Path | undefined): void {
    if (!(data instanceof Uint8Array)) throw new SimulationError(`endpoint "${ep.name}" returned a transmit without data`);
    const local = path?.local;
    const remote = path?.remote;
    if (local === undefined || remote === undefined) {
      throw new SimulationError(`endpoint "${ep.name}" returned a transmit without a path`);
    }
    let bound = false;
    for (const a of ep.locals) if (sameAddress(a, local)) bound = true;
    if (!bound) {
      throw new SimulationError(
        `endpoint "${ep.name}" sent from ${formatAddress(local)}, which is not bound to it ` +
          `(bound: ${ep.locals.map(formatAddress).join(', ')})`,
      );
    }
    if (typeof remote.address !== 'string' || !Number.isInteger(remote.port)) {
      throw new SimulationError(`endpoint "${ep.name}" sent to an invalid address`);
    }
  }

  #arm(ep: EndpointState, now: number): void {
    const deadline = ep.endpoint.pollTimeout();
    if (deadline === ep.timerDeadline) return;
    if (deadline !== undefined && (typeof deadline !== 'number' || Number.isNaN(deadline))) {
      throw new SimulationError(`endpoint "${ep.name}" returned pollTimeout() = ${String(deadline)}`);
    }
    ep.timerGeneration++;
    ep.timerDeadline = deadline;
    this.#trace?.({ kind: 'timerArmed', time: now, endpoint: ep.name, deadline });
    if (deadline === undefined || deadline === Infinity) return;
    const time = deadline > now ? deadline : now;
    this.#push({ kind: 'timer', time, seq: this.#seq++, ep, generation: ep.timerGeneration });
  }

  #fireTimer(ep: EndpointState, now: number): void {
    if (now === ep.lastFireTime) {
      if (++ep.firesAtInstant > this.#maxTimerFires) {
        throw new LivelockError(
          `endpoint "${ep.name}" livelocked at ${now} ms: handleTimeout(${now}) ran ${ep.firesAtInstant - 1} times ` +
            `at this instant and pollTimeout() still returns ${String(ep.timerDeadline)} <= now`,
          now,
          ep.name,
        );
      }
    } else {
      ep.lastFireTime = now;
      ep.firesAtInstant = 1;
    }
    ep.timerDeadline = undefined;
    ep.stats.timeoutsFired++;
    this.#trace?.({ kind: 'timerFired', time: now, endpoint: ep.name });
    ep.endpoint.handleTimeout(now);
    this.#service(ep, now);
  }

  // ---- datagrams --------------------------------------------------------------------------------------------

  #send(ep: EndpointState, data: Uint8Array, path: Path, now: number): void {
    const id = this.#nextId++;
    const size = data.length;
    ep.stats.sentDatagrams++;
    ep.stats.sentBytes += size;
    const src = this.#hosts.get(path.local.address) as Host;
    const dst = this.#routes.get(path.remote.address);
    let link: Link | undefined;
    // A NATed host's inside address is private: only the host itself reaches it.
    if (dst !== undefined && !(dst.nat !== undefined && dst.address === path.remote.address && dst !== src)) {
      link = this.#links.get(`${src.address}->${dst.address}`);
    }
    const wireSource = link !== undefined && src.nat !== undefined && dst !== src ? src.nat.outbound(path.local) : path.local;
    const trace = this.#trace;
    trace?.({ kind: 'datagramSent', time: now, id, endpoint: ep.name, size, path, wireSource, link: link?.name });
    if (link === undefined) {
      countDrop(ep.stats, 'noRoute', size);
      trace?.({ kind: 'datagramDropped', time: now, id, reason: 'noRoute', link: undefined, size });
      return;
    }
    link.transmit({ id, data, source: wireSource, destination: path.remote, senderStats: ep.stats, index: 0 }, now);
  }

  #arrive(link: Link, d: Datagram, now: number): void {
    const host = this.#hosts.get(link.to) as Host;
    let local: SocketAddress | undefined = d.destination;
    if (host.nat !== undefined && d.destination.address !== host.address) {
      local = host.nat.inbound(d.destination);
      if (local === undefined) return link.recordDrop(d, 'nat', now);
    }
    const binding = this.#bindings.get(formatAddress(local));
    if (binding === undefined) return link.recordDrop(d, 'noListener', now);
    const ep = binding.state;
    const size = d.data.length;
    link.recordDelivery(d);
    ep.stats.receivedDatagrams++;
    ep.stats.receivedBytes += size;
    const path: Path = { local: binding.address, remote: d.source };
    this.#trace?.({ kind: 'datagramDelivered', time: now, id: d.id, endpoint: ep.name, link: link.name, size, path });
    ep.endpoint.handleDatagram(d.data, path, now);
    this.#service(ep, now);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected event ${JSON.stringify(x)}`);
}
