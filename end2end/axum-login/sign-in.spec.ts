import { expect, test } from "@playwright/test";

import { MAC_CHROME, open, signIn, signedInAs, signedOut, whoami } from "./helpers";

test("sign in: axum-login and leptos-sessions agree, one device row, one login event", async ({ browser }) => {
  const a = await open(browser, MAC_CHROME);
  const page = a.page;

  // The settings page is guarded by axum-login's user.
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/login$/);
  expect(await whoami(page)).toEqual(signedOut);

  // A wrong password: axum-login's backend says no; the library records the attempt.
  await page.getByLabel("E-mail").fill("ada@example.com");
  await page.getByLabel("Password").fill("not-her-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/login\?error=1$/);
  await expect(page.getByRole("alert")).toContainText("Wrong e-mail or password.");
  expect(await whoami(page)).toEqual(signedOut);

  await signIn(page, "ada@example.com", "lovelace-1815");
  expect(await whoami(page)).toEqual(signedInAs("1"));
  await expect(page.locator(".nb-email")).toHaveText("ada@example.com");
  await expect(page.getByRole("heading", { name: "Your devices" })).toBeVisible();
  const rows = page.locator(".sessions-device");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Chrome 137 on macOS");
  await expect(rows.first()).toContainText("This device");
  await expect(page.locator(".sessions-event--login")).toHaveCount(1);
  await expect(page.locator(".sessions-event--failed_login")).toHaveCount(1);
  await expect(page.locator(".sessions-event--failed_login")).toContainText("wrong email or password");
  // Nothing was replaced or pruned: the login made exactly one row.
  await expect(page.locator(".sessions-event--revoked")).toHaveCount(0);

  // Still signed in on the next request, on both sides.
  await page.reload();
  await expect(page).toHaveURL(/\/settings$/);
  expect(await whoami(page)).toEqual(signedInAs("1"));
  expect(a.problems).toEqual([]);
  await a.ctx.close();
});
