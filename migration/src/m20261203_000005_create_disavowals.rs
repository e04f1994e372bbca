//! "This wasn't me" links: one row per link a new-device hook was handed,
//! keyed by the SHA-256 of its token (the token itself is never stored). A
//! row is deleted when the link is used, and by the sweep once it expires.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum LeptosSessionDisavowals {
    Table,
    TokenHash,
    UserId,
    SessionHandle,
    EventId,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use LeptosSessionDisavowals as D;
        manager
            .create_table(
                Table::create()
                    .table(D::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(D::TokenHash)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(D::UserId).string_len(255).not_null())
                    .col(ColumnDef::new(D::SessionHandle).string_len(32).not_null())
                    .col(ColumnDef::new(D::EventId).big_integer().null())
                    .col(ColumnDef::new(D::CreatedAt).big_integer().not_null())
                    .col(ColumnDef::new(D::ExpiresAt).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("ix_leptos_disavowals_user", D::UserId),
            ("ix_leptos_disavowals_expires", D::ExpiresAt),
        ] {
            manager
                .create_index(Index::create().name(name).table(D::Table).col(col).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LeptosSessionDisavowals::Table).to_owned())
            .await
    }
}
