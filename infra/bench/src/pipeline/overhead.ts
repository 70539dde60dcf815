/**
 * One patient through the pipeline, as epoch milliseconds seen by the bench and in the services' logs
 * (one machine, one clock; log times have millisecond resolution).
 */
export interface PatientTimeline {
  /** The bench sent `POST /api/v1/patients/:id/analyze`. */
  requestedAt: number;
  /** The adapter answered 202. */
  acceptedAt: number;
  /** The adapter logged the context produced to Kafka (`patient context published`). */
  contextPublishedAt: number;
  /** The bench's own consumer received the suggestion set from the suggestions topic. */
  setOnTopicAt: number;
  /** The adapter logged the set handled: written back to the EHR (or nothing to write). */
  writtenAt: number;
  /** The set's own `timingsMs` (guardrails): `inference` is its gRPC call to the model, `total` its work. */
  timingsMs: { inference: number; total: number; inputRails?: number; outputRails?: number };
}

/** Where a patient's time went, in milliseconds; `overhead` is everything but the model. */
export interface OverheadBreakdown {
  endToEnd: number;
  model: number;
  /** endToEnd − model. */
  overhead: number;
  /** Request to the context on Kafka: the analyze call, the chart read from the EHR, the produce. */
  capture: number;
  /** Guardrails' own work around the model call (rails, prompt, parsing), from the set's timings. */
  guardrailsWork: number;
  /** The rest up to the set on the topic: Kafka hops and waits, the audit append, the set's produce. */
  transportAndAudit: number;
  /** Set on the topic to the adapter's write to the EHR (consume, card store, EHR reads, transaction). */
  writeBack: number;
}

export function overheadOf(timeline: PatientTimeline): OverheadBreakdown {
  const { requestedAt, contextPublishedAt, setOnTopicAt, writtenAt, timingsMs } = timeline;
  const ordered = [requestedAt, timeline.acceptedAt, setOnTopicAt].every(
    (time, i, all) => i === 0 || time >= all[i - 1]!,
  );
  if (!ordered || contextPublishedAt < requestedAt || writtenAt < contextPublishedAt)
    throw new Error(`patient timeline out of order: ${JSON.stringify(timeline)}`);
  const endToEnd = writtenAt - requestedAt;
  const model = timingsMs.inference;
  const capture = contextPublishedAt - requestedAt;
  const guardrailsWork = timingsMs.total - timingsMs.inference;
  const toTopic = setOnTopicAt - requestedAt;
  return {
    endToEnd,
    model,
    overhead: endToEnd - model,
    capture,
    guardrailsWork,
    transportAndAudit: toTopic - model - capture - guardrailsWork,
    writeBack: writtenAt - setOnTopicAt,
  };
}
