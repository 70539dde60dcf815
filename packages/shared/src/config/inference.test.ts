import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../errors/app-error.js';
import {
  INFERENCE_MAX_MESSAGE_BYTES,
  INFERENCE_MAX_PROMPT_BYTES_LIMIT,
  InferenceConfig,
} from './inference.js';
import { loadConfig } from './load-config.js';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(InferenceConfig, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('the request text bound (INFERENCE_MAX_PROMPT_BYTES)', () => {
  it('is unset by default: the service derives it from the loaded model context', () => {
    expect(loadConfig(InferenceConfig, {}).limits).toEqual({ maxPromptBytes: undefined });
  });

  it('takes a number of bytes', () => {
    expect(loadConfig(InferenceConfig, { INFERENCE_MAX_PROMPT_BYTES: '262144' }).limits.maxPromptBytes).toBe(
      262_144,
    );
  });

  it('stays under the gRPC message limit, so the bound and not grpc-js refuses an oversized text', () => {
    expect(INFERENCE_MAX_PROMPT_BYTES_LIMIT).toBeLessThan(INFERENCE_MAX_MESSAGE_BYTES);
    expect(problemsOf({ INFERENCE_MAX_PROMPT_BYTES: String(INFERENCE_MAX_MESSAGE_BYTES) })).toBe(
      `INFERENCE_MAX_PROMPT_BYTES: must be at most ${INFERENCE_MAX_PROMPT_BYTES_LIMIT} (got "${INFERENCE_MAX_MESSAGE_BYTES}")`,
    );
    expect(problemsOf({ INFERENCE_MAX_PROMPT_BYTES: '100' })).toBe(
      'INFERENCE_MAX_PROMPT_BYTES: must be at least 1024 (got "100")',
    );
  });
});

describe('the gRPC TLS and the listen addresses', () => {
  it('default to plain text, no health port, and /metrics on INFERENCE_HOST', () => {
    const config = loadConfig(InferenceConfig, {});
    expect(config.grpc).toEqual({
      host: '127.0.0.1',
      port: 50051,
      tls: undefined,
      healthPort: undefined,
    });
    expect(config.metrics).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(loadConfig(InferenceConfig, { INFERENCE_HOST: '0.0.0.0' }).metrics.host).toBe('0.0.0.0');
    expect(
      loadConfig(InferenceConfig, { INFERENCE_HOST: '10.0.0.5', INFERENCE_METRICS_HOST: '0.0.0.0' }).metrics
        .host,
    ).toBe('0.0.0.0');
  });

  it('turn TLS on with a certificate and its key, and mutual TLS with a client CA, each file named by its variable', () => {
    const config = loadConfig(InferenceConfig, {
      INFERENCE_GRPC_TLS_CERT_FILE: '/tls/tls.crt',
      INFERENCE_GRPC_TLS_KEY_FILE: '/tls/tls.key',
      INFERENCE_GRPC_TLS_CLIENT_CA_FILE: '/tls/ca.crt',
      INFERENCE_HEALTH_PORT: '50052',
    });
    expect(config.grpc.tls).toEqual({
      cert: { variable: 'INFERENCE_GRPC_TLS_CERT_FILE', path: '/tls/tls.crt' },
      key: { variable: 'INFERENCE_GRPC_TLS_KEY_FILE', path: '/tls/tls.key' },
      clientCa: { variable: 'INFERENCE_GRPC_TLS_CLIENT_CA_FILE', path: '/tls/ca.crt' },
    });
    expect(config.grpc.healthPort).toBe(50_052);
  });

  it('refuse half a key pair, a client CA without TLS, a health port on another port and a bad host', () => {
    expect(problemsOf({ INFERENCE_GRPC_TLS_CERT_FILE: '/tls/tls.crt' })).toBe(
      'INFERENCE_GRPC_TLS_KEY_FILE: is required when INFERENCE_GRPC_TLS_CERT_FILE is set (a certificate and its key, or neither) (not set)',
    );
    expect(problemsOf({ INFERENCE_GRPC_TLS_KEY_FILE: '/tls/tls.key' })).toBe(
      'INFERENCE_GRPC_TLS_CERT_FILE: is required when INFERENCE_GRPC_TLS_KEY_FILE is set (a certificate and its key, or neither) (not set)',
    );
    expect(problemsOf({ INFERENCE_GRPC_TLS_CLIENT_CA_FILE: '/tls/ca.crt' })).toBe(
      'INFERENCE_GRPC_TLS_CLIENT_CA_FILE: needs INFERENCE_GRPC_TLS_CERT_FILE and INFERENCE_GRPC_TLS_KEY_FILE: client certificates are asked for only over TLS (got "/tls/ca.crt")',
    );
    expect(problemsOf({ INFERENCE_HEALTH_PORT: '9464' })).toBe(
      'INFERENCE_HEALTH_PORT: must differ from INFERENCE_METRICS_PORT (9464) (got "9464")',
    );
    expect(problemsOf({ INFERENCE_METRICS_HOST: 'every interface' })).toBe(
      'INFERENCE_METRICS_HOST: must be an IP address or a host name (0.0.0.0: every interface) (got "every interface")',
    );
  });
});
