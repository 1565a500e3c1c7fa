// Integration and e2e tests start real servers and processes: give them room, per test file.
jest.setTimeout(Number(process.env.PALISADE_TEST_TIMEOUT_MS ?? 120000));
