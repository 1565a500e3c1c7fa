import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import { PermanentError } from '@palisade/errors';
import { waitFor, dropSchemas, testDatabaseUrl } from '@palisade/testing';
import { deadLetterSubject } from '../bus';
import { EmbeddedBus } from '../embedded/embedded-bus';
import { MessageHeaders, type DeliveredMessage, type Reply } from '../message';
import { PalisadeContext, PalisadeTransport } from './palisade-transport';
import { PassThroughRpcFilter } from './pass-through-rpc.filter';

const url = testDatabaseUrl;
const schema = `nest_transport_${process.pid}`;
const received: DeliveredMessage[] = [];
let badCalls = 0;

@Controller()
class VersionsController {
  @EventPattern('nesttest.evt.version.ingested')
  async onIngested(@Payload() message: DeliveredMessage, @Ctx() context: PalisadeContext): Promise<void> {
    expect(context.getMessage()).toBe(message);
    received.push(message);
  }

  @EventPattern('nesttest.evt.version.broken', { maxDeliver: 5 })
  async onBroken(): Promise<void> {
    badCalls += 1;
    throw new PermanentError('BAD_VERSION', 'the version payload cannot be read');
  }

  @MessagePattern('nesttest.cmd.echo')
  async echo(@Payload() request: Reply): Promise<Uint8Array> {
    if (request.data.length === 0) throw new PermanentError('EMPTY_REQUEST', 'nothing to echo');
    return request.data;
  }
}

@Module({ controllers: [VersionsController] })
class TestModule {}

describe('PalisadeTransport (NestJS)', () => {
  let bus: EmbeddedBus;
  let app: Awaited<ReturnType<typeof NestFactory.createMicroservice>>;
  let transport: PalisadeTransport;

  beforeAll(async () => {
    bus = await EmbeddedBus.open({ url, schema, pollIntervalMs: 50 });
    transport = new PalisadeTransport(bus, { service: 'nesttest', streams: [{ name: 'NESTTEST', subjects: ['nesttest.evt.>'] }], tuning: { backoffMs: [20] } });
    app = await NestFactory.createMicroservice<MicroserviceOptions>(TestModule, { strategy: transport, logger: false });
    app.useGlobalFilters(new PassThroughRpcFilter());
    await app.listen();
  });

  afterAll(async () => {
    await app.close();
    await bus.close();
    await dropSchemas(url, schema);
  });

  it('turns @EventPattern handlers into durable consumers', async () => {
    expect(transport.isListening()).toBe(true);
    expect(bus.health().subscriptions['nesttest_nesttest_evt_version_ingested']).toBe(true);
    await bus.publish({ id: 'evt-1', subject: 'nesttest.evt.version.ingested', schema: 'palisade.v1.VersionIngested', data: new Uint8Array([7]) });
    await waitFor(() => received.length === 1, { message: 'event reached the Nest handler' });
    expect(received[0]).toMatchObject({ id: 'evt-1', attempt: 1 });
  });

  it('keeps a handler error typed, so a permanent failure is dead-lettered without retries', async () => {
    const dead: DeliveredMessage[] = [];
    await bus.consume(
      { durable: 'nesttest-dlq', stream: 'DEADLETTER', filterSubject: deadLetterSubject('NESTTEST', 'nesttest_nesttest_evt_version_broken'), maxDeliver: 1, backoffMs: [], ackWaitMs: 5_000 },
      async (m) => void dead.push(m),
    );
    await bus.publish({ id: 'evt-2', subject: 'nesttest.evt.version.broken', schema: 'palisade.v1.VersionIngested', data: new Uint8Array([1]) });
    await waitFor(() => dead.length === 1, { message: 'dead letter' });
    expect(badCalls).toBe(1);
    expect(dead[0].headers[MessageHeaders.errorCode]).toBe('BAD_VERSION');
  });

  it('answers @MessagePattern commands and returns their typed errors', async () => {
    const reply = await bus.request('nesttest.cmd.echo', new Uint8Array([1, 2, 3]), { timeoutMs: 2_000 });
    expect([...reply.data]).toEqual([1, 2, 3]);
    await expect(bus.request('nesttest.cmd.echo', new Uint8Array(), { timeoutMs: 2_000 })).rejects.toMatchObject({ code: 'EMPTY_REQUEST', message: 'nothing to echo' });
  });
});
