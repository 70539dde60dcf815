import { Counter, Histogram, type Registry } from 'prom-client';
import type { HarmClassifier } from './harm-classifier.js';

/**
 * The learned harm rail with Prometheus series: texts by the stage that read them and whether they
 * were flagged, and the time per call (one suggestion set). A rise in transformer reads is the first
 * sign that what the model writes has drifted from what the screen was trained on, and the reads are
 * what the rail's p99 depends on.
 */
export function withHarmMetrics(harm: HarmClassifier, registry: Registry): HarmClassifier {
  const texts = new Counter({
    name: 'aloe_guardrails_harm_texts_total',
    help: 'Texts the learned harm rail scored, by the stage that read them (screen or encoder) and whether it flagged them',
    labelNames: ['stage', 'flagged'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'aloe_guardrails_harm_seconds',
    help: 'Time the learned harm rail took per call (one suggestion set)',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5],
    registers: [registry],
  });
  const score: HarmClassifier['score'] = async (batch) => {
    const stop = duration.startTimer();
    const scores = await harm.score(batch);
    stop();
    for (const result of scores)
      texts.inc({ stage: result.stage, flagged: String(harm.findings(result).length > 0) });
    return scores;
  };
  return {
    threshold: harm.threshold,
    id: harm.id,
    score,
    findings: harm.findings,
    // The findings the classifier gives for its scores (harm-classifier.ts), from the counted scores.
    assess: async (batch) => (await score(batch)).map(harm.findings),
    close: () => harm.close(),
  };
}
