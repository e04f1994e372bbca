use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LeptosSessions {
    Table,
    IdHash,
    Handle,
    UserId,
    Data,
    ExpiresAt,
    Ip,
    LastSeenIp,
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
    AppBuild,
    ClientHints,
    CountryCode,
    CountryName,
    Region,
    City,
    DeviceId,
    AuthMethod,
    AuthProvider,
    AuthDetail,
    SecondFactor,
    CreatedAt,
    LastSeenAt,
    AuthenticatedAt,
}

fn s(col: LeptosSessions, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use LeptosSessions as S;
        manager
            .create_table(
                Table::create()
                    .table(S::Table)
                    .if_not_exists()
                    .col(ColumnDef::new(S::IdHash).string_len(64).not_null().primary_key())
                    .col(ColumnDef::new(S::Handle).string_len(32).not_null().unique_key())
                    .col(s(S::UserId, 255))
                    .col(ColumnDef::new(S::Data).text().not_null())
                    .col(ColumnDef::new(S::ExpiresAt).big_integer().not_null())
                    .col(s(S::Ip, 45))
                    .col(s(S::LastSeenIp, 45))
                    .col(ColumnDef::new(S::UserAgent).text().null())
                    .col(s(S::DeviceName, 255))
                    .col(s(S::BrowserName, 64))
                    .col(s(S::BrowserVersion, 64))
                    .col(s(S::OsName, 64))
                    .col(s(S::OsVersion, 64))
                    .col(s(S::DeviceType, 32))
                    .col(s(S::DeviceModel, 128))
                    .col(s(S::AppName, 128))
                    .col(s(S::AppVersion, 64))
                    .col(s(S::AppBuild, 64))
                    .col(ColumnDef::new(S::ClientHints).text().null())
                    .col(s(S::CountryCode, 2))
                    .col(s(S::CountryName, 128))
                    .col(s(S::Region, 128))
                    .col(s(S::City, 128))
                    .col(s(S::DeviceId, 64))
                    .col(s(S::AuthMethod, 32))
                    .col(s(S::AuthProvider, 64))
                    .col(ColumnDef::new(S::AuthDetail).text().null())
                    .col(s(S::SecondFactor, 32))
                    .col(ColumnDef::new(S::CreatedAt).big_integer().not_null())
                    .col(ColumnDef::new(S::LastSeenAt).big_integer().not_null())
                    .col(ColumnDef::new(S::AuthenticatedAt).big_integer().null())
                    .to_owned(),
            )
            .await?;
        // The device list: a user's sessions, most recent first.
        manager
            .create_index(
                Index::create()
                    .name("ix_leptos_sessions_user_seen")
                    .table(S::Table)
                    .col(S::UserId)
                    .col(S::LastSeenAt)
                    .to_owned(),
            )
            .await?;
        // Browser continuity: this browser's older row for the same user.
        manager
            .create_index(
                Index::create()
                    .name("ix_leptos_sessions_device")
                    .table(S::Table)
                    .col(S::DeviceId)
                    .col(S::UserId)
                    .to_owned(),
            )
            .await?;
        // The sweep of expired rows.
        manager
            .create_index(
                Index::create()
                    .name("ix_leptos_sessions_expires")
                    .table(S::Table)
                    .col(S::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LeptosSessions::Table).to_owned())
            .await
    }
}
