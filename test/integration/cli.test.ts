/** The CLI as a user runs it: exit codes, nothing written for bad input, the demo, the 2015 form. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';

import { ROOT, runCli } from '../sim/cli-process.js';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tl-cli-'));
}

test('bad sources and options exit 2, name the problem and write nothing', async () => {
  const cwd = tempDir();
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
    const run = runCli([...args, '--store', 'store', '--port', '0'], cwd);
    assert.equal(await run.exit, 2, args.join(' '));
    assert.match(run.err(), expected);
    assert.ok(!fs.existsSync(path.join(cwd, 'store')), `nothing written for ${args.join(' ')}`);
  }
  fs.rmSync(cwd, { recursive: true, force: true });
});

test('--help prints the usage and exits 0', async () => {
  const cwd = tempDir();
  const run = runCli(['--help'], cwd);
  assert.equal(await run.exit, 0);
  fs.rmSync(cwd, { recursive: true, force: true });
});

test('demo streams the sample video from its own loopback swarm, and Ctrl-C exits 0', async () => {
  const cwd = tempDir();
  const run = runCli(['demo', '--json', '--port', '0'], cwd);
  try {
    const ready = await run.waitFor((e) => e['event'] === 'ready');
    const meta = await run.waitFor((e) => e['event'] === 'metadata');
    const file = (meta['files'] as Array<{ url: string }>)[0]!;
    const res = await fetch(`${ready['url'] as string}${file.url}`);
    assert.equal(res.headers.get('content-type'), 'video/mp4');
    const body = Buffer.from(await res.arrayBuffer());
    assert.ok(body.equals(fs.readFileSync(path.join(ROOT, 'assets/sample.mp4'))), 'sample video byte-exact');
    assert.ok(run.events().some((e) => e['event'] === 'progress'));
  } finally {
    run.child.kill('SIGINT');
  }
  assert.equal(await run.exit, 0);
  fs.rmSync(cwd, { recursive: true, force: true });
});

test('the 2015 form `<infohash> <path>` downloads into path/downloads and resumes on a second run', async () => {
  const fx = await makeFixture({ name: 'old-form.mp4', files: [{ name: 'old-form.mp4', length: 2_500_000 }], seed: 51 });
  const world = await startWorld({ fixtures: [fx] });
  const cwd = tempDir();
  const args = [fx.infoHash, 'mystore', '--json', '--port', '0', '--dht-bootstrap', world.dht.bootstrap.join(','), '--bind', '127.0.0.1', '--interface', '127.0.0.1'];
  try {
    const first = runCli(args, cwd);
    await first.waitFor((e) => e['event'] === 'done');
    first.child.kill('SIGINT');
    assert.equal(await first.exit, 0);
    // `path` is the store: the data tree inside it is downloads/, apart from the service's state.
    assert.ok(fs.readFileSync(path.join(cwd, 'mystore', 'downloads', 'old-form.mp4')).equals(fx.content));
    const served = world.seeders[0]!.blocksServed;

    const second = runCli(args, cwd);
    await second.waitFor((e) => e['event'] === 'done');
    second.child.kill('SIGINT');
    assert.equal(await second.exit, 0);
    assert.equal(world.seeders[0]!.blocksServed, served, 'the second run fetched no block');
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
    await world.close();
  }
});

test('the 2015 form `<infohash> <path> webm`: the conversion URL is printed, plays as WebM, and the decision is an event', async () => {
  const sample = fs.readFileSync(path.join(ROOT, 'assets/sample.mp4'));
  const fx = await makeFixture({ name: 'old-form-webm.mp4', files: [{ name: 'old-form-webm.mp4', length: sample.length }], contents: [sample] });
  const world = await startWorld({ fixtures: [fx] });
  const cwd = tempDir();
  const run = runCli([fx.infoHash, 'downloads', 'webm', 'ffmpeg', '--port', '0', '--dht-bootstrap', world.dht.bootstrap.join(','), '--bind', '127.0.0.1', '--interface', '127.0.0.1'], cwd);
  try {
    await run.until('the conversion URL', () => /\?transcode=webm/.test(run.out()));
    const url = /(http:\/\/\S+\?transcode=webm)/.exec(run.out())![1]!;
    const res = await fetch(url);
    assert.equal(res.status, 200, await res.clone().text().catch(() => ''));
    assert.equal(res.headers.get('content-type'), 'video/webm');
    assert.match(res.headers.get('x-transcode-decision') ?? '', /container=webm/);
    const body = Buffer.from(await res.arrayBuffer());
    assert.deepEqual([...body.subarray(0, 4)], [0x1a, 0x45, 0xdf, 0xa3], 'an EBML (WebM) header');
    assert.ok(body.length > 50_000, `${body.length} bytes of WebM`);
  } finally {
    run.child.kill('SIGINT');
  }
  assert.equal(await run.exit, 0);
  fs.rmSync(cwd, { recursive: true, force: true });
  await world.close();
});
