import { tmpdir } from "node:os";
import { join } from "node:path";

import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3000);
const baseURL = `http://127.0.0.1:${port}`;
// The demo server's database folder (.ci/e2e-server), where tests add their
// own fresh accounts (helpers.ts `account`). Set here so the web server and
// every worker see the same one.
process.env.E2E_DATA_DIR ??= join(tmpdir(), `leptos-sessions-e2e-${port}`);
// examples/host-app (tests/host-app.spec.ts).
export const hostURL = `http://127.0.0.1:${Number(process.env.HOST_E2E_PORT ?? 3100)}`;

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  // No retries: a test that passes only on a second try is a failure.
  retries: 0,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL,
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
  webServer: [
    {
      command: "bash .ci/e2e-server",
      cwd: "..",
      url: `${baseURL}/sign-in`,
      reuseExistingServer: !process.env.CI,
      timeout: 180_000,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      command: "bash end2end/host-app-server.sh",
      cwd: "..",
      url: `${hostURL}/login`,
      reuseExistingServer: !process.env.CI,
      timeout: 180_000,
      stdout: "pipe",
      stderr: "pipe",
    },
  ],
});
