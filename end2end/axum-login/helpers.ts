import { expect, type Browser, type Page } from "@playwright/test";

import { open as openContext } from "../tests/helpers";

// The user agents, the "Log out" confirmation and the screenshot helper are
// the main suite's.
export { IPHONE_SAFARI, MAC_CHROME, WIN_FIREFOX, logOutDevice, screenshot } from "../tests/helpers";

export type Client = Awaited<ReturnType<typeof openContext>>;

/** A browser context that collects page and console errors (hydration problems). */
export const open = (browser: Browser, userAgent: string): Promise<Client> => openContext(browser, { userAgent });

/** The sign-in form (axum-login's `AuthSession::login` + `CurrentSession::login`). */
export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/settings$/);
}

/** Who each side thinks is signed in: axum-login's user and leptos-sessions' user id. */
export async function whoami(page: Page): Promise<{ axum_login: string | null; leptos_sessions: string | null }> {
  const res = await page.request.get("/auth/whoami");
  expect(res.ok()).toBe(true);
  return res.json();
}

export const signedOut = { axum_login: null, leptos_sessions: null };
export const signedInAs = (id: string) => ({ axum_login: id, leptos_sessions: id });
