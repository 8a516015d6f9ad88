/**
 * The node:crypto providers, for the `@qk/tls13/node` entry only (never the main index: browser bundles must not
 * load node:crypto).
 *
 * @module
 */
export { nodeProvider } from './node.js';
export { fastestNodeProvider } from './fastest.js';
