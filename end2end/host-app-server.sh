#!/usr/bin/env bash
# Starts the examples/host-app binary built by `cargo leptos build` in
# examples/host-app (its own workspace) for Playwright's webServer.
# In-memory SQLite.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT/examples/host-app"
TARGET="${CARGO_TARGET_DIR:-$HOME/.cache/leptos-sessions/target}"
export LEPTOS_OUTPUT_NAME=leptos-sessions-demo
export LEPTOS_SITE_ROOT="${LEPTOS_HOST_SITE_ROOT:-target/site-host}"
export LEPTOS_SITE_PKG_DIR=pkg
export LEPTOS_SITE_ADDR="127.0.0.1:${HOST_E2E_PORT:-3100}"
export LEPTOS_ENV=DEV
export SESSIONS_SECRET="e2e-only-host-secret-e2e-only-host-secret-0123"
exec "$TARGET/debug/leptos-sessions-host-example"
