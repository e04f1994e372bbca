//! Every way a session ends on purpose: one device, all others, all, an
//! admin's kill switch, a password change, GDPR erasure. Each goes through
//! the [`RegistryStore`](super::RegistryStore) — which evicts the rows from
//! this instance's cache and fences the other instances before it returns —
//! and then writes its `revoked` events. (Sign-out is in `login.rs`, timeouts
//! in `http/tracker.rs` and `sweep.rs`; they end rows through the store too.)

use leptos_sessions_entity::session;
use sea_orm::DbErr;

use super::{
    CurrentSession, RevokeReason, SessionHandle, Sessions,
    ids::IdHash,
    registry,
    sessions::{db_error, short},
    trail::{NewEvent, normalize_identity},
};
use crate::error::SessionsError;

impl Sessions {
    /// Admin: ends one session of `user_id` with reason `admin_revoked`.
    ///
    /// # Errors
    /// As [`Sessions::revoke_handle`].
    pub async fn admin_revoke(&self, user_id: &str, handle: &SessionHandle) -> Result<(), SessionsError> {
        self.revoke_handle(user_id, handle, RevokeReason::AdminRevoked)
            .await
    }

    /// Admin: ends every session of `user_id` with reason `admin_revoked`
    /// (account disabled or deleted, ASVS 7.4.2 / 7.4.5). Returns how many.
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database cannot be reached.
    pub async fn admin_revoke_all(&self, user_id: &str) -> Result<u64, SessionsError> {
        self.revoke_all(user_id, RevokeReason::AdminRevoked).await
    }

    /// Ends `user_id`'s session with `handle` (owner-scoped: a foreign or unknown
    /// handle gets the same [`SessionsError::NotFound`]).
    ///
    /// # Errors
    /// [`SessionsError::NotFound`], [`SessionsError::Unavailable`].
    #[tracing::instrument(skip_all, fields(user.id = %user_id, reason = reason.as_str()))]
    pub async fn revoke_handle(
        &self,
        user_id: &str,
        handle: &SessionHandle,
        reason: RevokeReason,
    ) -> Result<(), SessionsError> {
        self.revoke_handle_named(user_id, handle, reason).await.map(drop)
    }

    /// [`Sessions::revoke_handle`], returning the ended device's label.
    pub(crate) async fn revoke_handle_named(
        &self,
        user_id: &str,
        handle: &SessionHandle,
        reason: RevokeReason,
    ) -> Result<crate::types::DeviceLabel, SessionsError> {
        let row = registry::find_by_user_and_handle(self.db(), user_id, handle.as_str())
            .await
            .map_err(db_error)?
            .ok_or(SessionsError::NotFound)?;
        let rows = self.end_rows(vec![row]).await.map_err(db_error)?;
        if rows.is_empty() {
            return Err(SessionsError::NotFound);
        }
        tracing::info!(user.id = %user_id, session = %short(&rows[0].id_hash), reason = reason.as_str(), "session revoked");
        let name = stored_label!(rows[0]);
        self.write_events(self.revoked_events(rows, reason)).await;
        Ok(name)
    }

    /// Ends every session of `user_id` except the one with `except` (all of
    /// them when `None`). Returns how many were ended. Sessions created after
    /// the call started may survive: a login racing a revoke-all wins.
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database cannot be reached.
    #[tracing::instrument(skip_all, fields(user.id = %user_id, reason = reason.as_str()))]
    pub async fn revoke_all_except(
        &self,
        user_id: &str,
        except: Option<&IdHash>,
        reason: RevokeReason,
    ) -> Result<u64, SessionsError> {
        let rows: Vec<session::Model> = registry::user_sessions(self.db(), user_id, i64::MIN)
            .await
            .map_err(db_error)?
            .into_iter()
            .filter(|row| except.is_none_or(|e| e.as_str() != row.id_hash))
            .collect();
        let rows = self.end_rows(rows).await.map_err(db_error)?;
        let deleted = rows.len() as u64;
        tracing::info!(user.id = %user_id, count = deleted, reason = reason.as_str(), "sessions revoked");
        self.write_events(self.revoked_events(rows, reason)).await;
        Ok(deleted)
    }

    /// Ends every session of `user_id` (the account-takeover hammer; also what
    /// a host calls when it disables or deletes an account). Returns how many.
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database cannot be reached.
    pub async fn revoke_all(&self, user_id: &str, reason: RevokeReason) -> Result<u64, SessionsError> {
        self.revoke_all_except(user_id, None, reason).await
    }

    /// The host changed `user_id`'s password: ends every other session of that
    /// user (ASVS 3.3.3), keeping `current` — the session that changed it —
    /// when given. A no-op when `revoke_on_password_change` is off.
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database cannot be reached.
    pub async fn password_changed(
        &self,
        user_id: &str,
        current: Option<&CurrentSession>,
    ) -> Result<u64, SessionsError> {
        if !self.config().revoke_on_password_change {
            return Ok(0);
        }
        let keep = current
            .filter(|c| c.user_id().as_deref() == Some(user_id))
            .and_then(CurrentSession::id_hash);
        self.revoke_all_except(user_id, keep.as_ref(), RevokeReason::PasswordChange)
            .await
    }

    /// Changes `user_id`'s password in one transaction with the end of their
    /// other sessions: `store_new_password` writes the host's new hash on
    /// the transaction, the other sessions' rows are deleted on it, and
    /// nothing of either happens unless both do (a failure leaves the old
    /// password and every session as they were). Then `current` — the
    /// session that changed it, kept when it is `user_id`'s — gets a new id
    /// ([`CurrentSession::rotate_id`]). Returns how many sessions ended
    /// (none with `revoke_on_password_change` off; the hash is stored anyway).
    ///
    /// The host's users table must live in the library's database.
    ///
    /// ```no_run
    /// # async fn run(sessions: leptos_sessions::server::Sessions, current: leptos_sessions::server::CurrentSession) -> Result<(), leptos_sessions::SessionsError> {
    /// use sea_orm::{ConnectionTrait, Statement};
    /// let new_hash = "$argon2id$...".to_owned();
    /// let ended = sessions
    ///     .change_password("u-42", Some(&current), move |txn| {
    ///         Box::pin(async move {
    ///             let sql = "UPDATE users SET password_hash = $1 WHERE id = $2";
    ///             let stmt = Statement::from_sql_and_values(txn.get_database_backend(), sql, [new_hash.into(), "u-42".into()]);
    ///             txn.execute_raw(stmt).await.map(|_| ())
    ///         })
    ///     })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database (or the host's
    /// write) fails: nothing was changed then. A failed id rotation after
    /// the commit is logged and leaves the current session signed in.
    pub async fn change_password<F>(
        &self,
        user_id: &str,
        current: Option<&CurrentSession>,
        store_new_password: F,
    ) -> Result<u64, SessionsError>
    where
        F: for<'c> FnOnce(
                &'c sea_orm::DatabaseTransaction,
            )
                -> std::pin::Pin<Box<dyn Future<Output = Result<(), DbErr>> + Send + 'c>>
            + Send,
    {
        use sea_orm::TransactionTrait as _;
        let current = current.filter(|c| c.user_id().as_deref() == Some(user_id));
        let keep = current.and_then(CurrentSession::id_hash);
        self.fence_ready();
        let txn = self.db().begin().await.map_err(db_error)?;
        store_new_password(&txn).await.map_err(db_error)?;
        let rows: Vec<session::Model> = if self.config().revoke_on_password_change {
            registry::user_sessions(&txn, user_id, i64::MIN)
                .await
                .map_err(db_error)?
                .into_iter()
                .filter(|row| keep.as_ref().is_none_or(|k| k.as_str() != row.id_hash))
                .collect()
        } else {
            Vec::new()
        };
        let hashes: Vec<String> = rows.iter().map(|r| r.id_hash.clone()).collect();
        let deleted = self
            .store()
            .delete_by_hashes_in(&txn, hashes)
            .await
            .map_err(db_error)?;
        txn.commit().await.map_err(db_error)?;
        // Committed: no instance may serve those rows from its cache.
        self.store().evicted(&deleted).await;
        let rows: Vec<session::Model> = rows
            .into_iter()
            .filter(|r| deleted.contains(&r.id_hash))
            .collect();
        self.tell_owners(&rows);
        let ended = rows.len() as u64;
        tracing::info!(user.id = %user_id, count = ended, "password changed; other sessions ended");
        self.write_events(self.revoked_events(rows, RevokeReason::PasswordChange))
            .await;
        if let Some(current) = current
            && let Err(err) = current.rotate_id().await
        {
            tracing::warn!(error = %err, "password changed; the current session keeps its id");
        }
        Ok(ended)
    }

    /// Erases a user (GDPR): their registry rows, their trail, and the
    /// identities of failed attempts made with any of `identities`
    /// (blanked, so brute-force counts per IP survive). Returns
    /// `(sessions, events)` removed.
    ///
    /// # Errors
    /// [`SessionsError::Unavailable`] when the database cannot be reached.
    #[tracing::instrument(skip_all, fields(user.id = %user_id))]
    pub async fn forget(&self, user_id: &str, identities: &[&str]) -> Result<(u64, u64), SessionsError> {
        let normalized: Vec<String> = identities.iter().map(|i| normalize_identity(i)).collect();
        self.fence_ready();
        self.store().forget(user_id, normalized).await.map_err(db_error)
    }

    /// Deletes `rows` through the store (cache eviction, revocation fence).
    /// Returns the ones this call ended (not those another call ended
    /// first): the rows whose events to write.
    pub(crate) async fn end_rows(&self, rows: Vec<session::Model>) -> Result<Vec<session::Model>, DbErr> {
        self.fence_ready();
        let deleted = self
            .store()
            .delete_by_hashes(rows.iter().map(|r| r.id_hash.clone()).collect())
            .await?;
        let ended: Vec<session::Model> = rows
            .into_iter()
            .filter(|r| deleted.contains(&r.id_hash))
            .collect();
        self.tell_owners(&ended);
        Ok(ended)
    }

    /// The owners' other open pages: their device lists changed.
    pub(crate) fn tell_owners(&self, ended: &[session::Model]) {
        let mut users: Vec<&str> = ended.iter().filter_map(|r| r.user_id.as_deref()).collect();
        users.sort_unstable();
        users.dedup();
        for user in users {
            self.store().tell_live(user, super::live::LiveMsg::Changed);
        }
    }

    /// Turns the registry cache (and with it the revocation fence) on as the
    /// layer would, for processes that revoke without serving requests — an
    /// admin CLI, a cron job: on PostgreSQL their revocations then wait for
    /// every serving instance too.
    fn fence_ready(&self) {
        let config = self.config();
        self.store()
            .enable_cache(config.registry_cache, config.registry_cache_capacity);
    }

    /// The `revoked` events of `rows`, stamped now.
    pub(crate) fn revoked_events(&self, rows: Vec<session::Model>, reason: RevokeReason) -> Vec<NewEvent> {
        let now = self.now_ms();
        rows.into_iter()
            .map(|row| NewEvent::revoked(row, reason, now))
            .collect()
    }
}

impl CurrentSession {
    /// Logs out one of the user's other devices, by the handle as received
    /// (form field, URL segment).
    ///
    /// # Errors
    /// [`SessionsError::NotSignedIn`], [`SessionsError::InvalidHandle`],
    /// [`SessionsError::CurrentSession`] for this very session,
    /// [`SessionsError::ReauthRequired`] when the gate refuses,
    /// [`SessionsError::NotFound`] for unknown and foreign handles alike.
    pub async fn revoke(&self, handle: &str) -> Result<(), SessionsError> {
        self.revoke_named(handle).await.map(drop)
    }

    /// [`CurrentSession::revoke`], returning the ended device's label.
    pub(crate) async fn revoke_named(
        &self,
        handle: &str,
    ) -> Result<crate::types::DeviceLabel, SessionsError> {
        let user = self.require_user()?;
        let handle = SessionHandle::parse(handle)?;
        if self.handle().as_ref() == Some(&handle) {
            return Err(SessionsError::CurrentSession);
        }
        self.check_reauthentication().await?;
        self.sessions()
            .revoke_handle_named(&user, &handle, RevokeReason::UserRevoked)
            .await
    }

    /// "Sign out everywhere else": ends all of the user's other sessions and
    /// returns how many.
    ///
    /// # Errors
    /// [`SessionsError::NotSignedIn`], [`SessionsError::ReauthRequired`],
    /// [`SessionsError::Unavailable`].
    pub async fn revoke_others(&self) -> Result<u64, SessionsError> {
        let user = self.require_user()?;
        self.check_reauthentication().await?;
        let current = self.id_hash();
        self.sessions()
            .revoke_all_except(&user, current.as_ref(), RevokeReason::LogoutEverywhere)
            .await
    }
}
