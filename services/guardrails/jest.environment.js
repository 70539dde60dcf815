// Jest runs tests in a vm context with its own typed-array classes, while onnxruntime-node's native
// binding returns tensors built on the main realm's Float32Array; onnxruntime-common's `instanceof`
// check then rejects them. Test files get the main realm's class (the service itself has one realm).
import { TestEnvironment } from 'jest-environment-node';

export default class GuardrailsTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.Float32Array = Float32Array;
  }
}
