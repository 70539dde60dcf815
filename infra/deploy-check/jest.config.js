import { jestPreset } from '../../jest.preset.js';

// Rendering the chart starts a JVM (helm-java) and the first run fetches its jars from Maven Central.
export default { ...jestPreset, testTimeout: 300_000 };
