import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPalisadeError } from '@palisade/errors';
import { resolveNatsServerBinary } from './nats-binary';

describe('resolveNatsServerBinary', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nats-bin-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const executable = async (name: string): Promise<string> => {
    const file = join(dir, name);
    await writeFile(file, '#!/bin/sh\n');
    await chmod(file, 0o755);
    return file;
  };

  it('prefers NATS_SERVER_BIN, then PATH', async () => {
    const explicit = await executable('custom-nats');
    const onPath = await executable('nats-server');
    expect(resolveNatsServerBinary({ NATS_SERVER_BIN: explicit, PATH: dir })).toBe(explicit);
    expect(resolveNatsServerBinary({ PATH: `/nowhere:${dir}` })).toBe(onPath);
  });

  it('refuses a NATS_SERVER_BIN that is not executable, naming it', () => {
    const attempt = (): string => resolveNatsServerBinary({ NATS_SERVER_BIN: join(dir, 'missing'), PATH: '' });
    expect(attempt).toThrow(/NATS_SERVER_BIN=.*missing/);
    try {
      attempt();
    } catch (e: unknown) {
      expect(isPalisadeError(e) && e.code).toBe('TESTING_NATS_BINARY_MISSING');
    }
  });
});
