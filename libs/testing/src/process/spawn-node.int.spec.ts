import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCleanups, tempDir } from '../cleanup';
import { isPalisadeError } from '@palisade/errors';
import { spawnNode } from './spawn-node';

const child = join(__dirname, '..', '__fixtures__', 'ts-child.ts');

afterAll(runCleanups);

describe('spawnNode', () => {
  it('runs a TypeScript script that imports @palisade libs, with decorator metadata, args and env', async () => {
    const handle = spawnNode(child, { args: ['world'], env: { CHILD_SETTING: 'from-parent' } });
    const line = await handle.waitForLine(/^\{/, 30_000);
    expect(JSON.parse(line)).toEqual({
      code: 'CHILD_FAILED',
      palisade: true,
      paramTypes: ['Dependency'],
      greeting: 'hello world',
      env: 'from-parent',
    });
    await expect(handle.exited).resolves.toEqual({ code: 0, signal: null });
  });

  it('stops a long-running child with a signal it handles, or kills it', async () => {
    const polite = spawnNode(child, { args: ['a', '--linger'] });
    await polite.waitForLine(/^ready$/, 30_000);
    expect(polite.isRunning()).toBe(true);
    await expect(polite.kill('SIGTERM')).resolves.toEqual({ code: 0, signal: null });
    expect(polite.stderr).toContain('stopping on SIGTERM');

    const stubborn = spawnNode(child, { args: ['b', '--linger'] });
    await stubborn.waitForLine(/^ready$/, 30_000);
    await expect(stubborn.kill('SIGKILL')).resolves.toEqual({ code: null, signal: 'SIGKILL' });
    expect(stubborn.isRunning()).toBe(false);
  });

  it('fails waitForLine with the output tail when the child exits without the line', async () => {
    const handle = spawnNode(child, { args: ['c'] });
    const failure: unknown = await handle.waitForLine(/never printed/, 30_000).catch((e: unknown) => e);
    expect(isPalisadeError(failure) && failure.code).toBe('TESTING_PROCESS_EXITED');
    expect(String((failure as Error).message)).toContain('hello c');
  });

  it('lets unknown @palisade names fail like any missing module', async () => {
    const dir = await tempDir();
    const script = join(dir, 'broken.ts');
    await writeFile(script, "import '@palisade/does-not-exist';\n");
    const handle = spawnNode(script);
    await expect(handle.exited).resolves.toEqual({ code: 1, signal: null });
    expect(handle.stderr.join('\n')).toContain("Cannot find module '@palisade/does-not-exist'");
  });
});
