import { CancelledError, DeadlineExceededError } from '@aloe/shared/errors';
import type { ServerSurfaceCall } from '@grpc/grpc-js/build/src/server-call.js';

/**
 * An AbortSignal for one RPC: it aborts when the client cancels or the call's deadline passes, with
 * an error saying which. It reaches node-llama-cpp, which stops within about one token.
 */
export function signalForCall(call: ServerSurfaceCall): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const deadline = call.getDeadline();
  const deadlineMs = deadline instanceof Date ? deadline.getTime() : Number(deadline);
  const deadlinePassed = () => Number.isFinite(deadlineMs) && Date.now() >= deadlineMs - 1;
  const onCancelled = () =>
    controller.abort(
      deadlinePassed()
        ? new DeadlineExceededError('The call deadline passed')
        : new CancelledError('The client cancelled the call'),
    );
  call.on('cancelled', onCancelled);
  const timer = Number.isFinite(deadlineMs)
    ? setTimeout(
        () => controller.abort(new DeadlineExceededError('The call deadline passed')),
        Math.max(0, deadlineMs - Date.now()),
      )
    : undefined;
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      call.removeListener('cancelled', onCancelled);
    },
  };
}
