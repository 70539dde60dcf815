// Docker HEALTHCHECK for the inference service: the standard grpc.health.v1.Health/Check answers
// SERVING (the service says NOT_SERVING until its model has loaded, and again while it shuts down).
// The port is read from the service's own variable, so a changed port keeps its check.
// usage: node grpc-health.mjs <port variable> <default port> [service]   (exit 0 serving, 1 not)
import * as grpc from '@grpc/grpc-js';
import healthCheck from 'grpc-health-check';

const [variable = '', fallback = '', service = ''] = process.argv.slice(2);
const port = Number(process.env[variable] || fallback);
if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
  console.error(
    `grpc-health: no port in ${variable} or the default (got "${process.env[variable] ?? fallback}")`,
  );
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
