/**
 * The Kodi add-on against the real service on the loopback world: its Python tests (plain
 * python3, stand-ins for the xbmc* modules) add a magnet, list torrents and files, and resolve a
 * play URL that must then return the file's bytes byte-exact. Then `build:kodi` makes the zip.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { startAdapterWorld, type AdapterWorld } from './adapters-world.js';
import { requireTool } from '../sim/require-tool.js';

const run = promisify(execFile);
const ADDON_DIR = path.resolve('plugin-manifests/kodi/plugin.video.torrentlive');
let w: AdapterWorld;
let tmp: string;

before(async () => {
  w = await startAdapterWorld({ host: '127.60.0.2', preload: false });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-kodi-test-'));
});
after(async () => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  await w?.close();
});

test("the add-on's own unit tests pass under plain python3", async () => {
  requireTool('python3');
  const { stderr } = await run('python3', ['-m', 'unittest', '-v'], { cwd: ADDON_DIR, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' }, timeout: 30_000 });
  assert.match(stderr, /Ran \d+ tests/);
  assert.match(stderr, /\nOK\s*$/);
});

test('Kodi add-on: add a magnet, list torrents and files, play resolves a URL that serves the bytes', async () => {
  requireTool('python3');
  const result = path.join(tmp, 'result.json');
  const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', TL_SERVICE_URL: w.svc.baseUrl, TL_TOKEN: w.svc.token, TL_MAGNET: w.fx.magnet, TL_RESULT: result };
  try {
    await run('python3', ['-m', 'unittest', '-v', 'tests.live_service'], { cwd: ADDON_DIR, env, timeout: 50_000 });
  } catch (err) {
    assert.fail(`the live add-on test failed:\n${(err as { stderr?: string }).stderr ?? String(err)}`);
  }
  const out = JSON.parse(fs.readFileSync(result, 'utf8')) as { folders: string[]; files: string[]; resolved: string };
  assert.ok(out.folders.includes('Movies'), `torrent listed: ${out.folders.join(', ')}`);
  assert.deepEqual([...out.files].sort(), [w.fx.files.find((f) => f.path.includes('evil'))!.path.split('/').pop()!.replace(/[<>"]/g, '_'), 'sample.mp4'].sort(), 'media files only');
  assert.ok(w.svc.manager.session(w.fx.infoHash), 'the add went through the real API');
  const sampleIndex = w.fx.files.findIndex((f) => f.path.endsWith('sample.mp4'));
  assert.match(out.resolved, new RegExp(`^${w.svc.baseUrl}/stream/${w.fx.infoHash}/${sampleIndex}\\?st=[0-9a-f]{32}$`));
  const res = await fetch(out.resolved, { headers: { range: 'bytes=500000-899999' } });
  assert.equal(res.status, 206);
  assert.ok(Buffer.from(await res.arrayBuffer()).equals(w.fx.files[sampleIndex]!.bytes.subarray(500000, 900000)), 'the resolved URL plays byte-exact');
});

test('build:kodi makes an installable zip: folder at the root, addon.xml valid with the package version, no tests', () => {
  requireTool('zip');
  const outDir = path.join(tmp, 'dist');
  const printed = execFileSync(process.execPath, ['scripts/build-kodi.mjs', '--out', outDir], { encoding: 'utf8' });
  const version = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string }).version;
  const zipPath = path.join(outDir, `plugin.video.torrentlive-${version}.zip`);
  assert.equal(JSON.parse(printed).path, zipPath);
  const listing = execFileSync('python3', ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', zipPath], { encoding: 'utf8' }).trim().split('\n');
  assert.ok(listing.every((n) => n.startsWith('plugin.video.torrentlive/')), 'one folder at the zip root');
  for (const needed of ['addon.xml', 'default.py', 'resources/settings.xml', 'resources/lib/router.py', 'resources/lib/api.py']) {
    assert.ok(listing.includes(`plugin.video.torrentlive/${needed}`), needed);
  }
  assert.equal(listing.some((n) => n.includes('/tests/') || n.includes('__pycache__')), false);
  // Parsed by Python's own XML parser, as a second, independent well-formedness check.
  const checked = execFileSync(
    'python3',
    ['-c', [
      'import sys, zipfile, xml.etree.ElementTree as ET',
      'root = ET.fromstring(zipfile.ZipFile(sys.argv[1]).read("plugin.video.torrentlive/addon.xml"))',
      'imp = root.find("requires/import")',
      'ext = [e for e in root.findall("extension") if e.get("point") == "xbmc.python.pluginsource"][0]',
      'print(root.get("id"), root.get("version"), imp.get("addon"), imp.get("version"), ext.get("library"), ext.find("provides").text)',
    ].join('\n'), zipPath],
    { encoding: 'utf8' },
  ).trim();
  assert.equal(checked, `plugin.video.torrentlive ${version} xbmc.python 3.0.1 default.py video`);
});

test('the addon.xml validator refuses what Kodi would refuse', async () => {
  const script = pathToFileURL(path.resolve('scripts/build-kodi.mjs')).href;
  const { addonXmlProblems } = (await import(script)) as { addonXmlProblems: (text: string, version: string) => string[] };
  const good = fs.readFileSync(path.join(ADDON_DIR, 'addon.xml'), 'utf8').replace('version="@VERSION@"', 'version="1.2.3"');
  assert.deepEqual(addonXmlProblems(good, '1.2.3'), []);
  assert.ok(addonXmlProblems(good, '9.9.9').some((p) => p.includes('version')));
  assert.ok(addonXmlProblems(good.replace('</requires>', ''), '1.2.3').some((p) => /closes|unclosed/.test(p)));
  assert.ok(addonXmlProblems(good.replace('3.0.1', '2.25.0'), '1.2.3').some((p) => p.includes('xbmc.python')));
  assert.ok(addonXmlProblems(good.replace('plugin.video.torrentlive', 'x'), '1.2.3').some((p) => p.includes('id')));
});
