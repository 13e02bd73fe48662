import { writeFile } from 'node:fs/promises';
import * as vega from 'vega';
import * as vl from 'vega-lite';

export interface CurvePoint {
  step: number;
  value: number;
  series: string;
  chart: 'cost' | 'error';
}

/** Draws the training curves (cost per batch, test cost and error per pass) as one SVG file. */
export async function plotCurves(points: CurvePoint[], file: string, title: string): Promise<void> {
  const chart = (which: CurvePoint['chart'], label: string) => ({
    title: label,
    width: 520,
    height: 200,
    transform: [{ filter: `datum.chart === '${which}'` }],
    mark: { type: 'line', point: which === 'error' },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'samples seen' },
      y: { field: 'value', type: 'quantitative', title: label, scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null },
    },
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values: points },
    vconcat: [chart('cost', 'cost'), chart('error', 'classification error')],
  };
  const view = new vega.View(vega.parse(vl.compile(spec as vl.TopLevelSpec).spec), { renderer: 'none' });
  await writeFile(file, await view.toSVG());
  view.finalize();
}
