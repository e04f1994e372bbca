//! Session ids, their hashes, public handles and the signed device cookie.
//!
//! The raw session id (the cookie value) is a credential: it is never stored,
//! never logged and never rendered. The database keys rows by its SHA-256;
//! logs carry only a short prefix of that hash.

use std::fmt;

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use tower_sessions::session::Id;

use crate::error::SessionsError;

/// Lower-case hex SHA-256 of a session id: the registry's primary key.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdHash(String);

impl IdHash {
    /// Hashes a session id.
    pub fn of(id: &Id) -> Self {
        Self(hex::encode(Sha256::digest(id.to_string().as_bytes())))
    }

    /// The full hex digest (what the database stores).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// First 12 hex characters: enough to correlate log lines, useless as a credential.
    pub fn short(&self) -> &str {
        &self.0[..12]
    }
}

impl fmt::Debug for IdHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdHash({}…)", self.short())
    }
}

/// Length of a public session handle (hex characters).
const HANDLE_LEN: usize = 32;

/// Creates a random public handle (128 bits, lower-case hex).
pub(crate) fn new_handle() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Validates the shape of a handle before it reaches any query.
pub fn is_valid_handle(s: &str) -> bool {
    s.len() == HANDLE_LEN && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The public handle of a session (32 lower-case hex digits): what the
/// device list shows and revoke calls take. Never a credential, so it may be
/// shown and logged; a value of this type has been validated, so it can go
/// straight into an owner-scoped query.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionHandle(String);

impl SessionHandle {
    /// Validates a handle as received (form field, URL segment, JSON).
    ///
    /// # Errors
    /// [`SessionsError::InvalidHandle`] unless it is 32 lower-case hex digits.
    pub fn parse(handle: &str) -> Result<Self, SessionsError> {
        if is_valid_handle(handle) {
            Ok(Self(handle.to_owned()))
        } else {
            Err(SessionsError::InvalidHandle)
        }
    }

    /// A handle read back from the registry or the trail (written by us).
    pub(crate) fn from_stored(handle: String) -> Self {
        Self(handle)
    }

    /// The handle as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SessionHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for SessionHandle {
    type Err = SessionsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl AsRef<str> for SessionHandle {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<SessionHandle> for String {
    fn from(handle: SessionHandle) -> Self {
        handle.0
    }
}

/// The secret that signs the browser-continuity cookie.
#[derive(Clone)]
pub struct CookieKey(Vec<u8>);

impl CookieKey {
    /// Minimum secret length in bytes.
    pub const MIN_LEN: usize = 32;

    /// Wraps a secret; see [`crate::server::SessionsConfig::validate`] for the length rule.
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        Self(secret.into())
    }

    /// A fresh random key (sessions' device cookies won't survive a restart).
    pub fn random() -> Self {
        let mut bytes = vec![0u8; 64];
        rand::rng().fill_bytes(&mut bytes);
        Self(bytes)
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC accepts keys of any length; this cannot fail.
        match Hmac::<Sha256>::new_from_slice(&self.0) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC-SHA256 takes keys of any length"),
        }
    }

    /// Signs a device id into a cookie value: `<id>.<base64url(hmac)>`.
    pub fn sign(&self, device_id: &str) -> String {
        self.sign_for(DEVICE_PURPOSE, device_id)
    }

    /// Verifies a cookie value, returning the device id if the signature holds.
    pub fn verify(&self, value: &str) -> Option<String> {
        self.verify_for(DEVICE_PURPOSE, value, is_valid_device_id)
    }

    /// `<value>.<base64url(hmac(purpose ‖ value))>`: one key, a separate
    /// signature domain per use (a device cookie is never a valid link).
    pub(crate) fn sign_for(&self, purpose: &[u8], value: &str) -> String {
        use base64::Engine as _;
        let mut mac = self.mac();
        mac.update(purpose);
        mac.update(value.as_bytes());
        let tag = mac.finalize().into_bytes();
        format!(
            "{value}.{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag)
        )
    }

    /// The value of a [`CookieKey::sign_for`] string whose value has the
    /// shape `valid` accepts and whose signature holds (constant-time).
    pub(crate) fn verify_for(&self, purpose: &[u8], signed: &str, valid: fn(&str) -> bool) -> Option<String> {
        use base64::Engine as _;
        if signed.len() > 128 {
            return None;
        }
        let (value, tag) = signed.split_once('.')?;
        if !valid(value) {
            return None;
        }
        let tag = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(tag)
            .ok()?;
        let mut mac = self.mac();
        mac.update(purpose);
        mac.update(value.as_bytes());
        mac.verify_slice(&tag).ok()?;
        Some(value.to_owned())
    }
}

/// The device cookie's signature domain.
const DEVICE_PURPOSE: &[u8] = b"leptos-sessions.device.v1:";

impl fmt::Debug for CookieKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CookieKey([redacted])")
    }
}

/// A new random device id (128 bits, hex).
pub fn new_device_id() -> String {
    new_handle()
}

fn is_valid_device_id(s: &str) -> bool {
    is_valid_handle(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_validated_by_shape() {
        assert!(is_valid_handle(&new_handle()));
        assert!(!is_valid_handle(""));
        assert!(!is_valid_handle("ABCDEF0123456789ABCDEF0123456789"));
        assert!(!is_valid_handle("' OR 1=1 --'''''''''''''''''''''"));
        assert!(!is_valid_handle(&"a".repeat(33)));
        assert_eq!(SessionHandle::parse("x"), Err(SessionsError::InvalidHandle));
        let handle = new_handle();
        assert_eq!(SessionHandle::parse(&handle).map(String::from), Ok(handle));
    }

    #[test]
    fn device_cookie_signature_rejects_tampering() {
        let key = CookieKey::random();
        let value = key.sign(&new_device_id());
        assert!(key.verify(&value).is_some());
        let mut tampered = value.clone();
        tampered.replace_range(0..1, if value.starts_with('0') { "1" } else { "0" });
        assert!(key.verify(&tampered).is_none());
        assert!(CookieKey::random().verify(&value).is_none());
        assert!(key.verify("garbage").is_none());
        assert!(key.verify(&"x".repeat(5000)).is_none());
    }

    #[test]
    fn id_hash_is_sha256_hex_and_debug_is_short() {
        let id = Id::default();
        let hash = IdHash::of(&id);
        assert_eq!(hash.as_str().len(), 64);
        assert!(!hash.as_str().contains(&id.to_string()));
        assert!(!format!("{hash:?}").contains(hash.as_str()));
    }
}
