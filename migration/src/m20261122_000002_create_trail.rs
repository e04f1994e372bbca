use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum LeptosSessionEvents {
    Table,
    Id,
    Kind,
    Reason,
    UserId,
    Identity,
    SessionHandle,
    UserAgent,
    DeviceName,
    BrowserName,
    BrowserVersion,
    OsName,
    OsVersion,
    DeviceType,
    DeviceModel,
    AppName,
    AppVersion,
    DeviceId,
    Ip,
    CountryCode,
    CountryName,
    Region,
    City,
    Latitude,
    Longitude,
    AuthMethod,
    AuthProvider,
    AuthDetail,
    SecondFactor,
    NewDevice,
    RequestId,
    Metadata,
    OccurredAt,
}

fn s(col: LeptosSessionEvents, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).null().to_owned()
}

fn index(name: &str, cols: &[LeptosSessionEvents]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(LeptosSessionEvents::Table);
    for col in cols {
        stmt.col(*col);
    }
    stmt.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use LeptosSessionEvents as E;
        manager
            .create_table(
                Table::create()
                    .table(E::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(E::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(E::Kind).string_len(32).not_null())
                    .col(s(E::Reason, 255))
                    .col(s(E::UserId, 255))
                    .col(s(E::Identity, 255))
                    .col(s(E::SessionHandle, 32))
                    .col(ColumnDef::new(E::UserAgent).text().null())
                    .col(s(E::DeviceName, 255))
                    .col(s(E::BrowserName, 64))
                    .col(s(E::BrowserVersion, 64))
                    .col(s(E::OsName, 64))
                    .col(s(E::OsVersion, 64))
                    .col(s(E::DeviceType, 32))
                    .col(s(E::DeviceModel, 128))
                    .col(s(E::AppName, 128))
                    .col(s(E::AppVersion, 64))
                    .col(s(E::DeviceId, 64))
                    .col(s(E::Ip, 45))
                    .col(s(E::CountryCode, 2))
                    .col(s(E::CountryName, 128))
                    .col(s(E::Region, 128))
                    .col(s(E::City, 128))
                    .col(ColumnDef::new(E::Latitude).double().null())
                    .col(ColumnDef::new(E::Longitude).double().null())
                    .col(s(E::AuthMethod, 32))
                    .col(s(E::AuthProvider, 64))
                    .col(ColumnDef::new(E::AuthDetail).text().null())
                    .col(s(E::SecondFactor, 32))
                    .col(ColumnDef::new(E::NewDevice).boolean().not_null().default(false))
                    .col(s(E::RequestId, 64))
                    .col(ColumnDef::new(E::Metadata).text().null())
                    .col(ColumnDef::new(E::OccurredAt).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        for stmt in [
            index("ix_leptos_events_user", &[E::UserId, E::OccurredAt]),
            index("ix_leptos_events_identity", &[E::Identity, E::OccurredAt]),
            index("ix_leptos_events_ip", &[E::Ip, E::OccurredAt]),
            index("ix_leptos_events_kind", &[E::Kind, E::OccurredAt]),
            index("ix_leptos_events_occurred", &[E::OccurredAt]),
            index("ix_leptos_events_handle", &[E::SessionHandle]),
            index("ix_leptos_events_country", &[E::CountryCode, E::OccurredAt]),
        ] {
            manager.create_index(stmt).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LeptosSessionEvents::Table).to_owned())
            .await
    }
}
