import { INFERENCE_MAX_MESSAGE_BYTES } from '@aloe/shared/config';
import {
  INFERENCE_SERVICE_NAME,
  loadInferencePackageDefinition,
  loadInferenceProto,
} from '@aloe/shared/grpc';
import * as grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { createInferenceHandlers, type HandlerDeps } from './handlers.js';

export interface InferenceServer {
  readonly port: number;
  /** Marks the service SERVING (after the model loaded) or NOT_SERVING (at shutdown). */
  setServing(serving: boolean): void;
  /** Waits for calls in flight up to `graceMs`, then cuts the rest. */
  shutdown(graceMs: number): Promise<void>;
}

/**
 * A gRPC server with aloe.inference.v1.Inference, the standard grpc.health.v1.Health (NOT_SERVING
 * until the model is loaded) and server reflection, bound to host:port (port 0 = any free port).
 */
export async function createInferenceServer(
  deps: HandlerDeps & { host: string; port: number },
): Promise<InferenceServer> {
  // A bigger message is RESOURCE_EXHAUSTED from grpc-js itself; under it, the runtime's byte bound
  // (INFERENCE_MAX_PROMPT_BYTES, always smaller) answers INVALID_ARGUMENT before any work.
  const server = new grpc.Server({ 'grpc.max_receive_message_length': INFERENCE_MAX_MESSAGE_BYTES });
  const definition = loadInferencePackageDefinition();
  const proto = loadInferenceProto(definition);
  server.addService(proto.aloe.inference.v1.Inference.service, createInferenceHandlers(deps));
  const health = new HealthImplementation({ '': 'NOT_SERVING', [INFERENCE_SERVICE_NAME]: 'NOT_SERVING' });
  health.addToServer(server);
  new ReflectionService(definition).addToServer(server);

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      `${deps.host}:${deps.port}`,
      grpc.ServerCredentials.createInsecure(),
      (error, boundPort) => (error ? reject(error) : resolve(boundPort)),
    );
  });

  const setServing = (serving: boolean) => {
    const value = serving ? 'SERVING' : 'NOT_SERVING';
    health.setStatus('', value);
    health.setStatus(INFERENCE_SERVICE_NAME, value);
  };

  return {
    port,
    setServing,
    shutdown: (graceMs) =>
      new Promise<void>((resolve) => {
        setServing(false);
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
