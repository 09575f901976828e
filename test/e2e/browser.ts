/**
 * Real headless Debian Chromium for the web remote tests, driven by playwright-core (never a
 * downloaded browser). A fresh profile every time; the background-networking flags keep Chromium
 * from dialling out of this closed machine.
 */
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { findExecutable, requireTool } from '../sim/require-tool.js';

/** Debian's binary, else Ubuntu's name for it; CHROMIUM_PATH chooses another. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? (findExecutable('chromium') || findExecutable('chromium-browser') || '/usr/bin/chromium');
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** The phone the page is designed for (iPhone 12-15 class). */
export const PHONE_VIEWPORT = { width: 390, height: 844 };
export const ARTIFACTS_DIR = new URL('../../test-artifacts/', import.meta.url).pathname;

export interface PhoneBrowser {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors, console errors and HTTP errors (`http <status> <method> <path>`). */
  problems: string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openPhoneBrowser(options: { colorScheme?: 'light' | 'dark' } = {}): Promise<PhoneBrowser> {
  requireTool('chromium', CHROMIUM_PATH);
  const profile = await mkdtemp(join(tmpdir(), 'tl-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: PHONE_VIEWPORT,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    colorScheme: options.colorScheme ?? 'light',
    timeout: 30_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (message) => {
    // Chromium's own "Failed to load resource" line names no URL; the response hook below does.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`http ${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
  });
  return {
    context,
    page,
    problems,
    screenshot: async (name) => {
      await mkdir(ARTIFACTS_DIR, { recursive: true });
      const path = join(ARTIFACTS_DIR, name);
      await page.screenshot({ path, fullPage: false });
      return path;
    },
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
