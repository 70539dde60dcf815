// `npm run eval -- --dataset medqa --strategy choice-shuffle-ensemble --samples 5 --limit 200 [--red-team]`
// Reads the arguments, finds (or starts) the inference service for the benchmarks, runs them and the red
// team with a progress display on stderr, and prints where the report went and its audit-log row.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveDataset } from './datasets/dataset.js';
import type { EvalReport } from './report/report.js';
import { type CliChoices, commandLine, parseCommandLine, REPO_ROOT, USAGE } from './run/command-line.js';
import { createProgressDisplay } from './run/progress.js';
import { runEval } from './run/run-eval.js';
import { INFERENCE_MAIN, type InferenceProcess, startInferenceService } from './run/start-inference.js';

export { type EvalOptions, type EvalRun, runEval } from './run/run-eval.js';

/** Runs the command; resolves with its exit code (0 done, 1 the run failed, 2 a bad command line). */
export async function main(argv: readonly string[]): Promise<number> {
  let choices: CliChoices;
  try {
    choices = parseCommandLine(argv, process.env);
    if (choices.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    // Every dataset is found before anything starts: a typo must not cost a model load.
    for (const dataset of choices.options.datasets)
      resolveDataset(dataset, choices.options.dataDir, choices.options.examplesFile);
  } catch (error) {
    process.stderr.write(`eval: ${(error as Error).message}\n(npm run eval -- --help lists every option)\n`);
    return 2;
  }

  let started: InferenceProcess | undefined;
  const progress = createProgressDisplay(process.stderr);
  const stopStarted = () => {
    progress.stop();
    void started?.stop();
  };
  process.once('SIGINT', () => {
    stopStarted();
    process.stderr.write(
      '\neval: interrupted; the answers so far are cached, rerun the same command to resume\n',
    );
    process.exit(130);
  });
  try {
    let address = choices.address;
    // The red team alone goes through the guardrails' own inference: nothing to start here.
    if (address === undefined && choices.options.datasets.length > 0) {
      const modelsDir = resolve(process.env.INFERENCE_MODELS_DIR ?? join(REPO_ROOT, '.data', 'models'));
      process.stderr.write(
        `eval: no --inference or EVAL_INFERENCE_ADDRESS; starting the inference service (${INFERENCE_MAIN}) with INFERENCE_MODELS_DIR=${modelsDir}${process.env.ALOE_MODEL ? ` and ALOE_MODEL=${process.env.ALOE_MODEL}` : ' (no ALOE_MODEL: its generated random-weight test model)'}\n`,
      );
      if (!existsSync(INFERENCE_MAIN))
        throw new Error(`${INFERENCE_MAIN} is not built: run npx turbo run build --filter=@aloe/inference`);
      started = await startInferenceService({ modelsDir });
      address = started.address;
      process.stderr.write(`eval: the inference service serves on ${address}\n`);
    }
    const { report, files, evidence } = await runEval({
      ...choices.options,
      address,
      command: commandLine(argv),
      onProgress: (update) => progress.update(update),
      onRedTeamProgress: (update) =>
        progress.update({
          dataset: `red team: ${update.set}`,
          strategy: 'validations',
          done: update.done,
          total: update.total,
          fromCache: 0,
          failed: update.failed,
        }),
    });
    progress.stop();
    for (const result of report.benchmarks)
      process.stdout.write(
        `${result.dataset} × ${result.strategy}: ${(result.accuracy.value * 100).toFixed(1)}% (95% CI ${(result.accuracy.low * 100).toFixed(1)}–${(result.accuracy.high * 100).toFixed(1)}), ${result.items} item${result.items === 1 ? '' : 's'}, ${(result.parseFailures.value * 100).toFixed(1)}% unparsable\n`,
      );
    for (const line of redTeamSummary(report)) process.stdout.write(`${line}\n`);
    for (const note of report.notes) process.stdout.write(`note: ${note}\n`);
    process.stdout.write(
      `report:\n  ${files.json} (sha256 ${files.sha256.json})\n  ${files.markdown} (sha256 ${files.sha256.markdown})\n  ${files.html} (sha256 ${files.sha256.html})\n`,
    );
    if (evidence)
      process.stdout.write(
        `evidence: recorded in the guardrails' audit log as row ${evidence.seq} (row hash ${evidence.rowHash}${evidence.duplicate ? ', recorded before' : ''}); receipt ${evidence.file}\n`,
      );
    return 0;
  } catch (error) {
    progress.stop();
    process.stderr.write(`eval: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await started?.stop();
  }
}

/** One line per set × channel and per benign set: attack success without → with the rails, false positives. */
function redTeamSummary(report: EvalReport): string[] {
  const redTeam = report.redTeam;
  if (!redTeam) return [];
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  const bySetChannel = new Map<string, { attempts: number; without: number; with: number }>();
  for (const result of redTeam.results) {
    const key = `${result.set} (${result.channel})`;
    const totals = bySetChannel.get(key) ?? { attempts: 0, without: 0, with: 0 };
    totals.attempts += result.attempts;
    totals.without += result.withoutRails.successes;
    totals.with += result.withRails.successes;
    bySetChannel.set(key, totals);
  }
  return [
    ...[...bySetChannel].map(
      ([key, totals]) =>
        `red team ${key}: attack success ${totals.without}/${totals.attempts} without the rails, ${totals.with}/${totals.attempts} with them`,
    ),
    ...redTeam.benignFalsePositives.map(
      (rate) =>
        `benign ${rate.label ?? ''}: ${rate.successes}/${rate.total} false positives (${percent(rate.value)})`,
    ),
  ];
}

// Run only as the entry point, so tests can import the parser.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
