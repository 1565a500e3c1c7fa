import { Algorithm, hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): ~30 ms per check on one core.
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

// Checked when the user is unknown so that "no such user" costs as long as "wrong password".
const DECOY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$TvgJtPwGlGqv3eWjGWn1VA$4ggRzdcXKuhAlpR+XTt6HYG5oCCFS0LeFnNBCQ41ZTQ';

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** True when `password` matches; a missing hash (no password set) never matches but costs the same. */
export async function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  try {
    const matches = await verify(passwordHash ?? DECOY_HASH, password);
    return matches && passwordHash !== null && passwordHash !== undefined;
  } catch {
    // A malformed stored hash is a mismatch, not a server error the caller could probe.
    return false;
  }
}
