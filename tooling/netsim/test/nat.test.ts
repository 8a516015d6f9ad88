import { describe, expect, it } from 'vitest';
import { Simulator, type SocketAddress, type TraceEvent } from '../src/index.js';
import { ofKind } from './setup.js';
import { Echo, Scripted } from './toys.js';

const SERVER = '192.0.2.1';
const CLIENT = '10.0.0.2';
const EXT1 = '203.0.113.1';
const EXT2 = '203.0.113.2';
const server: SocketAddress = { address: SERVER, port: 443 };
const client: SocketAddress = { address: CLIENT, port: 5000 };

function natted() {
  const events: TraceEvent[] = [];
  const sim = new Simulator({ seed: 3, trace: (e) => events.push(e) });
  sim.addHost(SERVER);
  const host = sim.addHost(CLIENT, { nat: { externalAddresses: [EXT1, EXT2] } });
  sim.connect(CLIENT, SERVER, { delay: 10 });
  const echo = new Echo();
  sim.addEndpoint('server', echo, server);
  const c = new Scripted(client);
  const hc = sim.addEndpoint('client', c, client);
  const nat = host.nat;
  if (nat === undefined) throw new Error('no NAT');
  return { sim, events, echo, c, hc, nat };
}

describe('NAT', () => {
  it('shows the server the external mapping while the client keeps its own address', () => {
    const t = natted();
    t.c.sendAt(0, server, new Uint8Array([1]));
    t.sim.run();
    expect(t.echo.received).toEqual([
      { time: 10, data: new Uint8Array([1]), path: { local: server, remote: { address: EXT1, port: 49152 } } },
    ]);
    expect(t.c.received).toEqual([{ time: 20, data: new Uint8Array([1]), path: { local: client, remote: server } }]);
    expect(t.nat.mappingFor(client)).toEqual({ address: EXT1, port: 49152 });
    expect(t.nat.stats()).toEqual({ translatedOutbound: 1, translatedInbound: 1, droppedInbound: 0, rebindings: 0 });
    const sent = ofKind(t.events, 'datagramSent')[0];
    expect(sent?.path.local).toEqual(client);
    expect(sent?.wireSource).toEqual({ address: EXT1, port: 49152 });
  });

  it('rebinding the port changes what the server sees and drops return traffic to the old mapping', () => {
    const t = natted();
    const probe = new Scripted({ address: SERVER, port: 8443 });
    t.sim.addEndpoint('probe', probe, probe.local);
    t.c.sendAt(0, server, new Uint8Array([0]));
    t.c.sendAt(95, server, new Uint8Array([1])); // leaves before the rebinding, its echo arrives after it
    t.nat.rebind({ port: true }, 100);
    t.c.sendAt(150, server, new Uint8Array([2]));
    probe.sendAt(160, { address: EXT1, port: 49152 }, new Uint8Array([3])); // to the old mapping
    probe.sendAt(161, { address: EXT1, port: 49153 }, new Uint8Array([4])); // to the new one
    t.sim.run();

    expect(t.echo.received.map((r) => [r.data[0], r.time, r.path.remote])).toEqual([
      [0, 10, { address: EXT1, port: 49152 }],
      [1, 105, { address: EXT1, port: 49152 }],
      [2, 160, { address: EXT1, port: 49153 }],
    ]);
    // the echo of [1] went to the old mapping and reached the NAT at 115, after the rebinding
    expect(t.c.received.map((r) => [r.data[0], r.time, r.path])).toEqual([
      [0, 20, { local: client, remote: server }],
      [2, 170, { local: client, remote: server }],
      [4, 171, { local: client, remote: { address: SERVER, port: 8443 } }],
    ]);
    const drops = ofKind(t.events, 'datagramDropped');
    expect(drops.map((e) => [e.reason, e.time, e.link])).toEqual([
      ['nat', 115, `${SERVER}->${CLIENT}`],
      ['nat', 170, `${SERVER}->${CLIENT}`],
    ]);
    expect(t.nat.stats()).toMatchObject({ droppedInbound: 2, rebindings: 1 });
    expect(t.sim.linkBetween(SERVER, CLIENT)?.stats().dropped.nat).toBe(2);
    expect(ofKind(t.events, 'natRebound')).toEqual([
      {
        kind: 'natRebound',
        time: 100,
        host: CLIENT,
        mappings: [{ internal: client, before: { address: EXT1, port: 49152 }, after: { address: EXT1, port: 49153 } }],
      },
    ]);
  });

  it('rebinding the address moves every mapping to the next external address', () => {
    const t = natted();
    const second: SocketAddress = { address: CLIENT, port: 5001 };
    const c2 = new Scripted(second);
    t.sim.addEndpoint('client2', c2, second);
    t.c.sendAt(0, server, new Uint8Array([0]));
    c2.sendAt(1, server, new Uint8Array([1]));
    t.nat.rebind({ address: true }, 50);
    t.c.sendAt(60, server, new Uint8Array([2]));
    t.nat.rebind({ address: true, port: true }, 100);
    c2.sendAt(110, server, new Uint8Array([3]));
    t.sim.run();
    expect(t.echo.received.map((r) => [r.data[0], r.path.remote])).toEqual([
      [0, { address: EXT1, port: 49152 }],
      [1, { address: EXT1, port: 49153 }],
      [2, { address: EXT2, port: 49152 }],
      [3, { address: EXT1, port: 49155 }], // back to the first address (cycling), fresh port
    ]);
    expect(t.c.received.length).toBe(2);
    expect(c2.received.length).toBe(2);
    expect(t.nat.externalAddress).toBe(EXT1);
    expect(t.nat.mappings().map((m) => m.external)).toEqual([
      { address: EXT1, port: 49154 },
      { address: EXT1, port: 49155 },
    ]);
  });

  it('rebinding without a time applies at once', () => {
    const t = natted();
    t.c.sendAt(0, server, new Uint8Array([0]));
    t.sim.run();
    t.nat.rebind({ port: true });
    expect(t.nat.mappingFor(client)).toEqual({ address: EXT1, port: 49153 });
    expect(ofKind(t.events, 'natRebound')[0]?.time).toBe(20);
  });

  it('keeps a NATed host’s private address unreachable from outside', () => {
    const t = natted();
    const probe = new Scripted({ address: SERVER, port: 8443 });
    const hp = t.sim.addEndpoint('probe', probe, probe.local);
    probe.send(client, new Uint8Array([9]));
    t.sim.run();
    expect(t.c.received).toEqual([]);
    expect(hp.stats().dropped.noRoute).toBe(1);
  });

  it('validates its settings and rebind calls', () => {
    const sim = new Simulator();
    sim.addHost('192.0.2.9');
    expect(() => sim.addHost('10.1.0.1', { nat: { externalAddresses: [] } })).toThrow(RangeError);
    expect(() => sim.addHost('10.1.0.1', { nat: { externalAddresses: ['192.0.2.9'] } })).toThrow(/already in use/);
    expect(() => sim.addHost('10.1.0.1', { nat: { externalAddresses: ['203.0.113.9'], firstPort: 0 } })).toThrow(/firstPort/);
    const host = sim.addHost('10.1.0.2', { nat: { externalAddresses: ['203.0.113.9'] } });
    expect(() => sim.addHost('203.0.113.9')).toThrow(/already in use/);
    expect(() => host.nat?.rebind({})).toThrow(RangeError);
    expect(() => host.nat?.rebind({ address: true })).toThrow(/two/);
    sim.at(10, () => {});
    sim.run();
    expect(() => host.nat?.rebind({ port: true }, 5)).toThrow(/>= now/);
  });
});
