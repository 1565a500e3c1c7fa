/** The verdict of one check of one package. `missing` = nothing to verify was served. */
export type CheckResult = { status: 'verified'; detail: string } | { status: 'missing'; detail: string } | { status: 'invalid'; detail: string };

export const verified = (detail: string): CheckResult => ({ status: 'verified', detail });
export const missing = (detail: string): CheckResult => ({ status: 'missing', detail });
export const invalid = (detail: string): CheckResult => ({ status: 'invalid', detail });
