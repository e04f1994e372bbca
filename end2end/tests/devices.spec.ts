import { expect, test, type Browser, type Page } from "@playwright/test";

// Explicit user agents: Playwright's default would read "Windows" everywhere.
const MAC_CHROME =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36";
const WIN_FIREFOX =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:139.0) Gecko/20100101 Firefox/139.0";

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/settings$/);
}

async function twoDevicesJourney(browser: Browser, javaScriptEnabled: boolean, email: string, password: string, shot: string) {
  const a = await browser.newContext({ userAgent: MAC_CHROME, javaScriptEnabled });
  const b = await browser.newContext({ userAgent: WIN_FIREFOX, javaScriptEnabled });
  const pageA = await a.newPage();
  const pageB = await b.newPage();
  // Hydration problems surface as page errors or console errors: fail on any.
  const problems: string[] = [];
  for (const page of [pageA, pageB]) {
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
  }

  await signIn(pageA, email, password);
  await signIn(pageB, email, password);

  await pageA.goto("/settings");
  const rows = pageA.locator(".sessions-device");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText("Chrome 137 on macOS");
  await expect(rows.nth(0)).toContainText("This device");
  await expect(rows.nth(1)).toContainText("Firefox 139 on Windows");
  await expect(rows.nth(1)).not.toContainText("This device");
  await expect(pageA.getByRole("button", { name: "Sign out of all other sessions" })).toBeVisible();
  if (javaScriptEnabled) {
    // Hydrated: the revoke happens in place, without a page load.
    await pageA.evaluate(() => ((window as unknown as { __marker: number }).__marker = 1));
  }
  await pageA.screenshot({ path: `test-results/screenshots/${shot}`, fullPage: true });

  // The current device has no "Log out" button; the other one does.
  await expect(rows.nth(0).getByRole("button", { name: /Log out/ })).toHaveCount(0);
  await rows.nth(1).getByRole("button", { name: /Log out/ }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.nth(0)).toContainText("This device");
  if (javaScriptEnabled) {
    await expect(pageA.getByRole("status")).toContainText("The device was logged out.");
    expect(await pageA.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(1);
  }

  // B is out on its very next request.
  await pageB.goto("/settings");
  await expect(pageB).toHaveURL(/\/sign-in$/);

  // A is still in after a reload.
  await pageA.reload();
  await expect(pageA.locator(".sessions-device")).toHaveCount(1);

  expect(problems).toEqual([]);
  await a.close();
  await b.close();
}

test("device A logs device B out (JavaScript on)", async ({ browser }) => {
  await twoDevicesJourney(browser, true, "ada@example.com", "lovelace-1815", "devices-js.png");
});

test("device A logs device B out (JavaScript off)", async ({ browser }) => {
  await twoDevicesJourney(browser, false, "grace@example.com", "hopper-1906", "devices-nojs.png");
});

test("wrong password stays on the sign-in page with an error", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill("ada@example.com");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/sign-in\?error=invalid$/);
  await expect(page.getByRole("alert")).toContainText("Wrong email or password");
});

test("sign out ends the session and the settings page asks to sign in", async ({ browser }) => {
  const ctx = await browser.newContext({ userAgent: MAC_CHROME });
  const page = await ctx.newPage();
  await signIn(page, "ada@example.com", "lovelace-1815");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/sign-in$/);
  await ctx.close();
});
