import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dnsNameMatches, formatIp, parseIp } from '../../src/x509/index.js';
import vectors from '../vectors/x509/ip-vectors.json' with { type: 'json' };

describe('IP literals (test/vectors/x509/ip-vectors.json)', () => {
  for (const v of vectors.format) {
    it(`${v.input} → ${v.text} (${v.source})`, () => {
      const bytes = parseIp(v.input);
      expect(bytes).toBeDefined();
      expect(formatIp(bytes!)).toBe(v.text);
      expect(parseIp(v.text)).toEqual(bytes);
    });
  }
  for (const v of vectors.invalid) {
    it(`rejects ${v.input} (${v.source})`, () => {
      expect(parseIp(v.input)).toBeUndefined();
    });
  }

  it('formatting agrees with the WHATWG URL serializer (RFC 5952 form) on random addresses', () => {
    const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (groups) => {
        const full = groups.map((g) => g.toString(16)).join(':');
        const bytes = parseIp(full)!;
        const canonical = new URL(`http://[${full}]/`).hostname.slice(1, -1);
        expect(formatIp(bytes)).toBe(canonical);
        expect(parseIp(canonical)).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('dotted quads round-trip', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => {
        expect(parseIp(formatIp(b))).toEqual(b);
      }),
      { numRuns: 200 },
    );
  });
});

describe('DNS name matching (RFC 9525 §6.3)', () => {
  const cases: [string, string, boolean, string][] = [
    ['example.com', 'example.com', true, 'exact'],
    ['Example.COM', 'example.com', true, 'ASCII case-insensitive (§6.3)'],
    ['example.com.', 'example.com', true, 'absolute names compare without the trailing dot'],
    ['example.com', 'example.com.', true, 'absolute reference identifier'],
    ['example.com', 'www.example.com', false, 'no suffix matching'],
    ['*.example.com', 'foo.example.com', true, 'wildcard: one whole leftmost label (§6.3 rule 2)'],
    ['*.example.com', 'FOO.Example.Com', true, 'wildcard, case-insensitive'],
    ['*.example.com', 'example.com', false, 'wildcard does not match the parent'],
    ['*.example.com', 'a.b.example.com', false, 'wildcard matches exactly one label'],
    ['*.example.com', '.example.com', false, 'empty leftmost label'],
    ['f*.example.com', 'foo.example.com', false, 'partial-label wildcards are refused (§6.3 rule 3)'],
    ['*oo.example.com', 'foo.example.com', false, 'partial-label wildcards are refused'],
    ['www.*.com', 'www.example.com', false, 'wildcard only leftmost (§6.3 rule 1)'],
    ['*.*.example.com', 'a.b.example.com', false, 'one wildcard at most'],
    ['*.com', 'example.com', false, 'at least two labels after the wildcard'],
    ['*', 'example', false, 'a lone wildcard'],
    ['*.0.2.1', '192.0.2.1', false, 'wildcards never match IP literals'],
    ['xn--bcher-kva.example', 'XN--BCHER-KVA.example', true, 'A-labels compare as ASCII'],
    ['bücher.example', 'BÜCHER.example', false, 'U-labels are not case-folded: IDNs compare as given'],
    ['', '', false, 'empty names never match'],
  ];
  for (const [pattern, host, expected, why] of cases) {
    it(`${JSON.stringify(pattern)} vs ${JSON.stringify(host)}: ${expected} (${why})`, () => {
      expect(dnsNameMatches(pattern, host)).toBe(expected);
    });
  }
});
