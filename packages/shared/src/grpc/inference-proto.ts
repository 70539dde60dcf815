import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from './generated/inference.js';

/** The proto file, shipped with the package (`@aloe/shared/proto/...`). */
export const INFERENCE_PROTO_PATH = fileURLToPath(
  new URL('../../proto/aloe/inference/v1/inference.proto', import.meta.url),
);

/** Loader options; they must match the `generate:types` flags so the generated types fit. */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** The fully-qualified service name, as health checks and reflection name it. */
export const INFERENCE_SERVICE_NAME = 'aloe.inference.v1.Inference';

/** Loads `aloe.inference.v1` with its generated types: `.aloe.inference.v1.Inference` is the service. */
export function loadInferenceProto(definition = loadInferencePackageDefinition()): ProtoGrpcType {
  return grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
}

/** The raw package definition (for server reflection; pass it to loadInferenceProto to parse the file once). */
export function loadInferencePackageDefinition(): protoLoader.PackageDefinition {
  return protoLoader.loadSync(INFERENCE_PROTO_PATH, PROTO_LOADER_OPTIONS);
}

/**
 * Aloe's own system prompt, from the model cards (docs/research-notes.md#system-prompt; "Center(BSC)" without
 * a space is the original). It goes first in every conversation; product instructions follow it, never
 * replace it.
 */
export const ALOE_SYSTEM_PROMPT =
  'You are an expert medical assistant named Aloe, developed by the High Performance Artificial Intelligence Group at Barcelona Supercomputing Center(BSC). You are to be a helpful, respectful, and honest assistant.';
