import { buffer } from 'node:stream/consumers';
import { HeldTail } from './held-tail';

describe('HeldTail', () => {
  it('delivers everything once the source ended and the bytes were released', async () => {
    const tail = new HeldTail();
    tail.write(Buffer.from('ab'));
    tail.write(Buffer.from('cd'));
    tail.end();
    tail.release();
    expect((await buffer(tail)).toString()).toBe('abcd');
  });

  it('holds the last chunk back until released', async () => {
    const tail = new HeldTail();
    const seen: string[] = [];
    tail.on('data', (chunk: Buffer) => seen.push(chunk.toString()));
    tail.write(Buffer.from('ab'));
    tail.write(Buffer.from('cd'));
    tail.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['ab']);
    const ended = new Promise((resolve) => tail.on('end', resolve));
    tail.release();
    await ended;
    expect(seen).toEqual(['ab', 'cd']);
  });

  it('never hands over the last chunk of aborted bytes', async () => {
    const tail = new HeldTail();
    const seen: string[] = [];
    tail.on('data', (chunk: Buffer) => seen.push(chunk.toString()));
    const failed = new Promise<Error>((resolve) => tail.on('error', resolve));
    tail.write(Buffer.from('ab'));
    tail.write(Buffer.from('cd'));
    tail.end();
    tail.abort(new Error('integrity mismatch'));
    expect((await failed).message).toBe('integrity mismatch');
    expect(seen.join('')).not.toContain('cd');
  });

  it('works when release comes before the end of the source', async () => {
    const tail = new HeldTail();
    tail.release();
    tail.write(Buffer.from('x'));
    tail.end();
    expect((await buffer(tail)).toString()).toBe('x');
  });
});
