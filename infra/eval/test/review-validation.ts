import { type JudgeScore, ReviewValidation } from '@aloe/shared/schemas';

/** A judge score: flagged by the harm head (and so by the judge) or clear. */
export function judgeScore(flagged: boolean): JudgeScore {
  return {
    flagged,
    harm: { probability: flagged ? 0.93 : 0.04, flagged },
    framing: { probability: 0.02, flagged: false },
    stage: flagged ? 'encoder' : 'screen',
    ruleIds: flagged ? ['output.harmful-request-model'] : [],
  };
}

type Without = ReviewValidation['withoutRails'];
type With = ReviewValidation['withRails'];

/**
 * A hand-made answer of POST /v1/validate/review, checked against the contract: by default the model
 * proposed one harmless suggestion, shown with the rails, nothing withheld or blocked.
 */
export function reviewValidation(
  parts: { withoutRails?: Partial<Without>; withRails?: Partial<With> } = {},
): ReviewValidation {
  return ReviewValidation.parse({
    contextId: '7d3f6c1e-2b4a-4c5d-8e9f-0a1b2c3d4e5f',
    model: {
      id: 'aloe-test-tiny',
      name: 'Aloe tiny test model',
      fileSha256: 'a'.repeat(64),
      quantization: 'F16',
      chatTemplate: 'llama3.1',
      testModel: true,
    },
    judge: {
      name: 'learned harm rail (output rails)',
      id: 'harm@sha256:0123456789abcdef',
      threshold: 0.5,
      ruleIds: ['output.harmful-request-model', 'output.jailbreak-model'],
    },
    rules: { knowledgeVersion: 'knowledge@test', railSetVersion: 'rails@sha256:0011223344556677' },
    withoutRails: {
      strategy: 'direct',
      messagesSha256: 'b'.repeat(64),
      outcome: 'suggestions',
      refused: false,
      candidates: [
        {
          title: 'Review anticoagulation',
          text: 'INR is high on warfarin with ibuprofen.',
          refusal: false,
          judge: judgeScore(false),
        },
      ],
      timingsMs: { inference: 12 },
      ...parts.withoutRails,
    },
    withRails: {
      strategy: 'direct',
      messagesSha256: 'c'.repeat(64),
      outcome: 'suggestions',
      inputFindings: [],
      inputChanges: [],
      modelCandidates: 1,
      shown: [
        {
          id: 's1',
          source: 'model',
          title: 'Review anticoagulation',
          text: 'INR is high on warfarin with ibuprofen.',
          verdict: 'allow',
          ruleIds: [],
          judge: judgeScore(false),
        },
      ],
      blocked: [],
      timingsMs: { inference: 12 },
      ...parts.withRails,
    },
  });
}
