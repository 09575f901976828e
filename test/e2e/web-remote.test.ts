/**
 * The web remote in real headless Chromium at phone size, against the in-memory API
 * (fake-remote-api.ts) with the real auth layer. The browser connects from 127.0.0.1, which this
 * test does not trust, so it has to pair with the token like a phone on the LAN.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeRemoteServer, FAKE_BODY_LIMIT_BYTES, type FakeRemoteServer } from './fake-remote-api.js';
import { openPhoneBrowser, type PhoneBrowser } from './browser.js';
import { makeSampleVideo } from './sample-video.js';
import { PAIRING_COOKIE } from '../../src/server/auth.js';
import { until as waitUntil } from '../sim/wait.js';

const TOKEN = 'browser-test-token-abcdefghijklmnopqrstuvwxyz0123';
const HASH = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';
const UI_TIMEOUT_MS = 10_000;

let server: FakeRemoteServer;
let phone: PhoneBrowser;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tl-web-e2e-'));
  const video = await makeSampleVideo(join(dir, 'sample.mp4'));
  // Nobody is trusted: the browser on 127.0.0.1 plays a phone on the LAN.
  server = await startFakeRemoteServer({ host: '127.5.0.3', token: TOKEN, isTrusted: () => false, mediaFile: video });
  phone = await openPhoneBrowser();
});

after(async () => {
  await phone?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const until = (what: string, check: () => boolean): Promise<void> => waitUntil(what, check, UI_TIMEOUT_MS);
const posted = (path: string) => server.requests.filter((r) => r.method === 'POST' && r.path === path);

test('pairing: without the token the page is refused; the token link pairs and leaves the URL', async () => {
  const { page, context } = phone;
  const refused = await page.goto(`${server.baseUrl}/`);
  assert.equal(refused?.status(), 401);
  await page.getByText('not paired').waitFor();

  await page.goto(`${server.baseUrl}/?token=${TOKEN}`);
  await page.waitForURL(`${server.baseUrl}/`);
  await page.getByRole('heading', { name: 'Add a torrent' }).waitFor();
  const cookie = (await context.cookies(server.baseUrl)).find((c) => c.name === PAIRING_COOKIE);
  assert.ok(cookie, 'pairing cookie set');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');
  assert.equal(await page.evaluate(() => document.cookie), '', 'scripts cannot read the credential');
  await page.locator('#connection[data-state="live"]').waitFor({ timeout: UI_TIMEOUT_MS });
});

test('bad input gets a clear message: garbage magnet, short infohash, oversized upload', async () => {
  const { page } = phone;
  const field = page.getByLabel('Magnet link or infohash');
  const message = page.locator('#add-message');
  await field.fill('magnet:?xt=urn:btih:not-a-hash&dn=x');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await assertText(message, /infohash in this magnet link is damaged/);
  assert.equal(await field.getAttribute('aria-invalid'), 'true');

  await field.fill('abc123');
  await field.press('Enter'); // a textarea: Enter adds a newline, the button submits
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await assertText(message, /40 hex characters; this one has 6/);

  await page.locator('#torrent-file').setInputFiles({ name: 'huge.torrent', mimeType: 'application/x-bittorrent', buffer: Buffer.alloc(FAKE_BODY_LIMIT_BYTES, 1) });
  await assertText(message, /larger than the server accepts/);

  await page.locator('#torrent-file').setInputFiles({ name: 'junk.torrent', mimeType: 'application/x-bittorrent', buffer: Buffer.from('not bencode at all') });
  await assertText(message, /not a \.torrent/);
  assert.equal(server.torrents.size, 0);
});

test('add a magnet, then watch metadata, progress and spies arrive over SSE', async () => {
  const { page } = phone;
  await page.getByLabel('Magnet link or infohash').fill(`magnet:?xt=urn:btih:${HASH}&dn=Big+Buck+Bunny`);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  const card = page.locator(`li.torrent[data-infohash="${HASH}"]`);
  await card.getByRole('heading', { name: 'Big Buck Bunny' }).waitFor();
  assert.equal(posted('/api/torrents').at(-1)?.body && (posted('/api/torrents').at(-1)!.body as { source: string }).source.startsWith('magnet:'), true);

  const length = 50_000_000;
  server.torrents.get(HASH)!.files = [{ index: 0, name: 'Big Buck Bunny.mp4', length, mime: 'video/mp4', url: '' }];
  server.bus.emit('metadata', { infoHash: HASH, name: 'Big Buck Bunny', files: [{ index: 0, name: 'Big Buck Bunny.mp4', length, url: '' }, { index: 1, name: 'readme.txt', length: 100, url: '' }] });
  await card.getByText('Big Buck Bunny.mp4').waitFor();
  assert.equal(await card.getByRole('button', { name: 'Play here' }).count(), 1, 'only the video gets play buttons');

  server.bus.emit('progress', { infoHash: HASH, downloaded: 12_500_000, length, speed: 2_500_000, peers: 7, timeLeft: 15 });
  await assertText(card.locator('.stats'), /25%.*12\.5 MB of 50\.0 MB.*2\.50 MB\/s.*peers 7.*spies blocked 0.*15 s left/);
  const progressBar = card.getByRole('progressbar', { name: 'Big Buck Bunny' });
  assert.equal(Number(await progressBar.evaluate((el) => (el as HTMLProgressElement).value)), 0.25);

  server.bus.emit('spy', { ip: '127.40.0.9', port: 6881, reason: 'answered a decoy', infoHash: HASH });
  server.bus.emit('spy', { ip: '127.40.0.10', reason: 'several ports', infoHash: HASH });
  server.bus.emit('progress', { infoHash: HASH, downloaded: 37_500_000, length, speed: 3_000_000, peers: 9, timeLeft: 200 });
  await assertText(card.locator('.stats'), /75%.*peers 9.*spies blocked 2.*3 min left/);
  await phone.screenshot('web-remote-torrents.png');

  // A full store disk: the card says why the torrent stopped, and goes back when it resumes.
  server.bus.emit('paused', { infoHash: HASH, reason: 'disk full', message: `torrent ${HASH} paused: no room is left on the store disk beyond its reserve` });
  await assertText(card.locator('.stats'), /75%.*paused: disk full/);
  await phone.screenshot('web-remote-paused.png');
  server.bus.emit('resumed', { infoHash: HASH });
  await assertText(card.locator('.stats'), /75%.*3 min left/);
});

test('play in the page: the <video> loads the /stream URL and can play', async () => {
  const { page } = phone;
  await page.getByRole('button', { name: 'Play here' }).click();
  const video = page.locator('#player');
  await video.waitFor();
  assert.equal(await video.getAttribute('src'), `/stream/${HASH}/0`);
  await page.waitForFunction(() => (document.getElementById('player') as HTMLVideoElement).readyState >= 3, undefined, { timeout: UI_TIMEOUT_MS });
  await page.getByRole('button', { name: 'Close player' }).click();
  assert.equal(await page.locator('#player-section').isHidden(), true);
});

test('play in the page: a file the browser cannot decode is retried through ?transcode=mp4', async () => {
  const { page } = phone;
  const length = 4096;
  server.torrents.get(HASH)!.files.push({ index: 1, name: 'Extras.mkv', length, mime: 'video/x-matroska', url: '' });
  server.bus.emit('metadata', { infoHash: HASH, name: 'Big Buck Bunny', files: [{ index: 0, name: 'Big Buck Bunny.mp4', length: 50_000_000, url: '' }, { index: 1, name: 'Extras.mkv', length, url: '' }] });
  const row = page.locator(`li.torrent[data-infohash="${HASH}"] li[data-file-index="1"]`);
  await row.getByRole('button', { name: 'Play here' }).click();
  await assertText(page.locator('#player-message'), /converting it on the server/);
  await page.waitForFunction(() => (document.getElementById('player') as HTMLVideoElement).readyState >= 3, undefined, { timeout: UI_TIMEOUT_MS });
  assert.equal(await page.locator('#player').getAttribute('src'), `/stream/${HASH}/1?transcode=mp4`);
  assert.ok(server.streamRequests.includes(`/stream/${HASH}/1?transcode=mp4`));
  await page.getByRole('button', { name: 'Close player' }).click();
});

test('cast and remote: device pick, cast request, play/pause/seek/volume/stop reflect the device', async () => {
  const { page } = phone;
  await page.locator(`li.torrent[data-infohash="${HASH}"] li[data-file-index="0"]`).getByRole('button', { name: 'Cast to TV' }).click();
  await assertText(page.locator('#pending-cast'), /Choose a TV for “Big Buck Bunny\.mp4”/);
  await page.getByRole('radio', { name: /Living room TV/ }).check();
  await until('POST /api/cast', () => posted('/api/cast').length === 1);
  assert.deepEqual(posted('/api/cast')[0]!.body, { deviceId: 'cc-living', infoHash: HASH, fileIndex: 0 });

  const toggle = page.locator('#remote-playpause');
  await page.getByRole('button', { name: 'Pause' }).waitFor({ timeout: UI_TIMEOUT_MS });
  await assertText(page.locator('#remote-now'), /Living room TV: playing/);
  await assertText(page.locator('#remote-position'), /0:00 \/ 2:00/);

  await toggle.click();
  await until('pause', () => posted('/api/devices/cc-living/pause').length === 1);
  await page.getByRole('button', { name: 'Play' }).waitFor({ timeout: UI_TIMEOUT_MS });
  await assertText(page.locator('#remote-now'), /paused/);

  // The TV is driven from elsewhere (its own remote): the page follows what the device reports.
  server.devices.get('cc-living')!.status.state = 'playing';
  await page.getByRole('button', { name: 'Pause' }).waitFor({ timeout: UI_TIMEOUT_MS });

  await page.getByLabel('Position').fill('60');
  await until('seek', () => posted('/api/devices/cc-living/seek').length === 1);
  assert.deepEqual(posted('/api/devices/cc-living/seek')[0]!.body, { seconds: 60 });
  await assertText(page.locator('#remote-position'), /1:00 \/ 2:00/);

  await page.getByLabel('Volume').fill('30');
  await until('volume', () => posted('/api/devices/cc-living/volume').length === 1);
  assert.deepEqual(posted('/api/devices/cc-living/volume')[0]!.body, { level: 0.3 });
  await assertText(page.locator('#remote-volume-text'), /30%/);

  // Keyboard: the big button is reachable and works without a pointer.
  await toggle.focus();
  await page.keyboard.press('Enter');
  await until('pause by keyboard', () => posted('/api/devices/cc-living/pause').length === 2);
  await phone.screenshot('web-remote-tv.png');

  await page.getByRole('button', { name: 'Stop' }).click();
  await until('stop', () => posted('/api/devices/cc-living/stop').length === 1);
  await assertText(page.locator('#remote-now'), /stopped/);
  assert.equal(await page.getByRole('button', { name: 'Stop' }).isDisabled(), true);
});

test('privacy view: counters, chart lines and the spies.p2p export', async () => {
  const { page } = phone;
  await page.getByRole('button', { name: 'Privacy' }).click();
  await assertText(page.locator('#spies-discovered'), /^5$/);
  await assertText(page.locator('#spies-active'), /^2$/);
  const points = await page.locator('#spy-chart polyline[data-series="discovered"]').getAttribute('points');
  assert.equal(points?.split(' ').length, 3, 'one point per history sample');
  assert.match((await page.locator('#spy-chart').getAttribute('aria-label')) ?? '', /5 discovered, 2 active/);
  await page.getByText('answered a decoy').waitFor();
  const exportLink = page.getByRole('link', { name: 'Export spies.p2p' });
  assert.equal(await exportLink.getAttribute('href'), '/api/spies.p2p');
  const p2p = await page.request.get(`${server.baseUrl}/api/spies.p2p`);
  assert.equal(p2p.status(), 200);
  assert.match(await p2p.text(), /^spy:127\.40\.0\.1-127\.40\.0\.1$/m);
  await phone.screenshot('web-remote-privacy.png');
});

test('accessibility basics: every control is labelled and big enough to hit', async () => {
  const { page } = phone;
  await page.getByRole('button', { name: 'Torrents' }).click();
  const report = await page.evaluate(() => {
    const unlabeled: string[] = [];
    const small: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('button, input, textarea, a[href], label.button')) {
      if (el.offsetParent === null && getComputedStyle(el).position !== 'fixed') continue; // not shown
      if (el instanceof HTMLInputElement && el.type === 'file') continue; // reached via its label
      const name = el.getAttribute('aria-label') || (el as HTMLInputElement).labels?.[0]?.textContent || el.textContent;
      if (!name?.trim()) unlabeled.push(el.outerHTML.slice(0, 80));
      const box = el.getBoundingClientRect();
      if (!(el instanceof HTMLInputElement && el.type === 'radio') && box.height < 44) small.push(`${el.tagName} ${name?.trim()} ${Math.round(box.height)}px`);
    }
    return { unlabeled, small };
  });
  assert.deepEqual(report.unlabeled, []);
  assert.deepEqual(report.small, []);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `nothing sticks out sideways on a phone (${overflow}px)`);
  const expected = ['http 401 GET /', 'http 401 GET /favicon.ico', 'http 413 POST /api/torrents', 'http 400 POST /api/torrents'];
  const unexpected = phone.problems.filter((p) => !expected.includes(p));
  assert.deepEqual(unexpected, [], 'no script errors in the page');
});

test('keyboard only: Tab reaches every control of the torrents panel and the section tabs', async () => {
  const { page } = phone;
  await page.getByRole('button', { name: 'Torrents' }).click();
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const reached = new Set<string>();
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    reached.add(
      await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el) return '';
        const input = el as HTMLInputElement;
        return (el.getAttribute('aria-label') || input.labels?.[0]?.textContent || el.textContent || '').replace(/\s+/g, ' ').trim();
      }),
    );
  }
  for (const name of ['Skip to content', 'Magnet link or infohash', 'Add', 'Choose .torrent file', 'Play here', 'Cast to TV', 'Remove', 'Torrents', 'TV', 'Privacy']) {
    assert.ok(reached.has(name), `Tab reaches "${name}" (reached: ${[...reached].join(' | ')})`);
  }
});

test('remove asks first, and only a confirmed removal reaches the API', async () => {
  const { page } = phone;
  const card = page.locator(`li.torrent[data-infohash="${HASH}"]`);
  page.once('dialog', (dialog) => void dialog.dismiss());
  await card.getByRole('button', { name: 'Remove' }).click();
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(server.requests.filter((r) => r.method === 'DELETE').length, 0);
  page.once('dialog', (dialog) => {
    assert.match(dialog.message(), /Remove “Big Buck Bunny”/);
    void dialog.accept();
  });
  await card.getByRole('button', { name: 'Remove' }).click();
  await card.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
  assert.deepEqual(server.requests.filter((r) => r.method === 'DELETE').map((r) => r.path), [`/api/torrents/${HASH}`]);
  assert.equal(server.torrents.has(HASH), false);
});

async function assertText(locator: import('playwright-core').Locator, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + UI_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    last = ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
    if (pattern.test(last)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.match(last, pattern);
}
