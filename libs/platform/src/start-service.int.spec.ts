import { Controller, Inject, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { Writable } from 'node:stream';
import { PermanentError } from '@palisade/errors';
import { EmbeddedBus, MessageHeaders, addToOutbox, deadLetterSubject, type DeliveredMessage } from '@palisade/messaging';
import { freePort, waitFor, dropSchemas, testDatabaseUrl } from '@palisade/testing';
import { DATA_SOURCE, startService, type RunningService } from './index';

const url = testDatabaseUrl;
const busSchema = `platform_bus_${process.pid}`;
const handled: string[] = [];

@Controller()
class ProbeHandlers {
  constructor(@Inject(DATA_SOURCE) readonly dataSource: DataSource) {}

  @EventPattern('registry.evt.version.ingested')
  async onIngested(@Payload() message: DeliveredMessage): Promise<void> {
    if (new TextDecoder().decode(message.data) === 'unreadable') throw new PermanentError('PROBE_UNREADABLE', 'payload cannot be decoded');
    handled.push(message.id);
  }
}

@Module({ controllers: [ProbeHandlers] })
class ProbeModule {}

describe('startService (in one process, on the embedded bus)', () => {
  let bus: EmbeddedBus;
  let service: RunningService;
  const lines: string[] = [];

  beforeAll(async () => {
    bus = await EmbeddedBus.open({ url, schema: busSchema, pollIntervalMs: 50 });
    const port = await freePort();
    service = await startService(
      { name: 'scanning', module: ProbeModule, port: { variable: 'PALISADE_SCANNING_PORT', default: 4875 } },
      {
        bus,
        env: { PALISADE_DATABASE_URL: url, PALISADE_SCANNING_PORT: String(port) },
        logDestination: new Writable({ write: (chunk, _enc, done) => void (lines.push(String(chunk)), done()) }),
      },
    );
  });

  afterAll(async () => {
    await service.stop();
    await bus.close();
    await dropSchemas(url, busSchema);
  });

  it('owns its schema, relays its outbox and feeds its handlers', async () => {
    const id = await service.dataSource.transaction((tx) =>
      addToOutbox(tx, { subject: 'registry.evt.version.ingested', schema: 'palisade.v1.VersionIngested', data: new TextEncoder().encode('ok') }),
    );
    await waitFor(() => handled.includes(id), { message: 'event relayed to the handler' });
    const [{ schema }] = await service.dataSource.query('SELECT current_schema() AS schema');
    expect(schema).toBe('palisade_scanning');
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('dead-letters a PermanentError thrown by a handler at once instead of retrying it', async () => {
    const dead: DeliveredMessage[] = [];
    await bus.consume(
      { durable: 'probe-dlq', stream: 'DEADLETTER', filterSubject: deadLetterSubject('REGISTRY', 'scanning_registry_evt_version_ingested'), maxDeliver: 1, backoffMs: [], ackWaitMs: 5_000 },
      async (m) => void dead.push(m),
    );
    await bus.publish({ id: 'unreadable-1', subject: 'registry.evt.version.ingested', schema: 'palisade.v1.VersionIngested', data: new TextEncoder().encode('unreadable') });
    await waitFor(() => dead.length === 1, { message: 'dead letter' });
    expect(dead[0].headers[MessageHeaders.errorCode]).toBe('PROBE_UNREADABLE');
    expect(dead[0].headers[MessageHeaders.deadLetterAttempts]).toBe('1');
  });

  it('logs and counts every dead letter of its consumers, and shows their backlog', async () => {
    const deadLetterLines = () => lines.filter((line) => line.includes('message dead-lettered by scanning_registry_evt_version_ingested'));
    await waitFor(() => deadLetterLines().length === 1, { message: 'dead-letter log line' });
    expect(JSON.parse(deadLetterLines()[0])).toMatchObject({
      level: expect.anything(),
      deadLetter: { stream: 'REGISTRY', consumer: 'scanning_registry_evt_version_ingested', errorCode: 'PROBE_UNREADABLE', attempts: 1, messageId: 'unreadable-1' },
    });
    const text = await (await fetch(`${service.url}/metrics`)).text();
    expect(text).toMatch(/palisade_messaging_dead_letters_total\{[^}]*consumer="scanning_registry_evt_version_ingested"[^}]*error_code="PROBE_UNREADABLE"[^}]*\} 1/);
    expect(text).toMatch(/palisade_messaging_backlog\{[^}]*consumer="scanning_registry_evt_version_ingested"[^}]*state="pending"[^}]*\} 0/);
  });

  it('answers HTTP errors the usual way', async () => {
    const response = await fetch(`${service.url}/no-such-route`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ statusCode: 404 });
  });

  it('never logs the database password', () => {
    expect(lines.join('')).toContain('scanning started');
    expect(lines.join('')).not.toMatch(/postgres:\/\/postgres@127/);
  });
});
