/**
 * Headless Chromium for the browser tests, driven over the DevTools protocol by puppeteer-core.
 * The browser is the Debian package `chromium` (.ci/run installs it when missing); nothing is
 * downloaded. Each launch gets a new empty profile and every switch that would make the
 * browser talk to the network on its own is set: the machine has no network, and a report
 * must work without one.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium', '/usr/bin/google-chrome'];

/** The Chromium binary: $CHROMIUM_PATH, else the Debian package's. Throws (never skips) when there is none. */
export function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`);
    return fromEnv;
  }
  const found = CANDIDATES.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`no Chromium found (looked at ${CANDIDATES.join(', ')}): install the Debian package with "apt-get install chromium" (.ci/run does it) or set CHROMIUM_PATH`);
  return found;
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface LaunchedChromium {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<LaunchedChromium> {
  const profile = mkdtempSync(join(tmpdir(), 'iis-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Only these arguments (puppeteer adds --remote-debugging-pipe): its defaults are not ours to vouch for.
    args: [...CHROMIUM_ARGS, `--user-data-dir=${profile}`],
    ignoreDefaultArgs: true,
    pipe: true,
    protocolTimeout: 120_000,
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
