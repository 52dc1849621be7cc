import { defineConfig, type TestProjectConfiguration } from 'vitest/config';

// The integration suite runs once per database: always on SQLite, and again on PostgreSQL when
// TEST_DATABASE_URL is set (CI starts a server). The multi-instance suite needs Redis too.
const pg = !!process.env.TEST_DATABASE_URL;
const redis = pg && !!process.env.TEST_REDIS_URL;

const projects: TestProjectConfiguration[] = [
  { extends: true as const, test: { name: 'unit', include: ['src/**/*.test.ts'] } },
  { extends: true as const, test: { name: 'sqlite', include: ['test/**/*.test.ts'], exclude: ['test/scaled/**', 'test/e2e/**'], env: { TANDEM_TEST_DIALECT: 'sqlite' } } },
  // The web client in a real browser (Debian's Chromium), against the built client; SQLite only.
  { extends: true as const, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: ['test/e2e/global-setup.ts'], testTimeout: 90_000, env: { TANDEM_TEST_DIALECT: 'sqlite' } } },
];
if (pg) {
  projects.push({ extends: true as const, test: { name: 'postgres', include: ['test/**/*.test.ts'], exclude: ['test/scaled/**', 'test/e2e/**'], env: { TANDEM_TEST_DIALECT: 'postgres' } } });
}
if (redis) {
  projects.push({ extends: true as const, test: { name: 'scaled', include: ['test/scaled/**/*.test.ts'], exclude: [], env: { TANDEM_TEST_DIALECT: 'postgres' } } });
}

export default defineConfig({
  test: {
    projects,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
  },
});
