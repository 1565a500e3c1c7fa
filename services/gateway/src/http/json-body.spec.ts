import { readFileSync, readdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { OFF_THREAD_JSON_BYTES, readJsonBody } from './json-body';
import { JsonParseWorker } from './json-parse-worker';

const worker = new JsonParseWorker();
afterAll(() => worker.close());

const stream = (text: string) => Readable.from([Buffer.from(text)]);
const large = (fields: string) => `{${fields}"padding":"${'x'.repeat(OFF_THREAD_JSON_BYTES)}"}`;
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe('readJsonBody', () => {
  it('parses small bodies inline and large ones on the worker, to the same document', async () => {
    await expect(readJsonBody(stream('{"a":[1,{"b":"c"}]}'), worker)).resolves.toEqual({ a: [1, { b: 'c' }] });
    const parsed = (await readJsonBody(stream(large('"a":1,')), worker)) as Record<string, unknown>;
    expect(parsed.a).toBe(1);
    expect(parsed.padding).toHaveLength(OFF_THREAD_JSON_BYTES);
  });

  it.each([
    ['small', (fields: string) => `{${fields}"x":1}`],
    ['large', large],
  ])('refuses %s documents whose keys reach a prototype, and broken or empty ones, with 400', async (_size, doc) => {
    for (const text of [doc('"__proto__":{"polluted":true},'), doc('"constructor":{"prototype":{"polluted":true}},'), doc('"a":').replace('"a":', '"a":,')]) {
      expect(await failure(readJsonBody(stream(text), worker))).toMatchObject({ code: 'PAL_ERR_BAD_REQUEST', status: 400 });
    }
    expect(await failure(readJsonBody(stream(''), worker))).toMatchObject({ code: 'PAL_ERR_BAD_REQUEST' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers a large document for a first publish that carries no attachments 404, and hands over one that does', async () => {
    expect(await failure(readJsonBody(stream(large('"name":"fresh",')), worker, 'fresh'))).toMatchObject({ code: 'PAL_ERR_NOT_FOUND', message: expect.stringContaining('fresh') });
    const publish = (await readJsonBody(stream(large('"_attachments":{"fresh-1.0.0.tgz":{"data":"AAAA"}},')), worker, 'fresh')) as Record<string, unknown>;
    expect(publish._attachments).toEqual({ 'fresh-1.0.0.tgz': { data: 'AAAA' } });
  });

  it('reads only its own bytes from a buffer an earlier, longer body used', async () => {
    const longer = (await readJsonBody(stream(large(`"a":"${'y'.repeat(4 * OFF_THREAD_JSON_BYTES)}",`)), worker)) as Record<string, unknown>;
    expect(longer.a).toHaveLength(4 * OFF_THREAD_JSON_BYTES);
    const shorter = Buffer.from(large('"b":2,'));
    const chunks = Array.from({ length: Math.ceil(shorter.length / 4096) }, (_, i) => shorter.subarray(i * 4096, (i + 1) * 4096));
    await expect(readJsonBody(Readable.from(chunks), worker)).resolves.toEqual({ b: 2, padding: 'x'.repeat(OFF_THREAD_JSON_BYTES) });
  });

  it('parses on a thread of the lowest CPU priority, leaving the main thread as it was', async () => {
    await readJsonBody(stream(large('"c":3,')), worker);
    // Field 19 of /proc/<pid>/task/<tid>/stat is the thread's nice value (Linux, as in CI).
    const niceOf = (task: string) => Number(readFileSync(`/proc/self/task/${task}/stat`, 'utf8').split(') ')[1].split(' ')[16]);
    const tasks = readdirSync('/proc/self/task');
    expect(niceOf(String(process.pid))).toBe(0);
    expect(tasks.map(niceOf)).toContain(19);
  });
});
