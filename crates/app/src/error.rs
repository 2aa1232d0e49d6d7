//! Errors of the use cases, each with the words a clerk reads (Chinese first) and the HTTP
//! status the web layer gives it.

use zhixing_domain::DomainError;
use zhixing_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("请先登录 / please sign in")]
    Unauthenticated,
    #[error("{zh} / {en}")]
    Forbidden { zh: String, en: String },
    /// Also the answer for things outside the user's courts, so nothing leaks.
    #[error("未找到 / not found")]
    NotFound,
    #[error("{0}")]
    Invalid(DomainError),
    #[error("{0}")]
    Conflict(String),
    #[error("内部错误，请稍后再试 / internal error")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn forbidden(zh: impl Into<String>, en: impl Into<String>) -> Self {
        AppError::Forbidden {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// A user acting on another court's matter they can see (a supervisor's view of the courts
    /// below): forbidden, never "not found".
    pub fn other_court() -> Self {
        AppError::forbidden(
            "您只能办理本院的案件和事务",
            "you may only act on your own court's matters",
        )
    }

    pub fn invalid(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        AppError::Invalid(DomainError::new(code, zh, en))
    }

    /// A stable code for API clients and tests.
    pub fn code(&self) -> &str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden { .. } => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Invalid(e) => e.code,
            AppError::Conflict(_) => "conflict",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden { .. } => 403,
            AppError::NotFound => 404,
            AppError::Invalid(e) if e.code == "case.locked" => 423,
            AppError::Invalid(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::Internal(_) => 500,
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            AppError::Unauthenticated => "请先登录".into(),
            AppError::Forbidden { zh, .. } => zh.clone(),
            AppError::NotFound => "未找到该记录，或您无权查看".into(),
            AppError::Invalid(e) => e.zh.clone(),
            AppError::Conflict(m) => m.split(" / ").next().unwrap_or(m).to_string(),
            AppError::Internal(_) => "系统内部错误，请稍后再试或联系管理员".into(),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            AppError::Unauthenticated => "please sign in".into(),
            AppError::Forbidden { en, .. } => en.clone(),
            AppError::NotFound => "not found, or not yours to see".into(),
            AppError::Invalid(e) => e.en.clone(),
            AppError::Conflict(m) => m.split(" / ").nth(1).unwrap_or(m).to_string(),
            AppError::Internal(_) => {
                "internal error; try again later or ask the administrator".into()
            }
        }
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        AppError::Invalid(e)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(m) => AppError::Conflict(m),
            other => {
                tracing::error!(error = %other, "store error");
                AppError::Internal(other.to_string())
            }
        }
    }
}
