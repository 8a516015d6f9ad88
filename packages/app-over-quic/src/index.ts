/**
 * @qk/app-over-quic (in progress).
 *
 * @packageDocumentation
 */
export {};
