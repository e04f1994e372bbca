import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";

// Explicit user agents: Playwright's default would read "Windows" everywhere.
export const MAC_CHROME =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36";
export const WIN_FIREFOX =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:139.0) Gecko/20100101 Firefox/139.0";
export const LINUX_FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:139.0) Gecko/20100101 Firefox/139.0";
export const IPHONE_SAFARI =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1";

export const js = [true, false] as const;
export const mode = (on: boolean) => (on ? "JavaScript on" : "JavaScript off");

export type Account = { email: string; password: string; name: string };

/**
 * A fresh account of its own for one test, added to the demo server's
 * database with the demo's `add-user` subcommand — so no test's counts depend
 * on which tests ran before it. `history` also writes the seeded demo
 * history (four devices, failed attempts) for it; `failedAttemptsAt` a
 * failed sign-in with its email at each instant (ms since epoch).
 */
export function account(name: string, options: { history?: boolean; failedAttemptsAt?: number[] } = {}): Account {
  const target = process.env.CARGO_TARGET_DIR ?? join(homedir(), ".cache", "leptos-sessions", "target");
  const dataDir = process.env.E2E_DATA_DIR;
  if (!dataDir) throw new Error("E2E_DATA_DIR is unset (playwright.config.ts sets it)");
  const tag = randomBytes(6).toString("hex");
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${tag}@example.com`;
  const password = `pw-${randomBytes(12).toString("hex")}`;
  execFileSync(
    join(target, "debug", "leptos-sessions-demo"),
    [
      "add-user",
      "--email",
      email,
      "--name",
      name,
      ...(options.history ? ["--with-history"] : []),
      ...(options.failedAttemptsAt ?? []).flatMap((at) => ["--failed-attempt-at", String(at)]),
    ],
    {
      input: `${password}\n`,
      env: {
        ...process.env,
        DATABASE_URL: `sqlite://${join(dataDir, "e2e.db")}?mode=rwc`,
        SESSIONS_SECRET: "e2e-only-secret-e2e-only-secret-e2e-only-secret",
        RUST_LOG: "warn",
      },
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  return { email, password, name };
}

/** Pages opened with JavaScript on: their sign-ins first wait for hydration. */
const withJs = new WeakMap<Page, boolean>();

/** A browser context that fails the test on page or console errors (hydration problems). */
export async function open(
  browser: Browser,
  options: { userAgent?: string; javaScriptEnabled?: boolean; locale?: string; timezoneId?: string } = {},
): Promise<{ ctx: BrowserContext; page: Page; problems: string[] }> {
  const ctx = await browser.newContext({ userAgent: MAC_CHROME, locale: "en-US", ...options });
  const page = await ctx.newPage();
  withJs.set(page, options.javaScriptEnabled ?? true);
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  return { ctx, page, problems };
}

/**
 * Waits until the wasm hydrated the page (the demo sets `data-hydrated` on
 * <body> from an effect, which only runs in the browser): a JavaScript-on
 * journey must never pass through the no-JS fallback with a broken wasm.
 */
export async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated]"), "the page hydrated").toHaveCount(1, { timeout: 20_000 });
}

/** The browser shows the signed-out sign-in page (not just its URL). */
export async function expectSignedOut(page: Page) {
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.locator("#email")).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out", exact: true })).toHaveCount(0);
}

/** The session cookie of `ctx`, to replay later. */
export async function sessionCookie(ctx: BrowserContext) {
  const cookie = (await ctx.cookies()).find((c) => c.name === "__Host-session");
  expect(cookie, "a session cookie").toBeDefined();
  return cookie!;
}

/** Replays an old session cookie in a fresh context: it must be anonymous. */
export async function expectReplayAnonymous(browser: Browser, cookie: Awaited<ReturnType<typeof sessionCookie>>) {
  const ctx = await browser.newContext({ userAgent: MAC_CHROME });
  await ctx.addCookies([cookie]);
  const res = await ctx.request.get("/api/v1/sessions");
  expect(res.status(), "the old session cookie signs nobody in").toBe(401);
  const page = await ctx.newPage();
  await page.goto("/settings");
  await expectSignedOut(page);
  await ctx.close();
}

/** Email + password on the demo's sign-in page. */
export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  if (withJs.get(page)) await hydrated(page);
  await page.locator("#email").fill(email);
  await page.locator("#password").fill(password);
  // The password form's own button, whatever the page's language.
  await page.locator('form[action="/auth/sign-in"] button[type="submit"]').click();
  await expect(page).toHaveURL(/\/settings$/);
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
}

/** "Log out" on a device row, then the confirmation. */
export async function logOutDevice(row: ReturnType<Page["locator"]>) {
  await row.locator(".sessions-confirm summary").click();
  await row.getByRole("button", { name: /Yes, log out|Sí, cerrar sesión/ }).click();
}

/**
 * Saves a screenshot into the test output; with UPDATE_DOCS_SCREENSHOTS=1
 * also copies it to docs/ for the README.
 */
export async function screenshot(page: Page, name: string) {
  const out = join("test-results", "screenshots", name);
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out, fullPage: true });
  if (process.env.UPDATE_DOCS_SCREENSHOTS !== "1") return;
  const docs = join("..", "docs", name);
  mkdirSync(dirname(docs), { recursive: true });
  copyFileSync(out, docs);
}

/** Marks the window, to prove later that an action did not reload the page. */
export async function mark(page: Page) {
  await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 1));
}

export async function stillMarked(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(1);
}
