import { jestPreset } from '../../jest.preset.js';

export default {
  ...jestPreset,
  globalSetup: '<rootDir>/jest.global-setup.js',
  testEnvironment: '<rootDir>/jest.environment.js',
};
