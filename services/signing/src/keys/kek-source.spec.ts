import { chmod, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { runCleanups, tempDir } from '@palisade/testing';
import { KEK_FILE, loadKeyEncryptionKey } from './kek-source';

afterAll(runCleanups);

describe('loadKeyEncryptionKey', () => {
  it('uses the configured KEK and writes no file', async () => {
    const dir = await tempDir();
    const configured = randomBytes(32).toString('base64');
    const { kek, source } = await loadKeyEncryptionKey(configured, dir);
    expect([source, kek.toBase64()]).toEqual(['config', configured]);
    await expect(stat(join(dir, KEK_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('generates a 0600 KEK file once and reuses it', async () => {
    const dir = await tempDir();
    const first = await loadKeyEncryptionKey(undefined, dir);
    const second = await loadKeyEncryptionKey(undefined, dir);
    expect(first.source).toBe('file');
    expect(second.kek.toBase64()).toBe(first.kek.toBase64());
    expect((await stat(join(dir, KEK_FILE))).mode & 0o777).toBe(0o600);
    expect((await readFile(join(dir, KEK_FILE), 'utf8')).trim()).toBe(first.kek.toBase64());
  });

  it('refuses a KEK file others can read', async () => {
    const dir = await tempDir();
    await loadKeyEncryptionKey(undefined, dir);
    await chmod(join(dir, KEK_FILE), 0o644);
    await expect(loadKeyEncryptionKey(undefined, dir)).rejects.toMatchObject({ code: 'SIGNING_KEK_FILE_UNSAFE' });
  });
});
