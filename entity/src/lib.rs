//! sea-orm entities of [leptos-sessions](https://docs.rs/leptos-sessions).
//!
//! Two primitives, linked by the session handle:
//!
//! * [`session`] — the **registry**: one row per live session. It *is* the
//!   tower-sessions store table. Ending a session deletes its row, so a missing
//!   row is a remote logout on the device's very next request.
//! * [`event`] — the **trail**: append-only login, failed-login, logout,
//!   revocation and expiry events. It outlives the rows it describes (the
//!   session handle is a plain column, not a foreign key).
//!
//! And two that are the person's own:
//!
//! * [`disavowal`] — "This wasn't me" links, stored hashed, single-use.
//! * [`device_name`] — the names people give their devices ("Work laptop").
//!
//! All timestamps are UTC milliseconds since the Unix epoch (`BIGINT`): the same
//! representation and ordering on SQLite, PostgreSQL and MySQL/MariaDB.

pub mod device_name;
pub mod disavowal;
pub mod display;
pub mod event;
pub mod session;
