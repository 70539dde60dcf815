// What each inference strategy costs, side by side, against the real inference service on the
// project's test model (its text means nothing; its token counts and timings are what the same request
// costs on the same server): the same prompt and output contract each time, only the strategy changes.
import type { ReviewStrategy } from '@aloe/shared/config';
import type { PatientContext } from '@aloe/shared/schemas';
import { quantile } from '@aloe/shared/stats';
import { inferenceRequestFor } from '../flows/review-context.js';
import { createInferenceCaller } from '../inference/inference-client.js';
import { runInputRails } from '../rails/input/run-input-rails.js';
import { startInferenceProcess } from './inference-process.js';

export interface StrategyCost {
  strategy: string;
  runs: number;
  medianMs: number;
  /** Generated tokens per request (all samples). */
  medianCompletionTokens: number;
  /** Median latency relative to the direct strategy. */
  timesDirect: number;
}

export async function measureStrategies(context: PatientContext, runs = 5): Promise<StrategyCost[]> {
  const inference = await startInferenceProcess();
  const caller = createInferenceCaller({
    address: inference.address,
    deadlineMs: 300_000,
    retry: { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0 },
  });
  const { context: safe } = runInputRails(context);
  const variants: Array<{ label: string; strategy: ReviewStrategy; samples: number }> = [
    { label: 'direct', strategy: 'direct', samples: 0 },
    { label: 'chain-of-thought', strategy: 'chain-of-thought', samples: 0 },
    { label: 'self-consistency, 3 samples', strategy: 'self-consistency', samples: 3 },
    { label: 'self-consistency, 5 samples', strategy: 'self-consistency', samples: 5 },
  ];
  const rows: Array<Omit<StrategyCost, 'timesDirect'>> = [];
  try {
    for (const variant of variants) {
      const ms: number[] = [];
      const tokens: number[] = [];
      for (let run = 0; run <= runs; run++) {
        // Another context id each run: another seed, as for another patient.
        const { request } = inferenceRequestFor(
          { ...safe, contextId: `${(0x1000_0000 + run).toString(16)}-0000-4000-8000-000000000000` },
          {
            maxTokens: 4_096,
            maxContextTokens: 12_000,
            temperature: 0.3,
            strategy: variant.strategy,
            selfConsistencySamples: variant.samples,
          },
        );
        const startedAt = performance.now();
        const response = await caller.generate(request, {});
        if (run === 0) continue; // warm-up: the prompt's first evaluation
        ms.push(performance.now() - startedAt);
        tokens.push(response.usage?.completionTokens ?? 0);
      }
      rows.push({
        strategy: variant.label,
        runs,
        medianMs: quantile(ms, 0.5),
        medianCompletionTokens: quantile(tokens, 0.5),
      });
    }
  } finally {
    caller.close();
    await inference.stop();
  }
  const direct = rows[0]!.medianMs;
  return rows.map((row) => ({ ...row, timesDirect: row.medianMs / direct }));
}
