//! wasm entry point of the leptos-sessions demo: hydrates the server-rendered app.

// Release builds (without cargo-leptos' `--cfg erase_components`) nest the
// whole page's view types; the default limit of 128 is too low for them.
#![recursion_limit = "256"]
#![forbid(unsafe_code)]

/// Hydrates the demo app (called by the generated JS).
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(leptos_sessions_demo::App);
}
