// Lint: typescript-eslint everywhere; resolvers/ additionally follow AppSync's own rules so they stay deployable.
import appsync from '@aws-appsync/eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'cdk.out/**',
      '.data/**',
      'tmp/**',
      'bench/results/**',
      'resolvers/lib/schema.generated.ts',
      'web/app/gql/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: [
      'test/**/*.ts',
      'src/**/*.test.ts',
      'scripts/**/*.test.ts',
      'infra/**/*.test.ts',
      'infra/synth-helpers.ts',
      'src/data/seed.ts',
      'bench/**/*.ts',
    ],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['resolvers/**/*.ts'],
    ...appsync.configs.recommended,
    languageOptions: { ...appsync.configs.recommended.languageOptions, parserOptions: { project: './tsconfig.json' } },
  },
);
