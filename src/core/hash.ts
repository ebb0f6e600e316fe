// Content hashing helpers shared by the core (categories hash, image hashes). Node built-ins only.
import { createHash } from 'node:crypto';

/** Lower-case hex sha256 of a string (hashed as UTF-8) or of raw bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
