// The evaluation's command line: its options, their defaults and checks, and the usage text.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DATASET_NAMES, resolveDataDir } from '../datasets/dataset.js';
import { EVAL_STRATEGIES, type EvalStrategy } from '../report/report.js';
import type { EvalOptions } from './run-eval.js';

/** The repository root, from infra/eval/{src,dist}/run. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export const USAGE = `usage: npm run eval -- --dataset <names|files> [--red-team] [options]
       npm run eval -- --red-team [options]

Runs multiple-choice benchmarks through the running inference service over gRPC and/or the red team
through the deployed guardrails, and writes a report (JSON, Markdown, self-contained HTML). Answers are
cached per item and model digest: rerun the same command to resume; a different model starts afresh.
After a red team the report's hashes are recorded in the guardrails' audit log (evidence.json beside it).

  --dataset <list>      comma list of ${DATASET_NAMES.join(', ')}, or paths of JSON files in
                        prompt_engine's schema (required unless --red-team)
  --examples <file>     the split medprompt retrieves few-shot examples from (for a file dataset)
  --strategy <list>     comma list of ${EVAL_STRATEGIES.join(', ')}, or all (default all)
  --samples <n>         samples of the voting strategies (default 5)
  --few-shot <k>        medprompt's few-shot examples per question (default 5)
  --limit <n>           a seeded random sample of n items per dataset (default every item)
  --seed <n>            sampling and selection seed (default 8, as prompt_engine)
  --concurrency <n>     questions in flight at once (default 2)
  --deadline-ms <ms>    deadline of each Generate call (default 600000)
  --parse-retries <n>   further attempts after an unparsable answer (default 3)
  --max-tokens <n>      tokens per sample; each retry allows 100 more (default 1000)
  --inference <addr>    host:port of the inference service (else EVAL_INFERENCE_ADDRESS; else the
                        built service is started here, INFERENCE_MODELS_DIR default <repo>/.data/models)
  --tls-ca <file>       a CA (PEM) to trust: talk TLS to the inference service
  --data-dir <dir>      the public data folder (default EVAL_DATA_DIR, else ../shared/data)
  --out <dir>           report folder (default <repo>/.data/eval/reports/<time>)
  --cache-dir <dir>     answer cache (default <repo>/.data/eval/cache)
  --red-team            send the harmful, jailbreak and benign sets of <data-dir> through the guardrails
                        and their model, with and without the rails (needs no inference address)
  --guardrails <url>    the guardrails' HTTP API (else EVAL_GUARDRAILS_URL)
  --guardrails-token <t>  a compliance-role token of the guardrails (else EVAL_GUARDRAILS_TOKEN)
  --red-team-limit <n>  texts drawn from each set, each sent as a question and inside a note (default 20)
  --help                this text`;

/** A bad command line: the message says what is wrong and what is allowed (exit code 2). */
export class UsageError extends Error {}

export interface CliChoices {
  options: Omit<EvalOptions, 'address' | 'command' | 'onProgress' | 'onRedTeamProgress'>;
  /** --inference or EVAL_INFERENCE_ADDRESS; undefined: start the service. */
  address?: string | undefined;
  help: boolean;
}

/** Turns argv into run options, or throws a UsageError. */
export function parseCommandLine(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  now = new Date(),
): CliChoices {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        dataset: { type: 'string' },
        examples: { type: 'string' },
        strategy: { type: 'string', default: 'all' },
        samples: { type: 'string', default: '5' },
        'few-shot': { type: 'string', default: '5' },
        limit: { type: 'string' },
        seed: { type: 'string', default: '8' },
        concurrency: { type: 'string', default: '2' },
        'deadline-ms': { type: 'string', default: '600000' },
        'parse-retries': { type: 'string', default: '3' },
        'max-tokens': { type: 'string', default: '1000' },
        inference: { type: 'string' },
        'tls-ca': { type: 'string' },
        'data-dir': { type: 'string' },
        out: { type: 'string' },
        'cache-dir': { type: 'string' },
        'red-team': { type: 'boolean', default: false },
        guardrails: { type: 'string' },
        'guardrails-token': { type: 'string' },
        'red-team-limit': { type: 'string', default: '20' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const text = (name: string) => values[name] as string | undefined;
  const help = values.help === true;
  const datasets = list(text('dataset'));
  const redTeam = values['red-team'] === true ? redTeamSettings(text, env) : undefined;
  if (!help && datasets.length === 0 && redTeam === undefined)
    throw new UsageError(
      `--dataset is required (unless --red-team): one or more of ${DATASET_NAMES.join(', ')}, or paths of JSON files (comma-separated)`,
    );
  const examplesFile = text('examples');
  if (examplesFile !== undefined && !existsSync(examplesFile))
    throw new UsageError(`--examples: no file at ${resolve(examplesFile)}`);
  const tlsCaFile = text('tls-ca');
  if (tlsCaFile !== undefined && !existsSync(tlsCaFile))
    throw new UsageError(`--tls-ca: no file at ${resolve(tlsCaFile)}`);
  const address = text('inference') ?? (env.EVAL_INFERENCE_ADDRESS?.trim() || undefined);
  if (address !== undefined && !/^(\[[0-9a-fA-F:.]+\]|[^:\s/]+):\d{1,5}$/.test(address))
    throw new UsageError(`--inference must be host:port (e.g. 127.0.0.1:50051), got "${address}"`);
  const limit = text('limit');
  return {
    help,
    address,
    options: {
      datasets,
      examplesFile,
      strategies: strategiesOf(text('strategy')!),
      samples: whole('samples', text('samples')!, 1, 64),
      fewShot: whole('few-shot', text('few-shot')!, 0, 20),
      limit: limit === undefined ? undefined : whole('limit', limit, 1, 1_000_000),
      seed: whole('seed', text('seed')!, 0, 2 ** 31 - 1),
      concurrency: whole('concurrency', text('concurrency')!, 1, 64),
      deadlineMs: whole('deadline-ms', text('deadline-ms')!, 1_000, 3_600_000),
      parseRetries: whole('parse-retries', text('parse-retries')!, 0, 10),
      maxTokens: whole('max-tokens', text('max-tokens')!, 1, 32_768),
      tlsCaFile,
      dataDir: resolve(text('data-dir') ?? resolveDataDir(env)),
      outDir: resolve(
        text('out') ?? join(REPO_ROOT, '.data', 'eval', 'reports', now.toISOString().replace(/[:.]/g, '-')),
      ),
      cacheDir: resolve(text('cache-dir') ?? join(REPO_ROOT, '.data', 'eval', 'cache')),
      redTeam,
    },
  };
}

/** The red team's target and token: an http(s) URL and a token, from the options or the environment. */
function redTeamSettings(
  text: (name: string) => string | undefined,
  env: NodeJS.ProcessEnv,
): NonNullable<EvalOptions['redTeam']> {
  const url = text('guardrails') ?? (env.EVAL_GUARDRAILS_URL?.trim() || undefined);
  if (url === undefined)
    throw new UsageError(
      '--red-team needs the guardrails: --guardrails <url> or EVAL_GUARDRAILS_URL (e.g. http://127.0.0.1:8081)',
    );
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--guardrails must be an http(s) URL (e.g. http://127.0.0.1:8081), got "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new UsageError(`--guardrails must be an http(s) URL (e.g. http://127.0.0.1:8081), got "${url}"`);
  const token = text('guardrails-token') ?? (env.EVAL_GUARDRAILS_TOKEN?.trim() || undefined);
  if (token === undefined)
    throw new UsageError(
      '--red-team needs a compliance-role token of the guardrails: --guardrails-token or EVAL_GUARDRAILS_TOKEN',
    );
  return { url, token, limitPerSet: whole('red-team-limit', text('red-team-limit')!, 1, 100_000) };
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');

function strategiesOf(value: string): EvalStrategy[] {
  const names = list(value);
  if (names.length === 1 && names[0] === 'all') return [...EVAL_STRATEGIES];
  const unknown = names.filter((name) => !(EVAL_STRATEGIES as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0)
    throw new UsageError(
      `--strategy: unknown "${unknown.join(', ')}"; use all or a comma list of ${EVAL_STRATEGIES.join(', ')}`,
    );
  // In the report's order, whatever order they were given in.
  return EVAL_STRATEGIES.filter((strategy) => names.includes(strategy));
}

function whole(name: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number < min || number > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  return number;
}

/** Options whose value is a secret: the report shows a placeholder instead. */
const SECRET_OPTIONS = ['--guardrails-token'];
const SECRET_PLACEHOLDER = '<token>';

/** The command as a user would retype it, for the report; a token given on it is replaced by `<token>`. */
export function commandLine(argv: readonly string[]): string {
  const shown = argv.map((arg, index) => {
    const [name] = arg.split('=', 1);
    if (SECRET_OPTIONS.includes(name!) && arg.includes('=')) return `${name}=${SECRET_PLACEHOLDER}`;
    return index > 0 && SECRET_OPTIONS.includes(argv[index - 1]!) ? SECRET_PLACEHOLDER : arg;
  });
  const quoted = shown.map((arg) =>
    /^[\w@%+=:,./<>-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`,
  );
  return ['npm run eval --', ...quoted].join(' ');
}
