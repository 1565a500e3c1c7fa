import { randomUUID } from 'node:crypto';
import { PermanentError, RetryableError } from '@palisade/errors';
import { deadLetterSubject, type ConsumerSpec, type MessageBus } from './bus';
import { CommandErrorCodes } from './command-error';
import { MessageHeaders, type DeliveredMessage } from './message';

/** One suite, run against every adapter of the messaging port, so both keep the same semantics. */
export interface BusUnderTest {
  bus: MessageBus;
  cleanup(): Promise<void>;
}

const text = (value: string) => new TextEncoder().encode(value);
const read = (data: Uint8Array) => new TextDecoder().decode(data);

async function until(check: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function describeMessageBusContract(adapter: string, open: () => Promise<BusUnderTest>): void {
  describe(`MessageBus contract: ${adapter}`, () => {
    let sut: BusUnderTest;
    const tag = `c${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    const stream = tag.toUpperCase();
    const subject = (rest: string) => `${tag}.${rest}`;
    const spec = (durable: string, filter = `${tag}.>`): ConsumerSpec => ({
      durable: `${tag}-${durable}`,
      stream,
      filterSubject: filter,
      maxDeliver: 3,
      backoffMs: [50, 100],
      ackWaitMs: 3_000,
    });
    const publish = (name: string, id = randomUUID(), headers: Record<string, string> = {}) =>
      sut.bus.publish({ id, subject: subject(name), schema: 'test.v1.Text', data: text(name), headers });

    beforeAll(async () => {
      sut = await open();
      await sut.bus.provision([{ name: stream, subjects: [`${tag}.>`] }]);
    });
    afterAll(async () => {
      await sut.cleanup();
    });

    it('delivers a message with its id, schema and headers, and de-duplicates a republished id', async () => {
      const seen: DeliveredMessage[] = [];
      const sub = await sut.bus.consume(spec('dedupe', subject('dedupe.*')), async (m) => {
        seen.push(m);
      });
      const id = randomUUID();
      expect(await publish('dedupe.a', id, { 'X-Custom': 'yes' })).toEqual({ duplicate: false });
      expect(await publish('dedupe.a', id)).toEqual({ duplicate: true });
      await publish('dedupe.b');
      await until(() => seen.length >= 2, undefined, 'two deliveries');
      await new Promise((r) => setTimeout(r, 300));
      expect(seen.map((m) => m.subject)).toEqual([subject('dedupe.a'), subject('dedupe.b')]);
      expect(seen[0]).toMatchObject({ id, schema: 'test.v1.Text', attempt: 1 });
      expect(seen[0].headers['X-Custom']).toBe('yes');
      expect(seen[0].headers[MessageHeaders.eventId]).toBe(id);
      expect(read(seen[0].data)).toBe('dedupe.a');
      await sub.stop();
    });

    it('gives every durable consumer its own copy', async () => {
      const a: string[] = [];
      const b: string[] = [];
      const subA = await sut.bus.consume(spec('fan-a', subject('fan.*')), async (m) => void a.push(m.id));
      const subB = await sut.bus.consume(spec('fan-b', subject('fan.*')), async (m) => void b.push(m.id));
      const id = randomUUID();
      await publish('fan.x', id);
      await until(() => a.length === 1 && b.length === 1, undefined, 'both consumers');
      expect(a).toEqual([id]);
      expect(b).toEqual([id]);
      await Promise.all([subA.stop(), subB.stop()]);
    });

    it('only delivers subjects matching the consumer filter', async () => {
      const seen: string[] = [];
      const sub = await sut.bus.consume(spec('filter', subject('filter.*.keep')), async (m) => void seen.push(m.subject));
      await publish('filter.a.drop');
      await publish('filter.b.keep');
      await until(() => seen.length === 1, undefined, 'matching message');
      await new Promise((r) => setTimeout(r, 300));
      expect(seen).toEqual([subject('filter.b.keep')]);
      await sub.stop();
    });

    it('redelivers after a retryable failure with a growing attempt count', async () => {
      const attempts: number[] = [];
      const sub = await sut.bus.consume(spec('retry', subject('retry.*')), async (m) => {
        attempts.push(m.attempt);
        if (m.attempt < 2) throw new RetryableError('TRANSIENT', 'try again');
      });
      await publish('retry.a');
      await until(() => attempts.length === 2, undefined, 'redelivery');
      await new Promise((r) => setTimeout(r, 300));
      expect(attempts).toEqual([1, 2]);
      await sub.stop();
    });

    it('dead-letters a message that always fails after the configured attempts, with its error, while others flow', async () => {
      const consumer = spec('poison', subject('poison.*'));
      const handled: string[] = [];
      let poisonAttempts = 0;
      const sub = await sut.bus.consume(consumer, async (m) => {
        if (m.subject.endsWith('.bad')) {
          poisonAttempts += 1;
          throw new Error('cannot handle this one');
        }
        handled.push(m.subject);
      });
      const dead: DeliveredMessage[] = [];
      const dlq = await sut.bus.consume(
        { ...spec('poison-dlq', deadLetterSubject(stream, consumer.durable)), stream: 'DEADLETTER' },
        async (m) => void dead.push(m),
      );
      const badId = randomUUID();
      await publish('poison.bad', badId);
      await publish('poison.good1');
      await publish('poison.good2');
      await until(() => dead.length === 1, undefined, 'dead letter');
      expect(handled).toEqual([subject('poison.good1'), subject('poison.good2')]);
      expect(poisonAttempts).toBe(3);
      expect(dead[0].headers[MessageHeaders.errorMessage]).toBe('cannot handle this one');
      expect(dead[0].headers[MessageHeaders.errorCode]).toBe('HANDLER_FAILED');
      expect(dead[0].headers[MessageHeaders.deadLetterSubject]).toBe(subject('poison.bad'));
      expect(dead[0].headers[MessageHeaders.deadLetterAttempts]).toBe('3');
      expect(read(dead[0].data)).toBe('poison.bad');
      await new Promise((r) => setTimeout(r, 400));
      expect(poisonAttempts).toBe(3);
      await Promise.all([sub.stop(), dlq.stop()]);
    });

    it('dead-letters a permanent error at the first attempt', async () => {
      const consumer = spec('permanent', subject('permanent.*'));
      let calls = 0;
      const sub = await sut.bus.consume(consumer, async () => {
        calls += 1;
        throw new PermanentError('BAD_PAYLOAD', 'payload is not a version');
      });
      const dead: DeliveredMessage[] = [];
      const dlq = await sut.bus.consume({ ...spec('permanent-dlq', deadLetterSubject(stream, consumer.durable)), stream: 'DEADLETTER' }, async (m) => void dead.push(m));
      await publish('permanent.x');
      await until(() => dead.length === 1, undefined, 'dead letter');
      expect(calls).toBe(1);
      expect(dead[0].headers[MessageHeaders.errorCode]).toBe('BAD_PAYLOAD');
      await Promise.all([sub.stop(), dlq.stop()]);
    });

    it('keeps a durable consumer position across a stop and a restart', async () => {
      const seen: string[] = [];
      const consumer = spec('durable', subject('durable.*'));
      const first = await sut.bus.consume(consumer, async (m) => void seen.push(m.subject));
      await publish('durable.one');
      await until(() => seen.length === 1, undefined, 'first message');
      await first.stop();
      await publish('durable.two');
      const second = await sut.bus.consume(consumer, async (m) => void seen.push(m.subject));
      await until(() => seen.length === 2, undefined, 'message published while stopped');
      await new Promise((r) => setTimeout(r, 300));
      expect(seen).toEqual([subject('durable.one'), subject('durable.two')]);
      expect(sut.bus.health().subscriptions[consumer.durable]).toBe(true);
      await second.stop();
    });

    it('answers commands, and turns failures, silence and absence into typed errors', async () => {
      // Commands live outside every stream's subjects, or the stream would capture and ack them.
      const command = (verb: string) => `${tag}-cmd.${verb}`;
      const ok = await sut.bus.serve(command('echo'), async (req) => text(`echo:${read(req.data)}`));
      const failing = await sut.bus.serve(command('fail'), async () => {
        throw new PermanentError('INGEST_INTEGRITY_MISMATCH', 'sha512 does not match\nthe bytes');
      });
      const slow = await sut.bus.serve(command('slow'), () => new Promise<Uint8Array>((r) => setTimeout(() => r(text('late')), 2_000)));
      expect(read((await sut.bus.request(command('echo'), text('hi'), { timeoutMs: 2_000 })).data)).toBe('echo:hi');
      await expect(sut.bus.request(command('fail'), text(''), { timeoutMs: 2_000 })).rejects.toMatchObject({
        code: 'INGEST_INTEGRITY_MISMATCH',
        message: 'sha512 does not match the bytes',
      });
      await expect(sut.bus.request(command('slow'), text(''), { timeoutMs: 200 })).rejects.toMatchObject({ code: CommandErrorCodes.timeout });
      await expect(sut.bus.request(command('nobody'), text(''), { timeoutMs: 1_000 })).rejects.toMatchObject({ code: CommandErrorCodes.noResponders });
      await Promise.all([ok.stop(), failing.stop(), slow.stop()]);
    });
  });
}
