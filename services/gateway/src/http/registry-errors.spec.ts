import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { RegistryErrors, RegistryHttpError, type RegistryErrorCode } from './registry-errors';

describe('registry error catalogue', () => {
  const readme = readFileSync(resolve(__dirname, '../../../../README.md'), 'utf8');
  const codes = Object.keys(RegistryErrors) as RegistryErrorCode[];

  it.each(codes)('%s is documented in the README with its status', (code) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    expect({ code, documented: row !== undefined }).toEqual({ code, documented: true });
    expect(row).toContain(`| ${RegistryErrors[code].status} |`);
  });

  it('answers with the body npm prints', () => {
    const error = new RegistryHttpError('PAL_ERR_VERSION_EXISTS', '1.0.0');
    expect(error.status).toBe(409);
    expect(error.toBody()).toEqual({ error: 'cannot publish over the previously published version 1.0.0', code: 'PAL_ERR_VERSION_EXISTS' });
    expect(new RegistryHttpError('PAL_ERR_NOT_FOUND').message).toBe('not found');
  });
});
