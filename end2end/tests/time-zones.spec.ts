import { expect, test, type Page } from "@playwright/test";

import { MAC_CHROME, account, hydrated, open, screenshot, signIn } from "./helpers";

const MINUTE = 60_000;

/** `at` as `YYYY-MM-DD` on the wall calendar of `timeZone`. */
function calendarDay(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/** Calendar days from `at` to `now` in `timeZone`. */
function daysBetween(now: number, at: number, timeZone: string): number {
  const utc = (day: string) => Date.parse(`${day}T00:00:00Z`);
  return Math.round((utc(calendarDay(now, timeZone)) - utc(calendarDay(at, timeZone))) / (24 * 60 * MINUTE));
}

/** The latest midnight in `timeZone` at or before `now` (ms). */
function lastMidnight(now: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(now);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return now - ((part("hour") * 60 + part("minute")) * 60 + part("second")) * 1000 - (now % 1000);
}

/** `at` as `HH:MM` in `timeZone`. */
function clock(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
}

/** What the history says for `at`, read in `timeZone` (English), by calendar day. */
function expectedAgo(now: number, at: number, timeZone: string): RegExp {
  const minutes = Math.floor((now - at) / MINUTE);
  if (minutes < 5) return /^just now$/;
  if (minutes < 60) return new RegExp(`^${minutes} minutes? ago$`);
  const days = daysBetween(now, at, timeZone);
  if (days === 0) return /^\d+ hours? ago$/;
  if (days === 1) return /^yesterday$/;
  return new RegExp(days < 7 ? `^${days} days ago$` : "^[A-Z][a-z]{2} \\d+");
}

function failedRowTime(page: Page) {
  return page.locator(".sessions-event--failed_login .sessions-event__time").first();
}

const zones = [
  { timeZone: "Europe/Madrid", locale: "es-ES", yesterday: "ayer" },
  { timeZone: "America/Los_Angeles", locale: "en-US", yesterday: "yesterday" },
  { timeZone: "America/Los_Angeles", locale: "fr-FR", yesterday: "hier" },
  { timeZone: "Europe/Berlin", locale: "de-DE", yesterday: "gestern" },
] as const;

for (const { timeZone, locale, yesterday } of zones) {
  test(`an attempt before midnight reads "${yesterday}" in ${timeZone} (${locale}), with JavaScript and without`, async ({ browser }) => {
    const now = Date.now();
    // 22:30 the evening before, on the reader's wall clock: at least 90
    // minutes ago and on the previous calendar day, whatever the hour now.
    const attempt = lastMidnight(now, timeZone) - 90 * MINUTE;
    const me = account("Zone Reader", { failedAttemptsAt: [attempt] });

    // JavaScript on: the first page is rendered in UTC (the server does not
    // know the zone yet); after hydration it is in the browser's zone, and
    // the zone is remembered for the server.
    const on = await open(browser, { userAgent: MAC_CHROME, locale, timezoneId: timeZone });
    await signIn(on.page, me.email, me.password);
    await hydrated(on.page);
    const time = failedRowTime(on.page);
    await expect(time).toHaveText(yesterday);
    await expect(time).toHaveAttribute("title", new RegExp(`${clock(attempt, timeZone)} \\(${timeZone}\\)$`));
    await expect(time).toHaveAttribute("datetime", new Date(attempt).toISOString().slice(0, 16) + "Z");
    const zoneCookie = (await on.ctx.cookies()).find((c) => c.name === "__Host-tz");
    expect(zoneCookie?.value).toBe(timeZone);
    await screenshot(on.page, `time-zone-${timeZone.replace("/", "-")}-${locale}.png`);

    // JavaScript off, returning with the cookies: the server renders the
    // reader's zone itself (no flash of UTC dates).
    const off = await open(browser, { userAgent: MAC_CHROME, locale, timezoneId: timeZone, javaScriptEnabled: false });
    await off.ctx.addCookies(await on.ctx.cookies());
    await off.page.goto("/settings");
    const offTime = failedRowTime(off.page);
    await expect(offTime).toHaveText(yesterday);
    await expect(offTime).toHaveAttribute("title", new RegExp(`\\(${timeZone}\\)$`));

    // JavaScript off on a first visit: UTC, and the tooltip says so.
    const first = await open(browser, { userAgent: MAC_CHROME, timezoneId: timeZone, javaScriptEnabled: false });
    await signIn(first.page, me.email, me.password);
    const firstTime = failedRowTime(first.page);
    await expect(firstTime).toHaveText(expectedAgo(Date.now(), attempt, "UTC"));
    await expect(firstTime).toHaveAttribute("title", new RegExp(`${clock(attempt, "UTC")} \\(UTC — your time zone is not known yet\\)$`));

    expect([...on.problems, ...off.problems, ...first.problems]).toEqual([]);
    for (const { ctx } of [on, off, first]) await ctx.close();
  });
}

test("a zone cookie that is not a time zone is ignored (UTC, said so)", async ({ browser }) => {
  const me = account("Zone Junk");
  const { ctx, page, problems } = await open(browser, { userAgent: MAC_CHROME, javaScriptEnabled: false });
  await page.goto("/sign-in");
  const host = new URL(page.url()).hostname;
  await ctx.addCookies([{ name: "__Host-tz", value: "..%2F..%2Fetc%2Fpasswd", domain: host, path: "/", secure: true }]);
  await signIn(page, me.email, me.password);
  await expect(page.locator(".sessions-event__time").first()).toHaveAttribute("title", /UTC — your time zone is not known yet/);
  expect(problems).toEqual([]);
  await ctx.close();
});
