import { resolve } from 'node:path';
import { runCommand } from '@palisade/testing';

// `npx palisade` goes through bin/palisade.js, built or not.
describe('the palisade executable', () => {
  it('prints its usage', async () => {
    const result = await runCommand(process.execPath, [resolve(__dirname, '../bin/palisade.js'), '--help'], { cwd: __dirname, env: process.env });
    expect(result.code).toBe(0);
    expect(result.output).toContain('usage: palisade verify');
  });
});
