//! axum-login 0.18 on the library session (feature `axum-login`), on every backend.
