import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@palisade/platform';
import { tableIn, type Db } from './db';

export interface UserRecord {
  name: string;
  email: string;
  /** argon2id PHC string; null for accounts that cannot log in with a password (bootstrap admin). */
  passwordHash: string | null;
  admin: boolean;
  created: Date;
}

export interface NewUser {
  name: string;
  email: string;
  passwordHash: string | null;
  admin?: boolean;
}

interface UserRow {
  name: string;
  email: string;
  password_hash: string | null;
  admin: boolean;
  created_at: Date;
}

const toUser = (row: UserRow): UserRecord => ({ name: row.name, email: row.email, passwordHash: row.password_hash, admin: row.admin, created: row.created_at });

@Injectable()
export class UserStore {
  private readonly users: string;

  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {
    this.users = tableIn(dataSource, 'account_users');
  }

  async find(name: string, db: Db = this.dataSource): Promise<UserRecord | undefined> {
    const rows: UserRow[] = await db.query(`SELECT name, email, password_hash, admin, created_at FROM ${this.users} WHERE name = $1`, [name]);
    return rows[0] && toUser(rows[0]);
  }

  /** False when the name is taken (a concurrent sign-up won): the caller answers as for an existing user. */
  async create(user: NewUser, db: Db = this.dataSource): Promise<boolean> {
    const rows: unknown[] = await db.query(
      `INSERT INTO ${this.users} (name, email, password_hash, admin) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING RETURNING name`,
      [user.name, user.email, user.passwordHash, user.admin ?? false],
    );
    return rows.length === 1;
  }

  /** Creates the administrator or makes the existing account one; safe to run on every start. */
  async ensureAdmin(name: string, email: string, db: Db = this.dataSource): Promise<void> {
    await db.query(
      `INSERT INTO ${this.users} (name, email, password_hash, admin) VALUES ($1, $2, NULL, true)
       ON CONFLICT (name) DO UPDATE SET admin = true, updated_at = now() WHERE ${this.users}.admin = false`,
      [name, email],
    );
  }
}
