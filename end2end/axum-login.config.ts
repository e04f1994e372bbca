import { defineConfig } from "@playwright/test";

// examples/axum-login (its own workspace, built by `cargo leptos build` in its
// folder): run by `.ci/axum-login`, not by the main suite.
const port = Number(process.env.AXUM_LOGIN_PORT ?? 3300);
export const axumLoginURL = `http://127.0.0.1:${port}`;
const target = process.env.CARGO_TARGET_DIR ?? `${process.env.HOME}/.cache/leptos-sessions/target`;
const db = `${target}/axum-login-e2e.db`;

export default defineConfig({
  testDir: "./axum-login",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  outputDir: "test-results/axum-login",
  use: {
    baseURL: axumLoginURL,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
    trace: "retain-on-failure",
  },
  webServer: {
    // A fresh SQLite database each run.
    command: `rm -f ${db} ${db}-shm ${db}-wal && exec ${target}/debug/leptos-sessions-axum-login-example`,
    cwd: "../examples/axum-login",
    url: `${axumLoginURL}/login`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      DATABASE_URL: `sqlite://${db}?mode=rwc`,
      SESSIONS_SECRET: "axum-login-e2e-secret-axum-login-e2e-secret-0123",
      LEPTOS_OUTPUT_NAME: "leptos-sessions-demo",
      LEPTOS_SITE_ROOT: "target/site-axum-login",
      LEPTOS_SITE_PKG_DIR: "pkg",
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_ENV: "DEV",
    },
  },
});
