import { describe, expect, it } from '@jest/globals';
import { INFERENCE_SERVICE_NAME, loadInferenceProto } from './inference-proto.js';

describe('loadInferenceProto', () => {
  it('loads aloe.inference.v1 with its three methods', () => {
    const proto = loadInferenceProto();
    const service = proto.aloe.inference.v1.Inference.service;
    expect(Object.keys(service).sort()).toEqual(['GenerateStream', 'GetModelInfo', 'Generate'].sort());
    expect(service.GenerateStream.responseStream).toBe(true);
    expect(service.Generate.path).toBe(`/${INFERENCE_SERVICE_NAME}/Generate`);
  });

  it('round-trips a request through the wire format with the generated field names', () => {
    const proto = loadInferenceProto();
    const method = proto.aloe.inference.v1.Inference.service.Generate;
    const request = {
      requestId: 'r-1',
      messages: [{ role: 'ROLE_USER', content: 'hello' }],
      maxTokens: 64,
      strategy: 'STRATEGY_SELF_CONSISTENCY',
      samples: 5,
      jsonSchema: '{"type":"object"}',
    };
    const decoded = method.requestDeserialize(method.requestSerialize(request as never));
    expect(decoded).toMatchObject(request);
  });
});
