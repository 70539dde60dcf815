// Docker HEALTHCHECK for the inference service: the standard grpc.health.v1.Health/Check answers
// SERVING (the service says NOT_SERVING until its model has loaded, and again while it shuts down).
// The port is read from the service's own variables, the first one set winning, so a changed port keeps
// its check: INFERENCE_HEALTH_PORT (plain-text Health beside a TLS gRPC port) before INFERENCE_GRPC_PORT.
// usage: node grpc-health.mjs <port variable>[,<port variable>…] <default port> [service]
//        (exit 0 serving, 1 not)
import * as grpc from '@grpc/grpc-js';
import healthCheck from 'grpc-health-check';

const [variables = '', fallback = '', service = ''] = process.argv.slice(2);
const variable = variables.split(',').find((name) => process.env[name]);
const given = variable ? process.env[variable] : fallback;
const port = Number(given);
if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
  console.error(`grpc-health: no port in ${variables} or the default (got "${given}")`);
  process.exit(1);
}
const Health = grpc.makeGenericClientConstructor(healthCheck.service, 'grpc.health.v1.Health');
const client = new Health(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
client.check({ service }, { deadline: Date.now() + 4_000 }, (error, response) => {
  client.close();
  if (error) {
    console.error(`grpc-health: ${error.message}`);
    process.exit(1);
  }
  if (response.status !== 'SERVING') console.error(`grpc-health: ${response.status}`);
  process.exit(response.status === 'SERVING' ? 0 : 1);
});
