import { describe, expect, it } from 'vitest';
import {
  LivelockError,
  SimulationError,
  Simulator,
  type Path,
  type SimEndpoint,
  type Transmit,
} from '../src/index.js';
import { A, aAddr, B, bAddr, ofKind, pair, tagged, tagOf } from './setup.js';
import { Echo, Scripted } from './toys.js';

/** An endpoint whose deadline is whatever the test sets, recording every handleTimeout. */
class Clocked implements SimEndpoint {
  deadline: number | undefined;
  readonly fired: number[] = [];
  onDatagram: (now: number) => void = () => {};
  onTimeout: (now: number) => void = () => {};
  handleDatagram(_d: Uint8Array, _p: Path, now: number): void {
    this.onDatagram(now);
  }
  pollTransmit(): Transmit | undefined {
    return undefined;
  }
  pollTimeout(): number | undefined {
    return this.deadline;
  }
  handleTimeout(now: number): void {
    this.fired.push(now);
    this.onTimeout(now);
  }
}

function single<E extends SimEndpoint>(endpoint: E, options: ConstructorParameters<typeof Simulator>[0] = {}) {
  const sim = new Simulator(options);
  sim.addHost(A);
  sim.addHost(B);
  sim.connect(A, B, { delay: 1 });
  const handle = sim.addEndpoint('x', endpoint, aAddr);
  return { sim, handle };
}

describe('timers', () => {
  it('fire at their deadlines, fractional ones included', () => {
    const p = pair({ delay: 1 });
    for (const t of [10, 25.5, 40]) p.a.sendAt(t, bAddr, tagged(t));
    p.sim.run();
    expect(p.a.timeouts).toEqual([10, 25.5, 40]);
    expect(ofKind(p.events, 'timerFired').map((e) => e.time)).toEqual([10, 25.5, 40]);
    expect(p.b.received.map((r) => r.time)).toEqual([11, 26.5, 41]);
    expect(p.ha.stats().timeoutsFired).toBe(3);
  });

  it('only the latest deadline counts', () => {
    const events: unknown[] = [];
    const x = new Clocked();
    x.deadline = 100;
    x.onDatagram = () => (x.deadline = 30);
    x.onTimeout = () => (x.deadline = undefined);
    const { sim } = single(x, { trace: (e) => events.push(e) });
    const poker = new Scripted(bAddr);
    sim.addEndpoint('poker', poker, bAddr);
    poker.sendAt(9, aAddr, tagged(0)); // arrives at 10 and moves the deadline earlier
    const result = sim.run();
    expect(x.fired).toEqual([30]);
    expect(result).toEqual({ reason: 'idle', now: 30, events: expect.any(Number) });
    const armed = (events as { kind: string; endpoint: string; deadline: number | undefined }[])
      .filter((e) => e.kind === 'timerArmed' && e.endpoint === 'x')
      .map((e) => e.deadline);
    expect(armed).toEqual([100, 30]); // after firing, no deadline is pending, so none is armed
  });

  it('moving a deadline later also cancels the earlier one', () => {
    const x = new Clocked();
    x.deadline = 20;
    const { sim, handle } = single(x);
    sim.at(5, () => {
      x.deadline = 50;
      handle.wake();
    });
    x.onTimeout = () => (x.deadline = undefined);
    sim.run();
    expect(x.fired).toEqual([50]);
  });

  it('a deadline already in the past fires at the current time, never earlier', () => {
    const x = new Clocked();
    x.onDatagram = () => (x.deadline = 5);
    x.onTimeout = () => (x.deadline = undefined);
    const { sim } = single(x);
    const poker = new Scripted(bAddr);
    sim.addEndpoint('poker', poker, bAddr);
    poker.sendAt(19, aAddr, tagged(0));
    sim.run();
    expect(x.fired).toEqual([20]);
  });

  it('a deadline of Infinity is never scheduled', () => {
    const x = new Clocked();
    x.deadline = Infinity;
    const { sim } = single(x);
    expect(sim.run().reason).toBe('idle');
    expect(x.fired).toEqual([]);
  });
});

describe('livelock detection', () => {
  it('names the endpoint that keeps returning a deadline <= now', () => {
    const x = new Clocked();
    x.deadline = 5;
    const { sim } = single(x, { limits: { maxTimerFiresPerInstant: 10 } });
    let caught: unknown;
    try {
      sim.run();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(LivelockError);
    expect(caught).toBeInstanceOf(SimulationError);
    expect((caught as LivelockError).endpoint).toBe('x');
    expect((caught as LivelockError).time).toBe(5);
    expect((caught as Error).message).toMatch(/endpoint "x" livelocked at 5 ms/);
    expect(x.fired).toEqual(Array(10).fill(5));
  });

  it('allows a few firings at one instant when the deadline then moves on', () => {
    const x = new Clocked();
    x.deadline = 5;
    let n = 0;
    x.onTimeout = (now) => {
      n++;
      x.deadline = n < 3 ? now : n < 6 ? now + 1 : undefined;
    };
    const { sim } = single(x, { limits: { maxTimerFiresPerInstant: 3 } });
    expect(sim.run().reason).toBe('idle');
    expect(x.fired).toEqual([5, 5, 5, 6, 7, 8]);
  });

  it('stops a zero-delay ping-pong that never lets time advance', () => {
    const sim = new Simulator({ limits: { maxEventsPerInstant: 1000 } });
    sim.addHost(A);
    sim.addHost(B);
    sim.connect(A, B);
    sim.addEndpoint('b', new Echo(), bAddr);
    const a = new Echo();
    a.send({ data: tagged(0), path: { local: aAddr, remote: bAddr } });
    sim.addEndpoint('a', a, aAddr);
    expect(() => sim.run()).toThrow(/virtual time stopped at 0 ms/);
  });
});

/** An endpoint that does nothing. */
function passive(): SimEndpoint {
  return { handleDatagram() {}, pollTransmit: () => undefined, pollTimeout: () => undefined, handleTimeout() {} };
}

describe('pacing', () => {
  it('sends at the release time and does not poll the endpoint before it', () => {
    const p = pair({ delay: 1 });
    p.a.send(bAddr, tagged(1), { releaseTime: 10 });
    p.a.send(bAddr, tagged(2), { releaseTime: 20 });
    p.a.send(bAddr, tagged(3), { releaseTime: 20 }); // not later than now when polled at 20: sent at once
    p.a.send(bAddr, tagged(4));
    p.b.sendAt(5, aAddr, tagged(9)); // reaches a at 6, while its socket is busy
    p.sim.run();
    expect(p.b.received.map((r) => [tagOf(r.data), r.time])).toEqual([[1, 11], [2, 21], [3, 21], [4, 21]]);
    expect(p.a.received.map((r) => r.time)).toEqual([6]);
    expect(p.a.polls).toEqual([0, 10, 20, 20, 20]);
    expect(p.ha.stats().paced).toBe(2);
    expect(ofKind(p.events, 'transmitPaced').map((e) => [e.time, e.releaseTime])).toEqual([[0, 10], [10, 20]]);
    expect(ofKind(p.events, 'datagramSent').filter((e) => e.endpoint === 'a').map((e) => e.time)).toEqual([10, 20, 20, 20]);
  });
});

describe('run', () => {
  it('reports why it stopped and can be resumed', () => {
    const p = pair({ delay: 10 });
    for (let i = 0; i < 5; i++) p.a.sendAt(i * 100, bAddr, tagged(i));
    expect(p.sim.run({ maxTime: 150 })).toEqual({ reason: 'maxTime', now: 150, events: expect.any(Number) });
    expect(p.b.received.length).toBe(2);
    const r = p.sim.run({ until: () => p.b.received.length === 3 });
    expect(r.reason).toBe('until');
    expect(r.now).toBe(210);
    expect(p.sim.run({ maxEvents: 1 })).toEqual({ reason: 'maxEvents', now: 300, events: 1 });
    expect(p.sim.step()).toBe(true);
    expect(p.sim.run()).toMatchObject({ reason: 'idle', now: 410 });
    expect(p.sim.step()).toBe(false);
    expect(p.b.received.map((r) => r.time)).toEqual([10, 110, 210, 310, 410]);
  });

  it('wake() polls an endpoint after a command given between runs', () => {
    const p = pair({ delay: 2 });
    p.sim.run();
    p.sim.at(7, () => {});
    p.sim.run();
    p.a.send(bAddr, tagged(1));
    p.ha.wake();
    p.sim.run();
    expect(p.b.received.map((r) => r.time)).toEqual([9]);
  });

  it('runs actions in time order, ties in scheduling order', () => {
    const sim = new Simulator();
    const log: string[] = [];
    sim.at(5, () => log.push('b'));
    sim.at(1, () => log.push('a'));
    sim.at(5, (now) => {
      log.push(`c@${now}`);
      sim.at(now, () => log.push('d'));
    });
    sim.run();
    expect(log).toEqual(['a', 'b', 'c@5', 'd']);
    expect(() => sim.at(4, () => {})).toThrow(RangeError);
    expect(() => sim.at(Number.NaN, () => {})).toThrow(RangeError);
  });

  it('is not reentrant', () => {
    const sim = new Simulator();
    sim.at(1, () => sim.run());
    expect(() => sim.run()).toThrow(/not reentrant/);
  });

  it('delivers to every address an endpoint is bound to and lets it send from each', () => {
    const p = pair({ delay: 1 });
    const second = { address: A, port: 1001 };
    p.ha.bind(second);
    expect(p.ha.addresses).toEqual([aAddr, second]);
    p.a.send(bAddr, tagged(1), { from: second });
    p.b.sendAt(5, second, tagged(2));
    p.sim.run();
    expect(p.b.received[0]?.path).toEqual({ local: bAddr, remote: second });
    expect(p.a.received[0]?.path).toEqual({ local: second, remote: bAddr });
  });
});

describe('misuse', () => {
  it('rejects a transmit from an address the endpoint is not bound to', () => {
    const p = pair();
    p.a.send(bAddr, tagged(0), { from: { address: A, port: 1234 } });
    expect(() => p.sim.run()).toThrow(SimulationError);
  });

  it('rejects a NaN deadline and endless transmits', () => {
    const nan = single({ ...passive(), pollTimeout: () => Number.NaN });
    expect(() => nan.sim.run()).toThrow(/pollTimeout\(\) = NaN/);
    const firehose = single(
      { ...passive(), pollTransmit: () => ({ data: new Uint8Array(1), path: { local: aAddr, remote: bAddr } }) },
      { limits: { maxTransmitsPerPoll: 50 } },
    );
    expect(() => firehose.sim.run()).toThrow(/more than 50 transmits/);
  });

  it('validates topology and endpoints', () => {
    const sim = new Simulator();
    sim.addHost(A);
    expect(() => sim.addHost(A)).toThrow(RangeError);
    expect(() => sim.link(A, B)).toThrow(/no host at 10.0.0.2/);
    sim.addHost(B);
    sim.link(A, B);
    expect(() => sim.link(A, B)).toThrow(/already exists/);
    sim.addEndpoint('one', passive(), aAddr);
    expect(() => sim.addEndpoint('one', passive(), bAddr)).toThrow(/already exists/);
    expect(() => sim.addEndpoint('two', passive(), aAddr)).toThrow(/already bound/);
    expect(() => sim.addEndpoint('three', passive(), { address: '10.9.9.9', port: 1 })).toThrow(/no host/);
    expect(() => sim.addEndpoint('four', passive(), { address: A, port: 70000 })).toThrow(RangeError);
    expect(() => sim.addEndpoint('five', {} as SimEndpoint, bAddr)).toThrow(TypeError);
    expect(() => sim.run({ maxEvents: -1 })).toThrow(RangeError);
    expect(() => new Simulator({ seed: -1 })).toThrow(RangeError);
    expect(() => new Simulator({ limits: { maxEventsPerInstant: 0 } })).toThrow(/maxEventsPerInstant/);
  });
});
