import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { quotedSchemaOf } from '@palisade/persistence';
import type { ServedVerdict } from '../domain/verdict-reason';

export interface ReceivedVerdict {
  name: string;
  version: string;
  integrity: string;
  verdict: ServedVerdict;
  reason: string;
  scannedAt: Date;
}

/** The gateway's copy of scan verdicts. */
@Injectable()
export class VerdictStore {
  /**
   * Keeps the newest verdict per exact bytes (a rescan may overtake the first scan on the bus)
   * and bumps the package's revision so every replica re-renders its packuments.
   */
  async applyScanned(tx: EntityManager, v: ReceivedVerdict): Promise<boolean> {
    const s = quotedSchemaOf(tx.connection);
    const applied: unknown[] = await tx.query(
      `INSERT INTO ${s}.version_verdicts (name, version, integrity, verdict, reason, scanned_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (name, version, integrity) DO UPDATE SET verdict = EXCLUDED.verdict, reason = EXCLUDED.reason, scanned_at = EXCLUDED.scanned_at
       WHERE ${s}.version_verdicts.scanned_at <= EXCLUDED.scanned_at
       RETURNING name`,
      [v.name, v.version, v.integrity, v.verdict, v.reason, v.scannedAt],
    );
    if (applied.length > 0) await tx.query(`UPDATE ${s}.packages SET revision = revision + 1 WHERE name = $1`, [v.name]);
    return applied.length > 0;
  }
}
