import { expect, test } from "@playwright/test";

import {
  expectReplayAnonymous,
  expectSignedOut,
  hydrated,
  sessionCookie,
  IPHONE_SAFARI,
  LINUX_FIREFOX,
  MAC_CHROME,
  WIN_FIREFOX,
  account,
  js,
  mark,
  mode,
  open,
  screenshot,
  signIn,
  signOut,
  stillMarked,
} from "./helpers";

for (const javaScriptEnabled of js) {
  test(`sign out of all other sessions (${mode(javaScriptEnabled)})`, async ({ browser }) => {
    const { email, password } = account("Edsger Dijkstra");
    const a = await open(browser, { userAgent: MAC_CHROME, javaScriptEnabled });
    const b = await open(browser, { userAgent: WIN_FIREFOX, javaScriptEnabled });
    const c = await open(browser, { userAgent: IPHONE_SAFARI, javaScriptEnabled });
    for (const { page } of [b, c, a]) await signIn(page, email, password);
    const rows = a.page.locator(".sessions-device");
    await expect(rows).toHaveCount(3);
    if (javaScriptEnabled) await mark(a.page);
    // Taken now: with JavaScript, B's and C's open pages hear of their end
    // at once and reload, which clears their cookies.
    const oldCookies = [await sessionCookie(b.ctx), await sessionCookie(c.ctx)];

    await a.page.getByRole("button", { name: "Sign out of all other sessions" }).click();
    await expect(rows).toHaveCount(1);
    await expect(rows.nth(0)).toContainText("This device");
    // Only shown when there are others.
    await expect(a.page.getByRole("button", { name: "Sign out of all other sessions" })).toHaveCount(0);
    await expect(a.page.getByRole("status").filter({ hasText: "Signed out of 2 other sessions." })).toBeVisible();
    if (javaScriptEnabled) {
      await expect(a.page.locator(".sessions-status")).toBeFocused();
      await stillMarked(a.page);
    }
    await a.page.reload();
    await expect(a.page.locator(".sessions-event").first()).toContainText("you signed out everywhere else");

    for (const [i, { page }] of [b, c].entries()) {
      await page.goto("/settings");
      await expectSignedOut(page);
      await expectReplayAnonymous(browser, oldCookies[i]);
    }
    expect([...a.problems, ...b.problems, ...c.problems]).toEqual([]);
    for (const { ctx } of [a, b, c]) await ctx.close();
  });

  test(`password change ends the other sessions (${mode(javaScriptEnabled)})`, async ({ browser }) => {
    const { email, password } = account("Dorothy Vaughan");
    const a = await open(browser, { userAgent: MAC_CHROME, javaScriptEnabled });
    const b = await open(browser, { userAgent: WIN_FIREFOX, javaScriptEnabled });
    await signIn(b.page, email, password);
    await signIn(a.page, email, password);
    await expect(a.page.locator(".sessions-device")).toHaveCount(2);
    const aBefore = await sessionCookie(a.ctx);
    const bBefore = await sessionCookie(b.ctx);

    await a.page.getByLabel("Current password").fill(password);
    await a.page.getByLabel("New password").fill("a-brand-new-password");
    await a.page.getByRole("button", { name: "Change password" }).click();
    await expect(a.page).toHaveURL(/password=changed/);
    await expect(a.page.getByRole("status").filter({ hasText: "1 other session was signed out" })).toBeVisible();
    await expect(a.page.locator(".sessions-device")).toHaveCount(1);
    await expect(a.page.locator(".sessions-event").first()).toContainText("password changed");

    // This browser got a new session id; its old one is dead, like B's.
    expect((await sessionCookie(a.ctx)).value).not.toBe(aBefore.value);
    await expectReplayAnonymous(browser, aBefore);
    await b.page.goto("/settings");
    await expectSignedOut(b.page);
    await expectReplayAnonymous(browser, bBefore);
    await signIn(b.page, email, "a-brand-new-password");
    expect([...a.problems, ...b.problems]).toEqual([]);
    await a.ctx.close();
    await b.ctx.close();
  });

  test(`a failed attempt with my email shows in my history (${mode(javaScriptEnabled)})`, async ({ browser }) => {
    const { email, password } = account("Radia Perlman");
    const stranger = await open(browser, { userAgent: LINUX_FIREFOX, javaScriptEnabled });
    await stranger.page.goto("/sign-in");
    await stranger.page.locator("#email").fill(email.toUpperCase());
    await stranger.page.locator("#password").fill("password123");
    await stranger.page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(stranger.page).toHaveURL(/\/sign-in\?error=invalid$/);
    await expect(stranger.page.getByRole("alert")).toContainText("Wrong email or password");

    const me = await open(browser, { userAgent: MAC_CHROME, javaScriptEnabled });
    await signIn(me.page, email, password);
    const failed = me.page.locator(".sessions-event--failed_login");
    await expect(failed).toHaveCount(1);
    await expect(failed).toContainText("Failed sign-in attempt");
    await expect(failed).toContainText("wrong email or password");
    await expect(failed).toContainText("Firefox 139 on Linux");
    expect([...stranger.problems, ...me.problems]).toEqual([]);
    await stranger.ctx.close();
    await me.ctx.close();
  });
}

test("the seeded account reads like a real one (devices page screenshot)", async ({ browser }) => {
  const { ctx, page, problems } = await open(browser, { userAgent: MAC_CHROME });
  await page.setViewportSize({ width: 1100, height: 900 });
  const ada = account("Ada Lovelace", { history: true });
  await signIn(page, ada.email, ada.password);
  const rows = page.locator(".sessions-device");
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(0)).toContainText("This device");
  await expect(page.locator(".sessions-device-list")).toContainText("Madrid, Spain");
  await expect(page.locator(".sessions-device-list")).toContainText("via Demo");
  await expect(page.locator(".sessions-device-list")).toContainText("with security key");
  await expect(page.locator(".sessions-event--failed_login").first()).toContainText("São Paulo, Brazil");
  await expect(page.locator(".sessions-event")).toHaveCount(10);
  // Open one confirmation, as a user about to log a device out sees it.
  await rows.nth(1).locator(".sessions-confirm summary").click();
  await expect(rows.nth(1).getByRole("button", { name: "Yes, log out" })).toBeVisible();
  await screenshot(page, "devices.png");
  expect(problems).toEqual([]);
  await ctx.close();
});

for (const javaScriptEnabled of js) {
  test(`Spanish from Accept-Language, English by the switch (${mode(javaScriptEnabled)})`, async ({ browser }) => {
    const { ctx, page, problems } = await open(browser, {
      userAgent: MAC_CHROME,
      locale: "es-ES",
      javaScriptEnabled,
    });
    await page.setViewportSize({ width: 1100, height: 900 });
    const ada = account("Ada Lovelace", { history: true });
    await page.goto("/sign-in");
    await expect(page.locator("html")).toHaveAttribute("lang", "es");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Inicia sesión en Acme Notes");
    await page.locator("#email").fill(ada.email);
    await page.locator("#password").fill(ada.password);
    await page.getByRole("button", { name: "Iniciar sesión", exact: true }).click();
    await expect(page).toHaveURL(/\/settings$/);
    await expect(page.getByRole("heading", { name: "Tus dispositivos" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Historial de inicios de sesión" })).toBeVisible();
    await expect(page.locator(".sessions-badge--current")).toHaveText("Este dispositivo");
    // Device names are joined in Spanish.
    await expect(page.locator(".sessions-device").first()).toContainText("Chrome 137 en macOS");
    await expect(page.locator(".sessions-device").first()).toContainText("Activo ahora");
    await expect(page.locator(".sessions-event--failed_login").first()).toContainText("Intento de inicio de sesión fallido");
    if (javaScriptEnabled) await screenshot(page, "devices-es.png");

    await page.getByRole("button", { name: "English" }).click();
    await expect(page.getByRole("heading", { name: "Your devices" })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await page.reload();
    await expect(page.getByRole("heading", { name: "Your devices" })).toBeVisible();
    await signOut(page);
    expect(problems).toEqual([]);
    await ctx.close();
  });
}

for (const { locale, devices, history, thisDevice, deviceName, failed, signOut } of [
  {
    locale: "fr-FR",
    devices: "Vos appareils",
    history: "Historique de connexion",
    thisDevice: "Cet appareil",
    deviceName: "Chrome 137 sur macOS",
    failed: "Tentative de connexion échouée",
    signOut: "Se déconnecter",
  },
  {
    locale: "de-DE",
    devices: "Deine Geräte",
    history: "Anmeldeverlauf",
    thisDevice: "Dieses Gerät",
    deviceName: "Chrome 137 auf macOS",
    failed: "Fehlgeschlagener Anmeldeversuch",
    signOut: "Abmelden",
  },
] as const) {
  test(`the whole page in ${locale}, from Accept-Language`, async ({ browser }) => {
    const { ctx, page, problems } = await open(browser, { userAgent: MAC_CHROME, locale });
    await page.setViewportSize({ width: 1100, height: 900 });
    const me = account("Ada Lovelace", { history: true });
    await signIn(page, me.email, me.password);
    await hydrated(page);
    await expect(page.locator("html")).toHaveAttribute("lang", locale.slice(0, 2));
    await expect(page.getByRole("heading", { name: devices })).toBeVisible();
    await expect(page.getByRole("heading", { name: history })).toBeVisible();
    await expect(page.locator(".sessions-badge--current")).toHaveText(thisDevice);
    await expect(page.locator(".sessions-device").first()).toContainText(deviceName);
    await expect(page.locator(".sessions-event").first()).toContainText(deviceName);
    await expect(page.locator(".sessions-event--failed_login").first()).toContainText(failed);
    await expect(page.getByRole("button", { name: signOut, exact: true }).first()).toBeVisible();
    await screenshot(page, `devices-${locale.slice(0, 2)}.png`);
    expect(problems).toEqual([]);
    await ctx.close();
  });
}

const places = [
  { locale: "en-US", now: "London, United Kingdom", was: "was Madrid, Spain at sign-in", failed: "São Paulo, Brazil", english: [] },
  { locale: "es-ES", now: "Londres, Reino Unido", was: "inició sesión en Madrid, España", failed: "São Paulo, Brasil", english: ["Spain", "United Kingdom", "Brazil"] },
  { locale: "fr-FR", now: "Londres, Royaume-Uni", was: "connecté depuis Madrid, Espagne", failed: "São Paulo, Brésil", english: ["Spain", "United Kingdom", "Brazil"] },
  { locale: "de-DE", now: "London, Vereinigtes Königreich", was: "angemeldet in Madrid, Spanien", failed: "São Paulo, Brasilien", english: ["Spain", "United Kingdom", "Brazil"] },
] as const;

for (const { locale, now, was, failed, english } of places) {
  test(`places read in ${locale}, and a device that moved says where it is now`, async ({ browser }) => {
    const { ctx, page, problems } = await open(browser, { userAgent: MAC_CHROME, locale });
    await page.setViewportSize({ width: 1100, height: 900 });
    const ada = account("Place Reader", { history: true });
    await signIn(page, ada.email, ada.password);
    await hydrated(page);
    // The seeded iPhone signed in in Madrid and is in London now.
    const moved = page.locator(".sessions-device").filter({ has: page.locator(".sessions-device__location--now") });
    await expect(moved).toHaveCount(1);
    await expect(moved.locator(".sessions-device__location--now")).toHaveText(`🇬🇧 ${now}`);
    await expect(moved.locator(".sessions-device__location--was")).toContainText(was);
    await expect(page.locator(".sessions-event--failed_login").first()).toContainText(failed);
    // No place on the page is left in English.
    for (const list of [page.locator(".sessions-device-list"), page.locator(".sessions-history")]) {
      for (const word of english) await expect(list).not.toContainText(word);
    }
    await screenshot(page, `places-${locale}.png`);
    expect(problems).toEqual([]);
    await ctx.close();
  });
}
