import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@palisade/platform';
import type { TokenGrant } from '../credentials/token-grant';
import { modify, tableIn, type Db } from './db';

/** `login`: from npm login/adduser; `api`: from npm token create; `bootstrap`: PALISADE_BOOTSTRAP_TOKEN. */
export type TokenKind = 'login' | 'api' | 'bootstrap';

export interface TokenRecord extends TokenGrant {
  key: string;
  user: string;
  kind: TokenKind;
  displayPrefix: string;
  created: Date;
  updated: Date;
  lastUsed: Date | null;
  revoked: Date | null;
}

/** A token that authenticates now (not revoked, not expired), with its owner's admin flag. */
export interface UsableToken extends TokenRecord {
  userAdmin: boolean;
}

export interface NewToken extends TokenGrant {
  key: string;
  user: string;
  kind: TokenKind;
  displayPrefix: string;
}

interface TokenRow {
  key: string;
  user_name: string;
  kind: TokenKind;
  display_prefix: string;
  readonly: boolean;
  cidr_whitelist: string[] | null;
  name: string | null;
  description: string | null;
  packages: string[] | null;
  scopes: string[] | null;
  created_at: Date;
  updated_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS =
  't.key, t.user_name, t.kind, t.display_prefix, t.readonly, t.cidr_whitelist, t.name, t.description, t.packages, t.scopes, t.created_at, t.updated_at, t.expires_at, t.last_used_at, t.revoked_at';
const USABLE = 't.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())';

const toToken = (row: TokenRow): TokenRecord => ({
  key: row.key,
  user: row.user_name,
  kind: row.kind,
  displayPrefix: row.display_prefix,
  readonly: row.readonly,
  cidrWhitelist: row.cidr_whitelist,
  name: row.name,
  description: row.description,
  packages: row.packages,
  scopes: row.scopes,
  created: row.created_at,
  updated: row.updated_at,
  expiresAt: row.expires_at,
  lastUsed: row.last_used_at,
  revoked: row.revoked_at,
});

@Injectable()
export class TokenStore {
  private readonly tokens: string;
  private readonly users: string;

  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {
    this.tokens = tableIn(dataSource, 'account_tokens');
    this.users = tableIn(dataSource, 'account_users');
  }

  /** The stored token; undefined when the key exists already (only possible for the bootstrap token, whose value is chosen). */
  async insert(token: NewToken, db: Db = this.dataSource): Promise<TokenRecord | undefined> {
    const rows: TokenRow[] = await db.query(
      `INSERT INTO ${this.tokens} AS t (key, user_name, kind, display_prefix, readonly, cidr_whitelist, name, description, packages, scopes, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (key) DO NOTHING RETURNING ${COLUMNS}`,
      [token.key, token.user, token.kind, token.displayPrefix, token.readonly, token.cidrWhitelist, token.name, token.description, token.packages, token.scopes, token.expiresAt],
    );
    return rows[0] && toToken(rows[0]);
  }

  async findUsable(key: string): Promise<UsableToken | undefined> {
    const rows: Array<TokenRow & { user_admin: boolean }> = await this.dataSource.query(
      `SELECT ${COLUMNS}, u.admin AS user_admin FROM ${this.tokens} t JOIN ${this.users} u ON u.name = t.user_name WHERE t.key = $1 AND ${USABLE}`,
      [key],
    );
    return rows[0] && { ...toToken(rows[0]), userAdmin: rows[0].user_admin };
  }

  /** The token whatever its state (revoked and expired ones too). */
  async find(key: string): Promise<TokenRecord | undefined> {
    const rows: TokenRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM ${this.tokens} t WHERE t.key = $1`, [key]);
    return rows[0] && toToken(rows[0]);
  }

  /** A user's unrevoked tokens whose key starts with `prefix` (at most two: enough to see ambiguity). */
  async findByKeyPrefix(user: string, prefix: string): Promise<TokenRecord[]> {
    const rows: TokenRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM ${this.tokens} t WHERE t.user_name = $1 AND t.revoked_at IS NULL AND left(t.key, $3) = $2 LIMIT 2`,
      [user, prefix, prefix.length],
    );
    return rows.map(toToken);
  }

  /** A user's unrevoked tokens (expired ones included, so people see why they stopped working), newest first. */
  async listActive(user: string, page: { limit: number; offset: number }): Promise<{ tokens: TokenRecord[]; total: number }> {
    const rows: Array<TokenRow & { total: string }> = await this.dataSource.query(
      `SELECT ${COLUMNS}, count(*) OVER () AS total FROM ${this.tokens} t WHERE t.user_name = $1 AND t.revoked_at IS NULL
       ORDER BY t.created_at DESC, t.key LIMIT $2 OFFSET $3`,
      [user, page.limit, page.offset],
    );
    if (rows.length > 0) return { tokens: rows.map(toToken), total: Number(rows[0].total) };
    const [{ total }]: Array<{ total: string }> = await this.dataSource.query(
      `SELECT count(*) AS total FROM ${this.tokens} t WHERE t.user_name = $1 AND t.revoked_at IS NULL`,
      [user],
    );
    return { tokens: [], total: Number(total) };
  }

  /** True when this call revoked it; false when it was unknown or revoked already. */
  async revoke(key: string): Promise<boolean> {
    const rows = await modify(
      this.dataSource,
      `UPDATE ${this.tokens} SET revoked_at = now(), updated_at = now() WHERE key = $1 AND revoked_at IS NULL RETURNING key`,
      [key],
    );
    return rows.length === 1;
  }

  /** Records use; the condition keeps it to one write a minute per token across replicas. */
  async touch(key: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.tokens} SET last_used_at = now() WHERE key = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [key],
    );
  }
}
