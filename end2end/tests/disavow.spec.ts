import { expect, test, type Page } from "@playwright/test";

import {
  IPHONE_SAFARI,
  MAC_CHROME,
  WIN_FIREFOX,
  account,
  expectSignedOut,
  hydrated,
  js,
  mode,
  open,
  screenshot,
  signIn,
} from "./helpers";

/** The "This wasn't me" link in the newest mail of the demo inbox. */
async function wasntMeLink(page: Page) {
  await page.goto("/settings");
  const mail = page.locator(".demo-mail").first();
  await expect(mail).toContainText("New sign-in to your account");
  await expect(mail).toContainText("Firefox 139 on Windows");
  const href = await mail.getByRole("link", { name: "This wasn't me" }).getAttribute("href");
  expect(href).toMatch(/^\/sessions\/disavow\?token=[0-9a-f]{32}\.[A-Za-z0-9_-]{43}$/);
  return href!;
}

for (const javaScriptEnabled of js) {
  test(`"This wasn't me" from the new-sign-in mail ends that sign-in, signed out (${mode(javaScriptEnabled)})`, async ({
    browser,
  }) => {
    const { email, password } = account("Mary Jackson");
    const a = await open(browser, { userAgent: MAC_CHROME, javaScriptEnabled });
    const b = await open(browser, { userAgent: WIN_FIREFOX, javaScriptEnabled });
    await signIn(a.page, email, password);
    await signIn(b.page, email, password); // a new device: the demo "mails" Mary
    const link = await wasntMeLink(a.page);

    // Read on a phone that is signed in to nothing.
    const c = await open(browser, { userAgent: IPHONE_SAFARI, javaScriptEnabled });
    await c.page.goto(link);
    if (javaScriptEnabled) await hydrated(c.page);
    await expect(c.page.getByRole("heading", { name: "Wasn't you?" })).toBeVisible();
    const signInRow = c.page.locator(".sessions-disavow .sessions-event");
    await expect(signInRow).toContainText("Signed in");
    await expect(signInRow).toContainText("Firefox 139 on Windows");
    await screenshot(c.page, `disavow-${javaScriptEnabled ? "js" : "nojs"}.png`);
    // Opening the link changed nothing.
    await b.page.goto("/settings");
    await expect(b.page.locator(".sessions-device--current")).toContainText("Firefox 139 on Windows");

    await c.page.getByRole("button", { name: "Sign it out" }).click();
    const done = c.page.getByRole("status").filter({ hasText: "That sign-in was ended." });
    await expect(done).toBeVisible();
    await expect(c.page.getByText("Change your password now")).toBeVisible();
    await screenshot(c.page, `disavow-done-${javaScriptEnabled ? "js" : "nojs"}.png`);

    // B is out on its very next request; A is not, and its history says why.
    await b.page.goto("/settings");
    await expectSignedOut(b.page);
    await a.page.goto("/settings");
    await expect(a.page.locator(".sessions-device")).toHaveCount(1);
    await expect(a.page.locator(".sessions-event").first()).toContainText("you said it wasn't you");

    // Used up: the same link now gets the one refusal.
    await c.page.goto(link);
    await expect(c.page.getByRole("alert")).toContainText("This link is not valid any more.");
    await expect(c.page.getByRole("button", { name: "Sign it out" })).toHaveCount(0);

    expect([...a.problems, ...b.problems, ...c.problems]).toEqual([]);
    await Promise.all([a.ctx.close(), b.ctx.close(), c.ctx.close()]);
  });
}

test(`"This wasn't me" everywhere signs out every session, and an altered link is refused`, async ({ browser }) => {
  const { email, password } = account("Dorothy Vaughan");
  const a = await open(browser, { userAgent: MAC_CHROME });
  const b = await open(browser, { userAgent: WIN_FIREFOX });
  await signIn(a.page, email, password);
  await signIn(b.page, email, password);
  const link = await wasntMeLink(a.page);

  // The page in each language (opening it changes nothing).
  for (const locale of ["es-ES", "fr-FR", "de-DE"]) {
    const reader = await open(browser, { userAgent: IPHONE_SAFARI, locale });
    await reader.page.goto(link);
    await hydrated(reader.page);
    await expect(reader.page.locator(".sessions-disavow .sessions-event")).toContainText("Windows");
    await expect(reader.page.locator(".sessions-disavow button[type=submit]")).toBeVisible();
    await screenshot(reader.page, `disavow-${locale}.png`);
    expect(reader.problems).toEqual([]);
    await reader.ctx.close();
  }

  const c = await open(browser, { userAgent: IPHONE_SAFARI });
  const altered = link.replace(/token=(.)/, (_, ch) => `token=${ch === "a" ? "b" : "a"}`);
  await c.page.goto(altered);
  await hydrated(c.page);
  await expect(c.page.getByRole("alert")).toContainText("This link is not valid any more.");

  await c.page.goto(link);
  await hydrated(c.page);
  await c.page.getByLabel("Also sign out every other session of my account").check();
  await c.page.getByRole("button", { name: "Sign it out" }).click();
  await expect(c.page.getByRole("status").filter({ hasText: "Signed out of 2 sessions of your account." })).toBeVisible();
  for (const page of [a.page, b.page]) {
    await page.goto("/settings");
    await expectSignedOut(page);
  }
  expect([...a.problems, ...b.problems, ...c.problems]).toEqual([]);
  await Promise.all([a.ctx.close(), b.ctx.close(), c.ctx.close()]);
});
