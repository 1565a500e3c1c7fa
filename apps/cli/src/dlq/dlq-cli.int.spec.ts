import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Events, encodeMessage } from '@palisade/contracts';
import { PermanentError } from '@palisade/errors';
import type { DeliveredMessage, Subscription } from '@palisade/messaging';
import { runCleanups, waitFor } from '@palisade/testing';
import { startGatewayHarness, type GatewayHarness } from '../../../../services/gateway/src/packages/__fixtures__/gateway-harness';
import { main } from '../main';

// `palisade dlq` against the real gateway on its embedded bus: a consumer dead-letters two
// messages; the CLI lists, shows and redrives them as an administrator, and is refused otherwise.
describe('palisade dlq against the registry', () => {
  let h: GatewayHarness;
  let home: string;
  let userToken: string;
  let broken = true;
  const handled: DeliveredMessage[] = [];
  let sub: Subscription;

  const run = async (args: readonly string[], token = h.adminToken) => {
    const out: string[] = [];
    const err: string[] = [];
    const env = { HOME: home, PALISADE_REGISTRY: `${h.origin}/`, PALISADE_TOKEN: token };
    const code = await main(args, (t) => out.push(t), (t) => err.push(t), env, home);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  };

  beforeAll(async () => {
    h = await startGatewayHarness('cli_dead_letters');
    home = await mkdtemp(join(tmpdir(), 'palisade-cli-dlq-'));
    userToken = await h.createUser('erin');
    await h.bus.provision([{ name: 'CLIDLQ', subjects: ['clidlq.>'] }]);
    sub = await h.bus.consume({ durable: 'clidlq_keys', stream: 'CLIDLQ', filterSubject: 'clidlq.>', maxDeliver: 2, backoffMs: [50], ackWaitMs: 2_000 }, async (m) => {
      if (broken) throw new PermanentError('KEYS_UNREADABLE', 'cannot apply this key set yet');
      handled.push(m);
    });
    for (const n of [1, 2]) {
      await h.bus.publish({ id: `clidlq-${n}`, subject: 'clidlq.keys', schema: Events.keysChanged.schema.typeName, data: encodeMessage(Events.keysChanged.schema, { sequence: n, keyid: `key-${n}` }) });
    }
    await waitFor(async () => ((await h.bus.deadLetters().list()).total === 2), { timeoutMs: 10_000, message: 'two dead letters' });
  });
  afterAll(async () => {
    await sub?.stop();
    await runCleanups();
  });

  it('lists and shows dead letters', async () => {
    const listed = await run(['dlq', 'list', '--consumer', 'clidlq_keys', '--limit', '1']);
    expect({ code: listed.code, stderr: listed.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = listed.stdout.split('\n');
    expect(lines[0]).toBe('2 dead letters, 1 shown (newest first)');
    expect(lines[1]).toMatch(/^\s*\d+ {2}\S+ {2}CLIDLQ\/clidlq_keys {2}clidlq\.keys {2}KEYS_UNREADABLE after 1 attempt: cannot apply this key set yet$/);
    expect(lines[2]).toMatch(/^more: palisade dlq list --consumer clidlq_keys --limit 1 --before \d+$/);

    const json = await run(['dlq', 'list', '--stream', 'CLIDLQ', '--json']);
    const page = JSON.parse(json.stdout) as { total: number; deadLetters: Array<{ id: string; messageId: string }> };
    expect(page.total).toBe(2);
    expect(page.deadLetters.map((d) => d.messageId)).toEqual(['clidlq-2', 'clidlq-1']);

    const shown = await run(['dlq', 'show', page.deadLetters[1].id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`dead letter ${page.deadLetters[1].id}\n`);
    expect(shown.stdout).toContain('  Palisade-Original-Subject: clidlq.keys');
    expect(shown.stdout).toContain('payload:\n  {\n    "sequence": 1,\n    "keyid": "key-1"\n  }');
    expect(JSON.parse((await run(['dlq', 'show', page.deadLetters[1].id, '--json'])).stdout)).toMatchObject({ payload: { sequence: 1, keyid: 'key-1' } });
  });

  it('redrives one, then all, each once, and refuses unknown ids, other callers and bad input', async () => {
    const page = (await h.bus.deadLetters().list({ consumer: 'clidlq_keys' })).deadLetters;
    const [newest, oldest] = page.map((d) => d.id);

    expect(await run(['dlq', 'list'], userToken)).toMatchObject({ code: 1, stderr: expect.stringContaining('only administrators may read dead letters') });
    expect(await run(['dlq', 'redrive', oldest], userToken)).toMatchObject({ code: 1, stderr: expect.stringContaining('only administrators may redrive dead letters') });
    expect(await run(['dlq', 'show', 'abc'])).toMatchObject({ code: 2, stderr: expect.stringContaining('"abc" is not a dead-letter id') });
    expect(await run(['dlq', 'show', '999999999'])).toMatchObject({ code: 1, stderr: expect.stringContaining('dead letter 999999999 is unknown or was redriven already') });

    broken = false;
    const one = await run(['dlq', 'redrive', oldest]);
    expect({ code: one.code, stderr: one.stderr }).toEqual({ code: 0, stderr: '' });
    expect(one.stdout.split('\n')).toEqual(['redrove 1 dead letter, each to the consumer that dead-lettered it:', `  ${oldest}  clidlq_keys  clidlq.keys  (message clidlq-1)`]);
    await waitFor(() => handled.length === 1, { timeoutMs: 10_000, message: 'the first replay handled' });
    expect(await run(['dlq', 'redrive', oldest])).toMatchObject({ code: 1, stderr: expect.stringContaining(`dead letter ${oldest} is unknown or was redriven already`) });

    const all = await run(['dlq', 'redrive', '--all', '--consumer', 'clidlq_keys']);
    expect(all).toMatchObject({ code: 0, stdout: expect.stringContaining(`  ${newest}  clidlq_keys  clidlq.keys  (message clidlq-2)`) });
    await waitFor(() => handled.length === 2, { timeoutMs: 10_000, message: 'the second replay handled' });
    expect(handled.map((m) => m.id)).toEqual(['clidlq-1', 'clidlq-2']);
    expect(await run(['dlq', 'list'])).toMatchObject({ code: 0, stdout: 'no dead letters' });
    expect(await run(['dlq', 'redrive', '--all'])).toMatchObject({ code: 0, stdout: 'nothing to redrive' });
  });
});
