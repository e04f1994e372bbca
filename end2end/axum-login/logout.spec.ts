import { expect, test } from "@playwright/test";

import { MAC_CHROME, open, signIn, signedInAs, signedOut, whoami } from "./helpers";

const buttons = [
  ["Sign out", "CurrentSession::logout_with: both sides"],
  ["Sign out (AuthSession::logout only)", "axum-login alone; the library's layer records it"],
] as const;

test("logout through either side: no orphan row, one logout event each, with its device", async ({ browser }) => {
  const a = await open(browser, MAC_CHROME);
  const page = a.page;
  await signIn(page, "alan@example.com", "turing-1936");
  for (const [i, [button]] of buttons.entries()) {
    await page.getByRole("button", { name: button, exact: true }).click();
    await expect(page).toHaveURL(/\/login$/);
    expect(await whoami(page)).toEqual(signedOut);
    await page.goto("/settings");
    await expect(page).toHaveURL(/\/login$/);

    // Sign in again to read the history: one more logout event, one row.
    await signIn(page, "alan@example.com", "turing-1936");
    expect(await whoami(page)).toEqual(signedInAs("4"));
    await expect(page.locator(".sessions-device")).toHaveCount(1);
    await expect(page.locator(".sessions-event--logout")).toHaveCount(i + 1);
    // Each with the device that signed out (the ended row's columns), whichever side did it.
    await expect(page.locator(".sessions-event--logout .sessions-event__device")).toHaveText(
      Array(i + 1).fill(/Chrome/),
    );
    await expect(page.locator(".sessions-event--login")).toHaveCount(i + 2);
    // An orphaned row would have been ended ("replaced by a newer sign-in") by the next login.
    await expect(page.locator(".sessions-event--revoked")).toHaveCount(0);
  }
  await expect(page.locator(".sessions-event").nth(1)).toContainText("Signed out");
  expect(a.problems).toEqual([]);
  await a.ctx.close();
});
