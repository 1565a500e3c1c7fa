import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { DATA_SOURCE } from '@palisade/platform';
import { quotedSchemaOf } from '@palisade/persistence';

/**
 * How long a pending claim (a first publish in flight) holds a name or scope. Far longer than a
 * publish may take; only a gateway that died mid-publish leaves one behind to lapse.
 */
export const PENDING_CLAIM_SECONDS = 300;

/** Who holds a name or scope after a claim attempt; `mine` when it is the caller. */
export type ClaimOutcome = { mine: true } | { mine: false; kind: 'scope' | 'name'; owner: string };

/**
 * Atomic claims of new names and scopes by their first publish (see PublishClaims1766700000000).
 * `claim` runs before the publish is forwarded: of two users racing the first publish of a name,
 * exactly one holds the claim. `accept` makes it permanent once a version is accepted; `release`
 * gives it up when the publish is refused, so a refused publish claims nothing.
 */
@Injectable()
export class PublishClaims {
  private readonly s: string;

  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {
    this.s = quotedSchemaOf(dataSource);
  }

  /** Claims `name` (and `scope`, unless undefined) for `user`, both or neither. */
  async claim(name: string, scope: string | undefined, user: string): Promise<ClaimOutcome> {
    try {
      await this.dataSource.transaction(async (tx) => {
        if (scope !== undefined) {
          const owner = await this.take(tx, 'scope_owners', 'scope', scope, user);
          if (owner !== user) throw new ClaimRefused({ mine: false, kind: 'scope', owner });
        }
        const owner = await this.take(tx, 'name_claims', 'name', name, user);
        // Throwing rolls back this attempt's scope claim too: a refused attempt claims nothing.
        if (owner !== user) throw new ClaimRefused({ mine: false, kind: 'name', owner });
      });
      return { mine: true };
    } catch (error: unknown) {
      if (error instanceof ClaimRefused) return error.outcome;
      throw error;
    }
  }

  /** A version of `name` was accepted: the claims become permanent. */
  async accept(name: string, scope: string | undefined, user: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO ${this.s}.name_claims (name, owner, accepted) VALUES ($1, $2, true)
         ON CONFLICT (name) DO UPDATE SET accepted = true WHERE ${this.s}.name_claims.owner = $2`,
        [name, user],
      );
      if (scope === undefined) return;
      await tx.query(
        `INSERT INTO ${this.s}.scope_owners (scope, owner, accepted) VALUES ($1, $2, true)
         ON CONFLICT (scope) DO UPDATE SET accepted = true WHERE ${this.s}.scope_owners.owner = $2`,
        [scope, user],
      );
    });
  }

  /**
   * The publish was refused: the caller's pending claims go. A scope claim stays while another of
   * the caller's first publishes in it is pending or accepted.
   */
  async release(name: string, scope: string | undefined, user: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await tx.query(`DELETE FROM ${this.s}.name_claims WHERE name = $1 AND owner = $2 AND NOT accepted`, [name, user]);
      if (scope === undefined) return;
      await tx.query(
        `DELETE FROM ${this.s}.scope_owners o WHERE o.scope = $1 AND o.owner = $2 AND NOT o.accepted
           AND NOT EXISTS (SELECT 1 FROM ${this.s}.name_claims c WHERE c.owner = $2 AND left(c.name, length($1) + 1) = $1 || '/')`,
        [scope, user],
      );
    });
  }

  /** The holder after trying to claim: a free key, or a pending claim that lapsed, becomes the caller's. */
  private async take(tx: EntityManager, table: 'scope_owners' | 'name_claims', column: 'scope' | 'name', key: string, user: string): Promise<string> {
    // Waits for a concurrent uncommitted claim of the same key, then sees it.
    const taken: Array<{ owner: string }> = await tx.query(
      `INSERT INTO ${this.s}.${table} AS t (${column}, owner, accepted, claimed_at) VALUES ($1, $2, false, now())
       ON CONFLICT (${column}) DO UPDATE SET owner = EXCLUDED.owner, claimed_at = now()
         WHERE NOT t.accepted AND (t.owner = EXCLUDED.owner OR t.claimed_at < now() - make_interval(secs => $3))
       RETURNING owner`,
      [key, user, PENDING_CLAIM_SECONDS],
    );
    if (taken.length > 0) return taken[0].owner;
    const rows: Array<{ owner: string }> = await tx.query(`SELECT owner FROM ${this.s}.${table} WHERE ${column} = $1`, [key]);
    return rows[0].owner;
  }
}

class ClaimRefused extends Error {
  constructor(readonly outcome: ClaimOutcome) {
    super('claim refused');
  }
}
