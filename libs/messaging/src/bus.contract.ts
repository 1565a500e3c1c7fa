import { randomUUID } from 'node:crypto';
import { PermanentError, RetryableError } from '@palisade/errors';
import { deadLetterSubject, type ConsumerSpec, type MessageBus } from './bus';
import { CommandErrorCodes } from './command-error';
import type { DeadLetterNotice } from './dead-letter-notice';
import { MessageHeaders, type DeliveredMessage } from './message';

/** One suite, run against every adapter of the messaging port, so both keep the same semantics. */
export interface BusUnderTest {
  bus: MessageBus;
  /** Another bus on the same broker or log, as a restarted process would open it. */
  reopen(): Promise<MessageBus>;
  cleanup(): Promise<void>;
}

const text = (value: string) => new TextEncoder().encode(value);
const read = (data: Uint8Array) => new TextDecoder().decode(data);

/** Polls `read` until its answer passes `check`, and returns that answer. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

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

    it('retries a transient failure past maxDeliver until it succeeds, and never dead-letters it', async () => {
      const consumer = spec('transient', subject('transient.*'));
      const attempts: number[] = [];
      const sub = await sut.bus.consume(consumer, async (m) => {
        attempts.push(m.attempt);
        // The database is down for the first five attempts (maxDeliver is 3).
        if (m.attempt <= 5) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      });
      const dead: DeliveredMessage[] = [];
      const dlq = await sut.bus.consume({ ...spec('transient-dlq', deadLetterSubject(stream, consumer.durable)), stream: 'DEADLETTER' }, async (m) => void dead.push(m));
      await publish('transient.a');
      await until(() => attempts.length === 6, 20_000, 'success after five transient failures');
      await new Promise((r) => setTimeout(r, 400));
      expect(attempts).toEqual([1, 2, 3, 4, 5, 6]);
      expect(dead).toEqual([]);
      await Promise.all([sub.stop(), dlq.stop()]);
    });

    it('counts only failures not known to be transient against maxDeliver', async () => {
      const consumer = spec('mixed', subject('mixed.*'));
      const attempts: number[] = [];
      const sub = await sut.bus.consume(consumer, async (m) => {
        attempts.push(m.attempt);
        if (m.attempt <= 2) throw new RetryableError('DB_DOWN', 'database unavailable');
        throw new Error('a bug');
      });
      const dead: DeliveredMessage[] = [];
      const dlq = await sut.bus.consume({ ...spec('mixed-dlq', deadLetterSubject(stream, consumer.durable)), stream: 'DEADLETTER' }, async (m) => void dead.push(m));
      await publish('mixed.a');
      await until(() => dead.length === 1, undefined, 'dead letter after three unknown failures');
      expect(attempts).toEqual([1, 2, 3, 4, 5]);
      expect(dead[0].headers[MessageHeaders.deadLetterAttempts]).toBe('5');
      await Promise.all([sub.stop(), dlq.stop()]);
    });

    it('dead-letters a permanent error at the first attempt, and tells its listeners', async () => {
      const consumer = spec('permanent', subject('permanent.*'));
      const notices: DeadLetterNotice[] = [];
      const unlisten = sut.bus.onDeadLetter?.((n) => void notices.push(n));
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
      expect(notices).toEqual([
        expect.objectContaining({ stream, consumer: consumer.durable, subject: subject('permanent.x'), errorCode: 'BAD_PAYLOAD', errorMessage: 'payload is not a version', attempts: 1 }),
      ]);
      unlisten?.();
      await Promise.all([sub.stop(), dlq.stop()]);
    });

    it('lists and shows a dead letter, and redrives it to the consumer that gave up and to no other', async () => {
      const dlq = sut.bus.deadLetters();
      const fixed = spec('redrive-a', subject('redrive.*'));
      const other = spec('redrive-b', subject('redrive.*'));
      let broken = true;
      const byFixed: string[] = [];
      const byOther: string[] = [];
      const a = await sut.bus.consume(fixed, async (m) => {
        if (broken && m.subject.endsWith('.bad')) throw new PermanentError('BAD_PAYLOAD', 'cannot read it yet');
        byFixed.push(`${read(m.data)}#${m.id}`);
      });
      const b = await sut.bus.consume(other, async (m) => void byOther.push(read(m.data)));
      const badId = randomUUID();
      const goodId = randomUUID();
      await publish('redrive.bad', badId, { 'X-Custom': 'kept' });
      await publish('redrive.good', goodId);

      const page = await eventually(() => dlq.list({ consumer: fixed.durable }), (p) => p.total === 1, 'the dead letter listed');
      const [entry] = page.deadLetters;
      expect(entry).toMatchObject({
        stream,
        consumer: fixed.durable,
        subject: subject('redrive.bad'),
        messageId: badId,
        schema: 'test.v1.Text',
        errorCode: 'BAD_PAYLOAD',
        errorMessage: 'cannot read it yet',
        attempts: 1,
        payloadSize: 'redrive.bad'.length,
      });
      expect(Number.isNaN(Date.parse(entry.deadLetteredAt))).toBe(false);
      expect((await dlq.list({ stream: stream.toLowerCase(), consumer: fixed.durable })).deadLetters.map((d) => d.id)).toEqual([entry.id]);
      const shown = await dlq.show(entry.id);
      expect(shown).toMatchObject({ id: entry.id, messageId: badId, payloadNote: 'schema test.v1.Text is not in the contract registry' });
      expect(shown.headers['X-Custom']).toBe('kept');

      broken = false;
      expect(await dlq.redrive({ ids: [entry.id] })).toEqual({ redriven: [expect.objectContaining({ id: entry.id, messageId: badId })], alreadyRedriven: [] });
      // A marker published after the redrive: once both consumers handled it, each had its chance at the replay.
      await until(() => byFixed.length === 2, undefined, 'the replay handled');
      await publish('redrive.after');
      await until(() => byFixed.length === 3 && byOther.length === 3, undefined, 'the marker handled by both');
      expect(byFixed).toEqual([`redrive.good#${goodId}`, `redrive.bad#${badId}`, expect.stringMatching(/^redrive\.after#/)]);
      expect(byOther).toEqual(['redrive.bad', 'redrive.good', 'redrive.after']);

      expect((await dlq.list({ consumer: fixed.durable })).total).toBe(0);
      await expect(dlq.redrive({ ids: [entry.id] })).rejects.toMatchObject({ code: 'DEAD_LETTER_NOT_FOUND' });
      await expect(dlq.show(entry.id)).rejects.toMatchObject({ code: 'DEAD_LETTER_NOT_FOUND' });
      await expect(dlq.redrive({ ids: ['not-an-id'] })).rejects.toMatchObject({ code: 'DEAD_LETTER_BAD_REQUEST' });
      await Promise.all([a.stop(), b.stop()]);
    });

    it('redrives every dead letter of a consumer once, even when two redrives race, and dead-letters a replay that fails again', async () => {
      const dlq = sut.bus.deadLetters();
      const consumer = spec('redrive-all', subject('again.*'));
      let broken = true;
      const handled: string[] = [];
      const sub = await sut.bus.consume(consumer, async (m) => {
        if (broken || m.subject.endsWith('.never')) throw new PermanentError('NOT_YET', 'not yet');
        handled.push(read(m.data));
      });
      for (const name of ['again.one', 'again.two', 'again.three', 'again.never']) await publish(name);
      await eventually(() => dlq.list({ consumer: consumer.durable }), (p) => p.total === 4, 'four dead letters');
      broken = false;
      const [first, second] = await Promise.all([dlq.redrive({ all: true, consumer: consumer.durable }), dlq.redrive({ all: true, consumer: consumer.durable })]);
      expect(first.redriven.length + second.redriven.length).toBe(4);
      await until(() => handled.length >= 3, undefined, 'the replays handled');
      // The replay that fails again is a new dead letter (not dropped as a duplicate of the first).
      const again = await eventually(() => dlq.list({ consumer: consumer.durable }), (p) => p.total === 1, 'the failing replay dead-lettered again');
      expect(again.deadLetters[0]).toMatchObject({ subject: subject('again.never'), errorCode: 'NOT_YET' });
      await new Promise((r) => setTimeout(r, 300));
      expect([...handled].sort()).toEqual(['again.one', 'again.three', 'again.two']);
      await sub.stop();
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

    it('delivers every message exactly once, in order, to a consumer slower than the publisher', async () => {
      const seen: string[] = [];
      const consumer = spec('slow', subject('slow.*'));
      const sub = await sut.bus.consume({ ...consumer, ackWaitMs: 2_000 }, async (m) => {
        m.working();
        await new Promise((r) => setTimeout(r, 150));
        seen.push(read(m.data));
      });
      const names = Array.from({ length: 20 }, (_, i) => `slow.m${String(i).padStart(2, '0')}`);
      for (const name of names) await publish(name);
      await until(() => seen.length >= names.length, 30_000, 'every message handled');
      await new Promise((r) => setTimeout(r, 500));
      expect(seen).toEqual(names.map((n) => subject(n).slice(tag.length + 1)));
      await sub.stop();
    });

    it('handles up to `concurrency` messages of a consumer at once, never more, each once', async () => {
      let active = 0;
      let peak = 0;
      const seen: string[] = [];
      let release: () => void = () => undefined;
      const gate = new Promise<void>((r) => (release = r));
      const sub = await sut.bus.consume({ ...spec('parallel', subject('parallel.*')), concurrency: 3 }, async (m) => {
        active += 1;
        peak = Math.max(peak, active);
        try {
          await gate;
          seen.push(read(m.data));
        } finally {
          active -= 1;
        }
      });
      const names = Array.from({ length: 9 }, (_, i) => `parallel.m${i}`);
      for (const name of names) await publish(name);
      await until(() => active === 3, 15_000, 'three messages in their handlers at once');
      // A fourth slot would have been taken by now: six more messages are waiting.
      await new Promise((r) => setTimeout(r, 300));
      expect(active).toBe(3);
      release();
      await until(() => seen.length >= names.length, 15_000, 'every message handled');
      await new Promise((r) => setTimeout(r, 300));
      expect(peak).toBe(3);
      expect([...seen].sort()).toEqual(names.map((n) => subject(n).slice(tag.length + 1)).sort());
      await sub.stop();
    });

    it('keeps unfinished and failing messages across a restart of the bus, and finishes each once', async () => {
      const consumer = spec('restart', subject('restart.*'));
      const handled: string[] = [];
      let failing = true;
      const handler = async (m: DeliveredMessage) => {
        if (failing) throw new RetryableError('DB_DOWN', 'database unavailable');
        handled.push(read(m.data));
      };
      const attempted = new Set<string>();
      const first = await sut.bus.consume(consumer, async (m) => {
        attempted.add(m.id);
        await handler(m);
      });
      for (const name of ['restart.a', 'restart.b', 'restart.c']) await publish(name);
      await until(() => attempted.size === 3, undefined, 'every message attempted');
      await first.stop();
      const restarted = await sut.reopen();
      try {
        await publish('restart.d');
        failing = false;
        const second = await restarted.consume(consumer, handler);
        await until(() => handled.length >= 4, 20_000, 'every message handled after the restart');
        await new Promise((r) => setTimeout(r, 500));
        expect([...handled].sort()).toEqual(['restart.a', 'restart.b', 'restart.c', 'restart.d'].map((n) => subject(n).slice(tag.length + 1)));
        await second.stop();
      } finally {
        await restarted.close();
      }
    });

    it('honours the stream limits: maxAge and maxBytes discard the oldest messages', async () => {
      const aged = `${stream}_AGED`;
      const sized = `${stream}_SIZED`;
      await sut.bus.provision([
        { name: stream, subjects: [`${tag}.>`] },
        { name: aged, subjects: [`${tag}-aged.>`], maxAgeMs: 1_000 },
        { name: sized, subjects: [`${tag}-sized.>`], maxBytes: 2_048 },
      ]);
      const payload = new Uint8Array(600).fill(7);
      await sut.bus.publish({ id: randomUUID(), subject: `${tag}-aged.old`, schema: 'test.v1.Bytes', data: payload });
      for (let i = 0; i < 10; i++) await sut.bus.publish({ id: randomUUID(), subject: `${tag}-sized.m${i}`, schema: 'test.v1.Bytes', data: payload });
      await new Promise((r) => setTimeout(r, 2_500));
      await sut.bus.publish({ id: randomUUID(), subject: `${tag}-aged.new`, schema: 'test.v1.Bytes', data: payload });
      const agedSeen: string[] = [];
      const sizedSeen: string[] = [];
      const a = await sut.bus.consume({ ...spec('aged', `${tag}-aged.>`), stream: aged }, async (m) => void agedSeen.push(m.subject));
      const b = await sut.bus.consume({ ...spec('sized', `${tag}-sized.>`), stream: sized }, async (m) => void sizedSeen.push(m.subject));
      await until(() => agedSeen.length >= 1 && sizedSeen.includes(`${tag}-sized.m9`), undefined, 'the messages the limits keep');
      await new Promise((r) => setTimeout(r, 500));
      expect(agedSeen).toEqual([`${tag}-aged.new`]);
      expect(sizedSeen.length).toBeGreaterThanOrEqual(1);
      expect(sizedSeen.length).toBeLessThanOrEqual(4);
      expect(sizedSeen[sizedSeen.length - 1]).toBe(`${tag}-sized.m9`);
      await Promise.all([a.stop(), b.stop()]);
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
