import { expect, test } from "@playwright/test";

import { MAC_CHROME, WIN_FIREFOX, account, hydrated, js, mode, open, screenshot, signIn, signOut } from "./helpers";

for (const javaScriptEnabled of js) {
  test(`a device keeps the name its owner gave it across a re-login (${mode(javaScriptEnabled)})`, async ({
    browser,
  }) => {
    const { email, password } = account("Annie Easley");
    const a = await open(browser, { userAgent: MAC_CHROME, javaScriptEnabled });
    const b = await open(browser, { userAgent: WIN_FIREFOX, javaScriptEnabled });
    await signIn(a.page, email, password);
    await signIn(b.page, email, password);
    await a.page.goto("/settings");
    if (javaScriptEnabled) await hydrated(a.page);

    const pc = a.page.locator(".sessions-device").filter({ hasText: "Firefox 139 on Windows" });
    await pc.locator(".sessions-rename summary").click();
    await pc.getByLabel("Name of this device").fill("  Work   laptop ");
    await pc.getByRole("button", { name: "Save" }).click();
    await expect(pc.locator(".sessions-device__name")).toHaveText("Work laptop");
    await expect(pc.locator(".sessions-device__what")).toHaveText("Firefox 139 on Windows");
    await expect(a.page.locator(".sessions-event__nickname").first()).toHaveText("Work laptop");
    await screenshot(a.page, `nickname-${javaScriptEnabled ? "js" : "nojs"}.png`);

    // Markup is text, and 64 characters is the most the field takes.
    await pc.locator(".sessions-rename summary").click();
    const field = pc.getByLabel("Name of this device");
    await expect(field).toHaveAttribute("maxlength", "64");

    // The same browser signs out and in again: the name stays with it.
    await b.page.goto("/settings");
    await signOut(b.page);
    await signIn(b.page, email, password);
    await a.page.goto("/settings");
    const renamed = a.page.locator(".sessions-device").filter({ hasText: "Work laptop" });
    await expect(renamed).toHaveCount(1);
    await expect(b.page.locator(".sessions-device--current .sessions-device__name")).toHaveText("Work laptop");

    expect([...a.problems, ...b.problems]).toEqual([]);
    await Promise.all([a.ctx.close(), b.ctx.close()]);
  });
}
