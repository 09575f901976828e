/**
 * The privacy view's chart: spies discovered and active over time as two SVG polylines. Pure:
 * points in, path strings and axis labels out; the view only sets attributes.
 */

export interface SpySample {
  /** Milliseconds since the epoch, or an ISO date string as the API may send it. */
  time: number | string;
  discovered: number;
  active: number;
}

export interface ChartGeometry {
  width: number;
  height: number;
  /** Inner margin so strokes and the top label are not clipped. */
  padding: number;
}

export interface SpyChart {
  discoveredPoints: string;
  activePoints: string;
  maxValue: number;
  firstTime: number | undefined;
  lastTime: number | undefined;
}

function toMillis(time: number | string): number {
  return typeof time === 'number' ? time : Date.parse(time);
}

/** Polyline `points` for both series, scaled to the geometry; y grows downwards as SVG does. */
export function spyChart(history: readonly SpySample[], geometry: ChartGeometry): SpyChart {
  const samples = history
    .map((s) => ({ t: toMillis(s.time), discovered: Math.max(0, s.discovered), active: Math.max(0, s.active) }))
    .filter((s) => Number.isFinite(s.t))
    .sort((a, b) => a.t - b.t);
  if (samples.length === 0) return { discoveredPoints: '', activePoints: '', maxValue: 0, firstTime: undefined, lastTime: undefined };
  const first = samples[0]!.t;
  const last = samples[samples.length - 1]!.t;
  const maxValue = Math.max(1, ...samples.map((s) => Math.max(s.discovered, s.active)));
  const { width, height, padding } = geometry;
  const innerW = width - 2 * padding;
  const innerH = height - 2 * padding;
  const x = (t: number) => (last === first ? padding + innerW : padding + ((t - first) / (last - first)) * innerW);
  const y = (v: number) => padding + innerH - (v / maxValue) * innerH;
  const round = (n: number) => Math.round(n * 10) / 10;
  const series = (pick: (s: (typeof samples)[number]) => number) => {
    const points = samples.map((s) => `${round(x(s.t))},${round(y(pick(s)))}`);
    // A single sample still draws: a flat line across the chart.
    if (samples.length === 1) points.unshift(`${padding},${round(y(pick(samples[0]!)))}`);
    return points.join(' ');
  };
  return {
    discoveredPoints: series((s) => s.discovered),
    activePoints: series((s) => s.active),
    maxValue,
    firstTime: first,
    lastTime: last,
  };
}
