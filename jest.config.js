// One Jest run covers unit, integration and e2e tests; projects let each be run alone.
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
    module: { type: 'commonjs' },
  },
];

const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@palisade/service-([a-z]+)$': '<rootDir>/services/$1/src',
    '^@palisade/([a-z-]+)$': '<rootDir>/libs/$1/src',
  },
  // Fixture packages are data (their package.json files would collide as Haste modules).
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/libs/.*/dist/', '<rootDir>/services/.*/dist/', '<rootDir>/libs/package-heuristics/src/__fixtures__/(attacks|benign-synthetic)/'],
};

module.exports = {
  reporters: ['default', '<rootDir>/tools/jest/summary-reporter.js'],
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{libs,services,apps,tools}/**/*.spec.ts'],
      testPathIgnorePatterns: ['\\.int\\.spec\\.ts$', '/node_modules/'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,services,apps,tools}/**/*.int.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tools/jest/integration-timeout.js'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/e2e/**/*.e2e.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tools/jest/integration-timeout.js'],
    },
    {
      ...shared,
      // Hostile input against the real HTTP API (`npm run test:adversarial`): each test drives one
      // attack and asserts the status, the npm-shaped JSON error and that nothing was stored.
      displayName: 'adversarial',
      testMatch: ['<rootDir>/e2e/adversarial/**/*.adversarial.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tools/jest/integration-timeout.js'],
    },
    {
      ...shared,
      // Fault injection under load (`npm run test:faults`, issue 14): services killed, NATS restarted,
      // PostgreSQL stopped, a consumer frozen, poison messages; prints a table per mode.
      displayName: 'faults',
      testMatch: ['<rootDir>/e2e/faults/**/*.faults.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tools/jest/integration-timeout.js'],
    },
  ],
};
