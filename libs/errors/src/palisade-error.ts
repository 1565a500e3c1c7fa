const PALISADE_ERROR = Symbol.for('palisade.error');

export interface PalisadeErrorOptions {
  cause?: unknown;
}

/**
 * Base of every error Palisade raises on purpose. `code` is stable and documented: callers switch
 * on it, never on the message. The symbol marker keeps `isPalisadeError` true across duplicated
 * copies of this package (separately built services).
 */
export class PalisadeError<C extends string = string> extends Error {
  readonly [PALISADE_ERROR] = true;

  constructor(
    readonly code: C,
    message: string,
    options: PalisadeErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

export function isPalisadeError(value: unknown): value is PalisadeError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PALISADE_ERROR] === true;
}

/** Wraps any thrown value so code paths that only handle `PalisadeError` never see a bare one. */
export function toPalisadeError(value: unknown, code = 'INTERNAL'): PalisadeError {
  if (isPalisadeError(value)) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new PalisadeError(code, message, { cause: value });
}
