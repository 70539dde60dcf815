// The figures the root bench takes from each service's own bench-results.json: only the fields it
// reports, checked, so a renamed field fails here with its name instead of printing "undefined".
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const HookLoad = z.object({
  concurrency: z.number(),
  requests: z.number(),
  p50Ms: z.number(),
  p95Ms: z.number(),
  p99Ms: z.number(),
});

export const FhirAdapterFigures = z.object({
  measuredAt: z.string(),
  orderSign: HookLoad,
  patientView: HookLoad,
  patientViewRedis: HookLoad.optional(),
});
export type FhirAdapterFigures = z.infer<typeof FhirAdapterFigures>;

export const GuardrailsFigures = z.object({
  measuredAt: z.string(),
  rails: z.object({
    suggestionsPerSet: z.number(),
    contextItems: z.number(),
    runs: z.number(),
    p50Ms: z.number(),
    p99Ms: z.number(),
  }),
  audit: z.array(
    z.object({ database: z.string(), rows: z.number(), appendsPerSecond: z.number(), chainOk: z.boolean() }),
  ),
});
export type GuardrailsFigures = z.infer<typeof GuardrailsFigures>;

const ModelFigures = z.object({
  modelBytes: z.number(),
  direct: z.object({ tokensPerSecond: z.number() }),
  grpc: z.object({ tokensPerSecond: z.number() }),
  grpcToDirect: z.object({
    median: z.number(),
    p25: z.number(),
    p75: z.number(),
    min: z.number(),
    max: z.number(),
    rounds: z.array(z.number()),
  }),
});
export const InferenceFigures = z.object({
  measuredAt: z.string(),
  results: z.record(z.string(), ModelFigures),
});
export type InferenceFigures = z.infer<typeof InferenceFigures>;

/** Reads and checks one service's bench-results.json; the error names the file and the field. */
export async function readFigures<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
  const parsed = schema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success)
    throw new Error(`${path}: not the figures the root bench reads: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
