import { iso } from '../store/db';
import type { TokenRecord } from '../store/token-store';

/**
 * A token as npm's `/-/npm/v1/tokens` API shows it. `token` is the full value only in the answer
 * that created it; otherwise its display prefix.
 */
export function tokenView(record: TokenRecord, value?: string) {
  return {
    key: record.key,
    token: value ?? record.displayPrefix,
    name: record.name,
    description: record.description,
    readonly: record.readonly,
    cidr_whitelist: record.cidrWhitelist,
    packages: record.packages,
    scopes: record.scopes,
    created: iso(record.created),
    updated: iso(record.updated),
    expires: iso(record.expiresAt),
    last_used: iso(record.lastUsed),
  };
}
