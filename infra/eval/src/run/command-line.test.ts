import { describe, expect, it } from '@jest/globals';
import { commandLine, parseCommandLine, UsageError } from './command-line.js';

const env = { EVAL_DATA_DIR: '/data' };
const parse = (...argv: string[]) => parseCommandLine(argv, env, new Date('2025-06-01T10:20:30.456Z'));
const failure = (...argv: string[]) => {
  try {
    parse(...argv);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a usage error');
};

describe('parseCommandLine', () => {
  it('fills prompt_engine-like defaults and every strategy', () => {
    const { options, address } = parse('--dataset', 'medqa');
    expect(options).toMatchObject({
      datasets: ['medqa'],
      strategies: ['direct', 'chain-of-thought', 'self-consistency', 'choice-shuffle-ensemble', 'medprompt'],
      samples: 5,
      fewShot: 5,
      seed: 8,
      concurrency: 2,
      parseRetries: 3,
      maxTokens: 1000,
      dataDir: '/data',
    });
    expect(options.limit).toBeUndefined();
    expect(options.outDir).toMatch(/\.data\/eval\/reports\/2025-06-01T10-20-30-456Z$/);
    expect(options.cacheDir).toMatch(/\.data\/eval\/cache$/);
    expect(address).toBeUndefined();
  });

  it('takes comma lists, keeps strategies in the report order, and reads the address from the environment', () => {
    const { options, address } = parseCommandLine(
      ['--dataset', 'medqa, pubmedqa', '--strategy', 'medprompt,direct', '--limit', '200'],
      { EVAL_INFERENCE_ADDRESS: 'inference:50051' },
    );
    expect(options.datasets).toEqual(['medqa', 'pubmedqa']);
    expect(options.strategies).toEqual(['direct', 'medprompt']);
    expect(options.limit).toBe(200);
    expect(address).toBe('inference:50051');
    expect(parse('--dataset', 'medqa', '--inference', '127.0.0.1:6000').address).toBe('127.0.0.1:6000');
  });

  it('says what is wrong and what is allowed', () => {
    expect(failure()).toBeInstanceOf(UsageError);
    expect(failure().message).toMatch(
      /--dataset is required \(unless --red-team\): one or more of medqa, medmcqa, pubmedqa, mmlu, careqa/,
    );
    expect(failure('--dataset', 'medqa', '--strategy', 'cot').message).toBe(
      '--strategy: unknown "cot"; use all or a comma list of direct, chain-of-thought, self-consistency, choice-shuffle-ensemble, medprompt',
    );
    expect(failure('--dataset', 'medqa', '--samples', '0').message).toBe(
      '--samples must be a whole number from 1 to 64, got "0"',
    );
    expect(failure('--dataset', 'medqa', '--limit', '2.5').message).toMatch(
      /^--limit must be a whole number/,
    );
    expect(failure('--dataset', 'medqa', '--inference', 'localhost').message).toMatch(
      /^--inference must be host:port/,
    );
    expect(failure('--dataset', 'medqa', '--examples', '/no/such/file.json').message).toBe(
      '--examples: no file at /no/such/file.json',
    );
    expect(failure('--dataset', 'medqa', '--bogus').message).toMatch(/Unknown option '--bogus'/);
  });

  it('runs the red team alone, with the guardrails and token from the options or the environment', () => {
    const { options } = parse(
      '--red-team',
      '--guardrails',
      'http://127.0.0.1:8081',
      '--guardrails-token',
      'secret',
    );
    expect(options.datasets).toEqual([]);
    expect(options.redTeam).toEqual({ url: 'http://127.0.0.1:8081', token: 'secret', limitPerSet: 20 });
    const fromEnv = parseCommandLine(['--red-team', '--red-team-limit', '3', '--dataset', 'medqa'], {
      EVAL_GUARDRAILS_URL: 'https://guardrails.hospital.example',
      EVAL_GUARDRAILS_TOKEN: 'from-env',
    });
    expect(fromEnv.options.redTeam).toEqual({
      url: 'https://guardrails.hospital.example',
      token: 'from-env',
      limitPerSet: 3,
    });
    expect(fromEnv.options.datasets).toEqual(['medqa']);
    expect(parse('--dataset', 'medqa').options.redTeam).toBeUndefined();
  });

  it('says what the red team lacks', () => {
    expect(failure('--red-team', '--guardrails-token', 't').message).toMatch(
      /^--red-team needs the guardrails: --guardrails <url> or EVAL_GUARDRAILS_URL/,
    );
    expect(failure('--red-team', '--guardrails', 'http://g:1').message).toMatch(
      /^--red-team needs a compliance-role token of the guardrails/,
    );
    expect(failure('--red-team', '--guardrails', 'g:8081', '--guardrails-token', 't').message).toMatch(
      /^--guardrails must be an http\(s\) URL/,
    );
    expect(
      failure('--red-team', '--guardrails', 'http://g:1', '--guardrails-token', 't', '--red-team-limit', '0')
        .message,
    ).toBe('--red-team-limit must be a whole number from 1 to 100000, got "0"');
  });

  it('asks for nothing else with --help', () => {
    expect(parse('--help').help).toBe(true);
  });
});

describe('commandLine', () => {
  it('quotes what a shell would split', () => {
    expect(commandLine(['--dataset', 'my file.json', '--limit', '5'])).toBe(
      "npm run eval -- --dataset 'my file.json' --limit 5",
    );
  });

  it('never shows a token given on the command line', () => {
    expect(commandLine(['--red-team', '--guardrails-token', 's3cret', '--guardrails-token=other'])).toBe(
      'npm run eval -- --red-team --guardrails-token <token> --guardrails-token=<token>',
    );
  });
});
