// A two-host topology for link tests: host A and host B, one link each way, a Scripted endpoint on each
// (or an Echo on B), and every trace event recorded.
import { Simulator, type LinkConfig, type SimulatorOptions, type SocketAddress, type TraceEvent } from '../src/index.js';
import { Echo, Scripted } from './toys.js';

export const A = '10.0.0.1';
export const B = '10.0.0.2';
export const aAddr: SocketAddress = { address: A, port: 1000 };
export const bAddr: SocketAddress = { address: B, port: 2000 };

export function pair(forward: LinkConfig = {}, reverse: LinkConfig = forward, options: SimulatorOptions = {}) {
  const events: TraceEvent[] = [];
  const sim = new Simulator({ seed: 1, trace: (e) => events.push(e), ...options });
  sim.addHost(A);
  sim.addHost(B);
  const [ab, ba] = sim.connect(A, B, forward, reverse);
  const a = new Scripted(aAddr);
  const b = new Scripted(bAddr);
  const ha = sim.addEndpoint('a', a, aAddr);
  const hb = sim.addEndpoint('b', b, bAddr);
  return { sim, events, ab, ba, a, b, ha, hb };
}

export function echoPair(forward: LinkConfig = {}, reverse: LinkConfig = forward, options: SimulatorOptions = {}) {
  const events: TraceEvent[] = [];
  const sim = new Simulator({ seed: 1, trace: (e) => events.push(e), ...options });
  sim.addHost(A);
  sim.addHost(B);
  const [ab, ba] = sim.connect(A, B, forward, reverse);
  const a = new Scripted(aAddr);
  const b = new Echo();
  const ha = sim.addEndpoint('a', a, aAddr);
  const hb = sim.addEndpoint('b', b, bAddr);
  return { sim, events, ab, ba, a, b, ha, hb };
}

/** Events of one kind, typed. */
export function ofKind<K extends TraceEvent['kind']>(events: readonly TraceEvent[], kind: K) {
  return events.filter((e): e is Extract<TraceEvent, { kind: K }> => e.kind === kind);
}

/** `n` one-byte-tagged datagrams: datagram i is `size` bytes, bytes 0..1 hold i (big-endian). */
export function tagged(i: number, size = 10): Uint8Array {
  const d = new Uint8Array(size);
  d[0] = (i >> 8) & 0xff;
  d[1] = i & 0xff;
  return d;
}

export function tagOf(d: Uint8Array): number {
  return ((d[0] as number) << 8) | (d[1] as number);
}
