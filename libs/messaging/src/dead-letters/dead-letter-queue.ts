import { checkDeadLetterId, checkQuery, checkSelection, deadLetterNotFound, pageOf, planRedrive } from './dead-letter-rules';
import type { DeadLetter, DeadLetterFilter, DeadLetterPage, DeadLetterQuery, DeadLetterQueue, DeadLetterSummary, RedriveResult, RedriveSelection, StoredDeadLetter } from './dead-letter';
import { payloadJsonOf } from './payload-json';

/** What each adapter provides: its dead letters, and an atomic (or idempotent) replay of one. */
export interface DeadLetterStore {
  /** Every dead letter the filter selects, in any order (the `DEADLETTER` stream's limits bound them). */
  summaries(filter: DeadLetterFilter): Promise<DeadLetterSummary[]>;
  find(id: string): Promise<StoredDeadLetter | null>;
  /**
   * Publishes the replay of one dead letter and removes the dead letter; `gone` when it no longer
   * exists or another redrive replayed it first. Running it twice for one id replays it once.
   */
  redriveOne(id: string): Promise<{ outcome: 'redriven'; letter: DeadLetterSummary } | { outcome: 'gone' }>;
}

/** The dead-letter port on top of an adapter's store; selection, paging and checks are the pure rules. */
export class StoreDeadLetterQueue implements DeadLetterQueue {
  constructor(private readonly store: DeadLetterStore) {}

  async list(query: DeadLetterQuery = {}): Promise<DeadLetterPage> {
    const checked = checkQuery(query);
    return pageOf(await this.store.summaries(checked), checked);
  }

  async show(id: string): Promise<DeadLetter> {
    const letter = await this.store.find(checkDeadLetterId(id));
    if (!letter) throw deadLetterNotFound([id]);
    return { ...letter.summary, headers: letter.headers, ...payloadJsonOf(letter.summary.schema, letter.data) };
  }

  async redrive(selection: RedriveSelection): Promise<RedriveResult> {
    const checked = checkSelection(selection);
    const found =
      'ids' in checked
        ? (await Promise.all(checked.ids.map((id) => this.store.find(id)))).flatMap((letter) => (letter ? [letter.summary] : []))
        : await this.store.summaries(checked);
    const result: RedriveResult = { redriven: [], alreadyRedriven: [] };
    for (const letter of planRedrive(checked, found)) {
      const done = await this.store.redriveOne(letter.id);
      if (done.outcome === 'redriven') result.redriven.push(done.letter);
      else result.alreadyRedriven.push(letter.id);
    }
    return result;
  }
}
