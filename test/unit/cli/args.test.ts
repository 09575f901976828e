import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommand } from '../../../src/cli/args.js';
import { TorrentLiveError } from '../../../src/errors.js';

const H = 'c9e15763f722f23e98a29decdfae341b98d53056';

test('the 2015 form: <source> [path] [mp4|webm] [ffmpeg_path]', () => {
  const a = parseCommand([H]);
  assert.equal(a.mode, 'stream');
  if (a.mode === 'stream') assert.equal(a.config.storeDir, './store');
  const b = parseCommand([H, '/media', 'webm', '/opt/ffmpeg']);
  assert.ok(b.mode === 'stream');
  if (b.mode === 'stream') {
    assert.equal(b.config.storeDir, '/media');
    assert.equal(b.config.transcode, 'webm');
    assert.equal(b.config.ffmpegPath, '/opt/ffmpeg');
  }
  const c = parseCommand([H, 'mp4']);
  if (c.mode === 'stream') {
    assert.equal(c.config.transcode, 'mp4');
    assert.equal(c.config.storeDir, './store');
  }
  assert.equal(parseCommand([H, 'findspiesonly']).mode, 'findspiesonly');
});

test('options and subcommands', () => {
  const c = parseCommand(['serve', '--port', '0', '--max-peers', '5', '--dht-bootstrap', '127.0.0.1:6881,127.0.0.2:6881', '--no-freerider', '--json', '--blocklist', 'a.p2p', '--blocklist', 'b.dat']);
  assert.equal(c.mode, 'serve');
  if (c.mode === 'serve') {
    assert.equal(c.config.httpPort, 0);
    assert.equal(c.config.maxPeers, 5);
    assert.deepEqual(c.config.dhtBootstrap, ['127.0.0.1:6881', '127.0.0.2:6881']);
    assert.equal(c.config.freerider, false);
    assert.deepEqual(c.config.blocklists, ['a.p2p', 'b.dat']);
  }
  const cast = parseCommand(['cast', H, '--device', 'Living room']);
  assert.ok(cast.mode === 'cast' && cast.device === 'Living room');
  assert.equal(parseCommand([]).mode, 'help');
});

test('bad arguments are E_BAD_ARGUMENT naming the flag', () => {
  const bad: string[][] = [
    [H, '--port', '70000'],
    [H, '--max-peers', '0'],
    [H, '--dht-bootstrap', 'nohostport'],
    ['cast', H],
    ['export-strm'],
    [H, 'mp4', 'ffmpeg', 'extra'],
    [H, '--unknown'],
  ];
  for (const argv of bad) {
    assert.throws(() => parseCommand(argv), (e: unknown) => e instanceof TorrentLiveError && e.code === 'E_BAD_ARGUMENT', argv.join(' '));
  }
});

test('--dlna-name names the DLNA server; empty, over-long or control-character names are refused', () => {
  const c = parseCommand(['serve', '--dlna-name', '  Living room <TV>  ']);
  assert.ok(c.mode === 'serve' && c.config.dlnaName === 'Living room <TV>');
  const d = parseCommand(['serve']);
  assert.ok(d.mode === 'serve' && d.config.dlnaName === undefined, 'unset: the default name with host and port');
  for (const name of ['', '   ', 'x'.repeat(65), 'a\nb', 'tab\there']) {
    assert.throws(() => parseCommand(['serve', '--dlna-name', name]), (e: unknown) => e instanceof TorrentLiveError && e.code === 'E_BAD_ARGUMENT' && /--dlna-name/.test(e.message), JSON.stringify(name));
  }
});

test('--encryption takes prefer, require or off (default prefer); --no-utp turns uTP off', () => {
  const config = (argv: string[]) => {
    const c = parseCommand(argv);
    assert.ok('config' in c);
    return c.config;
  };
  assert.equal(config(['serve']).encryption, 'prefer');
  assert.equal(config(['serve']).utp, true);
  assert.equal(config(['serve', '--encryption', 'require']).encryption, 'require');
  assert.equal(config(['serve', '--encryption', 'off', '--no-utp']).utp, false);
  assert.throws(() => parseCommand(['serve', '--encryption', 'rc4']), (e: unknown) => e instanceof TorrentLiveError && e.code === 'E_BAD_ARGUMENT' && /--encryption takes prefer, require, off/.test(e.message));
});
