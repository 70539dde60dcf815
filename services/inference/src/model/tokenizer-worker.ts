// The prompt tokenizer's thread: the model's vocabulary alone (no weights), tokenizing whole prompts so
// the service's event loop never waits on a long text. Imports nothing of the service, so the test
// runner can start it from its TypeScript source (Node strips the types).
import { parentPort, workerData } from 'node:worker_threads';
import { getLlama, type LlamaGpuType, LlamaLogLevel } from 'node-llama-cpp';

interface Job {
  id: number;
  segments: Array<{ text: string; special: boolean }>;
  /** More tokens than this: only the count is sent back. */
  limit: number | null;
}

const { modelPath, gpu } = workerData as { modelPath: string; gpu: LlamaGpuType };
const port = parentPort!;
try {
  // The backend the main thread loaded, so the process holds one llama.cpp build.
  // llama.cpp's warnings are the main thread's to log; this thread's stdout stays clean.
  const llama = await getLlama({ gpu, build: 'never', logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath, vocabOnly: true });
  port.on('message', ({ id, segments, limit }: Job) => {
    try {
      const parts = segments.map((segment) => model.tokenize(segment.text, segment.special));
      const count = parts.reduce((sum, part) => sum + part.length, 0);
      if (limit !== null && count > limit) {
        port.postMessage({ id, count });
        return;
      }
      const tokens = new Uint32Array(count);
      let at = 0;
      for (const part of parts) {
        tokens.set(part, at);
        at += part.length;
      }
      port.postMessage({ id, tokens }, [tokens.buffer]);
    } catch (error) {
      port.postMessage({ id, error: (error as Error).message });
    }
  });
  port.postMessage({ ready: true });
} catch (error) {
  port.postMessage({ ready: false, error: (error as Error).message });
}
