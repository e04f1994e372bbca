//! Composite indexes for the per-login trail reads ("has this user signed in
//! before", "does this device match", failed attempts of one identity, "Last
//! used"): each filters one value *and* the event kind, and an index led by
//! both keeps planners (SQLite without statistics in particular) off the
//! kind-only index, which grows with the whole trail.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum LeptosSessionEvents {
    Table,
    UserId,
    Identity,
    DeviceId,
    Kind,
    OccurredAt,
}

const INDEXES: [(&str, LeptosSessionEvents); 3] = [
    ("ix_leptos_events_user_kind", LeptosSessionEvents::UserId),
    ("ix_leptos_events_identity_kind", LeptosSessionEvents::Identity),
    ("ix_leptos_events_device_kind", LeptosSessionEvents::DeviceId),
];

/// Superseded by `ix_leptos_events_device_kind`.
const OLD_DEVICE_INDEX: &str = "ix_leptos_events_device";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use LeptosSessionEvents as E;
        for (name, lead) in INDEXES {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(E::Table)
                        .col(lead)
                        .col(E::Kind)
                        .col(E::OccurredAt)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_index(Index::drop().name(OLD_DEVICE_INDEX).table(E::Table).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use LeptosSessionEvents as E;
        manager
            .create_index(
                Index::create()
                    .name(OLD_DEVICE_INDEX)
                    .table(E::Table)
                    .col(E::DeviceId)
                    .col(E::OccurredAt)
                    .to_owned(),
            )
            .await?;
        for (name, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(E::Table).to_owned())
                .await?;
        }
        Ok(())
    }
}
