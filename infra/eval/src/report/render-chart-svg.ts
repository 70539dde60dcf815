import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { estimateTextWidthPx } from './estimate-text-width.js';

/**
 * Renders a Vega-Lite spec to an SVG string on the server: headless (`renderer: 'none'`, no canvas) and
 * offline (a loader that refuses every fetch, so a spec can never pull data, images or fonts from the
 * network). The charts carry their data inline. Call it for one chart at a time: text widths come from a
 * process-wide hook that is set for the render and put back after.
 */
export async function renderChartSvg(spec: TopLevelSpec): Promise<string> {
  const refusedUris: string[] = [];
  const loader = createOfflineLoader(refusedUris);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none', loader });
  const textMetrics = (vega as unknown as { textMetrics: TextMetrics }).textMetrics;
  const vegaWidth = textMetrics.width;
  // Vega supports replacing its text measurer (vl-convert does the same); without canvas it only guesses.
  textMetrics.width = measureLabel;
  try {
    const svg = await view.toSVG();
    // Vega only logs a failed load and draws the chart without that data: fail instead.
    if (refusedUris.length > 0) {
      throw new Error(`a report chart asked for network or file resources: ${refusedUris.join(', ')}`);
    }
    return svg;
  } finally {
    textMetrics.width = vegaWidth;
    view.finalize();
  }
}

/** vega-scenegraph's measuring hook, absent from vega's typings. */
interface TextMetrics {
  width: (item: TextItem, text?: string) => number;
}

interface TextItem {
  text?: unknown;
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

function measureLabel(item: TextItem, text?: string): number {
  const value = String(text ?? item.text ?? '').trim();
  const fontSizePx = item.fontSize ?? 11;
  const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
  const width = estimateTextWidthPx(value, fontSizePx, bold);
  // Vega's own measure returns the width of the truncated text; the renderer truncates at `limit`.
  return item.limit !== undefined && item.limit > 0 ? Math.min(width, item.limit) : width;
}

function createOfflineLoader(refusedUris: string[]): vega.Loader {
  const refuse = async (uri: string): Promise<never> => {
    refusedUris.push(uri);
    throw new Error(`report charts are rendered offline: refused to load ${uri}`);
  };
  return { load: refuse, sanitize: refuse, http: refuse, file: refuse };
}
