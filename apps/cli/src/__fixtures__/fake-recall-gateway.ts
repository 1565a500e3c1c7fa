import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { RecallCaseSchema, RecallOverrideSchema, RecallResolution, RecallTrigger, timestampFromDate, type RecallCase } from '@palisade/contracts';
import { caseJson, drillCase, openCase } from './recall-cases';

/** A request the fake received, with the principal its token stands for. */
export interface SeenRequest {
  method: string;
  /** Path and query, without the view prefix. */
  path: string;
  principal: string;
  body: unknown;
}

export interface FakeAlert {
  seq: number;
  subject: string;
  summary: string;
  recallId?: string;
  /** The registry could not read its CloudEvent: answered as `event: null`. */
  unreadable?: boolean;
}

/**
 * A fake of the gateway's recall, deployment and alert routes for the CLI's own tests: canned
 * protobuf JSON of RecallCase answers, `{"error"}` refusals, and an alert log tests append to.
 * Tokens: `tok-alice` and `tok-admin`; anything else is a 401. Routes answer under any view prefix.
 */
export class FakeRecallGateway {
  readonly requests: SeenRequest[] = [];
  readonly alerts: FakeAlert[] = [];
  private current: RecallCase = openCase();
  private server?: Server;
  url = '';

  static async start(): Promise<FakeRecallGateway> {
    const fake = new FakeRecallGateway();
    fake.server = createServer((req, res) => {
      void fake.handle(req, res).catch((e: unknown) => send(res, 500, { error: e instanceof Error ? e.message : String(e) }));
    });
    await new Promise<void>((done) => fake.server?.listen(0, '127.0.0.1', done));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  stop(): Promise<void> {
    return new Promise((done) => (this.server ? this.server.close(() => done()) : done()));
  }

  /** Appends an alert to the log (seq = position + 1). */
  raise(subject: string, summary: string, recallId?: string, unreadable = false): FakeAlert {
    const alert = { seq: this.alerts.length + 1, subject, summary, ...(recallId ? { recallId } : {}), ...(unreadable ? { unreadable } : {}) };
    this.alerts.push(alert);
    return alert;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/^\/[a-z]+(?=\/-\/)/, '');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const principal = { 'Bearer tok-alice': 'alice', 'Bearer tok-admin': 'admin' }[req.headers.authorization ?? ''];
    const body: unknown = text ? JSON.parse(text) : undefined;
    this.requests.push({ method: req.method ?? '', path: `${path}${url.search}`, principal: principal ?? '', body });
    if (!principal) return send(res, 401, { error: 'unauthorized' });
    const route = `${req.method} ${path}`;
    const b = (body ?? {}) as Record<string, unknown>;
    let m: RegExpMatchArray | null;
    if (route === 'POST /-/palisade/v1/recalls') {
      if (b.drill === true) return send(res, 201, caseJson(drillCase()));
      if (typeof b.spec !== 'string' || !b.spec.includes('@', 1)) return send(res, 400, { error: 'spec must be <name>@<range>' });
      this.current = openCase({ status: 'open', trigger: RecallTrigger.MANUAL, advisoryId: '', reason: String(b.reason), openedBy: principal, views: (b.views as string[] | undefined) ?? [] });
      return send(res, 201, caseJson(this.current));
    }
    if (route === 'GET /-/palisade/v1/recalls') {
      const status = url.searchParams.get('status');
      const cases = [this.current, drillCase()].filter((c) => !status || c.status === status);
      return send(res, 200, { recalls: cases.map((c) => caseJson(create(RecallCaseSchema, { ...c, timeline: [], exposures: [], suggestions: [] }))) });
    }
    if ((m = route.match(/^GET \/-\/palisade\/v1\/recalls\/([^/]+)$/))) {
      return m[1] === this.current.recallId ? send(res, 200, caseJson(this.current)) : send(res, 404, { error: `recall ${m[1]} not found`, code: 'PAL_ERR_NOT_FOUND' });
    }
    if ((m = route.match(/^POST \/-\/palisade\/v1\/recalls\/([^/]+)\/overrides$/))) {
      if (m[1] !== this.current.recallId) return send(res, 404, { error: `recall ${m[1]} not found` });
      const override = create(RecallOverrideSchema, {
        id: `ov-${this.current.overrides.length + 1}`,
        kind: String(b.kind),
        view: typeof b.view === 'string' ? b.view : '',
        reason: String(b.reason),
        requestedBy: principal,
        state: 'pending',
        requestedAt: timestampFromDate(new Date('2026-12-06T12:00:00.000Z')),
        ...(b.kind === 'waiver' ? { until: timestampFromDate(new Date('2026-12-06T13:00:00.000Z')) } : {}),
      } satisfies MessageInitShape<typeof RecallOverrideSchema>);
      this.current = create(RecallCaseSchema, { ...this.current, overrides: [...this.current.overrides, override] });
      return send(res, 202, caseJson(this.current));
    }
    if ((m = route.match(/^POST \/-\/palisade\/v1\/recalls\/([^/]+)\/overrides\/([^/]+)\/approve$/))) {
      const override = this.current.overrides.find((o) => o.id === m?.[2]);
      if (!override) return send(res, 404, { error: `override ${m[2]} not found` });
      if (override.requestedBy === principal) return send(res, 403, { error: `${principal} requested override ${override.id} and cannot approve it`, code: 'PAL_ERR_FORBIDDEN' });
      const overrides = this.current.overrides.map((o) => (o.id === override.id ? { ...o, state: 'approved', approvedBy: principal } : o));
      this.current = create(RecallCaseSchema, { ...this.current, overrides, ...(override.kind === 'false-positive' ? { status: 'closed', resolution: RecallResolution.FALSE_POSITIVE } : {}) });
      return send(res, 200, caseJson(this.current));
    }
    if ((m = route.match(/^POST \/-\/palisade\/v1\/recalls\/([^/]+)\/close$/))) {
      this.current = create(RecallCaseSchema, { ...this.current, status: 'closed', resolution: RecallResolution.CONTAINED, closedAt: timestampFromDate(new Date('2026-12-06T14:00:00.000Z')) });
      return send(res, 200, caseJson(this.current));
    }
    if (route === 'POST /-/palisade/v1/deployments') {
      if (typeof b.service !== 'string' || (b.lockfile === undefined && b.sbom === undefined)) return send(res, 400, { error: 'a deployment needs service, environment and lockfile or sbom' });
      return send(res, 201, { deploymentId: `dep-${this.requests.length}`, packages: b.sbom ? 1 : 2, affectedBy: b.service === 'exposed-api' ? ['rc-7f3a'] : [] });
    }
    if (route === 'GET /-/palisade/v1/alerts') {
      const after = Number(url.searchParams.get('after') ?? '0');
      const limit = Number(url.searchParams.get('limit') ?? '100');
      const filter = url.searchParams.get('subject') ?? '';
      const matching = this.alerts.filter((a) => !filter || matches(filter, a.subject));
      // after=0: the newest `limit`; else the oldest `limit` after the cursor.
      const page = after === 0 ? matching.slice(-limit) : matching.filter((a) => a.seq > after).slice(0, limit);
      const lastSeq = after === 0 || page.length < limit ? this.alerts.length : page[page.length - 1].seq;
      return send(res, 200, { alerts: page.map((a) => ({ seq: String(a.seq), subject: a.subject, event: a.unreadable ? null : cloudEvent(a) })), lastSeq: String(lastSeq) });
    }
    return send(res, 404, { error: `no route ${route}` });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function matches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (f[i] !== '*' && f[i] !== s[i]) return false;
  }
  return f.length === s.length;
}

function cloudEvent(a: FakeAlert) {
  const [, area, severity, kind] = a.subject.split('.');
  return {
    specversion: '1.0',
    id: `00000000-0000-4000-8000-${String(a.seq).padStart(12, '0')}`,
    source: '/palisade/recall',
    type: 'io.palisade.alert.v1',
    subject: a.subject,
    time: new Date(Date.UTC(2026, 11, 6, 10, 0, a.seq)).toISOString(),
    datacontenttype: 'application/json',
    data: { area, severity, kind, summary: a.summary, package: null, details: {}, recallId: a.recallId ?? null, drill: false, raisedBy: 'recall' },
  };
}
