import { type ClientTlsFiles, readClientTls } from '@aloe/shared/config';
import * as grpc from '@grpc/grpc-js';

/**
 * How the guardrails reach inference: TLS trusting the configured CA (mutual with a client certificate,
 * checked against the server name when one is set), else plain text. The files are read here, at
 * start-up: one that cannot be used is a ConfigError naming its variable.
 */
export function inferenceChannel(tls: ClientTlsFiles | undefined): {
  credentials: grpc.ChannelCredentials;
  options: grpc.ChannelOptions;
} {
  if (!tls) return { credentials: grpc.credentials.createInsecure(), options: {} };
  const pem = readClientTls(tls);
  return {
    credentials: grpc.credentials.createSsl(pem.ca, pem.key ?? null, pem.cert ?? null),
    options: pem.serverName ? { 'grpc.ssl_target_name_override': pem.serverName } : {},
  };
}
