import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WindowedMaxFilter } from './windowed-filter.js';

describe('WindowedMaxFilter (Nichols running max)', () => {
  it('keeps the maximum of the window and forgets it once it ages out', () => {
    const f = new WindowedMaxFilter();
    expect(f.update(0, 5, 10)).toBe(5);
    expect(f.update(1, 9, 10)).toBe(9);
    expect(f.update(5, 3, 10)).toBe(9);
    expect(f.update(11, 2, 10)).toBe(9); // 9 (t=1) is exactly one window old: still in
    expect(f.update(12, 2, 10)).toBe(3); // now aged out; 3 (t=5) is the best left
    expect(f.update(16, 1, 10)).toBe(2); // 3 aged out too
    expect(f.reset(20, 7)).toBe(7);
    expect(f.best).toBe(7);
  });

  it('property: the estimate is a sample of the window, at least the newest one, at most the recent maximum', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.nat(1000)), { minLength: 1, maxLength: 200 }), (steps) => {
        const f = new WindowedMaxFilter();
        const window = 10;
        const seen: [number, number][] = [];
        let t = 0;
        for (const [dt, v] of steps) {
          t += dt;
          seen.push([t, v]);
          const best = f.update(t, v, window);
          const inWindow = seen.filter(([ts]) => t - ts <= window).map(([, x]) => x);
          const recent = seen.filter(([ts]) => t - ts <= 2 * window).map(([, x]) => x);
          expect(best).toBeGreaterThanOrEqual(v);
          expect(best).toBeLessThanOrEqual(Math.max(...recent));
          expect(inWindow).toContain(best);
        }
      }),
      { numRuns: 200 },
    );
  });
});
