import { jestPreset } from '../../jest.preset.js';

export default {
  ...jestPreset,
  globalSetup: '<rootDir>/../../infra/kafka/jest-global-setup.js',
};
