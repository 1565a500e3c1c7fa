import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  AlertEvent,
  AlertSchema,
  alertCloudEvent,
  alertFilterProblem,
  decodeMessage,
  parseAlertCloudEvent,
  serializeAlertCloudEvent,
  subjectMatches,
  type AlertCloudEvent,
} from '@palisade/contracts';
import { PalisadeError, PermanentError } from '@palisade/errors';
import { applyOnce, type DeliveredMessage, type InboxOutcome } from '@palisade/messaging';
import { DATA_SOURCE } from '@palisade/platform';
import { alertFilterRegex, webhookWants } from '../domain/alert-webhooks';
import { AlertDeliveryStore } from '../store/alert-delivery-store';
import { AlertLogStore, type LoggedAlert } from '../store/alert-log-store';
import { ALERT_SETTINGS, type AlertSettings } from './alert-config';

export const ALERT_LOG_CONSUMER = 'recall.alert-log';
export const DEFAULT_ALERTS_LIMIT = 100;
export const MAX_ALERTS_LIMIT = 1_000;

export interface AlertsPage {
  alerts: LoggedAlert[];
  /** The cursor to pass as `after` next time. */
  lastSeq: bigint;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The alert log: every alert on the ALERTS stream recorded once (by message id) with a
 * delivery queued per interested webhook in the same transaction, and read back by cursor.
 */
@Injectable()
export class AlertLog {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(ALERT_SETTINGS) private readonly settings: AlertSettings,
  ) {}

  /**
   * Logs one alert message. A malformed one throws `PermanentError` (dead-lettered); a
   * protobuf alert from before alerts were CloudEvents is converted rather than lost (and not
   * sent to webhooks).
   */
  async record(message: DeliveredMessage): Promise<InboxOutcome> {
    const { event, json, legacy } = readAlert(message);
    if (event.subject !== message.subject) {
      throw new PermanentError('RECALL_ALERT_SUBJECT_MISMATCH', `alert ${event.id} names subject ${event.subject} but was published on ${message.subject}`);
    }
    // Protobuf alerts predate the log and its webhooks: on the first start after an upgrade the
    // consumer replays the stream's history into the log, which must not flood the webhooks.
    const urls = legacy ? [] : this.settings.webhooks.filter((w) => webhookWants(w, event.subject)).map((w) => w.url);
    return applyOnce(this.dataSource, ALERT_LOG_CONSUMER, message, async (tx) => {
      const seq = await AlertLogStore.append(tx, { messageId: message.id, eventId: event.id, subject: event.subject, cloudevent: json });
      if (seq !== undefined) await AlertDeliveryStore.enqueue(tx, seq, urls);
    });
  }

  /**
   * Alerts after `after` (oldest first), or the newest `limit` when `after` is 0, optionally
   * only those whose subject matches a NATS filter. Read in one snapshot, so `lastSeq` never
   * passes an alert the page could have held.
   */
  async since(after: bigint, subjectFilter: string, limit: number): Promise<AlertsPage> {
    const filter = subjectFilter.trim() === '' ? undefined : subjectFilter.trim();
    if (filter !== undefined) {
      const problem = alertFilterProblem(filter);
      if (problem) throw new PalisadeError('RECALL_ALERTS_BAD_FILTER', `invalid subject filter ${JSON.stringify(filter)}: ${problem}`);
    }
    const size = limit <= 0 ? DEFAULT_ALERTS_LIMIT : Math.min(limit, MAX_ALERTS_LIMIT);
    const regex = filter === undefined ? undefined : alertFilterRegex(filter);
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      const found = after === 0n ? await AlertLogStore.newest(tx, regex, size) : await AlertLogStore.after(tx, after, regex, size);
      // The SQL filter does the selecting; the contract's matcher is the final word.
      const alerts = filter === undefined ? found : found.filter((a) => subjectMatches(filter, a.subject));
      const last = found.length > 0 ? found[found.length - 1].seq : 0n;
      // A full page may have more behind it; otherwise everything up to the head has been seen.
      const lastSeq = after !== 0n && found.length === size ? last : await AlertLogStore.head(tx);
      return { alerts, lastSeq: lastSeq > last ? lastSeq : last };
    });
  }
}

function readAlert(message: DeliveredMessage): { event: AlertCloudEvent; json: string; legacy: boolean } {
  if (message.schema === AlertSchema.typeName) {
    const event = alertCloudEvent(decodeMessage(AlertSchema, message.data));
    return { event, json: serializeAlertCloudEvent(event), legacy: true };
  }
  if (message.schema !== AlertEvent.schemaName && message.schema !== '') {
    throw new PermanentError('RECALL_ALERT_UNKNOWN_SCHEMA', `alert message ${message.id} has schema ${message.schema}, expected ${AlertEvent.schemaName}`);
  }
  const event = parseAlertCloudEvent(message.data);
  // Valid UTF-8: parseAlertCloudEvent has decoded it once already.
  return { event, json: utf8.decode(message.data), legacy: false };
}
