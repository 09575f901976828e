/** The privacy view: spy counters, the discovered/active chart, the latest spies, the export link. */
import { api, ApiError } from './api-client.js';
import { announce, byId, h, svg } from './dom.js';
import { spyChart, type SpySample } from './spy-chart.js';

export const SPIES_POLL_MS = 5000;
const CHART = { width: 320, height: 140, padding: 14 };
const LISTED_SPIES = 20;

export interface SpyReport {
  discovered: number;
  active: number;
  blocked: number;
  history: SpySample[];
  spies: Array<{ ip: string; reason: string; port?: number }>;
}

export function spyReportFromApi(value: unknown): SpyReport | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  const history = Array.isArray(v['history']) ? v['history'] : [];
  const spies = Array.isArray(v['spies']) ? v['spies'] : [];
  return {
    discovered: n(v['discovered']),
    active: n(v['active']),
    blocked: n(v['blocked']),
    history: history
      .filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null)
      .filter((s) => typeof s['time'] === 'number' || typeof s['time'] === 'string')
      .map((s) => ({ time: s['time'] as number | string, discovered: n(s['discovered']), active: n(s['active']) })),
    spies: spies
      .filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null && typeof (s as Record<string, unknown>)['ip'] === 'string')
      .map((s) => ({ ip: s['ip'] as string, reason: typeof s['reason'] === 'string' ? s['reason'] : '', ...(typeof s['port'] === 'number' ? { port: s['port'] } : {}) })),
  };
}

export class PrivacyView {
  readonly #discovered = byId('spies-discovered', HTMLElement);
  readonly #active = byId('spies-active', HTMLElement);
  readonly #blocked = byId('spies-blocked', HTMLElement);
  readonly #chart = document.getElementById('spy-chart') as unknown as SVGSVGElement;
  readonly #list = byId('spy-list', HTMLUListElement);
  readonly #message = byId('privacy-message', HTMLParagraphElement);
  #timer: ReturnType<typeof setTimeout> | undefined;
  #visible = false;

  setVisible(visible: boolean): void {
    this.#visible = visible;
    if (visible) this.refresh();
    else if (this.#timer !== undefined) clearTimeout(this.#timer);
  }

  /** Reloads soon; called on every spy event, so bursts collapse into one request. */
  refresh(delayMs = 0): void {
    if (!this.#visible) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#load(), delayMs);
  }

  async #load(): Promise<void> {
    try {
      const report = spyReportFromApi(await api.get('/api/spies'));
      if (report) this.#render(report);
      announce(this.#message, '');
    } catch (err) {
      announce(this.#message, err instanceof ApiError ? err.message : String(err), 'error');
    }
    this.refresh(SPIES_POLL_MS);
  }

  #render(report: SpyReport): void {
    this.#discovered.textContent = String(report.discovered);
    this.#active.textContent = String(report.active);
    this.#blocked.textContent = String(report.blocked);
    const chart = spyChart(report.history, CHART);
    const { width, height, padding } = CHART;
    this.#chart.replaceChildren(
      svg('line', { class: 'axis', x1: padding, y1: height - padding, x2: width - padding, y2: height - padding }),
      svg('text', { x: padding, y: padding - 2 }, `max ${chart.maxValue}`),
      svg('polyline', { class: 'discovered', points: chart.discoveredPoints, fill: 'none', 'stroke-width': 2.5, 'data-series': 'discovered' }),
      svg('polyline', { class: 'active', points: chart.activePoints, fill: 'none', 'stroke-width': 2.5, 'data-series': 'active' }),
    );
    this.#chart.setAttribute('aria-label', `Spies over time: ${report.discovered} discovered, ${report.active} active now.`);
    const latest = report.spies.slice(-LISTED_SPIES).reverse();
    this.#list.replaceChildren(
      ...(latest.length > 0
        ? latest.map((spy) => h('li', {}, h('code', {}, spy.port ? `${spy.ip}:${spy.port}` : spy.ip), h('span', { class: 'muted' }, spy.reason)))
        : [h('li', { class: 'muted' }, 'No spy seen yet.')]),
    );
  }
}
