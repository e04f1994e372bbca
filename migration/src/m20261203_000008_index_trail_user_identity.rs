//! Index for the identities a user signed in with (what their history
//! matches failed attempts against): `(user_id, kind, identity)` lets the
//! library read the distinct identities by seeking from one to the next
//! (a loose index scan), one short probe per identity instead of a read
//! of every login the user ever made.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum LeptosSessionEvents {
    Table,
    UserId,
    Kind,
    Identity,
}

const NAME: &str = "ix_leptos_events_user_identity";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use LeptosSessionEvents as E;
        manager
            .create_index(
                Index::create()
                    .name(NAME)
                    .table(E::Table)
                    .col(E::UserId)
                    .col(E::Kind)
                    .col(E::Identity)
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
