import { expect, test } from "@playwright/test";

import { IPHONE_SAFARI, MAC_CHROME, WIN_FIREFOX, open, screenshot, signIn } from "./helpers";

test("devices: every browser that signed in through axum-login is listed", async ({ browser }) => {
  const clients = [await open(browser, IPHONE_SAFARI), await open(browser, WIN_FIREFOX), await open(browser, MAC_CHROME)];
  for (const { page } of clients) await signIn(page, "grace@example.com", "hopper-1906");
  const page = clients[2].page;
  await page.reload();
  const rows = page.locator(".sessions-device");
  await expect(rows).toHaveCount(3);
  await expect(rows.first()).toContainText("This device");
  await expect(rows.first()).toContainText("Chrome 137 on macOS");
  await expect(page.locator(".sessions-devices")).toContainText("Firefox 139 on Windows");
  await expect(page.locator(".sessions-devices")).toContainText("Safari 18 on iOS");
  await expect(page.getByRole("button", { name: "Sign out of all other sessions" })).toBeVisible();
  await screenshot(page, "axum-login-settings.png");
  for (const c of clients) {
    expect(c.problems).toEqual([]);
    await c.ctx.close();
  }
});
