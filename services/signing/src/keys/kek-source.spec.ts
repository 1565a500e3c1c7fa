import { chmod, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { runCleanups, tempDir } from '@palisade/testing';
import { writeFile } from 'node:fs/promises';
import { generatedKekWarning, KEK_FILE, loadKeyEncryptionKey } from './kek-source';

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

  it('reads a KEK file kept outside the data folder, and refuses it when others can read it', async () => {
    const dir = await tempDir();
    const elsewhere = join(await tempDir(), 'kek');
    const value = randomBytes(32).toString('base64');
    await writeFile(elsewhere, `${value}\n`, { mode: 0o600 });
    const loaded = await loadKeyEncryptionKey(undefined, dir, elsewhere);
    expect([loaded.source, loaded.kek.toBase64(), loaded.path]).toEqual(['kek-file', value, elsewhere]);
    await expect(stat(join(dir, KEK_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
    await chmod(elsewhere, 0o640);
    await expect(loadKeyEncryptionKey(undefined, dir, elsewhere)).rejects.toMatchObject({ code: 'SIGNING_KEK_FILE_UNSAFE' });
  });

  it('warns in one line naming the file and both ways to supply the KEK', () => {
    const warning = generatedKekWarning('/data/signing.kek');
    expect(warning).not.toContain('\n');
    expect(warning).toContain('/data/signing.kek');
    expect(warning).toContain('PALISADE_SIGNING_KEK=');
    expect(warning).toContain('PALISADE_SIGNING_KEK_FILE=');
  });
});
