// Shared vitest settings for every qk workspace package.
// Workspace packages export their TypeScript sources under the "@qk/source" condition, so tests and
// typechecks run against src/ without a build step; published packages resolve to dist/.
import { defineProject } from 'vitest/config';

const conditions = ['@qk/source', 'import', 'module', 'node', 'default'];

/**
 * A vitest project config for one package.
 * @param {string} name the package name shown in test output
 * @param {import('vitest/config').UserProjectConfigExport['test']} [test] extra test options
 */
export function qkProject(name, test = {}) {
  return defineProject({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@qk/source'] } },
    test: {
      name,
      include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
      environment: 'node',
      testTimeout: 30_000,
      passWithNoTests: true,
      ...test,
    },
  });
}
