/**
 * Span attribute names. Spans leave the process for a tracing backend, which is not a PHI store: they
 * carry pseudonyms, context/set ids, codes and counts only — never a name, an EHR patient id, or text.
 * Messaging and RPC names follow the OpenTelemetry semantic conventions (still "incubating" there, so
 * spelled out here rather than imported from an unstable entry point).
 */
export const Attr = {
  // Aloe's own (PHI-free by construction)
  ContextId: 'aloe.context.id',
  PatientPseudonym: 'aloe.patient.pseudonym',
  SuggestionSetId: 'aloe.suggestion_set.id',
  Trigger: 'aloe.trigger',
  CdsHook: 'aloe.cds.hook',
  Outcome: 'aloe.outcome',
  /** What the input rails found (instructions removed, text cut): how many. */
  RailFindings: 'aloe.rails.findings',
  /** Suggestions in a set after the output rails. */
  Suggestions: 'aloe.suggestions',
  /** Whether the EHR sent resources with the call (CDS Hooks prefetch), so fewer were read. */
  EhrPrefetched: 'aloe.ehr.prefetched',
  /** Resources read from, or written to, the EHR. */
  EhrResources: 'aloe.ehr.resources',
  Verdict: 'aloe.verdict',
  AuditSeq: 'aloe.audit.seq',
  /** The caller's id of an inference request (guardrails uses the context id). */
  InferenceRequestId: 'aloe.inference.request.id',
  Attempt: 'aloe.attempt',
  // Messaging (Kafka)
  MessagingSystem: 'messaging.system',
  MessagingDestination: 'messaging.destination.name',
  MessagingOperationType: 'messaging.operation.type',
  MessagingOperationName: 'messaging.operation.name',
  MessagingConsumerGroup: 'messaging.consumer.group.name',
  MessagingPartition: 'messaging.destination.partition.id',
  MessagingBatchCount: 'messaging.batch.message_count',
  /** The `correlation-id` header: a context id, an event id, a hook instance (never PHI). */
  MessagingConversationId: 'messaging.message.conversation_id',
  KafkaOffset: 'messaging.kafka.offset',
  /** The message key: a patient pseudonym on every Aloe topic. */
  KafkaMessageKey: 'messaging.kafka.message.key',
  // RPC (gRPC)
  RpcSystem: 'rpc.system',
  RpcService: 'rpc.service',
  RpcMethod: 'rpc.method',
  RpcGrpcStatusCode: 'rpc.grpc.status_code',
} as const;
