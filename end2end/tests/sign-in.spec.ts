import { expect, test, type Page } from "@playwright/test";

import { MAC_CHROME, js, mode, open, screenshot, signIn, signOut } from "./helpers";

/** The "Last used" badges on the sign-in page, by the section they are in. */
async function expectBadgeOnly(page: Page, section: "password" | "magic" | "oauth") {
  await page.goto("/sign-in");
  const badges = page.locator(".sessions-badge--last-used");
  await expect(badges).toHaveCount(1);
  await expect(page.locator(`#method-${section}`)).toContainText("Last used");
}

for (const javaScriptEnabled of js) {
  test(`each sign-in method, then "Last used" on the next visit (${mode(javaScriptEnabled)})`, async ({ browser }) => {
    const [email, password, name] = javaScriptEnabled
      ? ["grace@example.com", "hopper-1906", "Grace Hopper"]
      : ["alan@example.com", "turing-1912", "Alan Turing"];
    const { ctx, page, problems } = await open(browser, { userAgent: MAC_CHROME, javaScriptEnabled });
    await page.goto("/sign-in");
    await expect(page.locator(".sessions-badge--last-used")).toHaveCount(0);

    // Email + password.
    await signIn(page, email, password);
    await signOut(page);
    await expectBadgeOnly(page, "password");

    // Magic link: the demo shows the link it would have emailed.
    await page.locator("#magic-email").fill(email);
    await page.getByRole("button", { name: "Send magic link" }).click();
    await expect(page.getByRole("status")).toContainText("no email is sent");
    await page.getByRole("link", { name: "Open the magic link" }).click();
    await expect(page).toHaveURL(/\/settings$/);
    await expect(page.locator(".sessions-device").first()).toContainText("via Magic link");
    await signOut(page);
    await expectBadgeOnly(page, "magic");

    // The stand-in OAuth provider.
    await page.getByRole("link", { name: "Continue with Demo OAuth" }).click();
    await expect(page).toHaveURL(/\/oauth\/demo$/);
    await expect(page.getByRole("note")).toContainText("Stand-in provider");
    await page.getByRole("button", { name: new RegExp(`Continue as ${name}`) }).click();
    await expect(page).toHaveURL(/\/settings$/);
    await expect(page.locator(".sessions-device").first()).toContainText("via Demo");
    await expect(page.locator(".sessions-event").first()).toContainText("via Demo");
    await signOut(page);
    await expectBadgeOnly(page, "oauth");
    if (javaScriptEnabled) {
      await page.setViewportSize({ width: 1000, height: 1000 });
      await screenshot(page, "sign-in.png");
    }
    expect(problems).toEqual([]);
    await ctx.close();
  });
}

test("wrong password stays on the sign-in page with an error", async ({ page }) => {
  await page.goto("/sign-in");
  await page.locator("#email").fill("nobody@example.com");
  await page.locator("#password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in\?error=invalid$/);
  await expect(page.getByRole("alert")).toContainText("Wrong email or password");
});

test("a magic link works once", async ({ browser }) => {
  const { ctx, page } = await open(browser, { javaScriptEnabled: false });
  await page.goto("/sign-in");
  await page.locator("#magic-email").fill("grace@example.com");
  await page.getByRole("button", { name: "Send magic link" }).click();
  const link = await page.getByRole("link", { name: "Open the magic link" }).getAttribute("href");
  await page.goto(link ?? "/");
  await expect(page).toHaveURL(/\/settings$/);
  await signOut(page);
  await page.goto(link ?? "/");
  await expect(page).toHaveURL(/\/sign-in\?error=link$/);
  await expect(page.getByRole("alert")).toContainText("invalid or has expired");
  await ctx.close();
});
