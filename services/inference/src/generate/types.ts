import type { StopToken } from '../model/stop-tokens.js';
import type { RenderedPrompt } from './render-prompt.js';

/** One chat turn, after validation. */
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface SamplingOptions {
  temperature?: number | undefined;
  topP?: number | undefined;
  topK?: number | undefined;
  repeatPenalty?: number | undefined;
  seed?: number | undefined;
}

export type StrategyName = 'DIRECT' | 'CHAIN_OF_THOUGHT' | 'SELF_CONSISTENCY' | 'CHOICE_SHUFFLE_ENSEMBLE';

export interface MultipleChoiceQuestion {
  question: string;
  options: Array<{ key: string; text: string }>;
}

/** A validated GenerateRequest. */
export interface InferenceRequest {
  requestId: string;
  messages: ChatTurn[];
  sampling: SamplingOptions;
  maxTokens: number;
  /** A parsed JSON Schema the output must satisfy, and its canonical text (the grammar cache key). */
  jsonSchema: { schema: object; text: string } | undefined;
  strategy: StrategyName;
  samples: number;
  multipleChoice: MultipleChoiceQuestion | undefined;
}

export type StopReason = 'eog' | 'maxTokens' | 'aborted';

/** What one generation produced. */
export interface Generation {
  text: string;
  /** The parsed, validated output when a JSON schema was given. */
  json: unknown;
  stopReason: StopReason;
  promptTokens: number;
  completionTokens: number;
  /** The exact prompt the model saw (the real generator always sets it). */
  prompt?: RenderedPrompt | undefined;
  /** The stop token that ended the text, when one did. */
  stopToken?: StopToken | undefined;
}

export interface GenerateOptions {
  sampling: SamplingOptions;
  onTextChunk?: ((text: string) => void) | undefined;
}

/** Runs one generation on the model; injected into the strategies so they can be tested without one. */
export type Generator = (turns: ChatTurn[], options: GenerateOptions) => Promise<Generation>;
