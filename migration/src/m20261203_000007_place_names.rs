//! Places in the reader's language and where a device is now: a session's
//! and an event's city names in other languages (a JSON object, language →
//! name, from databases that carry them), and the location of a session's
//! latest IP (`last_seen_*`, located when the touch moves it).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum LeptosSessions {
    Table,
    CityNames,
    LastSeenCountryCode,
    LastSeenCity,
    LastSeenCityNames,
}

#[derive(DeriveIden, Clone, Copy)]
enum LeptosSessionEvents {
    Table,
    CityNames,
}

/// One column per statement: SQLite's ALTER TABLE adds one at a time.
fn columns() -> Vec<(DynIden, ColumnDef)> {
    use LeptosSessionEvents as E;
    use LeptosSessions as S;
    vec![
        (
            S::Table.into_iden(),
            ColumnDef::new(S::CityNames).text().null().to_owned(),
        ),
        (
            S::Table.into_iden(),
            ColumnDef::new(S::LastSeenCountryCode)
                .string_len(2)
                .null()
                .to_owned(),
        ),
        (
            S::Table.into_iden(),
            ColumnDef::new(S::LastSeenCity).string_len(255).null().to_owned(),
        ),
        (
            S::Table.into_iden(),
            ColumnDef::new(S::LastSeenCityNames).text().null().to_owned(),
        ),
        (
            E::Table.into_iden(),
            ColumnDef::new(E::CityNames).text().null().to_owned(),
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, mut column) in columns() {
            manager
                .alter_table(Table::alter().table(table).add_column(&mut column).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in columns().into_iter().rev() {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column(column.get_column_name())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
