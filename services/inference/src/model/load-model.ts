import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppError, ErrorCode } from '@aloe/shared/errors';
import type { Logger } from '@aloe/shared/logging';
import {
  getLlama,
  type Llama,
  type LlamaContext,
  type LlamaModel,
  resolveModelFile,
  type Token,
} from 'node-llama-cpp';
import type { Tokenize } from '../generate/render-prompt.js';
import { DEFAULT_TEST_MODEL_NAME, makeTestModel } from '../test-model/make-test-model.js';
import { type ChatTemplate, createChatTemplate } from './chat-template.js';
import { fileDigest, modelFilePaths } from './model-files.js';
import { buildModelIdentity, type ModelIdentity } from './model-identity.js';
import { startPromptTokenizer, type TokenizeSegments } from './prompt-tokenizer.js';
import { findSeedModel, type SeedModel } from './seed-models.js';
import { deriveStopTokens, onlyFromLlamaCpp, type StopToken } from './stop-tokens.js';

export interface LoadModelOptions {
  /** A GGUF path or an `hf:` URI; undefined = the generated test model. */
  source: string | undefined;
  modelsDir: string;
  /** The model's name in its identity (and so in Provenance); unset = the GGUF's general.name. */
  label?: string | undefined;
  gpu: 'auto' | 'cuda' | 'vulkan' | 'metal' | 'cpu';
  /** 0 = physical cores (1 for models under 100 MB, where more threads only add overhead). */
  threads: number;
  contextSize: number;
  parallelSequences: number;
  logger: Logger;
}

/** What the service applies to this model when a request leaves a value unset. */
export interface ModelDefaults {
  temperature: number | undefined;
  topP: number | undefined;
  maxContextTokens: number;
  source: string;
}

export interface LoadedModel {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  /** Every file of the model, in order (the parts of a split GGUF). */
  files: string[];
  template: ChatTemplate;
  /** On the calling thread: for short texts only (control tokens, probes). */
  tokenize: Tokenize;
  /** Prompts of any allowed length, off the event loop. */
  tokenizePrompt: TokenizeSegments;
  stops: StopToken[];
  identity: ModelIdentity;
  seedModel: SeedModel | undefined;
  defaults: ModelDefaults;
  threads: number;
  backend: string;
  dispose(): Promise<void>;
}

const SMALL_MODEL_BYTES = 100 * 1024 * 1024;

/**
 * Loads the model the same way for a real Aloe GGUF and for the test model: resolve the file (a path,
 * an `hf:` URI through node-llama-cpp's resolver, or the generated test model) and its parts, pick the
 * backend, load the weights, and settle once what the service owns about the model: its chat template
 * (the GGUF's own), its stop tokens, its identity (every part hashed, hashes cached beside the files),
 * and, for an Aloe seed system, its card's defaults (context cap, sampling) and licence.
 */
export async function loadModel(options: LoadModelOptions): Promise<LoadedModel> {
  const logger = options.logger.child({ component: 'model' });
  const path = await resolveModelPath(options, logger);
  const startedAt = performance.now();
  const llama = await getLlama({
    gpu: options.gpu === 'cpu' ? false : options.gpu,
    // Prebuilt binaries only: a hospital host must not compile llama.cpp (or fetch its sources) at start-up.
    build: 'never',
    logger: (level, message) => logger.debug({ llamaLevel: level }, message.trim()),
  });
  const model = await llama.loadModel({ modelPath: path });
  const tokenize: Tokenize = (text, special) => model.tokenize(text, special) as Token[];
  // Starts while the files are hashed and the context is made; closed if loading fails after all.
  const tokenizerStarting = startPromptTokenizer({
    modelPath: path,
    gpu: llama.gpu,
    mainThread: tokenize,
    logger,
  });
  try {
    const metadata = model.fileInfo.metadata as unknown as Record<string, unknown>;
    const splitCount = (metadata.split as { count?: number } | undefined)?.count;
    const paths = await modelFilePaths(path, splitCount);
    const parts = [];
    for (const part of paths) {
      parts.push(
        await fileDigest(part, (event, detail) =>
          event === 'cache-unwritable'
            ? logger.warn({ path: detail.path }, 'cannot write the digest cache beside the model file')
            : logger.info({ path: detail.path, event, ms: Math.round(detail.ms) }, 'model file digest'),
        ),
      );
    }
    const sizeBytes = parts.reduce((sum, part) => sum + part.sizeBytes, 0);
    const threads =
      options.threads > 0
        ? options.threads
        : sizeBytes < SMALL_MODEL_BYTES
          ? 1
          : Math.max(1, llama.cpuMathCores);

    const tokenizer = metadata.tokenizer as
      | {
          chat_template?: string;
          ggml?: { eos_token_id?: number; eot_token_id?: number; eom_token_id?: number };
        }
      | undefined;
    const templateText = tokenizer?.chat_template;
    if (!templateText)
      throw new AppError(
        ErrorCode.Config,
        `ALOE_MODEL: ${path} has no tokenizer.chat_template; the service renders prompts only with the model's own template`,
      );
    const template = createChatTemplate(templateText, {
      bos: model.tokens.bosString ?? '',
      eos: model.tokens.eosString ?? '',
    });
    const stops = deriveModelStops(model, template, tokenize, tokenizer?.ggml ?? {});

    const seedModel = findSeedModel([
      options.label,
      (metadata.general as { name?: string } | undefined)?.name,
      path.split('/').at(-1),
    ]);
    const maxContextTokens = Math.min(
      options.contextSize,
      model.trainContextSize,
      seedModel?.context.advisedTokens ?? Number.POSITIVE_INFINITY,
    );
    const defaults: ModelDefaults = seedModel
      ? {
          temperature: seedModel.sampling.temperature,
          topP: seedModel.sampling.topP,
          maxContextTokens,
          source: `${seedModel.name}: ${seedModel.sampling.source}; context ${seedModel.context.reason}`,
        }
      : {
          temperature: undefined,
          topP: undefined,
          maxContextTokens,
          source: 'none (not an Aloe seed system)',
        };
    const context = await model.createContext({
      // Per sequence: node-llama-cpp gives each sequence its own contextSize cells.
      contextSize: maxContextTokens,
      sequences: options.parallelSequences,
      threads,
    });
    const identity = buildModelIdentity({
      path,
      source: options.source ?? path,
      parts,
      metadata,
      label: options.label,
      templateId: template.id,
      contextLength: model.trainContextSize,
      seedModel: seedModel?.name,
    });
    logger.info(
      {
        model: identity.id,
        modelName: identity.name,
        seedModel: identity.seedModel || undefined,
        testModel: identity.testModel,
        quantization: identity.quantization,
        chatTemplate: identity.chatTemplate,
        parts: parts.length,
        stopTokens: stops.map((stop) => `${stop.text} (${stop.id}: ${stop.sources.join(', ')})`),
        contextSize: context.contextSize,
        defaults,
        backend: llama.gpu || 'cpu',
        threads,
        sequences: options.parallelSequences,
        loadMs: Math.round(performance.now() - startedAt),
      },
      identity.testModel
        ? 'loaded the TEST MODEL (random weights; its text has no clinical meaning)'
        : 'model loaded',
    );
    const missed = onlyFromLlamaCpp(stops);
    // Qwen's FIM tokens (<|fim_pad|>, <|repo_name|>, <|file_sep|>) are llama.cpp's own additions: noted.
    // For a template family with no rules of ours, llama.cpp's set is all there is: a warning.
    if (missed.length > 0)
      (template.family === 'other' ? logger.warn.bind(logger) : logger.info.bind(logger))(
        { stopTokens: missed.map((stop) => `${stop.text} (${stop.id})`) },
        "llama.cpp ends generation on tokens the service's stop rules did not name; they stop generation too",
      );
    if (seedModel && seedModel.template !== template.name)
      logger.warn(
        { expected: seedModel.template, found: template.id },
        `${seedModel.name} ships the ${seedModel.template} template, but this file carries another; serving the file's`,
      );
    if (seedModel?.licence.nonCommercial)
      logger.warn(
        { licence: seedModel.licence.id, url: seedModel.licence.url },
        `LICENCE: ${seedModel.name} is licensed ${seedModel.licence.id}: non-commercial use only. The Aloe authors point users to the Beta models.`,
      );
    const promptTokenizer = await tokenizerStarting;
    return {
      llama,
      model,
      context,
      files: paths,
      template,
      tokenize,
      tokenizePrompt: promptTokenizer.tokenize,
      stops,
      identity,
      seedModel,
      defaults,
      threads,
      backend: llama.gpu || 'cpu',
      async dispose() {
        await promptTokenizer.close();
        await context.dispose();
        await model.dispose();
        await llama.dispose();
      },
    };
  } catch (error) {
    void tokenizerStarting.then((started) => started.close());
    throw error;
  }
}

/** The model's stop tokens: its template's end-of-turn, its family's rules, its GGUF metadata, and llama.cpp's. */
function deriveModelStops(
  model: LlamaModel,
  template: ChatTemplate,
  tokenize: Tokenize,
  ggml: { eos_token_id?: number; eot_token_id?: number; eom_token_id?: number },
): StopToken[] {
  const controlTokenOf = (text: string) => {
    const tokens = tokenize(text, true);
    return tokens.length === 1 && model.isSpecialToken(tokens[0]) ? tokens[0] : undefined;
  };
  const endOfTurn = tokenize(template.endOfTurnText(), true)[0];
  const endOfGenerationIds: number[] = [];
  for (const token of model.iterateAllTokens()) {
    if (model.isEogToken(token)) endOfGenerationIds.push(token);
  }
  return deriveStopTokens({
    family: template.family,
    templateEndOfTurn: endOfTurn !== undefined && model.isSpecialToken(endOfTurn) ? endOfTurn : undefined,
    metadata: { eos: ggml.eos_token_id, eot: ggml.eot_token_id, eom: ggml.eom_token_id },
    controlTokenOf,
    textOf: (id) => model.detokenize([id as Token], true),
    endOfGenerationIds,
  });
}

async function resolveModelPath(options: LoadModelOptions, logger: Logger): Promise<string> {
  if (options.source === undefined) {
    const path = resolve(join(options.modelsDir, DEFAULT_TEST_MODEL_NAME));
    if (!(await exists(path))) {
      logger.warn({ path }, 'ALOE_MODEL is not set: generating the random-weight TEST MODEL');
      await makeTestModel({ path });
    }
    return path;
  }
  if (options.source.startsWith('hf:')) {
    logger.info(
      { source: options.source, directory: options.modelsDir },
      'resolving the model from Hugging Face',
    );
    try {
      return await resolveModelFile(options.source, {
        directory: resolve(options.modelsDir),
        cli: process.stdout.isTTY,
      });
    } catch (error) {
      throw new AppError(
        ErrorCode.Config,
        `ALOE_MODEL: could not resolve ${options.source}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
  const path = resolve(options.source);
  if (!(await exists(path))) throw new AppError(ErrorCode.Config, `ALOE_MODEL: no file at ${path}`);
  return path;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
