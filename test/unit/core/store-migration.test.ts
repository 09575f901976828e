import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import bencode from 'bencode';
import { storeLayout } from '../../../src/core/store-layout.js';
import { prepareStore } from '../../../src/core/store-migration.js';

const HASH_A = 'a'.repeat(40);
const HASH_B = 'b'.repeat(40);

function torrentNamed(name: string, multi: boolean): Buffer {
  const info = multi ? { name: Buffer.from(name), 'piece length': 16384, pieces: Buffer.alloc(20), files: [{ length: 1, path: [Buffer.from('e1.mkv')] }] } : { name: Buffer.from(name), 'piece length': 16384, pieces: Buffer.alloc(20), length: 1 };
  return Buffer.from(bencode.encode({ info }));
}

function write(root: string, rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

test('an old store moves into the state and downloads trees, keeping the token and resume data', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-migrate-'));
  try {
    write(root, 'pairing-token', 'old-token\n');
    write(root, 'dlna-udn', 'uuid:1\n');
    fs.mkdirSync(path.join(root, '.torrents'));
    fs.writeFileSync(path.join(root, `.torrents/${HASH_A}.torrent`), torrentNamed('Show', true));
    fs.writeFileSync(path.join(root, `.torrents/${HASH_B}.torrent`), torrentNamed('movie.mp4', false));
    write(root, 'Show/e1.mkv', 'x');
    write(root, 'movie.mp4', 'y');
    write(root, 'spies.txt', '[]');
    write(root, 'notes.txt', 'the user keeps this here');

    const layout = storeLayout(root);
    const first = await prepareStore(layout);
    assert.deepEqual(first.warnings, []);
    assert.equal(fs.readFileSync(path.join(layout.stateDir, 'pairing-token'), 'utf8'), 'old-token\n');
    assert.equal(fs.readFileSync(path.join(layout.stateDir, 'dlna-udn'), 'utf8'), 'uuid:1\n');
    assert.ok(fs.existsSync(path.join(layout.metadataDir, `${HASH_A}.torrent`)));
    assert.ok(fs.existsSync(path.join(layout.metadataDir, `${HASH_B}.torrent`)));
    assert.equal(fs.readFileSync(path.join(layout.downloadsDir, 'Show/e1.mkv'), 'utf8'), 'x');
    assert.equal(fs.readFileSync(path.join(layout.downloadsDir, 'movie.mp4'), 'utf8'), 'y');
    assert.deepEqual(fs.readdirSync(root).sort(), ['.torrent-live', 'downloads', 'notes.txt', 'spies.txt'], 'unknown files and the spy list stay at the root');

    const again = await prepareStore(layout);
    assert.deepEqual(again.moved, [], 'a second start moves nothing');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a root pairing-token that a torrent wrote is treated as its download, not as the token', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-migrate-'));
  try {
    fs.mkdirSync(path.join(root, '.torrents'));
    fs.writeFileSync(path.join(root, `.torrents/${HASH_A}.torrent`), torrentNamed('pairing-token', false));
    write(root, 'pairing-token', 'attacker-token\n');
    const layout = storeLayout(root);
    const result = await prepareStore(layout);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0]!, /pairing-token .* torrent's download/);
    assert.ok(!fs.existsSync(path.join(layout.stateDir, 'pairing-token')), 'the attacker file is not the token');
    assert.equal(fs.readFileSync(path.join(layout.downloadsDir, 'pairing-token'), 'utf8'), 'attacker-token\n');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
