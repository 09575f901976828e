/**
 * A torrent's files through the API when there are more than a view carries: the 201 lists the
 * first POST_VIEW_FILES unless asked, every view says fileCount, GET /api/torrents/:infoHash/files
 * pages and searches with bounded parameters, and SSE's metadata event carries the first files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manyFileTorrent } from '../sim/many-files.js';
import { startService } from '../sim/service.js';
import { closesAfter } from '../sim/cleanup.js';
import { POST_VIEW_FILES } from '../../src/server/file-query.js';
import { SSE_METADATA_FILES } from '../../src/server/events-sse.js';

const FILES = 2_000;

interface View { infoHash: string; fileCount: number; files: Array<{ index: number; name: string; url: string }> }
interface Page { fileCount: number; matched: number; offset: number; limit: number; files: Array<{ index: number; name: string; url: string }> }

test(`a ${FILES}-file torrent: paged views, a searchable file list, a bounded metadata event`, async (t) => {
  const own = closesAfter(t);
  const big = manyFileTorrent(FILES);
  const svc = own(await startService({ bootstrap: ['127.0.0.1:9'], host: '127.220.0.8' }));
  const base = svc.baseUrl;
  const events = await fetch(`${base}/api/events`);
  const reader = events.body!.getReader();
  t.after(() => reader.cancel().catch(() => undefined));

  const post = (query = '') => fetch(`${base}/api/torrents${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ torrent: big.torrentFile.toString('base64') }) });
  const added = await post();
  assert.equal(added.status, 201);
  const view = (await added.json()) as View;
  assert.equal(view.fileCount, FILES);
  assert.equal(view.files.length, POST_VIEW_FILES, 'the 201 lists the first files by default');
  assert.equal(((await (await post('?files=all')).json()) as View).files.length, FILES, '?files=all: every file, as before');
  assert.equal(((await (await post('?files=3')).json()) as View).files.length, 3);
  assert.equal((await post('?files=lots')).status, 400);

  await svc.manager.session(big.infoHash)!.ready;
  const listed = (await (await fetch(`${base}/api/torrents`)).json()) as View[];
  assert.equal(listed[0]!.files.length, FILES, 'GET lists every file unless asked');
  assert.equal(listed[0]!.fileCount, FILES);
  assert.deepEqual(((await (await fetch(`${base}/api/torrents?files=0`)).json()) as View[])[0]!.files, []);
  assert.equal(((await (await fetch(`${base}/api/torrents/${big.infoHash}?files=10`)).json()) as View).files.length, 10);

  const page = (query: string) => fetch(`${base}/api/torrents/${big.infoHash}/files${query}`);
  const last = (await (await page(`?offset=${FILES - 5}&limit=50`)).json()) as Page;
  assert.deepEqual({ ...last, files: last.files.map((f) => f.index) }, { infoHash: big.infoHash, fileCount: FILES, matched: FILES, offset: FILES - 5, limit: 50, files: [1995, 1996, 1997, 1998, 1999] });
  assert.match(last.files[4]!.url, new RegExp(`^${base}/stream/${big.infoHash}/1999\\b`));
  const found = (await (await page('?q=EPISODE%201999')).json()) as Page;
  assert.deepEqual({ matched: found.matched, files: found.files.map((f) => f.name) }, { matched: 1, files: ['many files/season 1/episode 1999.mp4'] });
  assert.equal(((await (await page('')).json()) as Page).files.length, 100, 'a page without limit');
  const media = (await (await page('?media=true&offset=10&limit=2')).json()) as Page & { mediaFileCount: number };
  assert.deepEqual([media.mediaFileCount, media.matched, media.files.map((f) => f.index)], [FILES, FILES, [10, 11]], 'media=true: every file here is a video');
  assert.equal((listed[0] as View & { mediaFileCount?: number }).mediaFileCount, FILES);
  for (const bad of ['?limit=1001', '?offset=-1', `?q=${'x'.repeat(201)}`, '?q=a&q=b']) assert.equal((await page(bad)).status, 400, bad);
  assert.equal((await fetch(`${base}/api/torrents/${'0'.repeat(40)}/files`)).status, 404);

  // The metadata event as SSE sent it: the first files and how many there are.
  let text = '';
  const decoder = new TextDecoder();
  while (!/event: metadata\ndata: .*\n\n/.test(text)) text += decoder.decode((await reader.read()).value);
  const metadata = JSON.parse(/event: metadata\ndata: (.*)\n\n/.exec(text)![1]!) as { fileCount: number; files: unknown[] };
  assert.equal(metadata.fileCount, FILES);
  assert.equal(metadata.files.length, SSE_METADATA_FILES);
  const onBus = svc.events.find((e) => e.event === 'metadata');
  assert.equal(onBus?.event === 'metadata' && onBus.files.length, FILES, 'NDJSON (--json) still carries every file');
  await reader.cancel();
});
