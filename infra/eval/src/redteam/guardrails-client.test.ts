// The client against a real HTTP server on a socket, answering as the guardrails do when something is wrong.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { reviewValidation } from '../../test/review-validation.js';
import { patientContext } from './attack-context.js';
import { createGuardrailsClient, GuardrailsCallError } from './guardrails-client.js';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;
let handler: Handler;
let server: Server;
let url: string;
const seen: Array<{ method?: string; path?: string; authorization?: string; body: string }> = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      seen.push({
        method: request.method,
        path: request.url,
        authorization: request.headers.authorization,
        body,
      });
      handler(request, body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const json = (response: ServerResponse, status: number, value: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
};
/** An error as the services answer it (shared/errors: the sentence in details.text, the code in diagnostics). */
const outcome = (text: string, code: string) => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'processing', details: { text }, diagnostics: code }],
});
const context = patientContext({
  contextId: '7d3f6c1e-2b4a-4c5d-8e9f-0a1b2c3d4e5f',
  capturedAt: new Date('2026-01-15T09:30:00Z'),
});
const failureOf = async (call: Promise<unknown>) => {
  try {
    await call;
  } catch (error) {
    return error as GuardrailsCallError;
  }
  throw new Error('expected the call to fail');
};

describe('createGuardrailsClient', () => {
  const client = () => createGuardrailsClient({ url, token: 'compliance-token', timeoutMs: 2_000 });

  it('posts the context with the bearer token and reads the validation', async () => {
    const answer = reviewValidation();
    handler = (_request, _body, response) => json(response, 200, answer);
    const before = seen.length;
    expect(await client().validateReview(context)).toEqual(answer);
    const request = seen[before]!;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/v1/validate/review',
      authorization: 'Bearer compliance-token',
    });
    expect(JSON.parse(request.body)).toEqual({ context });
  });

  it('says what a refused token means, and that no retry can help', async () => {
    handler = (_request, _body, response) =>
      json(response, 401, outcome('The Bearer token is not valid', 'UNAUTHORIZED'));
    const error = await failureOf(client().validateReview(context));
    expect(error).toBeInstanceOf(GuardrailsCallError);
    expect(error.message).toBe(
      `POST ${url.slice(0, -1)}/v1/validate/review: 401 The Bearer token is not valid (UNAUTHORIZED) (give a compliance token: --guardrails-token or EVAL_GUARDRAILS_TOKEN)`,
    );
    expect({ fatal: error.fatal, retriable: error.retriable }).toEqual({ fatal: true, retriable: false });
    handler = (_request, _body, response) => json(response, 404, outcome('Not found', 'NOT_FOUND'));
    expect((await failureOf(client().validateReview(context))).message).toMatch(
      /404 Not found \(NOT_FOUND\) \(is this the guardrails service/,
    );
    // A 400 is about this one context (say, a prompt longer than the model's context): that attempt only.
    handler = (_request, _body, response) =>
      json(response, 400, outcome('the rendered prompt is 6,420 tokens', 'INVALID_INPUT'));
    const oneContext = await failureOf(client().validateReview(context));
    expect({ fatal: oneContext.fatal, retriable: oneContext.retriable }).toEqual({
      fatal: false,
      retriable: false,
    });
  });

  it('tells a busy service (retry) from an answer of another release (stop) and a deadline (neither)', async () => {
    handler = (_request, _body, response) =>
      json(response, 503, outcome('The model is loading', 'MODEL_NOT_LOADED'));
    const busy = await failureOf(client().validateReview(context));
    expect({ status: busy.status, fatal: busy.fatal, retriable: busy.retriable }).toEqual({
      status: 503,
      fatal: false,
      retriable: true,
    });
    // After the service's own retries, a 503 is its last word on that context.
    handler = (_request, _body, response) =>
      json(response, 503, outcome('Gave up after 4 attempts', 'RETRIES_EXHAUSTED'));
    const exhausted = await failureOf(client().validateReview(context));
    expect({ fatal: exhausted.fatal, retriable: exhausted.retriable }).toEqual({
      fatal: false,
      retriable: false,
    });

    handler = (_request, _body, response) => json(response, 200, { withRails: {} });
    const foreign = await failureOf(client().validateReview(context));
    expect(foreign.message).toMatch(/the answer is not what this tool expects .*same release/);
    expect(foreign.fatal).toBe(true);

    handler = () => {}; // never answers
    const slow = await failureOf(
      createGuardrailsClient({ url, token: 't', timeoutMs: 200 }).validateReview(context),
    );
    expect(slow.message).toMatch(/no answer within 200 ms/);
    expect({ fatal: slow.fatal, retriable: slow.retriable, timedOut: slow.timedOut }).toEqual({
      fatal: false,
      retriable: false,
      timedOut: true,
    });
  });

  it('names a refused connection and lets it be retried', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failureOf(
      createGuardrailsClient({ url: `http://127.0.0.1:${port}`, token: 't', timeoutMs: 2_000 }).ready(),
    );
    expect(error.message).toBe(`GET http://127.0.0.1:${port}/readyz: ECONNREFUSED`);
    expect(error.retriable).toBe(true);
  });
});
