import { makeTarball, publishBody, runCleanups, tempDir } from '@palisade/testing';
import { startStack } from './support/stack';

// `npm start` keeps everything under PALISADE_DATA_DIR: a restart serves what was published.
describe('embedded mode across a restart', () => {
  afterAll(runCleanups);

  it('serves packages published before the restart, bytes unchanged', async () => {
    const dataDir = await tempDir('palisade-restart-');
    const adminToken = 'pal_restart_admin_token_0123456789';
    const manifest = { name: 'survives-restart', version: '1.0.0' };
    const tarball = makeTarball([{ path: 'package/package.json', content: JSON.stringify(manifest) }]);

    const first = await startStack('embedded', { PALISADE_DATA_DIR: dataDir, PALISADE_BOOTSTRAP_TOKEN: adminToken });
    const published = await fetch(`${first.registry()}survives-restart`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify(publishBody(manifest, tarball)),
    });
    expect(published.status).toBe(201);
    await first.stop();

    const second = await startStack('embedded', { PALISADE_DATA_DIR: dataDir, PALISADE_BOOTSTRAP_TOKEN: adminToken });
    const doc = (await (await fetch(`${second.registry()}survives-restart`)).json()) as { versions: Record<string, { dist: { tarball: string } }> };
    const bytes = Buffer.from(await (await fetch(doc.versions['1.0.0'].dist.tarball)).arrayBuffer());
    expect(bytes.equals(tarball)).toBe(true);
    const whoami = await fetch(`${second.registry()}-/whoami`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(await whoami.json()).toEqual({ username: 'admin' });
    await second.stop();
  });
});
