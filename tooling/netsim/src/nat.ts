import type { NatStats } from './stats.js';
import type { TraceSink } from './trace.js';
import { formatAddress, type SocketAddress } from './types.js';

/** A NAT in front of one host. */
export interface NatConfig {
  /**
   * The NAT's public addresses. The first is used at the start; each address rebinding moves every mapping to
   * the next one (cycling). Give at least two to rebind the address.
   */
  readonly externalAddresses: readonly string[];
  /** The first external port handed out (default 49152); ports are allocated in order and wrap to it. */
  readonly firstPort?: number;
}

/** What a rebinding changes: a fresh external port, the next external address, or both. */
export interface RebindChange {
  /** Give every mapping a fresh external port. */
  readonly port?: boolean;
  /** Move every mapping to the next external address. */
  readonly address?: boolean;
}

/** One NAT mapping: the inside endpoint and the address the outside sees. */
export interface NatMapping {
  /** The inside (private) socket address. */
  readonly internal: SocketAddress;
  /** The external socket address the outside sees and sends to. */
  readonly external: SocketAddress;
}

/** What a NAT needs from the simulator that owns it. */
export interface NatHost {
  /** The current virtual time. */
  now(): number;
  /** Runs `fn` at virtual time `time` as a simulator event. */
  schedule(time: number, label: string, fn: (now: number) => void): void;
  /** The trace callback, if any. */
  readonly trace: TraceSink | undefined;
}

/**
 * An endpoint-independent-mapping, endpoint-independent-filtering NAT (a "full cone", RFC 4787 terms): the first
 * datagram from an inside address creates a mapping to an external address and port; datagrams from anywhere to
 * that external address and port reach the inside address; anything else arriving at the NAT is dropped.
 * Mappings never expire. Created by `Simulator.addHost(address, { nat })`.
 */
export class Nat {
  /** The inside host's address. */
  readonly host: string;
  /** Every external address this NAT may use. */
  readonly externalAddresses: readonly string[];
  readonly #firstPort: number;
  readonly #sim: NatHost;
  #addressIndex = 0;
  #nextPort: number;
  readonly #byInternal = new Map<string, NatMapping>();
  readonly #byExternal = new Map<string, NatMapping>();
  readonly #stats: NatStats = { translatedOutbound: 0, translatedInbound: 0, droppedInbound: 0, rebindings: 0 };

  /** @internal Use `Simulator.addHost(address, { nat })`. */
  constructor(host: string, config: NatConfig, sim: NatHost) {
    if (!Array.isArray(config.externalAddresses) || config.externalAddresses.length === 0) {
      throw new RangeError('nat.externalAddresses must list at least one address');
    }
    for (const a of config.externalAddresses) {
      if (typeof a !== 'string' || a.length === 0) throw new TypeError('nat.externalAddresses must be non-empty strings');
    }
    if (new Set(config.externalAddresses).size !== config.externalAddresses.length) {
      throw new RangeError('nat.externalAddresses must not repeat an address');
    }
    const firstPort = config.firstPort ?? 49152;
    if (!Number.isInteger(firstPort) || firstPort < 1 || firstPort > 65535) {
      throw new RangeError(`nat.firstPort must be an integer in 1..65535, got ${String(firstPort)}`);
    }
    this.host = host;
    this.externalAddresses = [...config.externalAddresses];
    this.#firstPort = firstPort;
    this.#nextPort = firstPort;
    this.#sim = sim;
  }

  /** The external address new mappings use now. */
  get externalAddress(): string {
    return this.externalAddresses[this.#addressIndex] as string;
  }

  /** The current mappings, oldest first. */
  mappings(): readonly NatMapping[] {
    return [...this.#byInternal.values()];
  }

  /** The external address the outside currently sees for `internal`, if it has sent anything yet. */
  mappingFor(internal: SocketAddress): SocketAddress | undefined {
    return this.#byInternal.get(formatAddress(internal))?.external;
  }

  /** A snapshot of this NAT's counters. */
  stats(): NatStats {
    return { ...this.#stats };
  }

  /**
   * Changes every mapping at virtual time `at` (default: now, immediately): a new port, the next external
   * address, or both. From then on the outside sees the new address, and datagrams addressed to an old mapping
   * are dropped when they reach the NAT (reason `nat`), including those already in flight.
   *
   * @example
   * clientHost.nat!.rebind({ port: true }, 2_000);   // NAT rebinding at t = 2 s
   */
  rebind(change: RebindChange, at?: number): void {
    if (!change.port && !change.address) throw new RangeError('rebind needs { port: true } and/or { address: true }');
    if (change.address && this.externalAddresses.length < 2) {
      throw new RangeError('an address rebinding needs at least two nat.externalAddresses');
    }
    const now = this.#sim.now();
    if (at === undefined) {
      this.#apply(change, now);
      return;
    }
    if (typeof at !== 'number' || !Number.isFinite(at) || at < now) {
      throw new RangeError(`rebind time must be a finite number >= now (${now}), got ${String(at)}`);
    }
    this.#sim.schedule(at, `nat ${this.host} rebind`, (t) => this.#apply(change, t));
  }

  /** @internal True when `address` is one of this NAT's external addresses. */
  owns(address: string): boolean {
    return this.externalAddresses.includes(address);
  }

  /** @internal The external source for a datagram from `internal`, creating the mapping if needed. */
  outbound(internal: SocketAddress): SocketAddress {
    const key = formatAddress(internal);
    let m = this.#byInternal.get(key);
    if (m === undefined) {
      const address = this.externalAddress;
      m = { internal, external: { address, port: this.#allocatePort(address) } };
      this.#byInternal.set(key, m);
      this.#byExternal.set(formatAddress(m.external), m);
    }
    this.#stats.translatedOutbound++;
    return m.external;
  }

  /** @internal The inside destination for a datagram to `external`, or `undefined` (counted) without a mapping. */
  inbound(external: SocketAddress): SocketAddress | undefined {
    const m = this.#byExternal.get(formatAddress(external));
    if (m === undefined) {
      this.#stats.droppedInbound++;
      return undefined;
    }
    this.#stats.translatedInbound++;
    return m.internal;
  }

  #apply(change: RebindChange, now: number): void {
    if (change.address) this.#addressIndex = (this.#addressIndex + 1) % this.externalAddresses.length;
    const address = this.externalAddress;
    const changed: { internal: SocketAddress; before: SocketAddress; after: SocketAddress }[] = [];
    const old = [...this.#byInternal.entries()];
    this.#byExternal.clear();
    for (const [key, m] of old) {
      const after: SocketAddress = {
        address: change.address ? address : m.external.address,
        port: change.port ? this.#allocatePort(change.address ? address : m.external.address) : m.external.port,
      };
      const next: NatMapping = { internal: m.internal, external: after };
      this.#byInternal.set(key, next);
      this.#byExternal.set(formatAddress(after), next);
      changed.push({ internal: m.internal, before: m.external, after });
    }
    this.#stats.rebindings++;
    this.#sim.trace?.({ kind: 'natRebound', time: now, host: this.host, mappings: changed });
  }

  /** The next port not in use on `address` (and not one of the mappings being replaced, which are cleared). */
  #allocatePort(address: string): number {
    const span = 65536 - this.#firstPort;
    for (let tries = 0; tries < span; tries++) {
      const port = this.#nextPort;
      this.#nextPort = port === 65535 ? this.#firstPort : port + 1;
      if (!this.#byExternal.has(formatAddress({ address, port }))) return port;
    }
    throw new RangeError(`nat ${this.host}: no free external port on ${address}`);
  }
}
