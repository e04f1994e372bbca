import { expect, test } from "@playwright/test";

import {
  MAC_CHROME,
  WIN_FIREFOX,
  account,
  expectReplayAnonymous,
  expectSignedOut,
  hydrated,
  js,
  logOutDevice,
  mark,
  mode,
  open,
  screenshot,
  sessionCookie,
  signIn,
  stillMarked,
} from "./helpers";

for (const javaScriptEnabled of js) {
  test(`device A logs device B out (${mode(javaScriptEnabled)})`, async ({ browser }) => {
    const { email, password } = account("Katherine Johnson");
    const a = await open(browser, { userAgent: MAC_CHROME, javaScriptEnabled });
    const b = await open(browser, { userAgent: WIN_FIREFOX, javaScriptEnabled });
    await signIn(a.page, email, password);
    await signIn(b.page, email, password);

    const bCookie = await sessionCookie(b.ctx);
    await a.page.goto("/settings");
    if (javaScriptEnabled) await hydrated(a.page);
    const rows = a.page.locator(".sessions-device");
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toContainText("Chrome 137 on macOS");
    await expect(rows.nth(0)).toContainText("This device");
    await expect(rows.nth(1)).toContainText("Firefox 139 on Windows");
    await expect(rows.nth(1)).not.toContainText("This device");
    await expect(a.page.getByRole("button", { name: "Sign out of all other sessions" })).toBeVisible();
    // The current device has no "Log out"; the other one's names the device for screen readers.
    await expect(rows.nth(0).locator(".sessions-confirm summary")).toHaveCount(0);
    await expect(rows.nth(1).locator(".sessions-confirm summary")).toHaveAccessibleName(/Log out Firefox 139 on Windows/);
    if (javaScriptEnabled) await mark(a.page);
    await screenshot(a.page, `devices-two-${javaScriptEnabled ? "js" : "nojs"}.png`);

    await logOutDevice(rows.nth(1));
    await expect(rows).toHaveCount(1);
    await expect(rows.nth(0)).toContainText("This device");
    // The page says which device was logged out — in place with JavaScript,
    // after the redirect back without.
    const status = a.page.getByRole("status").filter({ hasText: "Firefox 139 on Windows was logged out." });
    await expect(status).toBeVisible();
    if (javaScriptEnabled) {
      // Without a page load; the focus moves to the message.
      await expect(a.page.locator(".sessions-status")).toBeFocused();
      await stillMarked(a.page);
      // The history follows.
      await expect(a.page.locator(".sessions-event").first()).toContainText("logged out from another device");
    }

    // B is out on its very next request: the signed-out page, and its old
    // cookie replayed elsewhere signs nobody in.
    await b.page.goto("/settings");
    await expectSignedOut(b.page);
    await expectReplayAnonymous(browser, bCookie);

    await a.page.reload();
    await expect(a.page.locator(".sessions-device")).toHaveCount(1);
    // Said once: not again on the next visit.
    await expect(a.page.getByText("was logged out.")).toHaveCount(0);
    await expect(a.page.locator(".sessions-event").first()).toContainText("logged out from another device");

    expect([...a.problems, ...b.problems]).toEqual([]);
    await a.ctx.close();
    await b.ctx.close();
  });
}

test("sign out ends the session and the settings page asks to sign in", async ({ browser }) => {
  const { ctx, page } = await open(browser);
  const me = account("Grace Hopper");
  await signIn(page, me.email, me.password);
  const old = await sessionCookie(ctx);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expectSignedOut(page);
  await page.goto("/settings");
  await expectSignedOut(page);
  // The cookie the browser held before signing out is dead everywhere.
  await expectReplayAnonymous(browser, old);
  await ctx.close();
});
