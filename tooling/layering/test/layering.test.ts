import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRepo, checkSource } from '../src/index.js';

describe('layer rule', () => {
  it('allows the package directly below and the leaf', () => {
    const src = `import { x } from '@qk/tls13';\nimport { Reader } from '@qk/octets';\nexport * from './a.js';`;
    expect(checkSource('@qk/quic-core', 'a.ts', src)).toEqual([]);
  });

  it('fails an import that reaches past the neighbour', () => {
    const v = checkSource('@qk/h3', 'h3.ts', `import { Connection } from '@qk/quic-core';`);
    expect(v).toHaveLength(1);
    expect(v[0]!.rule).toBe('layer');
    expect(v[0]!.message).toContain('@qk/app-over-quic');
  });

  it('fails an upward import, re-exports and dynamic imports', () => {
    expect(checkSource('@qk/tls13', 'x.ts', `export { a } from '@qk/quic-core/internal/x';`)).toHaveLength(1);
    expect(checkSource('@qk/quic-core', 'x.ts', `const m = await import('@qk/h3');`)).toHaveLength(1);
    expect(checkSource('@qk/masque', 'x.ts', `import '@qk/app-over-quic';`)).toHaveLength(1);
  });
});

describe('sans-io rule', () => {
  const bad: Record<string, string> = {
    socket: `import dgram from 'node:dgram';`,
    timer: `setTimeout(() => {}, 1);`,
    'global timer': `globalThis.setInterval(() => {}, 1);`,
    clock: `const t = Date.now();`,
    'new Date()': `const d = new Date();`,
    performance: `const t = performance.now();`,
    random: `const r = Math.random();`,
    'web crypto random': `crypto.getRandomValues(new Uint8Array(4));`,
    'node crypto random': `import { randomBytes } from 'node:crypto';`,
  };
  for (const [name, src] of Object.entries(bad)) {
    it(`fails ${name} in a sans-io package`, () => {
      const v = checkSource('@qk/quic-core', 'c.ts', src);
      expect(v.length).toBeGreaterThan(0);
      expect(v[0]!.rule).toBe('sans-io');
    });
  }

  it('allows the same code in the I/O layer and in tests', () => {
    for (const src of Object.values(bad)) {
      expect(checkSource('@qk/io-actors', 'c.ts', src)).toEqual([]);
      expect(checkSource('@qk/quic-core', 'c.test.ts', src, false)).toEqual([]);
    }
  });

  it('ignores comments and strings, and honours the explicit allow marker', () => {
    expect(checkSource('@qk/tls13', 'c.ts', `// Date.now() is not used here\nconst s = 'setTimeout';\nconst d = new Date(0);`)).toEqual([]);
    expect(checkSource('@qk/tls13', 'c.ts', `// qk-allow-ambient: the provider is the random source\nimport { randomBytes } from 'node:crypto';`)).toEqual([]);
  });
});

describe('checkRepo', () => {
  it('finds a deliberate violation in a package tree and its manifest', () => {
    const root = mkdtempSync(join(tmpdir(), 'qk-layering-'));
    const dir = join(root, 'packages', 'h3');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@qk/h3', dependencies: { '@qk/tls13': 'workspace:^' } }));
    writeFileSync(join(dir, 'src', 'index.ts'), `import { x } from '@qk/tls13';\n`);
    const v = checkRepo(root);
    expect(v.map((x) => x.rule).sort()).toEqual(['dependency', 'layer']);
  });

  it('passes on this repository', () => {
    expect(checkRepo(resolve(import.meta.dirname, '../../..'))).toEqual([]);
  });
});
