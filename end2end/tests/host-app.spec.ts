import { expect, test } from "@playwright/test";

import { hostURL } from "../playwright.config";
import { MAC_CHROME, WIN_FIREFOX, js, logOutDevice, mode, open, screenshot } from "./helpers";

for (const javaScriptEnabled of js) {
  test(`host app embeds Devices and History (${mode(javaScriptEnabled)})`, async ({ browser }) => {
    const user = javaScriptEnabled ? "alice" : "bob";
    const a = await open(browser, { userAgent: MAC_CHROME, javaScriptEnabled });
    const b = await open(browser, { userAgent: WIN_FIREFOX, javaScriptEnabled });
    for (const { page } of [b, a]) {
      await page.goto(`${hostURL}/login`);
      await page.getByLabel("User name").fill(user);
      await page.getByLabel("Password").fill("password");
      await page.getByRole("button", { name: "Log in" }).click();
      await expect(page).toHaveURL(/\/account\/security$/);
    }
    const page = a.page;
    // The host's own layout around the library's pieces.
    await expect(page.getByRole("navigation", { name: "Main" })).toContainText("Acme CRM");
    await expect(page.getByRole("heading", { name: "Security" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Your devices" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Login history" })).toBeVisible();
    const rows = page.locator(".sessions-device");
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toContainText("This device");
    await expect(page.locator(".sessions-event")).toHaveCount(2);
    if (javaScriptEnabled) await screenshot(page, "host-app.png");

    await logOutDevice(rows.nth(1));
    await expect(rows).toHaveCount(1);
    await b.page.goto(`${hostURL}/account/security`);
    await expect(b.page).toHaveURL(/\/login$/);
    await page.reload();
    await expect(page.locator(".sessions-event").first()).toContainText("logged out from another device");
    expect([...a.problems, ...b.problems]).toEqual([]);
    await a.ctx.close();
    await b.ctx.close();
  });
}
