import { Client } from 'pg';
import { Events, STREAMS, decodeMessage } from '@palisade/contracts';
import { readStream } from './bus-records';
import type { Stack } from '../../support/stack';

/** One effect that happened more than once, e.g. two transparency-log entries for one signature. */
export interface DuplicateEffect {
  /** Package name of the version concerned. */
  name: string;
  effect: string;
  count: number;
}

/** The schema holding `table` (each service owns a schema; the stack may name them differently). */
async function schemaOf(client: Client, table: string, column: string): Promise<string> {
  const rows = await client.query<{ table_schema: string }>('SELECT table_schema FROM information_schema.columns WHERE table_name = $1 AND column_name = $2', [table, column]);
  if (rows.rows.length !== 1) throw new Error(`expected one schema with ${table}.${column}, found ${rows.rows.map((r) => r.table_schema).join(', ') || 'none'}`);
  return `"${rows.rows[0].table_schema}"`;
}

function countBy<T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

function duplicatesOf(counts: Map<string, number>, effect: string): DuplicateEffect[] {
  return [...counts].filter(([, count]) => count > 1).map(([key, count]) => ({ name: key.split('|')[0], effect: `${effect} ${key.split('|').slice(1).join(' ')}`.trim(), count }));
}

/**
 * Effects of the signing service counted per version in its own tables: registry signatures,
 * transparency-log leaves of those signatures, and attestation leaves per (predicate, view). A
 * leaf appended twice for one fact is an effect applied twice (the log never drops a leaf).
 */
async function signingDuplicates(databaseUrl: string, isOurs: (name: string) => boolean): Promise<DuplicateEffect[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const signing = await schemaOf(client, 'signatures', 'sig');
    const log = await schemaOf(client, 'log_leaves', 'leaf_hash');
    const signatures = await client.query<{ name: string; version: string; n: number }>(`SELECT name, version, count(*)::int AS n FROM ${signing}.signatures GROUP BY name, version`);
    const leaves = await client.query<{ kind: string; entry: string }>(`SELECT kind, convert_from(entry, 'UTF8') AS entry FROM ${log}.log_leaves`);
    const signatureLeaves = leaves.rows.filter((l) => l.kind === 'registry-signature').map((l) => JSON.parse(l.entry) as { name: string; version: string });
    const attestationLeaves = leaves.rows.filter((l) => l.kind === 'attestation').map((l) => attestationKey(l.entry));
    return [
      ...signatures.rows.filter((r) => r.n > 1 && isOurs(r.name)).map((r) => ({ name: r.name, effect: `registry signature of ${r.version}`, count: r.n })),
      ...duplicatesOf(countBy(signatureLeaves.filter((s) => isOurs(s.name)), (s) => `${s.name}|signature log entry of ${s.version}`), ''),
      ...duplicatesOf(countBy(attestationLeaves.filter((a) => isOurs(a.name)), (a) => `${a.name}|${a.what}`), 'attestation log entry'),
    ];
  } finally {
    await client.end();
  }
}

/** Which fact an attestation leaf (a DSSE envelope of an in-toto statement) records: subject, predicate type, view. */
function attestationKey(entry: string): { name: string; what: string } {
  const envelope = JSON.parse(entry) as { payload: string };
  const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as {
    subject?: Array<{ name?: string }>;
    predicateType?: string;
    predicate?: Record<string, unknown>;
  };
  const subject = statement.subject?.[0]?.name ?? '';
  const name = /faults-[a-z]-\d{5}/.exec(subject)?.[0] ?? subject;
  const view = statement.predicate?.view ?? statement.predicate?.toView ?? '';
  return { name, what: `${statement.predicateType ?? '?'} ${typeof view === 'string' ? view : JSON.stringify(view)}`.trim() };
}

/** Admissions as the rest of the system counts them: `version.promoted` events per version and view. */
async function admissionDuplicates(stack: Stack, isOurs: (name: string) => boolean): Promise<DuplicateEffect[]> {
  const promoted = (await readStream(stack, STREAMS.REGISTRY.name))
    .filter((m) => m.subject === Events.versionPromoted.subject)
    .map((m) => decodeMessage(Events.versionPromoted.schema, m.data))
    .filter((event) => isOurs(event.name));
  return duplicatesOf(countBy(promoted, (e) => `${e.name}|admission of ${e.version} to ${e.view}`), '');
}

/** Every effect of our publishes that was applied more than once. */
export async function duplicatedEffects(stack: Stack, databaseUrl: string, isOurs: (name: string) => boolean): Promise<DuplicateEffect[]> {
  return [...(await signingDuplicates(databaseUrl, isOurs)), ...(await admissionDuplicates(stack, isOurs))];
}

/** How many of each effect our publishes produced, to show the counts above were not vacuous. */
export async function effectTotals(stack: Stack, databaseUrl: string, isOurs: (name: string) => boolean): Promise<{ signatures: number; logLeaves: number; admissions: number }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const signing = await schemaOf(client, 'signatures', 'sig');
    const log = await schemaOf(client, 'log_leaves', 'leaf_hash');
    const signatures = (await client.query<{ name: string }>(`SELECT name FROM ${signing}.signatures`)).rows.filter((r) => isOurs(r.name)).length;
    const logLeaves = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${log}.log_leaves`)).rows[0].n;
    const admissions = (await readStream(stack, STREAMS.REGISTRY.name)).filter((m) => m.subject === Events.versionPromoted.subject && isOurs(decodeMessage(Events.versionPromoted.schema, m.data).name)).length;
    return { signatures, logLeaves, admissions };
  } finally {
    await client.end();
  }
}
