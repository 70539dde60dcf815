import { jestPreset } from '../../jest.preset.js';

export default {
  ...jestPreset,
  globalSetup: '<rootDir>/jest.global-setup.js',
  // One suite at a time: the chaos run restarts the broker and loads both cores; `dev.sh up` must not
  // run beside it.
  maxWorkers: 1,
};
