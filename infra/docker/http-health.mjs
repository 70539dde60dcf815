// Docker HEALTHCHECK for the HTTP services: GET http://127.0.0.1:<port>/healthz answers 2xx.
// The port is read from the service's own variable, so a changed port keeps its check.
// usage: node http-health.mjs <port variable> <default port>   (exit 0 healthy, 1 not)
const [variable = '', fallback = ''] = process.argv.slice(2);
const port = Number(process.env[variable] || fallback);
if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
  console.error(
    `http-health: no port in ${variable} or the default (got "${process.env[variable] ?? fallback}")`,
  );
  process.exit(1);
}
try {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(4_000) });
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error(`http-health: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
