import { Worker } from 'node:worker_threads';

/**
 * The worker's whole program. Plain JavaScript evaluated in the worker, so it runs the same from
 * TypeScript sources (tests, `npm start`) and from the build; it loads the same secure-json-parse
 * the framework's own JSON parser uses, by the path the gateway resolved.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const sjson = require(workerData.secureJsonParse);
const isRecord = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
parentPort.on('message', ({ id, bytes, publishOnly }) => {
  let value;
  try {
    value = sjson.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), null, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
    return;
  }
  // Not sent back when it cannot be what the caller waits for: copying a big document between
  // threads costs as much as parsing it.
  if (publishOnly && !(isRecord(value) && isRecord(value._attachments) && Object.keys(value._attachments).length > 0)) {
    parentPort.postMessage({ id, notPublish: true });
    return;
  }
  parentPort.postMessage({ id, value });
});
`;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

type Answer = { id: number; value?: unknown; error?: string; notPublish?: true };

/** A document the worker could not parse (bad syntax, or a key that reaches a prototype). */
export class JsonSyntaxError extends Error {}

/** A document parsed with `publishOnly` that has no attachments, so is no publish. */
export class NotAPublishError extends Error {}

/**
 * Parses large JSON bodies on a worker thread: decoding and parsing tens of MiB blocks a thread
 * for seconds on a loaded machine, and on the main thread that stalls every other request. One
 * worker, started on first use; the caller bounds how many bodies wait for it (LargeBodyGate).
 */
export class JsonParseWorker {
  #worker: Worker | undefined;
  #nextId = 0;
  readonly #pending = new Map<number, Pending>();

  /**
   * Parses `bytes`, which must own its whole ArrayBuffer: it is moved to the worker, not copied.
   * With `publishOnly`, a document without attachments is refused with NotAPublishError.
   */
  parse(bytes: Buffer, publishOnly = false): Promise<unknown> {
    const worker = this.#started();
    const id = (this.#nextId += 1);
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, bytes, publishOnly }, [bytes.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker) await worker.terminate();
  }

  #started(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { secureJsonParse: require.resolve('secure-json-parse') } });
    // An idle parser must not keep a stopping process alive.
    worker.unref();
    worker.on('message', (answer: Answer) => {
      const pending = this.#pending.get(answer.id);
      if (!pending) return;
      this.#pending.delete(answer.id);
      if (answer.error !== undefined) pending.reject(new JsonSyntaxError(answer.error));
      else if (answer.notPublish) pending.reject(new NotAPublishError('the document has no attachments'));
      else pending.resolve(answer.value);
    });
    const fail = (error: Error) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the JSON parse worker stopped (exit code ${code})`)));
    this.#worker = worker;
    return worker;
  }
}
