/** The CLI as a user runs it: exit codes, nothing written for bad input, the demo, the 2015 form. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';

import { ROOT, runCli } from '../sim/cli-process.js';
import { closesAfter, type Own } from '../sim/cleanup.js';
import { requireTool } from '../sim/require-tool.js';

function tempDir(own: Own): string {
  return own(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-cli-')), (dir) => fs.rmSync(dir, { recursive: true, force: true }));
}

test('bad sources and options exit 2, name the problem and write nothing', async (t) => {
  const own = closesAfter(t);
  const cwd = tempDir(own);
  fs.writeFileSync(path.join(cwd, 'garbage.torrent'), 'd8:announce3:abc'); // truncated bencode
  const cases: Array<[string[], RegExp]> = [
    [['magnet:?xt=urn:btih:nothex'], /E_BAD_SOURCE.*nothex/],
    [['magnet:?dn=no-topic'], /E_BAD_SOURCE/],
    [['garbage.torrent'], /E_BAD_TORRENT.*garbage\.torrent/],
    [['missing.torrent'], /E_BAD_SOURCE.*missing\.torrent/],
    [['c9e15763f722f23e98a29decdfae341b98d53056', '--max-peers', 'lots'], /E_BAD_ARGUMENT.*--max-peers/],
    [['c9e15763f722f23e98a29decdfae341b98d53056', '--frobnicate'], /E_BAD_ARGUMENT/],
  ];
  for (const [args, expected] of cases) {
    const run = own(runCli([...args, '--store', 'store', '--port', '0'], cwd));
    assert.equal(await run.exit, 2, args.join(' '));
    assert.match(run.err(), expected);
    assert.ok(!fs.existsSync(path.join(cwd, 'store')), `nothing written for ${args.join(' ')}`);
  }
});

test('--help prints the usage and exits 0', async (t) => {
  const own = closesAfter(t);
  const cwd = tempDir(own);
  const run = own(runCli(['--help'], cwd));
  assert.equal(await run.exit, 0);
});

test('demo streams the sample video from its own loopback swarm, and Ctrl-C exits 0', async (t) => {
  const own = closesAfter(t);
  const cwd = tempDir(own);
  const run = own(runCli(['demo', '--json', '--port', '0'], cwd));
  const ready = await run.waitFor((e) => e['event'] === 'ready');
  const meta = await run.waitFor((e) => e['event'] === 'metadata');
  const file = (meta['files'] as Array<{ url: string }>)[0]!;
  const res = await fetch(`${ready['url'] as string}${file.url}`);
  assert.equal(res.headers.get('content-type'), 'video/mp4');
  const body = Buffer.from(await res.arrayBuffer());
  assert.ok(body.equals(fs.readFileSync(path.join(ROOT, 'assets/sample.mp4'))), 'sample video byte-exact');
  assert.ok(run.events().some((e) => e['event'] === 'progress'));
  assert.equal(await run.close(), 0);
});

test('the 2015 form `<infohash> <path>` downloads into path/downloads and resumes on a second run', async (t) => {
  const own = closesAfter(t);
  const fx = await makeFixture({ name: 'old-form.mp4', files: [{ name: 'old-form.mp4', length: 2_500_000 }], seed: 51 });
  const world = own(await startWorld({ fixtures: [fx] }));
  const cwd = tempDir(own);
  const args = [fx.infoHash, 'mystore', '--json', '--port', '0', '--dht-bootstrap', world.dht.bootstrap.join(','), '--bind', '127.0.0.1', '--interface', '127.0.0.1'];
  const first = own(runCli(args, cwd));
  await first.waitFor((e) => e['event'] === 'done');
  assert.equal(await first.close(), 0);
  // `path` is the store: the data tree inside it is downloads/, apart from the service's state.
  assert.ok(fs.readFileSync(path.join(cwd, 'mystore', 'downloads', 'old-form.mp4')).equals(fx.content));
  const served = world.seeders[0]!.blocksServed;

  const second = own(runCli(args, cwd));
  await second.waitFor((e) => e['event'] === 'done');
  assert.equal(await second.close(), 0);
  assert.equal(world.seeders[0]!.blocksServed, served, 'the second run fetched no block');
});

test('the 2015 form `<infohash> <path> webm`: the conversion URL is printed, plays as WebM, and the decision is an event', async (t) => {
  requireTool('ffmpeg');
  const own = closesAfter(t);
  const sample = fs.readFileSync(path.join(ROOT, 'assets/sample.mp4'));
  const fx = await makeFixture({ name: 'old-form-webm.mp4', files: [{ name: 'old-form-webm.mp4', length: sample.length }], contents: [sample] });
  const world = own(await startWorld({ fixtures: [fx] }));
  const cwd = tempDir(own);
  const run = own(runCli([fx.infoHash, 'downloads', 'webm', 'ffmpeg', '--port', '0', '--dht-bootstrap', world.dht.bootstrap.join(','), '--bind', '127.0.0.1', '--interface', '127.0.0.1'], cwd));
  await run.until('the conversion URL', () => /\?transcode=webm/.test(run.out()));
  const url = /(http:\/\/\S+\?transcode=webm)/.exec(run.out())![1]!;
  const res = await fetch(url);
  assert.equal(res.status, 200, await res.clone().text().catch(() => ''));
  assert.equal(res.headers.get('content-type'), 'video/webm');
  assert.match(res.headers.get('x-transcode-decision') ?? '', /container=webm/);
  const body = Buffer.from(await res.arrayBuffer());
  assert.deepEqual([...body.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3], 'an EBML (WebM) header');
  assert.ok(body.length > 50_000, `${body.length} bytes of WebM`);
  assert.equal(await run.close(), 0);
});
