import { expect, test } from "@playwright/test";

import { MAC_CHROME, WIN_FIREFOX, logOutDevice, open, signIn, signedInAs, signedOut, whoami } from "./helpers";

test("revoke from another browser: that browser is signed out of axum-login too", async ({ browser }) => {
  const a = await open(browser, MAC_CHROME);
  const b = await open(browser, WIN_FIREFOX);
  await signIn(b.page, "barbara@example.com", "liskov-1939");
  await signIn(a.page, "barbara@example.com", "liskov-1939");
  expect(await whoami(b.page)).toEqual(signedInAs("5"));

  const rows = a.page.locator(".sessions-device");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText("Firefox 139 on Windows");
  await logOutDevice(rows.nth(1));
  await expect(rows).toHaveCount(1);

  // B's very next request: no row, so no session — neither side sees a user.
  expect(await whoami(b.page)).toEqual(signedOut);
  await b.page.goto("/settings");
  await expect(b.page).toHaveURL(/\/login$/);

  // A is untouched, and its history says what happened.
  expect(await whoami(a.page)).toEqual(signedInAs("5"));
  await a.page.reload();
  await expect(a.page.locator(".sessions-event").first()).toContainText("logged out from another device");
  await expect(a.page.locator(".sessions-event--revoked")).toHaveCount(1);
  expect([...a.problems, ...b.problems]).toEqual([]);
  await a.ctx.close();
  await b.ctx.close();
});
