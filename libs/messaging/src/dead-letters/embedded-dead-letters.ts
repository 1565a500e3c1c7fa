import type { DataSource } from 'typeorm';
import { DEAD_LETTER_STREAM, type StreamSpec } from '../bus';
import { MESSAGE_ROW } from '../embedded/message-row';
import { subjectFilterToRegex } from '../subject-filter';
import type { DeadLetterFilter, DeadLetterSummary, StoredDeadLetter } from './dead-letter';
import type { DeadLetterStore } from './dead-letter-queue';
import { deadLetterSubjectFilter, redriveMessageOf, summaryOf } from './dead-letter-rules';

interface DeadLetterRow {
  seq: string;
  subject: string;
  headers: Record<string, string>;
  published_at: Date;
  size: number;
  data?: Buffer;
}

const COLUMNS = 'seq::text AS seq, subject, headers, published_at, octet_length(data) AS size';

/** Dead letters of the embedded bus: rows of its log in the `DEADLETTER` stream. */
export class EmbeddedDeadLetterStore implements DeadLetterStore {
  constructor(
    private readonly db: DataSource,
    private readonly schema: string,
    private readonly streamFor: (subject: string) => StreamSpec,
    private readonly published: (stream: string) => void,
  ) {}

  async summaries(filter: DeadLetterFilter): Promise<DeadLetterSummary[]> {
    const rows: DeadLetterRow[] = await this.db.query(`SELECT ${COLUMNS} FROM ${this.schema}.message WHERE stream = $1 AND subject ~ $2`, [
      DEAD_LETTER_STREAM.name,
      subjectFilterToRegex(deadLetterSubjectFilter(filter)),
    ]);
    return rows.flatMap((row) => summaryOf(row.seq, row.subject, row.headers, row.published_at, row.size) ?? []);
  }

  async find(id: string): Promise<StoredDeadLetter | null> {
    const rows: DeadLetterRow[] = await this.db.query(`SELECT ${COLUMNS}, data FROM ${this.schema}.message WHERE stream = $1 AND seq = $2`, [DEAD_LETTER_STREAM.name, id]);
    return rows.length ? storedOf(rows[0]) : null;
  }

  /**
   * The dead letter is deleted and its replay inserted in one transaction: a concurrent redrive
   * of the same id waits on the row lock, then deletes nothing and answers `gone`.
   */
  async redriveOne(id: string): Promise<{ outcome: 'redriven'; letter: DeadLetterSummary } | { outcome: 'gone' }> {
    let target: string | undefined;
    const letter = await this.db.transaction(async (tx) => {
      // Wrapped in a SELECT: TypeORM answers a bare DELETE … RETURNING with [rows, count].
      const rows: DeadLetterRow[] = await tx.query(
        `WITH gone AS (DELETE FROM ${this.schema}.message WHERE stream = $1 AND seq = $2 RETURNING ${COLUMNS}, data) SELECT * FROM gone`,
        [DEAD_LETTER_STREAM.name, id],
      );
      const stored = rows.length ? storedOf(rows[0]) : null;
      if (!stored) return null;
      const replay = redriveMessageOf(stored);
      target = this.streamFor(replay.subject).name;
      await tx.query(`INSERT INTO ${this.schema}.message (id, stream, subject, schema_name, headers, data) ${MESSAGE_ROW} ON CONFLICT (id) DO NOTHING`, [
        replay.dedupeId,
        target,
        replay.subject,
        replay.schema,
        JSON.stringify(replay.headers),
        Buffer.from(replay.data),
      ]);
      await tx.query(`DELETE FROM ${this.schema}.delivery WHERE seq = $1`, [id]);
      return stored.summary;
    });
    if (!letter) return { outcome: 'gone' };
    if (target) this.published(target);
    return { outcome: 'redriven', letter };
  }
}

function storedOf(row: DeadLetterRow): StoredDeadLetter | null {
  const summary = summaryOf(row.seq, row.subject, row.headers, row.published_at, row.size);
  return summary ? { summary, headers: row.headers, data: new Uint8Array(row.data ?? Buffer.alloc(0)) } : null;
}
