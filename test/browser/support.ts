import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { launchChromium, SCREENSHOT_DIR } from './chromium.ts';

// What every browser suite of the React client (web-client/src/) needs: the real system with the demo data under
// TRUSTED_DOCUMENTS=enforce, Chromium, a context whose pages report defects, axe-core, screenshots, and staff
// sign-in with a chosen role's scopes. One copy here rather than one per spec.

export const WAIT = { timeout: 20_000 };
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };
/** Where the router serves the React client. */
export const CLIENT_PATH = '/';
export const ADMIN = { email: 'admin@example.com', password: 'development-only-admin' };
const AXE = join(import.meta.dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js');
const BUILD = join(import.meta.dirname, '..', '..', 'web-client', 'build.ts');

export interface BrowserSuite {
  system: TestSystem;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** The router's origin, where the client is served. */
  origin: string;
  /** Script errors, CSP blocks and refused documents seen on any page of the context: each is a defect. */
  pageErrors: string[];
  /** Runs an operation as `token` and returns its data, throwing on any error (for the test's own set-up and reads). */
  graph<T>(query: string, variables: Record<string, unknown>, token: string): Promise<T>;
  close(): Promise<void>;
}

/**
 * Starts the system (SQLite, demo data, trusted documents enforced unless `env` says otherwise) and Chromium, with
 * one context and page. The bundle is git-ignored; a checkout that has not run npm prepare builds it here.
 */
export async function startBrowserSuite(
  options: { env?: Record<string, string>; viewport?: { width: number; height: number } } = {},
): Promise<BrowserSuite> {
  execFileSync(process.execPath, [BUILD, '--if-missing'], { stdio: 'inherit' });
  const [system, browser] = await Promise.all([
    startTestSystem({ label: 'SQLite', mysqlUrl: undefined }, { SEED_DEMO_DATA: 'true', TRUSTED_DOCUMENTS: 'enforce', ...options.env }),
    launchChromium(),
  ]);
  const origin = new URL(system.system.routerUrl).origin;
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP });
  const pageErrors: string[] = [];
  await routeSimulatorCallbacks(context, origin);
  context.on('page', (opened) => watchForDefects(opened, pageErrors));
  const page = await context.newPage();
  return {
    system,
    browser,
    context,
    page,
    origin,
    pageErrors,
    async graph<T>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
      const { body } = await system.graphql<T>(query, variables, token);
      if (body.errors?.length || !body.data) throw new Error(JSON.stringify(body.errors));
      return body.data;
    },
    async close() {
      await browser.close();
      await system.close();
    },
  };
}

/** The payment simulators' links name PAYMENTS_CALLBACK_BASE_URL (the default router port); this router runs on a free port. */
async function routeSimulatorCallbacks(context: BrowserContext, origin: string): Promise<void> {
  await context.route(
    (url) => url.origin !== origin && url.pathname.startsWith('/callbacks/'),
    (route) => {
      const url = new URL(route.request().url());
      return route.continue({ url: `${origin}${url.pathname}${url.search}` });
    },
  );
}

/** Records a page's script errors, CSP blocks and operations the router refused as unpublished: defects even when the page coped. */
export function watchForDefects(page: Page, errors: string[]): void {
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (entry) => {
    if (entry.type() === 'error' && /Content Security Policy/i.test(entry.text())) errors.push(entry.text());
  });
  page.on('response', async (response) => {
    if (!response.url().endsWith('/graphql') || response.request().method() !== 'POST') return;
    const body = (await response.json().catch(() => null)) as { errors?: { extensions?: { code?: string } }[] } | null;
    const codes = (body?.errors ?? []).map((error) => error.extensions?.code ?? 'ERROR');
    if (codes.some((code) => /PERSISTED|DOCUMENT/.test(code))) errors.push(`refused: ${codes.join(', ')}`);
  });
}

/** axe-core's serious and critical violations on the page as it is now (none expected). */
export async function axeViolations(page: Page): Promise<string[]> {
  // page.addScriptTag would add an inline <script>, which the router's CSP (rightly) blocks; evaluating the
  // source through the DevTools protocol runs it without weakening the page's policy.
  await page.evaluate(readFileSync(AXE, 'utf8'));
  return page.evaluate(async () => {
    type Violation = { id: string; impact: string; nodes: { target: string[] }[] };
    const axe = (globalThis as unknown as { axe: { run: () => Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run();
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} at ${v.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  });
}

/** Saves a full-page screenshot as `<name>.png` where CI keeps its artefacts. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** The page's height in viewports: a page must stay within three screens (issue 22). */
export const screensTall = (page: Page): Promise<number> => page.evaluate(() => document.documentElement.scrollHeight / window.innerHeight);

/** A page as a user meets it: no serious or critical axe violations, at most three screens tall; saved as `<name>.png`. */
export async function checkScreen(page: Page, name: string): Promise<void> {
  expect(await axeViolations(page)).toEqual([]);
  expect(await screensTall(page)).toBeLessThanOrEqual(3);
  await screenshot(page, name);
}

/**
 * Opens a route of the suite's page as staff holding `scopes`, signing in again only when the role changes: then on
 * a new document, so the sign-in page loads afresh rather than keeping the previous role's token in memory.
 */
export function openAsStaff(suite: BrowserSuite): (scopes: readonly string[], hash: string) => Promise<void> {
  let signedInWith: readonly string[] | null = null;
  return async (scopes, hash) => {
    if (signedInWith !== scopes) {
      if (signedInWith) await suite.page.goto('about:blank');
      await signInAsStaff(suite, suite.page, scopes);
      signedInWith = scopes;
    }
    await show(suite.page, hash);
  };
}

/** Pixels Chart.js drew (not transparent) on each canvas matching `selector`: a chart that drew nothing has none. */
export const drawnPixels = (page: Page, selector: string): Promise<number[]> =>
  page.locator(selector).evaluateAll((canvases) =>
    (canvases as HTMLCanvasElement[]).map((canvas) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let drawn = 0;
      for (let alpha = 3; alpha < data.length; alpha += 4) if (data[alpha]! > 0) drawn += 1;
      return drawn;
    }),
  );

/** Shows a route of the client without reloading (the token lives in the page's memory only). */
export async function show(page: Page, hash: string): Promise<void> {
  await page.evaluate((target) => {
    location.hash = target;
  }, hash);
}

/**
 * Registers a new customer (a unique email) on the sign-in page being shown, which signs them in; returns the
 * member's id, which the header names (a member token's subject).
 */
export async function registerOnSignInPage(page: Page, name: string): Promise<string> {
  const register = page.getByRole('region', { name: 'New customer' });
  await register.getByLabel('Name').fill(name);
  const local = name.toLowerCase().replace(/[^a-z]+/g, '-');
  await register.getByLabel('Email').fill(`${local}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.com`);
  await register.getByLabel(/^Password/).fill('a long enough password');
  await register.getByRole('button', { name: 'Register and sign in' }).click();
  const signedIn = page.getByText(/^Signed in as \S+/);
  await signedIn.waitFor(WAIT);
  return /^Signed in as (\S+)/.exec((await signedIn.textContent()) ?? '')?.[1] ?? '';
}

/**
 * Signs `page` in through the client's own sign-in page as the demo admin, but hands the page a staff token with
 * only `scopes` (a role's): the router's real answer to SignIn keeps everything but the token, which is swapped for
 * one signed with the system's key. The admin holds documents:arbitrary, which lets any text through the trusted
 * documents gate; a role without it proves the page sends only published documents and shows only what it may do.
 */
export async function signInAsStaff(suite: BrowserSuite, page: Page, scopes: readonly string[]): Promise<void> {
  const token = await suite.system.staffToken(scopes);
  await page.route('**/graphql', async (route) => {
    if ((route.request().postDataJSON() as { operationName?: string } | null)?.operationName !== 'SignIn') return route.continue();
    const response = await route.fetch();
    const body = (await response.json()) as { data: { login: { token: string } } };
    if (!body.data?.login?.token) throw new Error(`SignIn failed: ${JSON.stringify(body)}`);
    body.data.login.token = token;
    return route.fulfill({ response, json: body });
  });
  await page.goto(`${suite.origin}${CLIENT_PATH}#/login`);
  const login = page.getByRole('region', { name: 'Staff and members' });
  await login.getByLabel('Email').fill(ADMIN.email);
  await login.getByLabel('Password').fill(ADMIN.password);
  await login.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(/^Signed in as \S+/).waitFor(WAIT);
  await page.unroute('**/graphql');
}
