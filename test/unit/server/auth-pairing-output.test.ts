import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPairing, pairingUrl, renderQr } from '../../../src/cli/pairing.js';

const TOKEN = 'tok_-0123456789abcdefghijklmnopqrstuvwxyzABCD';

test('pairingUrl points at the remote root with the token, whatever base it gets', () => {
  assert.equal(pairingUrl('http://192.168.1.5:8888', TOKEN), `http://192.168.1.5:8888/?token=${TOKEN}`);
  assert.equal(pairingUrl('http://192.168.1.5:8888/api/x?y=1#z', TOKEN), `http://192.168.1.5:8888/?token=${TOKEN}`);
  assert.equal(pairingUrl('http://[fd00::5]:8888/', 'a b'), 'http://[fd00::5]:8888/?token=a+b');
});

test('formatPairing lists every LAN link and renders the first as a QR code', async () => {
  const rendered: string[] = [];
  const text = await formatPairing({
    urls: ['http://192.168.1.5:8888', 'http://10.0.0.7:8888'],
    token: TOKEN,
    localUrl: 'http://127.0.0.1:8888/',
    render: async (t) => {
      rendered.push(t);
      return '##QR##\n';
    },
  });
  assert.deepEqual(rendered, [`http://192.168.1.5:8888/?token=${TOKEN}`]);
  assert.match(text, /this machine: http:\/\/127\.0\.0\.1:8888\//);
  assert.match(text, new RegExp(`  http://10\\.0\\.0\\.7:8888/\\?token=${TOKEN}`));
  assert.match(text, /##QR##/);
  assert.match(await formatPairing({ urls: ['http://h:1'], token: TOKEN, rotated: true, qr: false, render: async () => 'X' }), /New pairing token/);
  assert.doesNotMatch(await formatPairing({ urls: ['http://h:1'], token: TOKEN, qr: false, render: async () => '##QR##' }), /##QR##/);
  assert.match(await formatPairing({ urls: [], token: TOKEN }), /No LAN address/);
});

test('renderQr draws a real QR code (block characters, square-ish)', async () => {
  const qr = await renderQr(`http://192.168.1.5:8888/?token=${TOKEN}`);
  const rows = qr.trimEnd().split('\n');
  assert.ok(rows.length > 10);
  assert.match(qr, /[▀▄█]/);
  assert.ok(rows.every((r) => r.length === rows[0]!.length));
});
