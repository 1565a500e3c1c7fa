import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import type { DescMessage, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import {
  AlertEvent,
  AlertSchema,
  Commands,
  Events,
  QuarantineMode,
  Verdict,
  VersionSource,
  decodeMessage,
  encodeMessage,
  timestampFromDate,
  type CommandDefinition,
  type FindingSchema,
  type RecallClosed,
  type RecallOpened,
  type VersionQuarantined,
  type VersionReleased,
} from '@palisade/contracts';
import { EmbeddedBus, type DeliveredMessage, type Subscription } from '@palisade/messaging';
import { startService, type RunningService } from '@palisade/platform';
import { createTestDatabase, freePort, waitFor } from '@palisade/testing';
import { recallService } from '../recall.service';

export const integrityOf = (text: string): string => `sha512-${createHash('sha512').update(text).digest('base64')}`;

/** What a test needs of an alert, whether it travels as protobuf or as CloudEvents JSON. */
export interface SeenAlert {
  subject: string;
  kind: string;
  recallId: string;
  drill: boolean;
  details: Record<string, string>;
}

function readAlert(m: DeliveredMessage): SeenAlert {
  const text = Buffer.from(m.data).toString('utf8');
  if (text.startsWith('{')) {
    const event = JSON.parse(text) as { data?: { kind?: string; recallId?: string | null; drill?: boolean; details?: Record<string, string> } };
    const data = event.data ?? {};
    return { subject: m.subject, kind: data.kind ?? '', recallId: data.recallId ?? '', drill: data.drill ?? false, details: data.details ?? {} };
  }
  const alert = decodeMessage(AlertSchema, m.data);
  return { subject: m.subject, kind: alert.kind, recallId: alert.recallId, drill: alert.drill, details: { ...alert.details } };
}

export interface PolicyAnswer {
  views: string[];
  quarantine: Array<{ view: string; mode: QuarantineMode }>;
}

export const THREE_VIEWS: PolicyAnswer = {
  views: ['dev', 'staging', 'prod'],
  quarantine: [
    { view: 'dev', mode: QuarantineMode.WARN },
    { view: 'staging', mode: QuarantineMode.BLOCK },
    { view: 'prod', mode: QuarantineMode.BLOCK },
  ],
};

type FindingInit = MessageInitShape<typeof FindingSchema>;

/**
 * The recall service on the embedded bus in a database of its own; a stand-in promotion service
 * answering `policy-show` on the same bus (a real bus peer), and the events and alerts the
 * service emits, collected.
 */
export class RecallHarness {
  readonly quarantined: VersionQuarantined[] = [];
  readonly released: VersionReleased[] = [];
  readonly opened: RecallOpened[] = [];
  readonly closed: RecallClosed[] = [];
  readonly alerts: SeenAlert[] = [];
  policyCalls = 0;
  private policyServer?: Subscription;
  private counter = 0;

  private constructor(
    readonly databaseUrl: string,
    readonly bus: EmbeddedBus,
    public service: RunningService,
    private readonly env: Record<string, string>,
  ) {}

  static async start(prefix: string, options: { env?: Record<string, string>; policy?: PolicyAnswer | null } = {}): Promise<RecallHarness> {
    const databaseUrl = await createTestDatabase(prefix);
    const bus = await EmbeddedBus.open({ url: databaseUrl, schema: 'bus', pollIntervalMs: 20 });
    const env: Record<string, string> = { PALISADE_DATABASE_URL: databaseUrl, PALISADE_LOG_LEVEL: 'warn', PALISADE_RECALL_TICK_INTERVAL: '100ms', ...(options.env ?? {}) };
    const service = await RecallHarness.boot(bus, env);
    const h = new RecallHarness(databaseUrl, bus, service, env);
    if (options.policy !== null) await h.servePolicy(options.policy ?? THREE_VIEWS);
    const tuning = { maxDeliver: 3, backoffMs: [50], ackWaitMs: 5_000 };
    const collect = <S extends DescMessage>(durable: string, subject: string, schema: S, into: Array<MessageShape<S>>) =>
      bus.consume({ durable, stream: 'REGISTRY', filterSubject: subject, ...tuning }, async (m: DeliveredMessage) => {
        into.push(decodeMessage(schema, m.data));
      });
    await collect('test-quarantined', Events.versionQuarantined.subject, Events.versionQuarantined.schema, h.quarantined);
    await collect('test-released', Events.versionReleased.subject, Events.versionReleased.schema, h.released);
    await collect('test-opened', Events.recallOpened.subject, Events.recallOpened.schema, h.opened);
    await collect('test-closed', Events.recallClosed.subject, Events.recallClosed.schema, h.closed);
    await bus.consume({ durable: 'test-alerts', stream: 'ALERTS', filterSubject: AlertEvent.subjectFilter, ...tuning }, async (m: DeliveredMessage) => {
      h.alerts.push(readAlert(m));
    });
    return h;
  }

  private static async boot(bus: EmbeddedBus, env: Record<string, string>): Promise<RunningService> {
    return startService(recallService, {
      bus,
      telemetry: false,
      logDestination: process.env.RECALL_TEST_LOGS ? process.stderr : new Writable({ write: (_c, _e, done) => done() }),
      env: { ...env, PALISADE_RECALL_PORT: String(await freePort()) },
    });
  }

  /** Answers `registry.cmd.promotion.policy-show` with these views and modes (replacing any earlier answer). */
  async servePolicy(answer: PolicyAnswer): Promise<void> {
    await this.stopPolicy();
    this.policyServer = await this.bus.serve(Commands.promotionPolicyShow.subject, async () => {
      this.policyCalls += 1;
      return encodeMessage(Commands.promotionPolicyShow.reply, {
        outcome: { case: 'found', value: { views: answer.views, quarantine: answer.quarantine, yaml: '', history: [] } },
      });
    });
  }

  /** No promotion service answers any more. */
  async stopPolicy(): Promise<void> {
    await this.policyServer?.stop();
    this.policyServer = undefined;
  }

  /** Stops the service and starts a fresh instance on the same database and bus. */
  async restart(): Promise<void> {
    await this.service.stop();
    this.service = await RecallHarness.boot(this.bus, this.env);
  }

  async stop(): Promise<void> {
    await this.stopPolicy();
    await this.service.stop();
    await this.bus.close();
  }

  /** Publishes an event; the same `id` again is a redelivery the bus keeps as one message, so tests pass distinct ids to replay. */
  async publish<S extends DescMessage>(definition: { subject: string; schema: S }, value: MessageInitShape<S>, id?: string): Promise<string> {
    this.counter += 1;
    const messageId = id ?? `test-${this.counter}-${Date.now()}`;
    await this.bus.publish({ id: messageId, subject: definition.subject, schema: definition.schema.typeName, data: encodeMessage(definition.schema, value) });
    return messageId;
  }

  ingested(name: string, version: string, publishedAt = new Date(Date.now() - 86_400_000)): Promise<string> {
    return this.publish(Events.versionIngested, {
      name,
      version,
      tarball: { key: `sha512/${name}@${version}`, integrity: integrityOf(`${name}@${version}`), size: 10 },
      source: VersionSource.PUBLISHED,
      manifestJson: JSON.stringify({ name, version }),
      publisher: { principal: 'alice', tokenId: 't1' },
      publishedAt: timestampFromDate(publishedAt),
      ingestedAt: timestampFromDate(publishedAt),
    });
  }

  promoted(name: string, version: string, view: string): Promise<string> {
    return this.publish(Events.versionPromoted, { name, version, integrity: integrityOf(`${name}@${version}`), view, policyVersion: 1, promotedAt: timestampFromDate(new Date()) });
  }

  scanned(name: string, version: string, verdict: 'clean' | 'warn' | 'block', options: { rescan?: boolean; findings?: FindingInit[]; at?: Date } = {}): Promise<string> {
    return this.publish(Events.versionScanned, {
      name,
      version,
      integrity: integrityOf(`${name}@${version}`),
      verdict: verdict === 'clean' ? Verdict.CLEAN : verdict === 'warn' ? Verdict.WARN : Verdict.BLOCK,
      findings: options.findings ?? [],
      rescan: options.rescan ?? false,
      scannedAt: timestampFromDate(options.at ?? new Date()),
    });
  }

  /** Ingested, admitted to the views given, and scanned clean; returns once the service's catalogue holds all of it. */
  async available(name: string, version: string, views: string[] = ['dev', 'staging', 'prod']): Promise<void> {
    await this.ingested(name, version);
    for (const view of views) await this.promoted(name, version, view);
    await this.scanned(name, version, 'clean');
    await waitFor(
      async () => {
        const [row]: Array<{ admitted: number; scanned: number; ingested: number }> = await this.service.dataSource.query(
          `SELECT (SELECT count(*)::int FROM palisade_recall.catalog_admission WHERE name = $1 AND version = $2 AND admitted) AS admitted,
                  (SELECT count(*)::int FROM palisade_recall.catalog_verdict WHERE name = $1 AND version = $2) AS scanned,
                  (SELECT count(*)::int FROM palisade_recall.catalog_version WHERE name = $1 AND version = $2) AS ingested`,
          [name, version],
        );
        return row.admitted === views.length && row.scanned === 1 && row.ingested === 1;
      },
      { message: `${name}@${version} in the recall catalogue` },
    );
  }

  async command<Req extends DescMessage, Rep extends DescMessage>(command: CommandDefinition<Req, Rep>, request: MessageInitShape<Req>): Promise<MessageShape<Rep>> {
    const reply = await this.bus.request(command.subject, encodeMessage(command.request, request), { timeoutMs: 15_000 });
    return decodeMessage(command.reply, reply.data);
  }

  /** The gateway's answer to a quarantine (or release) it applied. */
  enforced(q: { recallId: string; name: string; version: string; view: string; mode: QuarantineMode }, quarantined = true, id?: string): Promise<string> {
    return this.publish(Events.recallEnforced, { ...q, quarantined, enforcedAt: timestampFromDate(new Date()) }, id);
  }

  /** Answers every quarantine of the case the service emitted so far, as the gateway would. */
  async enforceAll(recallId: string): Promise<void> {
    for (const q of this.quarantined.filter((x) => x.recallId === recallId)) await this.enforced(q);
  }

  async show(recallId: string) {
    const reply = await this.command(Commands.recallShow, { recallId });
    if (reply.outcome.case !== 'found') throw new Error(`no case ${recallId}: ${JSON.stringify(reply.outcome.value)}`);
    return reply.outcome.value;
  }

  async caseIds(): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.service.dataSource.query('SELECT id FROM palisade_recall.recall_case ORDER BY opened_at');
    return rows.map((r) => r.id);
  }

  quarantinesOf(recallId: string): VersionQuarantined[] {
    return this.quarantined.filter((q) => q.recallId === recallId);
  }

  alertsOf(recallId: string): SeenAlert[] {
    return this.alerts.filter((a) => a.recallId === recallId);
  }
}
