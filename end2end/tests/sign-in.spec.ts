import { expect, test, type Page } from "@playwright/test";

import { MAC_CHROME, account, js, mode, open, screenshot, signIn, signOut } from "./helpers";

/** The "Last used" badges on the sign-in page, by the section they are in. */
async function expectBadgeOnly(page: Page, section: "password" | "magic" | "oauth") {
  await page.goto("/sign-in");
  const badges = page.locator(".sessions-badge--last-used");
  await expect(badges).toHaveCount(1);
  await expect(page.locator(`#method-${section}`)).toContainText("Last used");
}

for (const javaScriptEnabled of js) {
  test(`each sign-in method, then "Last used" on the next visit (${mode(javaScriptEnabled)})`, async ({ browser }) => {
    const { email, password } = account(javaScriptEnabled ? "Grace Hopper" : "Alan Turing");
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
    // Opening the link only asks; the button signs in.
    await expect(page).toHaveURL(/\/auth\/magic\/[0-9a-f]{48}$/);
    await expect(page.locator("main")).toContainText(`Sign in to Acme Notes as ${email}?`);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(/\/settings$/);
    await expect(page.locator(".sessions-device").first()).toContainText("via Magic link");
    await signOut(page);
    await expectBadgeOnly(page, "magic");

    // The stand-in OAuth provider.
    await page.getByRole("button", { name: "Continue with Demo OAuth" }).click();
    await expect(page).toHaveURL(/\/oauth\/demo\?state=[0-9a-f]{48}$/);
    await expect(page.getByRole("note")).toContainText("Stand-in provider");
    // A fresh account is not among the provider's listed ones: typed in.
    await page.getByLabel("Another account (email)").fill(email);
    await page.getByRole("button", { name: "Continue", exact: true }).click();
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
    if (javaScriptEnabled) expect(await cspViolations(page)).toEqual([]);
    await ctx.close();
  });
}

/** Content-Security-Policy violations the page reported (recorded by `watchCsp`). */
async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
}

test("the pages hydrate under their Content-Security-Policy and cannot be framed", async ({ browser }) => {
  const { ctx, page, problems } = await open(browser, { userAgent: MAC_CHROME });
  await ctx.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __csp: string[] }).__csp = seen;
    document.addEventListener("securitypolicyviolation", (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const wasm = page.waitForResponse((r) => r.url().endsWith(".wasm") && r.ok());
  const response = await page.goto("/sign-in");
  const headers = response?.headers() ?? {};
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["cache-control"]).toBe("no-store");
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  await wasm;
  const me = account("Grace Hopper");
  await signIn(page, me.email, me.password);
  // Hydrated: the devices list answers a click in place (no navigation).
  await expect(page.locator(".sessions-device").first()).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(await cspViolations(page)).toEqual([]);
  expect(problems).toEqual([]);
  // Framed by another origin: the browser refuses to render it.
  const framer = await ctx.newPage();
  await framer.setContent(`<iframe id="f" src="${new URL("/settings", page.url()).href}"></iframe>`);
  await framer.waitForTimeout(1000);
  const frame = framer.frames().find((f) => f.url().includes("/settings"));
  const framedText = frame ? await frame.evaluate(() => document.body?.innerText ?? "").catch(() => "") : "";
  expect(framedText).not.toContain("Acme Notes");
  await ctx.close();
});

test("an OAuth answer started in another browser is refused (login CSRF)", async ({ browser }) => {
  const attacker = await open(browser, { javaScriptEnabled: false });
  await attacker.page.goto("/sign-in");
  await attacker.page.getByRole("button", { name: "Continue with Demo OAuth" }).click();
  await expect(attacker.page).toHaveURL(/\/oauth\/demo\?state=/);
  const consent = attacker.page.url();
  const victim = await open(browser, { javaScriptEnabled: false });
  await victim.page.goto(consent);
  await victim.page.getByRole("button", { name: /Continue as Ada Lovelace/ }).click();
  await expect(victim.page).toHaveURL(/\/sign-in\?error=oauth$/);
  await expect(victim.page.getByRole("alert")).toContainText("cancelled");
  const cookies = await victim.ctx.cookies();
  expect(cookies.map((c) => c.name)).not.toContain("__Host-session");
  // The state was used up: the attacker's own browser cannot finish with it either.
  await attacker.page.getByRole("button", { name: /Continue as Ada Lovelace/ }).click();
  await expect(attacker.page).toHaveURL(/\/sign-in\?error=oauth$/);
  await attacker.ctx.close();
  await victim.ctx.close();
});

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
  const me = account("Grace Hopper");
  await page.locator("#magic-email").fill(me.email);
  await page.getByRole("button", { name: "Send magic link" }).click();
  const link = await page.getByRole("link", { name: "Open the magic link" }).getAttribute("href");
  // A GET (a prefetcher, a mail scanner, an attacker's link) signs nobody in
  // and uses nothing up.
  for (let i = 0; i < 2; i++) {
    await page.goto(link ?? "/");
    await expect(page.locator("main")).toContainText(`Sign in to Acme Notes as ${me.email}?`);
    expect((await ctx.cookies()).map((c) => c.name)).not.toContain("__Host-session");
  }
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await signOut(page);
  await page.goto(link ?? "/");
  await expect(page.getByRole("alert")).toContainText("invalid or has expired");
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toHaveCount(0);
  await ctx.close();
});
