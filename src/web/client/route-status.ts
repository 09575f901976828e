/**
 * The header line saying which way torrent traffic goes ("via proxy 10.0.0.1:1080", "bound to
 * tun0 10.8.0.2", "direct") and, loudly, when it is blocked: from GET /api/route at load and
 * every `route` event after.
 */
export interface RouteView {
  route: string;
  label: string;
  blocked: boolean;
  message?: string;
}

/** A route status from the API or an event, or undefined when it is not one. */
export function parseRoute(value: unknown): RouteView | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  if (typeof r['label'] !== 'string' || typeof r['blocked'] !== 'boolean' || typeof r['route'] !== 'string') return undefined;
  return { route: r['route'], label: r['label'].slice(0, 200), blocked: r['blocked'], ...(typeof r['message'] === 'string' ? { message: r['message'].slice(0, 500) } : {}) };
}

/** What the line says and its state (styled: `blocked` stands out). */
export function routeLine(view: RouteView): { text: string; state: 'blocked' | 'ok' } {
  if (view.blocked) return { text: `Torrent traffic blocked (${view.label}): ${view.message ?? 'no reason given'}`, state: 'blocked' };
  return { text: `Torrent traffic: ${view.label}`, state: 'ok' };
}

export function showRoute(el: HTMLElement, view: RouteView): void {
  const line = routeLine(view);
  el.textContent = line.text;
  el.dataset['state'] = line.state;
  el.hidden = false;
}
