import { defineConfig } from "@playwright/test";

// The app .ci/outside builds from the README outside this repository
// (OUTSIDE_APP_DIR): run by `.ci/outside`, not by the main suite.
const app = process.env.OUTSIDE_APP_DIR;
if (!app) throw new Error("OUTSIDE_APP_DIR is not set: run `bash .ci/outside`");
const port = Number(process.env.OUTSIDE_PORT ?? 3200);
const target = process.env.CARGO_TARGET_DIR ?? `${process.env.HOME}/.cache/leptos-sessions/target`;

export default defineConfig({
  testDir: "./outside",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  outputDir: "test-results/outside",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    },
    trace: "retain-on-failure",
  },
  webServer: {
    command: `${target}/debug/my-app`,
    cwd: app,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      DATABASE_URL: `sqlite://${app}/e2e.db?mode=rwc`,
      SESSIONS_SECRET: "outside-e2e-secret-outside-e2e-secret-0123456789",
      LEPTOS_OUTPUT_NAME: "leptos-sessions-demo",
      LEPTOS_SITE_ROOT: "target/site",
      LEPTOS_SITE_PKG_DIR: "pkg",
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_ENV: "DEV",
    },
  },
});
