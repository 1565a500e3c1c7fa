import { SERVICE_CONFIG } from '@palisade/platform';
import { RegistryHttpError } from '../../http/registry-errors';

export interface PasswordThrottleLimits {
  /** Failed password checks one account may get within the window before it is locked. */
  readonly perAccount: number;
  /** Failed password checks one client address may cause within the window before it is locked. */
  readonly perAddress: number;
  readonly windowMs: number;
}

/** Failure times within the window, per key; bounded (the oldest keys are forgotten first). */
class FailureLog {
  readonly #failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly maxKeys: number,
  ) {}

  /** Ms until `key` may try again; 0 when it is not locked. */
  lockedFor(key: string, now: number): number {
    const recent = this.#recent(key, now);
    if (recent.length < this.max) return 0;
    return recent[recent.length - this.max] + this.windowMs - now;
  }

  fail(key: string, now: number): void {
    const recent = this.#recent(key, now);
    recent.push(now);
    // Only the last `max` failures decide a lock: older ones need not be kept.
    if (recent.length > this.max) recent.splice(0, recent.length - this.max);
    this.#failures.delete(key);
    if (this.#failures.size >= this.maxKeys) this.#prune(now);
    this.#failures.set(key, recent);
  }

  reset(key: string): void {
    this.#failures.delete(key);
  }

  #recent(key: string, now: number): number[] {
    return (this.#failures.get(key) ?? []).filter((at) => now - at < this.windowMs);
  }

  #prune(now: number): void {
    for (const [key, times] of this.#failures) if (times.every((at) => now - at >= this.windowMs)) this.#failures.delete(key);
    // Still full: forget the least recently failed keys (Map order is insertion order).
    for (const key of this.#failures.keys()) {
      if (this.#failures.size < this.maxKeys) break;
      this.#failures.delete(key);
    }
  }
}

/**
 * Rate limits on password checks (logins, token creation, HTTP basic credentials): after too many
 * failures within the window an account, or a client address, is locked out until the oldest of
 * those failures leaves the window; while locked, passwords are not even checked. A success resets
 * the account's count (not the address's). State is per gateway replica.
 */
export class PasswordThrottle {
  readonly #accounts: FailureLog;
  readonly #addresses: FailureLog;

  constructor(
    limits: PasswordThrottleLimits,
    private readonly now: () => number = Date.now,
    maxKeys = 100_000,
  ) {
    this.#accounts = new FailureLog(limits.perAccount, limits.windowMs, maxKeys);
    this.#addresses = new FailureLog(limits.perAddress, limits.windowMs, maxKeys);
  }

  static fromConfig(config: Readonly<Record<string, unknown>>): PasswordThrottle {
    return new PasswordThrottle({
      perAccount: config.PALISADE_LOGIN_MAX_FAILURES_PER_ACCOUNT as number,
      perAddress: config.PALISADE_LOGIN_MAX_FAILURES_PER_ADDRESS as number,
      windowMs: config.PALISADE_LOGIN_FAILURE_WINDOW as number,
    });
  }

  /** Checks `attempt` (a password check) unless the account or address is locked (429 with Retry-After). */
  async check<T>(account: string, address: string | undefined, attempt: () => Promise<T | undefined>): Promise<T | undefined> {
    const now = this.now();
    const key = account.toLowerCase();
    const wait = Math.max(this.#accounts.lockedFor(key, now), address === undefined ? 0 : this.#addresses.lockedFor(address, now));
    if (wait > 0) {
      const seconds = Math.max(1, Math.ceil(wait / 1000));
      throw new RegistryHttpError('PAL_ERR_TOO_MANY_ATTEMPTS', `${seconds} s`, { headers: { 'retry-after': String(seconds) } });
    }
    const result = await attempt();
    if (result === undefined) {
      this.#accounts.fail(key, this.now());
      if (address !== undefined) this.#addresses.fail(address, this.now());
    } else {
      this.#accounts.reset(key);
    }
    return result;
  }
}

/** The gateway's one throttle, shared by every password check of this replica. */
export const passwordThrottleProvider = {
  provide: PasswordThrottle,
  useFactory: (config: Readonly<Record<string, unknown>>) => PasswordThrottle.fromConfig(config),
  inject: [SERVICE_CONFIG],
};
