import { mkdirSync } from "node:fs";

import { expect, test, type Browser } from "@playwright/test";

import { MAC_CHROME, WIN_FIREFOX } from "../tests/helpers";

// The README's quick start, built outside the repository by .ci/outside.
async function signedIn(browser: Browser, userAgent: string) {
  const ctx = await browser.newContext({ userAgent, locale: "en-US" });
  const page = await ctx.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  // Failed loads are checked by URL below (the quick start has no favicon,
  // which is the app's business, not the library's).
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(`console: ${m.text()}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) problems.push(`${r.status()} ${r.url()}`);
  });
  await page.goto("/");
  await page.getByPlaceholder("E-mail").fill("newcomer@example.com");
  await page.getByPlaceholder("Password").fill("demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  return { ctx, page, problems };
}

test("quick start: two browsers, one logs the other out", async ({ browser }) => {
  const a = await signedIn(browser, MAC_CHROME);
  const b = await signedIn(browser, WIN_FIREFOX);

  await a.page.reload();
  const rows = a.page.locator(".sessions-device");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText("Chrome 137 on macOS");
  await expect(rows.nth(0)).toContainText("This device");
  await expect(rows.nth(1)).toContainText("Firefox 139 on Windows");
  mkdirSync("test-results/screenshots", { recursive: true });
  await a.page.screenshot({ path: "test-results/screenshots/outside-app.png", fullPage: true });

  await rows.nth(1).locator(".sessions-confirm summary").click();
  await rows.nth(1).getByRole("button", { name: /Yes, log out/ }).click();
  await expect(rows).toHaveCount(1);

  // The other browser is signed out on its very next request.
  await b.page.reload();
  await expect(b.page.locator(".sessions-device")).toHaveCount(0);
  await expect(b.page.getByText("You are not signed in.").first()).toBeVisible();

  // A wrong password is refused and lands in the trail.
  const c = await browser.newContext({ userAgent: WIN_FIREFOX });
  const p = await c.newPage();
  await p.goto("/");
  await p.getByPlaceholder("E-mail").fill("newcomer@example.com");
  await p.getByPlaceholder("Password").fill("wrong");
  await p.getByRole("button", { name: "Sign in" }).click();
  await expect(p).toHaveURL(/\/\?error$/);
  await a.page.reload();
  await expect(a.page.locator(".sessions-event").first()).toContainText(/failed/i);

  expect([...a.problems, ...b.problems]).toEqual([]);
  await a.ctx.close();
  await b.ctx.close();
  await c.close();
});
