/**
 * Listings of a torrent with tens of thousands of files, through the real service: how long each
 * route takes, and how long an unrelated request (the DLNA description a TV fetches) waits while
 * it runs. The named alternative is the same service with a 500-file torrent: a listing linear in
 * the files costs about N/500 times as much, a quadratic one N²/500² times.
 *   npx tsx bench/listings.ts [files]
 */
import { DLNA_PATHS } from '../src/adapters/upnp-descriptions.js';
import { torrentObjectId } from '../src/adapters/content-directory.js';
import { manyFileTorrent } from '../test/sim/many-files.js';
import { startService } from '../test/sim/service.js';

const FILES = Number(process.argv[2] ?? 50_000);
const SMALL = 500;
const CD = 'urn:schemas-upnp-org:service:ContentDirectory:1';

interface Row { route: string; ms: number; worstWaitMs: number; bytes: number }

async function measure(base: string, route: string, init?: RequestInit): Promise<Row> {
  // A TV's request every 5 ms while the listing runs: its worst wait is what the listing costs others.
  let worst = 0;
  let running = true;
  const probe = (async () => {
    while (running) {
      const t = performance.now();
      await (await fetch(`${base}${DLNA_PATHS.description}`)).arrayBuffer();
      worst = Math.max(worst, performance.now() - t);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const t0 = performance.now();
  const res = await fetch(`${base}${route}`, init);
  const bytes = (await res.arrayBuffer()).byteLength;
  const ms = performance.now() - t0;
  running = false;
  await probe;
  if (!res.ok) throw new Error(`${route}: HTTP ${res.status}`);
  return { route, ms, worstWaitMs: worst, bytes };
}

async function listingsFor(fileCount: number): Promise<Row[]> {
  const big = manyFileTorrent(fileCount);
  const svc = await startService({ bootstrap: ['127.0.0.1:9'] });
  try {
    const base = svc.baseUrl;
    // Each add is a torrent of its own (random piece hashes: another infohash), into the same service.
    const addRow = async (label: string, query: string): Promise<Row> => {
      const other = manyFileTorrent(fileCount);
      const row = await measure(base, `/api/torrents${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ torrent: other.torrentFile.toString('base64') }) });
      await svc.manager.session(other.infoHash)!.ready;
      await svc.manager.remove(other.infoHash);
      return { ...row, route: label };
    };
    const add = await measure(base, '/api/torrents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ torrent: big.torrentFile.toString('base64') }) });
    await svc.manager.session(big.infoHash)!.ready;
    const browse = (start: number): RequestInit => ({
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset="utf-8"', soapaction: `"${CD}#Browse"` },
      body: `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><u:Browse xmlns:u="${CD}"><ObjectID>${torrentObjectId(big.infoHash)}</ObjectID><BrowseFlag>BrowseDirectChildren</BrowseFlag><Filter>*</Filter><StartingIndex>${start}</StartingIndex><RequestedCount>0</RequestedCount><SortCriteria></SortCriteria></u:Browse></s:Body></s:Envelope>`,
    });
    const rows = [
      { ...add, route: 'POST /api/torrents (.torrent; the 201 lists the first 1,000 files)' },
      await addRow('POST /api/torrents?files=all (the 201 lists every file, as before)', '?files=all'),
      await addRow('POST /api/torrents?files=50 (what the web remote sends)', '?files=50'),
    ];
    for (const route of ['/api/torrents', '/api/torrents?files=50', `/api/torrents/${big.infoHash}`, `/api/torrents/${big.infoHash}/files?offset=${fileCount - 50}&limit=50`, `/api/torrents/${big.infoHash}/files?q=episode%20${fileCount - 1}&limit=50`, '/api/playlist.m3u', '/addon/catalog/movie/torrent-live.json', `/addon/catalog/movie/torrent-live/skip=${fileCount - 50}.json`, `/addon/meta/movie/tl:${big.infoHash}:${fileCount - 1}.json`, `/addon/stream/movie/tl:${big.infoHash}:${fileCount - 1}.json`]) {
      rows.push(await measure(base, route));
    }
    rows.push({ ...(await measure(base, DLNA_PATHS.contentDirectoryControl, browse(fileCount - 100))), route: 'DLNA Browse (last page)' });
    return rows;
  } finally {
    await svc.close();
  }
}

async function main(): Promise<void> {
  const small = await listingsFor(SMALL);
  const large = await listingsFor(FILES);
  console.log(`| route | ${SMALL} files | ${FILES} files | ratio | worst wait of a DLNA description request (${FILES}) | bytes (${FILES}) |`);
  console.log('|---|---|---|---|---|---|');
  large.forEach((row, i) => {
    const s = small[i]!;
    console.log(`| ${row.route.replace(/[0-9a-f]{40}/, '<hash>')} | ${s.ms.toFixed(0)} ms | ${row.ms.toFixed(0)} ms | ${(row.ms / Math.max(s.ms, 0.5)).toFixed(0)}x | ${row.worstWaitMs.toFixed(0)} ms | ${row.bytes} |`);
  });
  process.exit(0);
}

void main();
