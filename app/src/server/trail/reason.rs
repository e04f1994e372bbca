//! Why a session was revoked: the revocation subset of [`ReasonCode`], so a
//! revoke call cannot be handed an expiry or a failure reason. The names live
//! in [`ReasonCode`] only.

use crate::types::ReasonCode;

/// Why a session was revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RevokeReason {
    /// The user logged out one device from their list.
    UserRevoked,
    /// An administrator ended it.
    AdminRevoked,
    /// The user's password changed.
    PasswordChange,
    /// "Sign out everywhere else".
    LogoutEverywhere,
    /// Evicted beyond the per-user cap, or replaced by a newer login of the same browser.
    Pruned,
    /// The account's owner said "This wasn't me" from a new-sign-in link.
    Disavowed,
}

impl RevokeReason {
    /// The reason code it is stored (and translated) as.
    pub fn code(self) -> ReasonCode {
        match self {
            Self::UserRevoked => ReasonCode::UserRevoked,
            Self::AdminRevoked => ReasonCode::AdminRevoked,
            Self::PasswordChange => ReasonCode::PasswordChange,
            Self::LogoutEverywhere => ReasonCode::LogoutEverywhere,
            Self::Pruned => ReasonCode::Pruned,
            Self::Disavowed => ReasonCode::Disavowed,
        }
    }

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        self.code().as_str()
    }

    /// Parses a stored name (`None` for anything but a revocation reason).
    pub fn from_db(s: &str) -> Option<Self> {
        Some(match ReasonCode::from_db(s)? {
            ReasonCode::UserRevoked => Self::UserRevoked,
            ReasonCode::AdminRevoked => Self::AdminRevoked,
            ReasonCode::PasswordChange => Self::PasswordChange,
            ReasonCode::LogoutEverywhere => Self::LogoutEverywhere,
            ReasonCode::Pruned => Self::Pruned,
            ReasonCode::Disavowed => Self::Disavowed,
            _ => return None,
        })
    }
}

impl From<RevokeReason> for ReasonCode {
    fn from(reason: RevokeReason) -> Self {
        reason.code()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_revoke_reason_round_trips_through_its_code() {
        let all = [
            RevokeReason::UserRevoked,
            RevokeReason::AdminRevoked,
            RevokeReason::PasswordChange,
            RevokeReason::LogoutEverywhere,
            RevokeReason::Pruned,
            RevokeReason::Disavowed,
        ];
        for reason in all {
            assert_eq!(RevokeReason::from_db(reason.as_str()), Some(reason));
        }
        assert_eq!(RevokeReason::from_db(ReasonCode::IdleTimeout.as_str()), None);
    }
}
