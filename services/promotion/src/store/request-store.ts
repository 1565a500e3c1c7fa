import type { EntityManager } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';
import type { RequestRecord } from '../domain/plan-version';

export interface Requester {
  principal: string;
  tokenId: string;
}

/** Promotion requests (one per version and view) and the approvals collected for them. */
export const RequestStore = {
  async ofVersion(db: EntityManager, name: string, version: string): Promise<{ requests: Map<string, RequestRecord>; approvals: Map<string, string[]> }> {
    const s = quotedSchemaOf(db.connection);
    const requests: Array<{ view: string; requested_by: string; state: RequestRecord['state'] }> = await db.query(
      `SELECT view, requested_by, state FROM ${s}.promotion_request WHERE name = $1 AND version = $2`,
      [name, version],
    );
    const approvals: Array<{ view: string; approver: string }> = await db.query(
      `SELECT view, approver FROM ${s}.approval WHERE name = $1 AND version = $2 ORDER BY approved_at`,
      [name, version],
    );
    const byView = new Map<string, string[]>();
    for (const a of approvals) byView.set(a.view, [...(byView.get(a.view) ?? []), a.approver]);
    return { requests: new Map(requests.map((r) => [r.view, { requestedBy: r.requested_by, state: r.state }])), approvals: byView };
  },

  /** Opens (or re-opens) the request; the first requester of an open request stays its requester. */
  async open(tx: EntityManager, view: string, name: string, version: string, by: Requester, reason: string): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(
      `INSERT INTO ${s}.promotion_request AS r (view, name, version, requested_by, token_id, reason, state) VALUES ($1, $2, $3, $4, $5, $6, 'pending')
       ON CONFLICT (view, name, version) DO UPDATE SET requested_by = EXCLUDED.requested_by, token_id = EXCLUDED.token_id, reason = EXCLUDED.reason,
         state = 'pending', requested_at = now(), updated_at = now()
       WHERE r.state <> 'pending'`,
      [view, name, version, by.principal, by.tokenId, reason],
    );
  },

  async close(tx: EntityManager, view: string, name: string, version: string, state: 'admitted' | 'refused'): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(`UPDATE ${s}.promotion_request SET state = $4, updated_at = now() WHERE view = $1 AND name = $2 AND version = $3 AND state = 'pending'`, [
      view,
      name,
      version,
      state,
    ]);
  },

  async approve(tx: EntityManager, view: string, name: string, version: string, by: Requester, comment: string): Promise<void> {
    const s = quotedSchemaOf(tx.connection);
    await tx.query(
      `INSERT INTO ${s}.approval (view, name, version, approver, token_id, comment) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [view, name, version, by.principal, by.tokenId, comment],
    );
  },
};
