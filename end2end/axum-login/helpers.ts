import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";

import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";

// Explicit user agents: Playwright's default would read "Windows" everywhere.
export const MAC_CHROME =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36";
export const WIN_FIREFOX =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:139.0) Gecko/20100101 Firefox/139.0";
export const IPHONE_SAFARI =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1";

export type Client = { ctx: BrowserContext; page: Page; problems: string[] };

/** A browser context that collects page and console errors (hydration problems). */
export async function open(browser: Browser, userAgent: string): Promise<Client> {
  const ctx = await browser.newContext({ userAgent, locale: "en-US" });
  const page = await ctx.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  return { ctx, page, problems };
}

/** The sign-in form (axum-login's `AuthSession::login` + `CurrentSession::login`). */
export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/settings$/);
}

/** Who each side thinks is signed in: axum-login's user and leptos-sessions' user id. */
export async function whoami(page: Page): Promise<{ axum_login: string | null; leptos_sessions: string | null }> {
  const res = await page.request.get("/auth/whoami");
  expect(res.ok()).toBe(true);
  return res.json();
}

export const signedOut = { axum_login: null, leptos_sessions: null };
export const signedInAs = (id: string) => ({ axum_login: id, leptos_sessions: id });

/** "Log out" on a device row, then the confirmation. */
export async function logOutDevice(row: ReturnType<Page["locator"]>) {
  await row.locator("summary").click();
  await row.getByRole("button", { name: "Yes, log out" }).click();
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
