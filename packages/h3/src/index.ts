/**
 * @qk/h3 (in progress).
 *
 * @packageDocumentation
 */
export {};
