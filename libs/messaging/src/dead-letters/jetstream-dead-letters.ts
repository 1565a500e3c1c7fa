import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { PalisadeError } from '@palisade/errors';
import { DEAD_LETTER_STREAM } from '../bus';
import type { DeadLetterFilter, DeadLetterSummary, StoredDeadLetter } from './dead-letter';
import type { DeadLetterStore } from './dead-letter-queue';
import { deadLetterSubjectFilter, redriveMessageOf, summaryOf } from './dead-letter-rules';
import { toHeaders, toRecord } from '../jetstream/nats-headers';

/** How long a listing waits for the next dead letter before it answers with what it has. */
const LIST_IDLE_MS = 2_000;

const isMissing = (error: unknown) => /not found|no message/i.test((error as Error)?.message ?? '');

/** Dead letters of the JetStream adapter: messages of the `DEADLETTER` stream, addressed by their sequence. */
export class JetStreamDeadLetterStore implements DeadLetterStore {
  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
  ) {}

  /**
   * Reads the matching dead letters' headers with an ordered consumer (headers only: payloads stay
   * on the server, their size comes in `Nats-Msg-Size`); the stream's limits bound how many.
   */
  async summaries(filter: DeadLetterFilter): Promise<DeadLetterSummary[]> {
    const subjectFilter = deadLetterSubjectFilter(filter);
    let expected = 0;
    try {
      const info = await this.jsm.streams.info(DEAD_LETTER_STREAM.name, { subjects_filter: subjectFilter });
      expected = Object.values(info.state.subjects ?? {}).reduce((sum, n) => sum + n, 0);
    } catch (error: unknown) {
      if (isMissing(error)) return [];
      throw error;
    }
    if (expected === 0) return [];
    const consumer = await this.js.consumers.get(DEAD_LETTER_STREAM.name, { filter_subjects: subjectFilter, headers_only: true });
    const messages = await consumer.consume({ max_messages: 256 });
    const found: DeadLetterSummary[] = [];
    // Dead letters deleted since the count would leave the loop waiting: stop once none comes.
    let idle = setTimeout(() => void messages.close(), LIST_IDLE_MS);
    try {
      for await (const msg of messages) {
        clearTimeout(idle);
        const headers = toRecord(msg.headers);
        const size = Number(headers['Nats-Msg-Size'] ?? 0);
        delete headers['Nats-Msg-Size'];
        const summary = summaryOf(String(msg.seq), msg.subject, headers, msg.time, Number.isFinite(size) ? size : 0);
        if (summary) found.push(summary);
        if (msg.info.pending === 0) break;
        idle = setTimeout(() => void messages.close(), LIST_IDLE_MS);
      }
    } finally {
      clearTimeout(idle);
      await messages.close();
    }
    return found;
  }

  async find(id: string): Promise<StoredDeadLetter | null> {
    let stored;
    try {
      stored = await this.jsm.streams.getMessage(DEAD_LETTER_STREAM.name, { seq: Number(id) });
    } catch (error: unknown) {
      if (isMissing(error)) return null;
      throw error;
    }
    if (!stored) return null;
    const headers = toRecord(stored.header);
    const summary = summaryOf(String(stored.seq), stored.subject, headers, stored.time, stored.data.length);
    return summary ? { summary, headers, data: stored.data } : null;
  }

  /**
   * Publishes the replay, then deletes the dead letter. The replay's message id is the dead
   * letter's, so a concurrent redrive of the same id is dropped by the broker as a duplicate (and
   * answers `gone`); a crash between the two steps leaves the dead letter, and redriving it again
   * delivers a copy the consumer's inbox recognises by its event id.
   */
  async redriveOne(id: string): Promise<{ outcome: 'redriven'; letter: DeadLetterSummary } | { outcome: 'gone' }> {
    const stored = await this.find(id);
    if (!stored) return { outcome: 'gone' };
    const replay = redriveMessageOf(stored);
    let duplicate: boolean;
    try {
      duplicate = (await this.js.publish(replay.subject, replay.data, { msgID: replay.dedupeId, headers: toHeaders(replay.headers) })).duplicate;
    } catch (error: unknown) {
      throw new PalisadeError('MESSAGING_PUBLISH_FAILED', `redrive of dead letter ${id} to ${replay.subject} failed: ${(error as Error).message}`, { cause: error });
    }
    await this.jsm.streams.deleteMessage(DEAD_LETTER_STREAM.name, Number(id), false).catch((error: unknown) => {
      if (!isMissing(error)) throw error;
    });
    return duplicate ? { outcome: 'gone' } : { outcome: 'redriven', letter: stored.summary };
  }
}
