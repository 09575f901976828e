/**
 * A torrent naming tens of thousands of files, loaded into the real CLI's service: every listing
 * answers completely (or paged where its protocol pages), and SIGTERM still ends the process.
 * Timings are in `npm run bench:listings`, not here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { manyFileTorrent } from '../sim/many-files.js';
import { runCli } from '../sim/cli-process.js';
import { ADDON_CATALOG_PAGE_SIZE } from '../../src/adapters/addon-manifest.js';
import { MAX_BROWSE_RESULTS, torrentObjectId } from '../../src/adapters/content-directory.js';
import { DLNA_PATHS } from '../../src/adapters/upnp-descriptions.js';

export const MANY_FILES = 50_000;
const CD = 'urn:schemas-upnp-org:service:ContentDirectory:1';

function browseEnvelope(objectId: string, start: number, count: number): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">` +
    `<s:Body><u:Browse xmlns:u="${CD}"><ObjectID>${objectId}</ObjectID><BrowseFlag>BrowseDirectChildren</BrowseFlag><Filter>*</Filter>` +
    `<StartingIndex>${start}</StartingIndex><RequestedCount>${count}</RequestedCount><SortCriteria></SortCriteria></u:Browse></s:Body></s:Envelope>`
  );
}

test(`a ${MANY_FILES}-file torrent: every listing answers, paged where the protocol pages; SIGTERM ends the service`, async (t) => {
  const big = manyFileTorrent(MANY_FILES);
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-many-'));
  t.after(() => fs.rmSync(cwd, { recursive: true, force: true }));
  const cli = runCli(['serve', '--json', '--port', '0', '--host', '127.0.0.1', '--interface', '127.0.0.1', '--dht-bootstrap', '127.0.0.1:9', '--store', 'store'], cwd);
  t.after(() => cli.child.kill('SIGKILL'));
  const ready = await cli.waitFor((e) => e['event'] === 'ready');
  const base = String(ready['url']);

  const added = await fetch(`${base}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ torrent: big.torrentFile.toString('base64') }) });
  assert.equal(added.status, 201);
  type Listed = Array<{ infoHash: string; ready: boolean; files: Array<{ index: number; url: string }> }>;
  let list: Listed = [];
  while (list[0]?.ready !== true) {
    assert.equal(cli.child.exitCode, null, `the service exited: ${cli.err()}`);
    list = (await (await fetch(`${base}/api/torrents`)).json()) as Listed;
    if (list[0]?.ready !== true) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(list.length, 1);
  assert.equal(list[0]!.files.length, MANY_FILES, '/api/torrents lists every file');
  assert.equal(list[0]!.files[MANY_FILES - 1]!.index, MANY_FILES - 1);

  const catalog = (await (await fetch(`${base}/addon/catalog/movie/torrent-live.json`)).json()) as { metas: Array<{ id: string }> };
  assert.equal(catalog.metas.length, ADDON_CATALOG_PAGE_SIZE, 'the add-on catalog is paged');
  const lastPage = (await (await fetch(`${base}/addon/catalog/movie/torrent-live/skip=${MANY_FILES - 10}.json`)).json()) as { metas: Array<{ id: string }> };
  assert.deepEqual(lastPage.metas.map((m) => m.id).at(-1), `tl:${big.infoHash}:${MANY_FILES - 1}`);
  assert.equal(lastPage.metas.length, 10);
  const meta = await fetch(`${base}/addon/meta/movie/tl:${big.infoHash}:${MANY_FILES - 1}.json`);
  assert.equal(meta.status, 200);

  const m3u = await (await fetch(`${base}/api/playlist.m3u`)).text();
  assert.equal(m3u.split('\n').filter((l) => l.startsWith('#EXTINF')).length, MANY_FILES, 'the playlist lists every file');

  const browse = await fetch(`${base}${DLNA_PATHS.contentDirectoryControl}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset="utf-8"', soapaction: `"${CD}#Browse"` },
    body: browseEnvelope(torrentObjectId(big.infoHash), MANY_FILES - 3, 0),
  });
  const soap = await browse.text();
  assert.equal(browse.status, 200, soap);
  assert.match(soap, /<NumberReturned>3<\/NumberReturned>/);
  assert.match(soap, new RegExp(`<TotalMatches>${MANY_FILES}</TotalMatches>`));
  const firstPage = await (await fetch(`${base}${DLNA_PATHS.contentDirectoryControl}`, { method: 'POST', headers: { 'content-type': 'text/xml; charset="utf-8"', soapaction: `"${CD}#Browse"` }, body: browseEnvelope(torrentObjectId(big.infoHash), 0, 0) })).text();
  assert.match(firstPage, new RegExp(`<NumberReturned>${MAX_BROWSE_RESULTS}</NumberReturned>`), 'RequestedCount 0 is capped');

  cli.child.kill('SIGTERM');
  assert.equal(await cli.exit, 0, cli.err());
});
