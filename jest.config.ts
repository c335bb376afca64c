// Jest runs our TypeScript through @swc/jest as CommonJS; MikroORM and kysely
// ship ESM only, so they are transformed too. The OTLP exporter's CommonJS
// build loads node:http with a dynamic import(), which Jest's module registry
// refuses without --experimental-vm-modules: swc turns it into a require.
export default {
  testEnvironment: 'node',
  roots: [
    '<rootDir>/platform',
    '<rootDir>/subgraphs',
    '<rootDir>/demo',
    '<rootDir>/deploy',
    '<rootDir>/router',
    '<rootDir>/schema',
    '<rootDir>/test',
    '<rootDir>/scripts',
  ],
  testMatch: ['**/*.spec.ts'],
  // Each file ends what it started process-wide (test/support/jest-setup.ts).
  setupFilesAfterEnv: ['<rootDir>/test/support/jest-setup.ts'],
  transform: {
    '/@opentelemetry/otlp-exporter-base/.+\\.cjs$': [
      '@swc/jest',
      { jsc: { target: 'es2024', parser: { syntax: 'ecmascript' } }, module: { type: 'commonjs', ignoreDynamic: false } },
    ],
    '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2024', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: [
    '/node_modules/(?!(@mikro-orm|kysely|jose|graphql-ws|cockatiel|@opentelemetry/(exporter-trace-otlp-proto/node_modules/@opentelemetry/)?otlp-exporter-base)/)',
  ],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testTimeout: 60_000,
};
