import { expect, test } from "@playwright/test";

import { IPHONE_SAFARI, MAC_CHROME, WIN_FIREFOX, open, signIn, signedInAs, signedOut, whoami } from "./helpers";

test("password change: axum-login's auth hash and CurrentSession::password_changed_with end the other sessions", async ({ browser }) => {
  const a = await open(browser, MAC_CHROME);
  const b = await open(browser, WIN_FIREFOX);
  const c = await open(browser, IPHONE_SAFARI);
  for (const { page } of [b, c, a]) await signIn(page, "linus@example.com", "torvalds-1991");
  const page = a.page;
  await page.reload();
  await expect(page.locator(".sessions-device")).toHaveCount(3);

  // A wrong current password changes nothing.
  await page.getByLabel("Current password").fill("not-the-password");
  await page.getByLabel("New password").fill("penguin-2026");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.locator(".nb-status")).toContainText("nothing changed");
  expect(await whoami(b.page)).toEqual(signedInAs("3"));

  await page.getByLabel("Current password").fill("torvalds-1991");
  await page.getByLabel("New password").fill("penguin-2026");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.locator(".nb-status")).toContainText("Password changed. 2 other sessions were signed out.");

  // The others are signed out on both sides; this one keeps going (its hash was refreshed).
  for (const other of [b, c]) {
    expect(await whoami(other.page)).toEqual(signedOut);
    await other.page.goto("/settings");
    await expect(other.page).toHaveURL(/\/login$/);
  }
  expect(await whoami(page)).toEqual(signedInAs("3"));
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.locator(".sessions-device")).toHaveCount(1);
  await expect(page.locator(".sessions-event--revoked")).toHaveCount(2);
  await expect(page.locator(".sessions-event--revoked").first()).toContainText("password changed");

  // The old password no longer works; the new one does.
  await b.page.getByLabel("E-mail").fill("linus@example.com");
  await b.page.getByLabel("Password").fill("torvalds-1991");
  await b.page.getByRole("button", { name: "Sign in" }).click();
  await expect(b.page).toHaveURL(/\/login\?error=1$/);
  await signIn(b.page, "linus@example.com", "penguin-2026");
  expect(await whoami(b.page)).toEqual(signedInAs("3"));
  expect([...a.problems, ...b.problems, ...c.problems]).toEqual([]);
  for (const x of [a, b, c]) await x.ctx.close();
});
