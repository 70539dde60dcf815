import { INFERENCE_MAX_MESSAGE_BYTES, type ServerTls } from '@aloe/shared/config';
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
  /** The plain-text port that serves grpc.health.v1.Health only; undefined when none was asked for. */
  readonly healthPort: number | undefined;
  /** Marks the service SERVING (after the model loaded) or NOT_SERVING (at shutdown). */
  setServing(serving: boolean): void;
  /** Waits for calls in flight up to `graceMs`, then cuts the rest. */
  shutdown(graceMs: number): Promise<void>;
}

/**
 * A gRPC server with aloe.inference.v1.Inference, the standard grpc.health.v1.Health (NOT_SERVING
 * until the model is loaded) and server reflection, bound to host:port (port 0 = any free port): TLS
 * with `tls` (mutual when it has a client CA), else plain text. With a `healthPort`, a second server
 * answers Health alone in plain text there, for probes that cannot speak TLS.
 */
export async function createInferenceServer(
  deps: HandlerDeps & {
    host: string;
    port: number;
    tls?: ServerTls | undefined;
    healthPort?: number | undefined;
  },
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

  const port = await bind(server, deps.host, deps.port, serverCredentials(deps.tls));
  // The health status is one, shared by both servers.
  const healthServer = deps.healthPort === undefined ? undefined : new grpc.Server();
  if (healthServer) health.addToServer(healthServer);
  const healthPort =
    healthServer &&
    (await bind(healthServer, deps.host, deps.healthPort ?? 0, grpc.ServerCredentials.createInsecure()).catch(
      (error: unknown) => {
        server.forceShutdown();
        throw error;
      },
    ));

  const setServing = (serving: boolean) => {
    const value = serving ? 'SERVING' : 'NOT_SERVING';
    health.setStatus('', value);
    health.setStatus(INFERENCE_SERVICE_NAME, value);
  };

  return {
    port,
    healthPort,
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
      }).finally(() => healthServer?.forceShutdown()),
  };
}

function serverCredentials(tls: ServerTls | undefined): grpc.ServerCredentials {
  if (!tls) return grpc.ServerCredentials.createInsecure();
  // With a client CA, a client without a certificate it signed is refused in the handshake.
  return grpc.ServerCredentials.createSsl(
    tls.clientCa ?? null,
    [{ cert_chain: tls.cert, private_key: tls.key }],
    tls.clientCa !== undefined,
  );
}

function bind(server: grpc.Server, host: string, port: number, credentials: grpc.ServerCredentials) {
  return new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, credentials, (error, boundPort) =>
      error ? reject(error) : resolve(boundPort),
    );
  });
}
