#!/usr/bin/env node
// Builds dist/plugin.video.torrentlive-<version>.zip from plugin-manifests/kodi/ with the `zip`
// CLI: the add-on folder at the zip root, addon.xml carrying package.json's version, tests and
// caches left out. Validates addon.xml first; exits 1 with the reason when it is not installable.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ADDON_ID = 'plugin.video.torrentlive';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Returns the problems that would stop Kodi installing this addon.xml (empty when fine). */
export function addonXmlProblems(text, version) {
  const problems = [];
  if (!/^<\?xml version="1\.0" encoding="UTF-8"/i.test(text)) problems.push('no XML declaration with UTF-8 encoding');
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) problems.push('DOCTYPE/ENTITY declarations are not allowed');
  const stack = [];
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>/g;
  let m;
  let last = 0;
  while ((m = tag.exec(text))) {
    if (text.slice(last, m.index).includes('<')) problems.push(`malformed markup before offset ${m.index}`);
    last = tag.lastIndex;
    if (!m[2]) continue;
    if (m[1]) {
      if (stack.pop() !== m[2]) problems.push(`</${m[2]}> closes the wrong element`);
    } else if (!m[4]) stack.push(m[2]);
  }
  if (text.slice(last).includes('<')) problems.push('malformed markup at the end');
  if (stack.length) problems.push(`unclosed elements: ${stack.join(', ')}`);
  const addon = /<addon\s([^>]*)>/.exec(text);
  const attr = (name) => addon && new RegExp(`\\s${name}="([^"]*)"`).exec(` ${addon[1]}`)?.[1];
  if (!addon) problems.push('no <addon> element');
  else {
    if (attr('id') !== ADDON_ID) problems.push(`addon id must be ${ADDON_ID}`);
    if (!attr('name')) problems.push('addon name is missing');
    if (!attr('provider-name')) problems.push('provider-name is missing');
    if (attr('version') !== version) problems.push(`addon version is ${attr('version')}, package.json says ${version}`);
  }
  if (!/<import addon="xbmc\.python" version="3\.0\.1"\s*\/>/.test(text)) problems.push('requires xbmc.python 3.0.1');
  if (!/<extension point="xbmc\.python\.pluginsource" library="default\.py">\s*<provides>video<\/provides>/.test(text)) problems.push('needs the xbmc.python.pluginsource extension (library default.py) providing video');
  if (!/<extension point="xbmc\.addon\.metadata">[\s\S]*<summary[^>]*>[^<]+<\/summary>[\s\S]*<description[^>]*>[^<]+<\/description>/.test(text)) problems.push('xbmc.addon.metadata needs a summary and a description');
  return problems;
}

export function buildKodiZip({ outDir = path.join(root, 'dist') } = {}) {
  const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  const source = path.join(root, 'plugin-manifests', 'kodi', ADDON_ID);
  const template = fs.readFileSync(path.join(source, 'addon.xml'), 'utf8');
  if (!template.includes('version="@VERSION@"')) throw new Error(`${source}/addon.xml must carry version="@VERSION@" for the build to fill in`);
  const addonXml = template.replace('version="@VERSION@"', `version="${version}"`).replace(/<!-- @VERSION@[^>]*-->\n/, '');
  const problems = addonXmlProblems(addonXml, version);
  if (problems.length) throw new Error(`addon.xml is not installable: ${problems.join('; ')}`);

  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-kodi-'));
  try {
    const target = path.join(staging, ADDON_ID);
    fs.cpSync(source, target, {
      recursive: true,
      filter: (p) => !/(^|[/\\])(tests|__pycache__|\.pytest_cache)([/\\]|$)|\.pyc$/.test(path.relative(source, p)),
    });
    fs.writeFileSync(path.join(target, 'addon.xml'), addonXml);
    fs.mkdirSync(outDir, { recursive: true });
    const zipPath = path.join(outDir, `${ADDON_ID}-${version}.zip`);
    fs.rmSync(zipPath, { force: true });
    // -X: no extra attributes (uid/gid), so the zip does not depend on who built it.
    execFileSync('zip', ['-q', '-r', '-X', zipPath, ADDON_ID], { cwd: staging, stdio: ['ignore', 'ignore', 'inherit'] });
    return { zipPath, version };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const outArg = process.argv.indexOf('--out');
    const { zipPath } = buildKodiZip(outArg > 0 ? { outDir: path.resolve(process.argv[outArg + 1]) } : {});
    console.log(JSON.stringify({ event: 'kodi_zip_built', path: zipPath }));
  } catch (err) {
    console.error(`build-kodi: ${err.message}`);
    if (/ENOENT/.test(String(err.message)) && /zip/.test(String(err.message))) console.error('install the zip command (apt-get install zip)');
    process.exit(1);
  }
}
