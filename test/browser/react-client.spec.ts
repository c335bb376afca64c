import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { type Harness, startHarness } from '../../router/testing/harness.ts';
import { browserTargets, launchChromium, reportSkippedChromium } from './chromium.ts';

// The React web client (web-client/src/, issue 22) served by the router at /next, in a real browser under the
// router's real Content-Security-Policy. Its pages are still being ported; this proves the stack itself loads.
const WAIT = { timeout: 20_000 };
const AXE = join(import.meta.dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js');
const describeInChromium = browserTargets().length > 0 ? describe : describe.skip;

describeInChromium('the React web client in Chromium', () => {
  let harness: Harness;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // The bundle is git-ignored; a checkout that has not run npm prepare builds it here.
    execFileSync(process.execPath, [join(import.meta.dirname, '..', '..', 'web-client', 'build.ts'), '--if-missing'], { stdio: 'inherit' });
    [harness, browser] = await Promise.all([startHarness(), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (entry) => {
      if (entry.type() === 'error' && /Content Security Policy/i.test(entry.text())) pageErrors.push(entry.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  afterEach(() => {
    // A script error or a resource the CSP blocked is a defect even when the assertions passed.
    expect(pageErrors).toEqual([]);
  });

  it('renders its routes under the CSP, says "Signed out" rather than "null", and switches to Simplified Chinese', async () => {
    await page.goto(`${new URL(harness.routerUrl).origin}/next/`);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Live stock' }).click();
    await page.getByRole('heading', { name: 'Live stock' }).waitFor(WAIT);
    expect(page.url()).toMatch(/#\/dashboard$/);
    await page.getByText('Signed out', { exact: true }).waitFor(WAIT);
    expect(await page.locator('header').innerText()).not.toContain('null');

    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { name: '实时库存' }).waitFor(WAIT);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '商店' }).click();
    await page.getByRole('heading', { name: '商店' }).waitFor(WAIT);
    await page.getByLabel('语言').selectOption('en');
  });

  it('has no serious or critical accessibility violations (axe-core)', async () => {
    // page.addScriptTag would add an inline <script>, which the router's CSP (rightly) blocks; evaluating the
    // source through the DevTools protocol runs it without weakening the page's policy.
    await page.evaluate(readFileSync(AXE, 'utf8'));
    const violations = await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string }[] }> } }).axe;
      const result = await axe.run();
      return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    });
    expect(violations).toEqual([]);
  });
});

describe('the React web client in Chromium', () => reportSkippedChromium());
