//! Database migrations of [leptos-sessions](https://docs.rs/leptos-sessions).
//!
//! Run them from the host application at start-up:
//!
//! ```ignore
//! use leptos_sessions_migration::{Migrator, MigratorTrait};
//! Migrator::up(&db, None).await?;
//! ```
//!
//! The schema is portable: strings are `VARCHAR` with explicit lengths (so
//! MySQL/MariaDB can index them), JSON blobs are `TEXT`, timestamps are
//! `BIGINT` milliseconds since the Unix epoch (UTC).

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_registry;
mod m20261122_000002_create_trail;
mod m20261124_000003_index_trail_device;
mod m20261124_000004_index_trail_kind;
mod m20261203_000005_create_disavowals;
mod m20261203_000006_create_device_names;
mod m20261203_000007_place_names;
mod m20261203_000008_index_trail_user_identity;

/// The migrator for the registry, the trail, "This wasn't me" links and
/// device names.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_registry::Migration),
            Box::new(m20261122_000002_create_trail::Migration),
            Box::new(m20261124_000003_index_trail_device::Migration),
            Box::new(m20261124_000004_index_trail_kind::Migration),
            Box::new(m20261203_000005_create_disavowals::Migration),
            Box::new(m20261203_000006_create_device_names::Migration),
            Box::new(m20261203_000007_place_names::Migration),
            Box::new(m20261203_000008_index_trail_user_identity::Migration),
        ]
    }

    // Our own bookkeeping table, so that a host running its own sea-orm
    // migrations keeps its `seaql_migrations` table to itself.
    fn migration_table_name() -> DynIden {
        "leptos_sessions_migrations".into_iden()
    }
}
