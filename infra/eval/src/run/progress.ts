// Progress on stderr while the evaluation runs: a bar per dataset × strategy on a terminal, plain lines
// (every tenth of the cell, and its end) when stderr is a file or a CI log.
import cliProgress from 'cli-progress';
import type { BenchmarkProgress } from './run-benchmark.js';

/** A benchmark cell's progress, or another part's under a name of its own (the red team's sets). */
export type ProgressUpdate = Omit<BenchmarkProgress, 'strategy'> & { strategy: string };

export interface ProgressDisplay {
  update(progress: ProgressUpdate): void;
  /** Ends the current bar (call before writing anything else to the stream). */
  stop(): void;
}

export function createProgressDisplay(stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  return stream.isTTY ? barDisplay(stream) : lineDisplay(stream);
}

const cellOf = (progress: ProgressUpdate) => `${progress.dataset} × ${progress.strategy}`;

function barDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  let bar: cliProgress.SingleBar | undefined;
  let cell: string | undefined;
  const stop = () => {
    bar?.stop();
    bar = undefined;
    cell = undefined;
  };
  return {
    update(progress) {
      const payload = { cell: cellOf(progress), fromCache: progress.fromCache, failed: progress.failed };
      if (cell !== payload.cell) {
        stop();
        cell = payload.cell;
        bar = new cliProgress.SingleBar(
          {
            stream,
            format:
              '{cell} [{bar}] {value}/{total} items | {fromCache} cached | {failed} failed | {duration_formatted}, ETA {eta_formatted}',
            etaBuffer: 20,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(progress.total, progress.done, payload);
      } else bar?.update(progress.done, payload);
    },
    stop,
  };
}

function lineDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  let cell: string | undefined;
  let lastTenth = -1;
  let startedAt = Date.now();
  return {
    update(progress) {
      if (cellOf(progress) !== cell) {
        cell = cellOf(progress);
        lastTenth = -1;
        startedAt = Date.now();
      }
      const tenth = progress.total === 0 ? 10 : Math.floor((progress.done / progress.total) * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      const seconds = ((Date.now() - startedAt) / 1000).toFixed(0);
      stream.write(
        `${cell}: ${progress.done}/${progress.total} items (${progress.fromCache} cached, ${progress.failed} failed) ${seconds} s\n`,
      );
    },
    stop() {
      cell = undefined;
    },
  };
}
