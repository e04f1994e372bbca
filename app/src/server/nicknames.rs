//! The names people give their devices ("Work laptop"). A name belongs to a
//! user and a browser (its browser-continuity id), not to a session: a
//! re-login from the same browser keeps it, and it shows on every row and
//! history line of that browser.

use std::collections::HashMap;

use leptos_sessions_entity::device_name;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set, sea_query::OnConflict};

use super::{CurrentSession, SessionHandle, Sessions, registry, sessions::db_error};
use crate::{error::SessionsError, types::MAX_DEVICE_NAME_CHARS};

/// A name as typed, made safe to store and show: trimmed, runs of white
/// space (and control characters) made one space. `Ok(None)` for an empty
/// name (which removes the name).
///
/// # Errors
/// [`SessionsError::InvalidName`] past [`MAX_DEVICE_NAME_CHARS`] characters.
pub(crate) fn clean(raw: &str) -> Result<Option<String>, SessionsError> {
    if raw.len() > MAX_DEVICE_NAME_CHARS * 4 + 64 {
        return Err(SessionsError::InvalidName);
    }
    let name = raw
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if name.chars().count() > MAX_DEVICE_NAME_CHARS {
        return Err(SessionsError::InvalidName);
    }
    Ok((!name.is_empty()).then_some(name))
}

/// `user_id`'s device names, by browser-continuity id (one indexed read).
pub(crate) async fn names_of<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
) -> Result<HashMap<String, String>, DbErr> {
    Ok(device_name::Entity::find()
        .filter(device_name::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.device_id, n.name))
        .collect())
}

impl Sessions {
    /// Names the browser of `user_id`'s session `handle` ("Work laptop");
    /// an empty `name` removes the name. Returns the name as stored.
    /// Owner-scoped: a foreign or unknown handle gets
    /// [`SessionsError::NotFound`].
    ///
    /// # Errors
    /// [`SessionsError::InvalidName`] past [`MAX_DEVICE_NAME_CHARS`]
    /// characters, [`SessionsError::NotFound`], [`SessionsError::Unavailable`].
    pub async fn rename_device(
        &self,
        user_id: &str,
        handle: &SessionHandle,
        name: &str,
    ) -> Result<Option<String>, SessionsError> {
        let name = clean(name)?;
        let row = registry::find_by_user_and_handle(self.db(), user_id, handle.as_str())
            .await
            .map_err(db_error)?
            .ok_or(SessionsError::NotFound)?;
        let device_id = row.device_id.ok_or(SessionsError::NotFound)?;
        let Some(name) = name else {
            device_name::Entity::delete_by_id((user_id.to_owned(), device_id))
                .exec(self.db())
                .await
                .map_err(db_error)?;
            self.store().tell_live(user_id, super::live::LiveMsg::Changed);
            return Ok(None);
        };
        device_name::Entity::insert(device_name::ActiveModel {
            user_id: Set(user_id.to_owned()),
            device_id: Set(device_id),
            name: Set(name.clone()),
            updated_at: Set(self.now_ms()),
        })
        .on_conflict(
            OnConflict::columns([device_name::Column::UserId, device_name::Column::DeviceId])
                .update_columns([device_name::Column::Name, device_name::Column::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(self.db())
        .await
        .map_err(db_error)?;
        self.store().tell_live(user_id, super::live::LiveMsg::Changed);
        Ok(Some(name))
    }
}

impl CurrentSession {
    /// Names one of the signed-in user's devices (this one included) by its
    /// handle as received; an empty `name` removes the name.
    ///
    /// # Errors
    /// [`SessionsError::NotSignedIn`], [`SessionsError::InvalidHandle`],
    /// [`SessionsError::InvalidName`], [`SessionsError::NotFound`] for
    /// unknown and foreign handles alike, [`SessionsError::Unavailable`].
    pub async fn rename_device(&self, handle: &str, name: &str) -> Result<Option<String>, SessionsError> {
        let user = self.require_user()?;
        let handle = SessionHandle::parse(handle)?;
        self.sessions().rename_device(&user, &handle, name).await
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_single_spaced_and_bounded() {
        assert_eq!(
            clean("  Work \t laptop\n").unwrap().as_deref(),
            Some("Work laptop")
        );
        assert_eq!(clean("a\u{0}b\u{1b}[31m").unwrap().as_deref(), Some("a b [31m"));
        assert_eq!(clean(" \n ").unwrap(), None);
        assert_eq!(
            clean(&"é".repeat(64)).unwrap().map(|n| n.chars().count()),
            Some(64)
        );
        assert_eq!(clean(&"é".repeat(65)), Err(SessionsError::InvalidName));
        assert_eq!(clean(&"x".repeat(100_000)), Err(SessionsError::InvalidName));
        // Markup is stored as typed and escaped where it is rendered.
        assert_eq!(clean("<b>me</b>").unwrap().as_deref(), Some("<b>me</b>"));
    }
}
