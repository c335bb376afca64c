// Jest runs our TypeScript through @swc/jest as CommonJS; MikroORM and kysely
// ship ESM only, so they are transformed too.
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
  transform: {
    '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2024', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@mikro-orm|kysely|jose|graphql-ws|cockatiel)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testTimeout: 60_000,
};
