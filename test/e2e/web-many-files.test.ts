/**
 * A 50,000-file torrent in the web remote, real service and real Chromium at phone size: uploaded
 * through the page, its card lists one page of rows, a search finds a file deep in the list, and
 * that file plays and casts like any other. Timings are in `npm run bench:listings`, not here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startService } from '../sim/service.js';
import { manyFileTorrent } from '../sim/many-files.js';
import { openPhoneBrowser } from './browser.js';
import { closesAfter } from '../sim/cleanup.js';
import { FILE_PAGE_SIZE } from '../../src/web/client/file-pager.js';

const SERVICE_HOST = '127.220.0.7';
const FILES = 50_000;
const UI_TIMEOUT_MS = 60_000;

test(`a ${FILES}-file torrent: the card shows a page of rows, search finds the last file, which plays and casts`, async (t) => {
  const own = closesAfter(t);
  const big = manyFileTorrent(FILES, { name: 'Long Show' });
  const svc = own(await startService({ bootstrap: ['127.0.0.1:9'], host: SERVICE_HOST, service: { isTrusted: () => false } }));
  const phone = own(await openPhoneBrowser());
  const { page } = phone;
  await page.goto(`${svc.baseUrl}/?token=${svc.token}`);
  await page.waitForURL(`${svc.baseUrl}/`);
  await page.locator('#connection[data-state="live"]').waitFor({ timeout: UI_TIMEOUT_MS });

  const added = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/torrents', { timeout: UI_TIMEOUT_MS });
  await page.locator('#torrent-file').setInputFiles({ name: 'long-show.torrent', mimeType: 'application/x-bittorrent', buffer: big.torrentFile });
  const addedBody = (await (await added).json()) as { files: unknown[]; fileCount: number };
  assert.equal(addedBody.fileCount, FILES);
  assert.equal(addedBody.files.length, FILE_PAGE_SIZE, 'the page asks the 201 for one page of files');

  const card = page.locator(`li.torrent[data-infohash="${big.infoHash}"]`);
  const status = card.locator('.file-status');
  await status.filter({ hasText: `Files 1–${FILE_PAGE_SIZE} of 50,000` }).waitFor({ timeout: UI_TIMEOUT_MS });
  const rows = () => page.locator('li[data-file-index]').count();
  assert.equal(await rows(), FILE_PAGE_SIZE, 'one page of rows, not 50,000');

  await card.getByRole('button', { name: 'Next files' }).click();
  await status.filter({ hasText: `Files ${FILE_PAGE_SIZE + 1}–${2 * FILE_PAGE_SIZE} of 50,000` }).waitFor({ timeout: UI_TIMEOUT_MS });
  assert.equal(await card.locator(`li[data-file-index="${FILE_PAGE_SIZE}"]`).count(), 1);
  assert.equal(await rows(), FILE_PAGE_SIZE);

  await card.getByRole('searchbox', { name: 'Search files' }).fill('episode 49999');
  await status.filter({ hasText: '1–1 of 1 file matching “episode 49999”' }).waitFor({ timeout: UI_TIMEOUT_MS });
  const found = card.locator(`li[data-file-index="${FILES - 1}"]`);
  await found.getByText('episode 49999.mp4').waitFor();
  assert.equal(await rows(), 1);
  await phone.screenshot('web-many-files-search.png');

  await card.getByRole('searchbox', { name: 'Search files' }).fill('no such episode');
  await status.filter({ hasText: 'No file matches “no such episode”.' }).waitFor({ timeout: UI_TIMEOUT_MS });
  assert.equal(await rows(), 0);
  await card.getByRole('searchbox', { name: 'Search files' }).fill('Episode 49999');
  await found.waitFor({ timeout: UI_TIMEOUT_MS });

  await found.getByRole('button', { name: 'Cast to TV' }).click();
  await page.locator('#pending-cast').filter({ hasText: /Choose a TV for “Long Show\/season 49\/episode 49999\.mp4”/ }).waitFor({ timeout: UI_TIMEOUT_MS });

  await page.locator('#tab-torrents').click();
  const playback = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/playback', { timeout: UI_TIMEOUT_MS });
  await found.getByRole('button', { name: 'Play here' }).click();
  const asked = (await playback).postDataJSON() as { infoHash: string; fileIndex: number };
  assert.deepEqual({ infoHash: asked.infoHash, fileIndex: asked.fileIndex }, { infoHash: big.infoHash, fileIndex: FILES - 1 });
  assert.ok((await page.locator('li[data-file-index]').count()) <= FILE_PAGE_SIZE);
  // The test service runs without TV discovery, so /api/devices is not there.
  assert.deepEqual(phone.problems.filter((p) => p !== 'http 404 GET /api/devices'), []);
});
