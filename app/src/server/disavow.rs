//! "This wasn't me": a link in the host's "New sign-in" e-mail that ends the
//! sign-in it reports.
//!
//! * **Issued** with every new-device login while an `on_new_device` hook is
//!   set ([`NewDevice::disavow_url`](super::NewDevice::disavow_url)).
//! * **Signed** with the cookie key in its own signature domain, so a made-up
//!   or altered token is refused without a database read; **stored hashed**
//!   (the SHA-256 of the token is the row's key; the token itself is only
//!   in the e-mail); **expiring** after
//!   [`SessionsConfig::disavow_link_lifetime`](super::SessionsConfig::disavow_link_lifetime);
//!   **single-use** (confirming deletes the row, and only the one call that
//!   deletes it acts).
//! * **Confirmed by a POST** from the page the link opens (the GET only shows
//!   the sign-in), signed out or not, ending that session — or, if the person
//!   chooses, every session of the account — with reason `disavowed`, and
//!   firing [`Hooks::on_disavowed`](super::Hooks::on_disavowed).
//! * **One answer** ([`SessionsError::InvalidLink`]) for a used, expired,
//!   tampered or unknown link, and for a link opened by another signed-in
//!   account.

use std::fmt;

use leptos_sessions_entity::{disavowal, event};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use super::{
    CurrentSession, Disavowed, RevokeReason, SessionHandle, Sessions,
    clock::duration_ms,
    ids::new_handle,
    sessions::{db_error, short},
    trail,
};
use crate::{
    error::SessionsError,
    types::{DeviceNotice, DisavowDetails, DisavowOutcome},
};

/// The link token's signature domain.
const PURPOSE: &[u8] = b"leptos-sessions.disavow.v1:";

use crate::types::DISAVOW_TOKEN_PARAM as TOKEN_PARAM;

/// The secret part of a "This wasn't me" link: a random value and its
/// signature. Whoever holds it can end the sign-in it was issued for, so it
/// is never logged (`Debug` is redacted) and never stored.
#[derive(Clone, PartialEq, Eq)]
pub struct DisavowToken(String);

impl DisavowToken {
    /// A token as received (query string, form field): its shape and
    /// signature checked, no database read.
    ///
    /// # Errors
    /// [`SessionsError::InvalidLink`] for anything this server did not sign.
    pub fn parse(sessions: &Sessions, token: &str) -> Result<Self, SessionsError> {
        sessions
            .config()
            .secret
            .verify_for(PURPOSE, token.trim(), super::ids::is_valid_handle)
            .map(|_| Self(token.trim().to_owned()))
            .ok_or(SessionsError::InvalidLink)
    }

    fn mint(sessions: &Sessions) -> Self {
        Self(sessions.config().secret.sign_for(PURPOSE, &new_handle()))
    }

    /// The token (for a link of the host's own making).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `base` with the token as its `token` query parameter.
    pub fn url(&self, base: &str) -> String {
        let separator = if base.contains('?') { '&' } else { '?' };
        format!("{base}{separator}{TOKEN_PARAM}={}", self.0)
    }

    /// What the database keys the link by.
    fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

impl fmt::Debug for DisavowToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DisavowToken([redacted])")
    }
}

impl Sessions {
    /// Issues a "This wasn't me" link for `user_id`'s session `handle`
    /// (the library does it for every new-device login while an
    /// `on_new_device` hook is set; call it for a sign-in e-mail of your own).
    /// `event_id` is the `login` event the confirmation page shows.
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the link cannot be stored,
    /// [`SessionsError::InvalidLink`] when links are off
    /// (`disavow_link_lifetime` is `None`).
    pub async fn issue_disavow_link(
        &self,
        user_id: &str,
        handle: &SessionHandle,
        event_id: Option<i64>,
    ) -> Result<DisavowToken, SessionsError> {
        let lifetime = self
            .config()
            .disavow_link_lifetime
            .ok_or(SessionsError::InvalidLink)?;
        let token = DisavowToken::mint(self);
        let now = self.now_ms();
        disavowal::ActiveModel {
            token_hash: Set(token.hash()),
            user_id: Set(user_id.to_owned()),
            session_handle: Set(handle.as_str().to_owned()),
            event_id: Set(event_id),
            created_at: Set(now),
            expires_at: Set(now.saturating_add(duration_ms(lifetime))),
        }
        .insert(self.db())
        .await
        .map_err(db_error)?;
        Ok(token)
    }

    /// The live link `token` and the sign-in it was issued for, when the
    /// trail still keeps it; `reader` is the signed-in user opening it, if any.
    ///
    /// # Errors
    /// [`SessionsError::InvalidLink`] (one answer for every refusal),
    /// [`SessionsError::Unavailable`].
    pub(crate) async fn disavow_link(
        &self,
        token: &str,
        reader: Option<&str>,
    ) -> Result<(disavowal::Model, Option<event::Model>), SessionsError> {
        let token = DisavowToken::parse(self, token)?;
        let link = disavowal::Entity::find_by_id(token.hash())
            .filter(disavowal::Column::ExpiresAt.gt(self.now_ms()))
            .one(self.db())
            .await
            .map_err(db_error)?
            .filter(|link| reader.is_none_or(|reader| reader == link.user_id))
            .ok_or(SessionsError::InvalidLink)?;
        let sign_in = match link.event_id {
            Some(id) => event::Entity::find_by_id(id)
                .filter(event::Column::UserId.eq(link.user_id.as_str()))
                .filter(event::Column::SessionHandle.eq(link.session_handle.as_str()))
                .one(self.db())
                .await
                .map_err(db_error)?,
            None => None,
        };
        Ok((link, sign_in))
    }

    /// Confirms the link `token`: uses it up, ends the session it was issued
    /// for (every session of the account when `everywhere`) with reason
    /// `disavowed`, and fires `on_disavowed`. `reader` is the signed-in
    /// user confirming, if any (another account's link is refused).
    ///
    /// # Errors
    /// [`SessionsError::InvalidLink`] for a used, expired, tampered, unknown
    /// or another account's link (nothing changed),
    /// [`SessionsError::Unavailable`].
    #[tracing::instrument(skip_all, fields(everywhere = everywhere))]
    pub async fn disavow(
        &self,
        token: &str,
        reader: Option<&str>,
        everywhere: bool,
    ) -> Result<DisavowOutcome, SessionsError> {
        let (link, sign_in) = self.disavow_link(token, reader).await?;
        // Single use: of racing confirmations, the one whose DELETE removes
        // the row acts; the others get the same answer as a used link.
        let used = disavowal::Entity::delete_by_id(link.token_hash.clone())
            .filter(disavowal::Column::ExpiresAt.gt(self.now_ms()))
            .exec(self.db())
            .await
            .map_err(db_error)?
            .rows_affected;
        if used != 1 {
            return Err(SessionsError::InvalidLink);
        }
        let ended = if everywhere {
            self.revoke_all(&link.user_id, RevokeReason::Disavowed).await
        } else {
            let handle = SessionHandle::from_stored(link.session_handle.clone());
            match self
                .revoke_handle(&link.user_id, &handle, RevokeReason::Disavowed)
                .await
            {
                Ok(()) => Ok(1),
                Err(SessionsError::NotFound) => Ok(0),
                Err(err) => Err(err),
            }
        };
        let ended = match ended {
            Ok(ended) => ended,
            Err(err) => {
                // Nothing ended: the link works again for the retry.
                let _ = disavowal::Entity::insert(disavowal::ActiveModel::from(link.clone()))
                    .exec_without_returning(self.db())
                    .await;
                return Err(err);
            }
        };
        tracing::info!(
            user.id = %link.user_id,
            session = %short(&link.session_handle),
            everywhere,
            ended,
            "sign-in disavowed"
        );
        self.config().hooks.disavowed(Disavowed {
            user_id: link.user_id,
            session_handle: link.session_handle,
            everywhere,
            ended,
            event: sign_in,
        });
        Ok(DisavowOutcome { everywhere, ended })
    }

    /// Deletes links past their expiry (the sweep).
    pub(crate) async fn purge_disavow_links(&self, now: i64) -> Result<u64, SessionsError> {
        Ok(disavowal::Entity::delete_many()
            .filter(disavowal::Column::ExpiresAt.lte(now))
            .exec(self.db())
            .await
            .map_err(db_error)?
            .rows_affected)
    }
}

impl CurrentSession {
    /// What the page behind the link `token` shows: the sign-in it disowns
    /// (in the reader's time zone), or what a confirmation made without
    /// JavaScript just did. Works signed out; changes nothing.
    ///
    /// # Errors
    /// [`SessionsError::InvalidLink`] (one answer for every refusal),
    /// [`SessionsError::Unavailable`].
    pub async fn disavow_details(&self, token: &str) -> Result<DisavowDetails, SessionsError> {
        let now = self.sessions().now_ms();
        if let Some(DeviceNotice::Disavowed(outcome)) = self.take_notice_if(|value| value.starts_with("d.")) {
            return Ok(DisavowDetails {
                now,
                sign_in: None,
                done: Some(outcome),
                method_labels: Default::default(),
                zone: self.reader_zone(now, now),
            });
        }
        let (_, sign_in) = self
            .sessions()
            .disavow_link(token, self.user_id().as_deref())
            .await?;
        let sign_in = sign_in.and_then(trail::history_entry);
        let from = sign_in.as_ref().map_or(now, |e| e.occurred_at);
        Ok(DisavowDetails {
            now,
            method_labels: self.method_labels(sign_in.iter().filter_map(|e| e.auth_method.as_deref())),
            sign_in,
            done: None,
            zone: self.reader_zone(from, now),
        })
    }

    /// Confirms the link `token` ([`Sessions::disavow`]) for whoever holds
    /// it, signed in (to the same account) or not; after a plain form post
    /// the page it redirects to reports the outcome.
    ///
    /// # Errors
    /// As [`Sessions::disavow`].
    pub async fn disavow(&self, token: &str, everywhere: bool) -> Result<DisavowOutcome, SessionsError> {
        let outcome = self
            .sessions()
            .disavow(token, self.user_id().as_deref(), everywhere)
            .await?;
        self.notice_if_form_post(&DeviceNotice::Disavowed(outcome));
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_the_base_query_and_debug_is_redacted() {
        let token = DisavowToken("abc.def".to_owned());
        assert_eq!(token.url("https://x.test/d"), "https://x.test/d?token=abc.def");
        assert_eq!(
            token.url("https://x.test/d?lang=es"),
            "https://x.test/d?lang=es&token=abc.def"
        );
        assert!(!format!("{token:?}").contains("abc"));
    }
}
