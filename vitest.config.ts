// Tests run against real DynamoDB Local and real Postgres, started once in test/global-setup.ts.
import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // graphql 16 ships CJS (main) and ESM (module) builds; Node loads the CJS one for our dependencies, so tests
  // must too, or two graphql realms meet ("Cannot use GraphQLObjectType from another module or realm").
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    globalSetup: ['test/global-setup.ts'],
    include: [
      'src/**/*.test.ts',
      'test/**/*.test.ts',
      'scripts/**/*.test.ts',
      'bench/**/*.test.ts',
      'resolvers/**/*.test.ts',
      'web/**/*.test.ts',
      'infra/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A JSON report beside the console one: .ci/run turns it into the plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
  },
});
