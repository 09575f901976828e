/**
 * The Stremio add-on protocol's response shapes (stremio-addon-sdk docs: manifest, meta preview,
 * meta, stream), as small validators returning the list of problems. Used by the tests, and
 * cheap enough to assert on our own output.
 */
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const nonEmpty = (v: unknown): v is string => isString(v) && v.length > 0;
const stringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const RESOURCES = new Set(['catalog', 'meta', 'stream', 'subtitles', 'addon_catalog']);

export function manifestProblems(m: unknown): string[] {
  if (!isObject(m)) return ['manifest is not an object'];
  const p: string[] = [];
  if (!nonEmpty(m['id'])) p.push('id: required non-empty string');
  if (!nonEmpty(m['name'])) p.push('name: required non-empty string');
  if (!isString(m['description'])) p.push('description: required string');
  if (!isString(m['version']) || !SEMVER.test(m['version'])) p.push('version: required semantic version');
  if (!stringArray(m['types'])) p.push('types: required array of strings');
  const resources = m['resources'];
  if (!Array.isArray(resources)) p.push('resources: required array');
  else
    resources.forEach((r, i) => {
      const name = isObject(r) ? r['name'] : r;
      if (!isString(name) || !RESOURCES.has(name)) p.push(`resources[${i}]: unknown resource ${JSON.stringify(name)}`);
      if (isObject(r) && (!stringArray(r['types']) || (r['idPrefixes'] !== undefined && !stringArray(r['idPrefixes'])))) p.push(`resources[${i}]: object form needs types (and idPrefixes, if any) as string arrays`);
    });
  if (m['idPrefixes'] !== undefined && !stringArray(m['idPrefixes'])) p.push('idPrefixes: array of strings');
  const catalogs = m['catalogs'];
  if (catalogs !== undefined) {
    if (!Array.isArray(catalogs)) p.push('catalogs: array');
    else
      catalogs.forEach((c, i) => {
        if (!isObject(c) || !nonEmpty(c['type']) || !nonEmpty(c['id'])) p.push(`catalogs[${i}]: needs type and id`);
        else if (stringArray(m['types']) && !m['types'].includes(c['type'] as string)) p.push(`catalogs[${i}]: type ${String(c['type'])} is not in types`);
      });
  }
  const usesCatalog = Array.isArray(resources) && resources.some((r) => (isObject(r) ? r['name'] : r) === 'catalog');
  if (usesCatalog && (!Array.isArray(catalogs) || catalogs.length === 0)) p.push('catalogs: the catalog resource needs at least one catalog');
  return p;
}

export function metaPreviewProblems(m: unknown, where = 'meta'): string[] {
  if (!isObject(m)) return [`${where}: not an object`];
  const p: string[] = [];
  for (const key of ['id', 'type', 'name'] as const) if (!nonEmpty(m[key])) p.push(`${where}.${key}: required non-empty string`);
  for (const key of ['poster', 'background', 'logo', 'description', 'releaseInfo'] as const) {
    if (m[key] !== undefined && !isString(m[key])) p.push(`${where}.${key}: string when present`);
  }
  if (m['posterShape'] !== undefined && !['square', 'poster', 'landscape'].includes(m['posterShape'] as string)) p.push(`${where}.posterShape: square, poster or landscape`);
  return p;
}

export function catalogResponseProblems(r: unknown): string[] {
  if (!isObject(r) || !Array.isArray(r['metas'])) return ['catalog response: needs metas: []'];
  return r['metas'].flatMap((m, i) => metaPreviewProblems(m, `metas[${i}]`));
}

export function metaResponseProblems(r: unknown): string[] {
  if (!isObject(r)) return ['meta response: not an object'];
  return metaPreviewProblems(r['meta'], 'meta');
}

export function streamResponseProblems(r: unknown): string[] {
  if (!isObject(r) || !Array.isArray(r['streams'])) return ['stream response: needs streams: []'];
  const p: string[] = [];
  r['streams'].forEach((s, i) => {
    if (!isObject(s)) return p.push(`streams[${i}]: not an object`);
    const sources = ['url', 'ytId', 'infoHash', 'externalUrl'].filter((k) => s[k] !== undefined);
    if (sources.length !== 1) p.push(`streams[${i}]: exactly one of url, ytId, infoHash, externalUrl`);
    if (s['url'] !== undefined && !(isString(s['url']) && /^https?:\/\//.test(s['url']))) p.push(`streams[${i}].url: an http(s) URL`);
    for (const key of ['name', 'title', 'description'] as const) if (s[key] !== undefined && !isString(s[key])) p.push(`streams[${i}].${key}: string when present`);
    if (s['behaviorHints'] !== undefined && !isObject(s['behaviorHints'])) p.push(`streams[${i}].behaviorHints: object when present`);
    if (s['subtitles'] !== undefined) {
      if (!Array.isArray(s['subtitles'])) p.push(`streams[${i}].subtitles: array when present`);
      else
        s['subtitles'].forEach((sub, j) => {
          if (!isObject(sub) || !nonEmpty(sub['id']) || !nonEmpty(sub['lang']) || !(isString(sub['url']) && /^https?:\/\//.test(sub['url']))) p.push(`streams[${i}].subtitles[${j}]: needs id, an http(s) url and lang`);
        });
    }
    return undefined;
  });
  return p;
}
