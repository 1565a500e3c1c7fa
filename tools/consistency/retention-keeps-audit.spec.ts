import { MESSAGING_MIGRATIONS } from '@palisade/messaging';
import { serviceRetentionRules, type ServiceDefinition } from '@palisade/platform';
import { gatewayService } from '../../services/gateway/src/gateway.service';
import { ingestService } from '../../services/ingest/src/ingest.service';
import { promotionService } from '../../services/promotion/src/promotion.service';
import { recallService } from '../../services/recall/src/recall.service';
import { scanningService } from '../../services/scanning/src/scanning.service';
import { signingService } from '../../services/signing/src/signing.service';

// Retention may only ever delete what grows with traffic and nobody audits. A new rule has to be
// added here on purpose; the transparency log, signatures, keys, admissions, decisions, recall
// cases and their timelines must never get one.
const MAY_EXPIRE: Record<string, readonly string[]> = {
  gateway: ['outbox', 'inbox'],
  ingest: ['outbox', 'inbox'],
  scanning: ['outbox', 'inbox'],
  signing: ['outbox', 'inbox'],
  promotion: ['outbox', 'inbox'],
  recall: ['outbox', 'inbox', 'download', 'alert_delivery_attempts', 'alert_deliveries', 'alert_log'],
};
const KEPT_FOREVER = [
  'log_leaves',
  'log_nodes',
  'log_head',
  'log_checkpoints',
  'attestations',
  'signatures',
  'key_material',
  'registry_keys',
  'key_changes',
  'admission',
  'decision',
  'approval',
  'policy_revision',
  'recall_case',
  'affected_version',
  'enforcement',
  'timeline',
  'recall_override',
  'upstream_key_changes',
];

const services: ServiceDefinition[] = [gatewayService, ingestService, scanningService, signingService, promotionService, recallService];
// Any whole number of days: only which tables have a rule matters here.
const someDays = new Proxy({}, { get: () => 1 }) as Readonly<Record<string, unknown>>;
const settings = { intervalMs: 1, batchSize: 1, outboxDays: 1, inboxDays: 7 };

describe('retention keeps what audit and the transparency log need', () => {
  it.each(services.map((s) => [s.name, s] as const))('%s expires only the tables reviewed for it, each created by its migrations', (name, service) => {
    const tables = serviceRetentionRules(settings, service.retention?.(someDays) ?? []).map((r) => r.table);
    expect(tables).toEqual(MAY_EXPIRE[name]);
    expect(tables.filter((t) => KEPT_FOREVER.includes(t))).toEqual([]);
    const migrations = [...MESSAGING_MIGRATIONS, ...(service.migrations ?? [])].map((m) => String(m.prototype.up)).join('\n');
    for (const table of tables) expect({ table, created: migrations.includes(`.${table} (`) }).toEqual({ table, created: true });
  });
});
