// Shared jest settings: TypeScript ESM compiled by swc (type checking is tsc's job, in `npm run lint`).
// Each package's jest.config.js spreads this and adds its own test roots.
export const jestPreset = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
  // Relative imports end in `.js` (NodeNext); in tests they resolve to the `.ts` source.
  // `@aloe/shared/<subpath>` resolves to its TypeScript source, so tests never run against a stale build.
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^@aloe/shared/([a-z-]+)$': '<rootDir>/../../packages/shared/src/$1/index.ts',
    '^@aloe/sandbox-ehr$': '<rootDir>/../../infra/sandbox-ehr/src/index.ts',
    '^@aloe/clinical-knowledge$': '<rootDir>/../../packages/clinical-knowledge/src/index.ts',
  },
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  testTimeout: 60_000,
};
