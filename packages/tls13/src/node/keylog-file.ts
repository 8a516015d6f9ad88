// qk-allow-ambient: the ./node entry writes SSLKEYLOGFILE lines to a file
import { appendFileSync } from 'node:fs';

/**
 * A `keyLog` callback that appends NSS key log lines to `path` (what Wireshark and tshark read to decrypt
 * captures). Lines are written synchronously so that a capture taken while the process runs can be decrypted.
 *
 * @example
 * createClientSession({ ...config, keyLog: keyLogToFile('/tmp/keys.log') })
 */
export function keyLogToFile(path: string): (line: string) => void {
  return (line) => appendFileSync(path, line.endsWith('\n') ? line : `${line}\n`);
}

/**
 * A `keyLog` callback writing to the file named by the SSLKEYLOGFILE environment variable, or `undefined` when it
 * is unset. Call it only where the application allows key logging (secrets on disk decrypt the traffic).
 */
export function keyLogFromEnv(env: Record<string, string | undefined> = process.env): ((line: string) => void) | undefined {
  const path = env['SSLKEYLOGFILE'];
  return path ? keyLogToFile(path) : undefined;
}
