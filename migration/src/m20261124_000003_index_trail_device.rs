//! Index for the "Last used" lookup: the newest login of one browser
//! (browser-continuity id).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum LeptosSessionEvents {
    Table,
    DeviceId,
    OccurredAt,
}

const NAME: &str = "ix_leptos_events_device";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(NAME)
                    .table(LeptosSessionEvents::Table)
                    .col(LeptosSessionEvents::DeviceId)
                    .col(LeptosSessionEvents::OccurredAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(NAME)
                    .table(LeptosSessionEvents::Table)
                    .to_owned(),
            )
            .await
    }
}
