import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@palisade/platform';
import { modify, tableIn, type Db } from './db';

export interface LoginSession {
  id: string;
  /** Started by `npm adduser`: the page may create the account when sign-up is open. */
  allowSignup: boolean;
  /** Who approved it in the browser; null while pending. */
  user: string | null;
  created: Date;
  expires: Date;
  approved: Date | null;
  consumed: Date | null;
}

export interface NewLoginSession {
  id: string;
  loginHash: string;
  doneHash: string;
  allowSignup: boolean;
  expires: Date;
}

interface SessionRow {
  id: string;
  allow_signup: boolean;
  user_name: string | null;
  created_at: Date;
  expires_at: Date;
  approved_at: Date | null;
  consumed_at: Date | null;
}

const COLUMNS = 'id, allow_signup, user_name, created_at, expires_at, approved_at, consumed_at';

const toSession = (row: SessionRow): LoginSession => ({
  id: row.id,
  allowSignup: row.allow_signup,
  user: row.user_name,
  created: row.created_at,
  expires: row.expires_at,
  approved: row.approved_at,
  consumed: row.consumed_at,
});

/**
 * Web-login sessions, looked up by the hashes of their two secrets: the login id (in the URL
 * the person opens) and the session id (in the URL npm polls). Knowing one does not give the other.
 */
@Injectable()
export class LoginSessionStore {
  private readonly sessions: string;

  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {
    this.sessions = tableIn(dataSource, 'account_login_sessions');
  }

  async create(session: NewLoginSession): Promise<void> {
    await this.dataSource.query(`INSERT INTO ${this.sessions} (id, login_hash, done_hash, allow_signup, expires_at) VALUES ($1, $2, $3, $4, $5)`, [
      session.id,
      session.loginHash,
      session.doneHash,
      session.allowSignup,
      session.expires,
    ]);
  }

  /** Forgets sessions that expired more than `graceMs` ago (long enough to still answer 410). */
  async purgeExpired(graceMs: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM ${this.sessions} WHERE expires_at < now() - $1 * interval '1 millisecond'`, [graceMs]);
  }

  async findByLoginHash(loginHash: string): Promise<LoginSession | undefined> {
    const rows: SessionRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM ${this.sessions} WHERE login_hash = $1`, [loginHash]);
    return rows[0] && toSession(rows[0]);
  }

  async findByDoneHash(doneHash: string): Promise<LoginSession | undefined> {
    const rows: SessionRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM ${this.sessions} WHERE done_hash = $1`, [doneHash]);
    return rows[0] && toSession(rows[0]);
  }

  /** Marks a pending, unexpired session approved by `user`; false when it no longer is pending. */
  async approve(id: string, user: string): Promise<boolean> {
    const rows = await modify(
      this.dataSource,
      `UPDATE ${this.sessions} SET approved_at = now(), user_name = $2 WHERE id = $1 AND approved_at IS NULL AND expires_at > now() RETURNING id`,
      [id, user],
    );
    return rows.length === 1;
  }

  /**
   * Claims an approved session's token for the one poll that gets it: only one caller, on any
   * replica, sees the user name come back.
   */
  async consume(id: string, db: Db): Promise<string | undefined> {
    const rows = await modify<{ user_name: string }>(
      db,
      `UPDATE ${this.sessions} SET consumed_at = now() WHERE id = $1 AND approved_at IS NOT NULL AND consumed_at IS NULL AND expires_at > now() RETURNING user_name`,
      [id],
    );
    return rows[0]?.user_name;
  }
}
