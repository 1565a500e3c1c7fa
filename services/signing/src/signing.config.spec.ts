import { ConfigError, loadConfig } from '@palisade/config';
import { signingConfig, standaloneSigningConfig } from './signing.config';

const KEK = Buffer.alloc(32, 7).toString('base64');
const problemsOf = (run: () => unknown): string => {
  try {
    run();
    return '';
  } catch (error: unknown) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
};

describe('signing configuration', () => {
  it('lets the embedded mode generate its KEK in the data folder', () => {
    expect(problemsOf(() => loadConfig(signingConfig, {}))).toBe('');
  });

  it('refuses to run on its own without an external KEK, and says how to supply one', () => {
    const message = problemsOf(() => loadConfig(standaloneSigningConfig, {}));
    expect(message).toMatch(/PALISADE_SIGNING_KEK: required when the signing service runs on its own/);
    expect(message).toContain('PALISADE_SIGNING_KEK_FILE');
    expect(problemsOf(() => loadConfig(standaloneSigningConfig, { PALISADE_SIGNING_KEK: KEK }))).toBe('');
    expect(problemsOf(() => loadConfig(standaloneSigningConfig, { PALISADE_SIGNING_KEK_FILE: '/run/secrets/kek' }))).toBe('');
  });

  it('refuses both a KEK and a KEK file', () => {
    expect(problemsOf(() => loadConfig(signingConfig, { PALISADE_SIGNING_KEK: KEK, PALISADE_SIGNING_KEK_FILE: '/run/secrets/kek' }))).toMatch(/not both/);
  });
});
