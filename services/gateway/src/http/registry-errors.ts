import { PalisadeError } from '@palisade/errors';

/**
 * Every error the gateway answers with: a stable `PAL_ERR_*` code, its HTTP status and the message
 * npm prints. README "Errors" lists them; registry-errors.spec.ts fails on an undocumented one.
 */
export const RegistryErrors = {
  PAL_ERR_BAD_REQUEST: { status: 400, message: 'bad request: %s' },
  PAL_ERR_INVALID_NAME: { status: 400, message: 'invalid package name or version: %s' },
  PAL_ERR_UNAUTHORIZED: { status: 401, message: 'authentication required: %s' },
  PAL_ERR_BAD_CREDENTIALS: { status: 401, message: 'incorrect username or password: %s' },
  PAL_ERR_FORBIDDEN: { status: 403, message: 'forbidden: %s' },
  PAL_ERR_TOKEN_READONLY: { status: 403, message: 'this token is read-only: %s' },
  PAL_ERR_TOKEN_SCOPE: { status: 403, message: 'this token is not allowed to act on %s' },
  PAL_ERR_TOKEN_ESCALATION: { status: 403, message: 'a new token cannot have more rights than the credential that creates it: %s' },
  PAL_ERR_NAME_CLAIMED: { status: 403, message: 'the name is claimed by another publisher: %s' },
  PAL_ERR_NOT_FOUND: { status: 404, message: 'not found: %s' },
  PAL_ERR_VERSION_EXISTS: { status: 409, message: 'cannot publish over the previously published version %s' },
  PAL_ERR_CONFLICT: { status: 409, message: 'conflict: %s' },
  PAL_ERR_LOGIN_EXPIRED: { status: 410, message: 'this login has expired or was used already; run npm login again' },
  PAL_ERR_TOO_LARGE: { status: 413, message: 'request too large: %s' },
  PAL_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'unsupported request body: %s' },
  PAL_ERR_INVALID_PACKAGE: { status: 422, message: 'invalid package: %s' },
  PAL_ERR_LOCKFILE_UNSUPPORTED: { status: 400, message: 'unsupported lockfile or SBOM: %s' },
  PAL_ERR_LOCKFILE_INVALID: { status: 422, message: 'invalid lockfile or SBOM: %s' },
  PAL_ERR_POLICY_REFUSED: { status: 422, message: 'refused by policy: %s' },
  PAL_ERR_TOO_MANY_ATTEMPTS: { status: 429, message: 'too many failed logins; try again in %s' },
  PAL_ERR_BLOCKED: { status: 451, message: 'blocked by the security scan: %s' },
  // The detail is the whole sentence: `<name>@<version> is quarantined in <view>: <reason>`.
  PAL_ERR_QUARANTINED: { status: 451, message: '%s' },
  // The detail is the whole sentence: `<name>@<version> is not admitted to <view>: <reasons>`.
  PAL_ERR_NOT_ADMITTED: { status: 451, message: '%s' },
  PAL_ERR_BAD_UPSTREAM: { status: 502, message: 'the upstream registry answered something unusable: %s' },
  PAL_ERR_UNAVAILABLE: { status: 503, message: 'temporarily unavailable: %s' },
  PAL_ERR_BUS_UNAVAILABLE: { status: 503, message: 'temporarily unavailable: %s' },
} as const;

export type RegistryErrorCode = keyof typeof RegistryErrors;

export class RegistryHttpError extends PalisadeError<RegistryErrorCode> {
  readonly status: number;

  constructor(code: RegistryErrorCode, detail = '', options: { cause?: unknown; headers?: Record<string, string> } = {}) {
    super(code, RegistryErrors[code].message.replace('%s', detail).replace(/: $/, ''), { cause: options.cause });
    this.status = RegistryErrors[code].status;
    this.headers = options.headers ?? {};
  }

  readonly headers: Record<string, string>;

  /** Fastify's name for the status, for errors it handles itself (a stream failing before its first byte). */
  get statusCode(): number {
    return this.status;
  }

  /** The body npm reads: it prints `error` after the status line. */
  toBody(): { error: string; code: RegistryErrorCode } {
    return { error: this.message, code: this.code };
  }
}
