import { randomBytes } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (no padding) of the bytes. */
export function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** `RC-` and 8 upper-case base32 characters (40 random bits). */
export function newRecallId(random: (size: number) => Uint8Array = randomBytes): string {
  return `RC-${base32(random(5))}`;
}

/** `OV-` and 8 base32 characters. */
export function newOverrideId(random: (size: number) => Uint8Array = randomBytes): string {
  return `OV-${base32(random(5))}`;
}

/** `DP-` and 16 base32 characters: deployments are many. */
export function newDeploymentId(random: (size: number) => Uint8Array = randomBytes): string {
  return `DP-${base32(random(10))}`;
}

export const RECALL_ID_PATTERN = /^RC-[A-Z2-7]{8}$/;
