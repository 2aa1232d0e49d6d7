//! One error type for every rule the domain refuses. Users are not programmers, so each error
//! carries its message in Chinese (shown first) and English, plus a stable machine code that the
//! API returns and tests match on.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DomainError {
    /// Stable identifier, e.g. `resident_id.check_digit`.
    pub code: &'static str,
    pub zh: String,
    pub en: String,
}

impl DomainError {
    pub fn new(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            code,
            zh: zh.into(),
            en: en.into(),
        }
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.zh, self.en)
    }
}

impl std::error::Error for DomainError {}

pub type DomainResult<T> = Result<T, DomainError>;
