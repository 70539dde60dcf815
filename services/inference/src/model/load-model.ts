import { access, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppError, ErrorCode } from '@aloe/shared/errors';
import type { Logger } from '@aloe/shared/logging';
import {
  type ChatWrapper,
  getLlama,
  type Llama,
  type LlamaContext,
  type LlamaModel,
  resolveChatWrapper,
  resolveModelFile,
} from 'node-llama-cpp';
import { DEFAULT_TEST_MODEL_NAME, makeTestModel } from '../test-model/make-test-model.js';
import { buildModelIdentity, type ModelIdentity, sha256OfFile } from './model-identity.js';

export interface LoadModelOptions {
  /** A GGUF path or an `hf:` URI; undefined = the generated test model. */
  source: string | undefined;
  modelsDir: string;
  gpu: 'auto' | 'cuda' | 'vulkan' | 'metal' | 'cpu';
  /** 0 = physical cores (1 for models under 100 MB, where more threads only add overhead). */
  threads: number;
  contextSize: number;
  parallelSequences: number;
  logger: Logger;
}

export interface LoadedModel {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  chatWrapper: ChatWrapper;
  identity: ModelIdentity;
  threads: number;
  backend: string;
  dispose(): Promise<void>;
}

const SMALL_MODEL_BYTES = 100 * 1024 * 1024;

/**
 * Loads the model the same way for a real Aloe GGUF and for the test model: resolve the file (a path,
 * an `hf:` URI through node-llama-cpp's resolver with a progress bar, or the generated test model),
 * pick the backend (CUDA/Vulkan/Metal when present, else CPU), load the weights, create one context
 * with N sequences, and compute the model's identity once.
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
  const sizeBytes = (await stat(path)).size;
  const threads =
    options.threads > 0
      ? options.threads
      : sizeBytes < SMALL_MODEL_BYTES
        ? 1
        : Math.max(1, llama.cpuMathCores);
  const [model, sha256] = await Promise.all([llama.loadModel({ modelPath: path }), sha256OfFile(path)]);
  const context = await model.createContext({
    // Per sequence: node-llama-cpp gives each sequence its own contextSize cells.
    contextSize: Math.min(options.contextSize, model.trainContextSize),
    sequences: options.parallelSequences,
    threads,
  });
  const chatWrapper = resolveChatWrapper(model);
  const identity = buildModelIdentity({
    path,
    source: options.source ?? path,
    sha256,
    metadata: model.fileInfo.metadata as unknown as Record<string, unknown>,
    chatTemplate: chatWrapper.constructor.name,
    contextLength: model.trainContextSize,
  });
  logger.info(
    {
      model: identity.id,
      testModel: identity.testModel,
      quantization: identity.quantization,
      chatTemplate: identity.chatTemplate,
      backend: llama.gpu || 'cpu',
      threads,
      sequences: options.parallelSequences,
      loadMs: Math.round(performance.now() - startedAt),
    },
    identity.testModel
      ? 'loaded the TEST MODEL (random weights; its text has no clinical meaning)'
      : 'model loaded',
  );
  return {
    llama,
    model,
    context,
    chatWrapper,
    identity,
    threads,
    backend: llama.gpu || 'cpu',
    async dispose() {
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
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
