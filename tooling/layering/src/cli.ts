// Usage: tsx tooling/layering/src/cli.ts [repo-root]. Prints each violation; exits 1 if there is any.
import { resolve } from 'node:path';
import { checkRepo } from './index.js';

const root = resolve(process.argv[2] ?? '.');
const violations = checkRepo(root);
for (const v of violations) console.error(`${v.file}:${v.line}: [${v.rule}] ${v.message}`);
if (violations.length) {
  console.error(`layering: ${violations.length} violation(s)`);
  process.exit(1);
}
console.log('layering: ok');
