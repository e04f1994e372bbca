//! Names people give their devices ("Work laptop"): one per user and
//! browser-continuity id, so a name outlives the session it was given on
//! and a re-login from the same browser keeps it.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum LeptosSessionDeviceNames {
    Table,
    UserId,
    DeviceId,
    Name,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use LeptosSessionDeviceNames as N;
        manager
            .create_table(
                Table::create()
                    .table(N::Table)
                    .if_not_exists()
                    .col(ColumnDef::new(N::UserId).string_len(255).not_null())
                    .col(ColumnDef::new(N::DeviceId).string_len(32).not_null())
                    .col(ColumnDef::new(N::Name).string_len(255).not_null())
                    .col(ColumnDef::new(N::UpdatedAt).big_integer().not_null())
                    .primary_key(Index::create().col(N::UserId).col(N::DeviceId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LeptosSessionDeviceNames::Table).to_owned())
            .await
    }
}
