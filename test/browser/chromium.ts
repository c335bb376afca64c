import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium, driven by playwright-core; Playwright never downloads a
 * browser here (the machines are offline). `.ci/run` installs the package when
 * it is missing.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Where the browser suites save a screenshot of every page they visit (git-ignored, kept by CI as artefacts). */
export const SCREENSHOT_DIR = join(import.meta.dirname, '..', '..', '.ci', 'out', 'screenshots');

/**
 * The browsers a suite runs in: Chromium when it is installed, and always in
 * CI, where a missing or broken Chromium must fail the suite rather than skip it.
 */
export function browserTargets(): { label: 'Chromium' }[] {
  return existsSync(CHROMIUM_PATH) || process.env.CI ? [{ label: 'Chromium' }] : [];
}

/** Registers a skipped test that says why the browser suite did not run (outside CI, without Chromium). */
export function reportSkippedChromium(): void {
  if (browserTargets().length === 0) {
    it.skip(`in Chromium: not run, because ${CHROMIUM_PATH} is missing (apt-get install chromium)`, () => undefined);
  }
}

export async function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true });
}
