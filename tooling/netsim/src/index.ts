// @qk/netsim: a deterministic network simulator for sans-io endpoints. See README.md.
export type { Path, SimEndpoint, SocketAddress, Transmit } from './types.js';
export { formatAddress, sameAddress } from './types.js';
export { Simulator, StopReason } from './simulator.js';
export type { Host, HostOptions, RunOptions, RunResult, SimulatorLimits, SimulatorOptions } from './simulator.js';
export type { Link } from './link.js';
export { resolveLinkConfig } from './config.js';
export type { Blackhole, DropFilter, GilbertElliott, LinkConfig, ResolvedLinkConfig } from './config.js';
export type { Nat, NatConfig, NatMapping, RebindChange } from './nat.js';
export type { EndpointHandle } from './endpoint.js';
export { DROP_REASON_DESCRIPTIONS, DROP_REASONS, DropReason } from './stats.js';
export type { EndpointStats, LinkStats, NatStats, TrafficStats } from './stats.js';
export type { TraceEvent, TraceSink } from './trace.js';
export { Random } from './random.js';
export { LivelockError, SimulationError } from './errors.js';
export { EventQueue } from './heap.js';
export type { Scheduled } from './heap.js';
