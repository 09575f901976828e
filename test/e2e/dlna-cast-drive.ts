/**
 * Runs inside the control network namespace of test/e2e/web-cast-dlna.test.ts (libupnp refuses
 * loopback, so the real renderer lives on a veth pair): starts `torrent-live demo` on the veth
 * address, opens the web remote in headless Chromium as a paired phone, casts the demo video to
 * the real gmediarender, and drives it from the page. Prints one JSON line of observations; the
 * test asserts on them.
 * argv: <control address> <renderer name> <http port>
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PAIRING_TOKEN_FILE } from '../../src/server/auth-token.js';
import { storeLayout } from '../../src/core/store-layout.js';
import { openPhoneBrowser } from './browser.js';
import { CLI_NODE_ARGS } from '../sim/cli-process.js';

const [address = '', rendererName = '', portText = '8899'] = process.argv.slice(2);
const UI_TIMEOUT_MS = 30_000;
const observed: Record<string, unknown> = {};

const store = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-dlna-e2e-'));
const demo = spawn(process.execPath, [...CLI_NODE_ARGS, 'demo', '--json', '--port', portText, '--interface', address, '--store', store], { stdio: ['ignore', 'pipe', 'pipe'] });
let demoOut = '';
let demoErr = '';
demo.stdout.on('data', (d) => (demoOut += d));
demo.stderr.on('data', (d) => (demoErr += d));

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = UI_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    if (demo.exitCode !== null) throw new Error(`the demo exited (${demo.exitCode}): ${demoErr.slice(-800)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const seconds = (text: string): number => {
  const m = /^(\d+):(\d\d)/.exec(text.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
};

async function main(): Promise<void> {
  await until('the demo to finish downloading', () => demoOut.includes('"event":"done"'));
  // The token lives in the store's state tree (src/core/store-layout.ts), not at its root.
  const token = fs.readFileSync(path.join(storeLayout(store).stateDir, PAIRING_TOKEN_FILE), 'utf8').trim();
  const base = `http://${address}:${portText}`;
  const phone = await openPhoneBrowser();
  const { page } = phone;
  try {
    await page.goto(`${base}/?token=${token}`);
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: UI_TIMEOUT_MS });
    const file = page.locator('li.torrent li[data-file-index="0"]');
    await file.waitFor({ timeout: UI_TIMEOUT_MS });
    await file.getByRole('button', { name: 'Cast to TV' }).click();
    await page.getByRole('radio', { name: new RegExp(rendererName) }).check({ timeout: UI_TIMEOUT_MS });
    const now = page.locator('#remote-now');
    const position = page.locator('#remote-position');
    await now.filter({ hasText: new RegExp(`${rendererName}: playing`) }).waitFor({ timeout: UI_TIMEOUT_MS });
    observed['playing'] = true;
    const first = seconds(await position.innerText());
    await until('the position to advance', async () => seconds(await position.innerText()) >= first + 2, 15_000);
    observed['advanced'] = [first, seconds(await position.innerText())];
    observed['duration'] = (await position.innerText()).split('/')[1]?.trim();

    await page.locator('#remote-playpause').click();
    await now.filter({ hasText: /paused/ }).waitFor({ timeout: UI_TIMEOUT_MS });
    observed['paused'] = true;

    await page.getByLabel('Position').fill('20');
    await until('the renderer to report the seek', async () => seconds(await position.innerText()) >= 19, 15_000);
    observed['seekedTo'] = seconds(await position.innerText());
    await phone.screenshot('web-cast-dlna.png');

    await page.getByRole('button', { name: 'Stop' }).click();
    await now.filter({ hasText: /stopped/ }).waitFor({ timeout: UI_TIMEOUT_MS });
    observed['stopped'] = true;
    observed['castEvents'] = demoOut.split('\n').filter((l) => l.includes('"event":"cast"')).map((l) => (JSON.parse(l) as { state: string }).state);
    observed['problems'] = phone.problems;
  } finally {
    await phone.close();
  }
}

main()
  .then(() => ({ ok: true }), (err: Error) => ({ ok: false, error: err.message }))
  .then(async (result) => {
    demo.kill('SIGINT');
    const code = await new Promise<number | null>((r) => (demo.exitCode !== null ? r(demo.exitCode) : demo.once('exit', (c) => r(c))));
    fs.rmSync(store, { recursive: true, force: true });
    process.stdout.write(`${JSON.stringify({ ...result, ...observed, demoExit: code })}\n`);
    process.exit(0);
  });
