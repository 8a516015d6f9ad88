import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import {
  ALLOWED_QK_IMPORTS, ALLOW_MARKER, FORBIDDEN_CALLS, FORBIDDEN_CRYPTO_IMPORTS, FORBIDDEN_MEMBERS,
  FORBIDDEN_MODULES, LEAF, SANS_IO,
} from './rules.js';

/** One broken rule, with where it is. */
export interface Violation {
  readonly file: string;
  readonly line: number;
  readonly rule: 'layer' | 'sans-io' | 'dependency';
  readonly message: string;
}

function qkPackageOf(specifier: string): string | undefined {
  const m = /^(@qk\/[^/]+)/.exec(specifier);
  return m?.[1];
}

/** Checks one source file of package `pkg`. `isSource` is false for tests and benches (layer rule only, relaxed). */
export function checkSource(pkg: string, file: string, text: string, isSource = true): Violation[] {
  const out: Violation[] = [];
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lines = text.split('\n');
  const allowed = ALLOWED_QK_IMPORTS[pkg];
  const sansIo = isSource && SANS_IO.has(pkg);
  const lineOf = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const exempt = (line: number) =>
    (lines[line - 1] ?? '').includes(ALLOW_MARKER) || (lines[line - 2] ?? '').includes(ALLOW_MARKER);
  const report = (node: ts.Node, rule: Violation['rule'], message: string) => {
    const line = lineOf(node);
    if (rule === 'sans-io' && exempt(line)) return;
    out.push({ file, line, rule, message });
  };

  const checkSpecifier = (node: ts.Node, spec: string) => {
    const target = qkPackageOf(spec);
    if (target && allowed && target !== pkg && target !== LEAF && !allowed.includes(target)) {
      const ok = allowed.length ? allowed.join(' or ') : 'no other @qk package';
      report(node, 'layer', `${pkg} imports ${target}; it may import only ${ok} (and ${LEAF})`);
    }
    if (sansIo && FORBIDDEN_MODULES.has(spec)) {
      report(node, 'sans-io', `${pkg} is sans-io but imports '${spec}'`);
    }
  };

  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const spec = node.moduleSpecifier.text;
      checkSpecifier(node, spec);
      if (sansIo && (spec === 'node:crypto' || spec === 'crypto') && ts.isImportDeclaration(node)) {
        const bindings = node.importClause?.namedBindings;
        if (bindings && ts.isNamedImports(bindings)) {
          for (const el of bindings.elements) {
            const name = (el.propertyName ?? el.name).text;
            if (FORBIDDEN_CRYPTO_IMPORTS.has(name)) report(el, 'sans-io', `${pkg} is sans-io but imports ambient randomness '${name}' from '${spec}'`);
          }
        }
      }
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if ((callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
        checkSpecifier(node, node.arguments[0].text);
      }
      if (sansIo && ts.isIdentifier(callee) && FORBIDDEN_CALLS.has(callee.text)) {
        report(node, 'sans-io', `${pkg} is sans-io but calls ${callee.text}()`);
      }
      if (sansIo && ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'globalThis' && FORBIDDEN_CALLS.has(callee.name.text)) {
        report(node, 'sans-io', `${pkg} is sans-io but calls globalThis.${callee.name.text}()`);
      }
    } else if (sansIo && ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Date' && (!node.arguments || node.arguments.length === 0)) {
      report(node, 'sans-io', `${pkg} is sans-io but reads the clock with new Date()`);
    }
    if (sansIo && ts.isPropertyAccessExpression(node)) {
      const text = `${node.expression.getText(sf)}.${node.name.text}`;
      const bare = text.replace(/^globalThis\./, '');
      if (FORBIDDEN_MEMBERS.has(bare)) report(node, 'sans-io', `${pkg} is sans-io but uses ${bare}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function* walk(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (/\.(ts|mts|tsx|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) yield p;
  }
}

/** Checks every package under `root/packages`: sources, tests, benches and package.json dependencies. */
export function checkRepo(root: string): Violation[] {
  const out: Violation[] = [];
  const pkgsDir = join(root, 'packages');
  if (!existsSync(pkgsDir)) return out;
  for (const dirName of readdirSync(pkgsDir)) {
    const dir = join(pkgsDir, dirName);
    const manifestPath = join(dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { name: string; dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
    const pkg = manifest.name;
    const allowed = ALLOWED_QK_IMPORTS[pkg];
    if (!allowed) {
      out.push({ file: relative(root, manifestPath), line: 1, rule: 'layer', message: `${pkg} is not in the layer table (tooling/layering/src/rules.ts)` });
      continue;
    }
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      const target = qkPackageOf(dep);
      if (target && target !== LEAF && !allowed.includes(target)) {
        out.push({ file: relative(root, manifestPath), line: 1, rule: 'dependency', message: `${pkg} depends on ${target}; allowed: ${allowed.join(', ') || 'none'} and ${LEAF}` });
      }
    }
    for (const file of walk(join(dir, 'src'))) {
      const isTest = /\.test\.ts$/.test(file);
      out.push(...checkSource(pkg, relative(root, file), readFileSync(file, 'utf8'), !isTest));
    }
  }
  return out;
}
