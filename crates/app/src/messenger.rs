//! The outgoing side of electronic service (电子送达): a text message or an e-mail carrying the
//! link to a court document, handed to a provider.
//!
//! A provider's refusal is a fact the service record must keep (空号, 关机, 退信), not an error
//! of ours, so `send` always answers with a `Delivery` and never fails: the workflow records
//! the outcome as it is and decides whether to try another channel.
//!
//! Two providers: `SimulatedMessenger` for the demo and tests (no network, outcomes chosen by
//! the address), and `HttpGatewayMessenger` for a real SMS/e-mail gateway speaking JSON.
//! `messenger_from_env` picks one from the environment.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Sms,
    Email,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Sms, Channel::Email];

    /// The stable key stored in records and sent to the gateway.
    pub fn key(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Email => "email",
        }
    }

    pub fn from_key(key: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.key() == key)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Channel::Sms => "短信",
            Channel::Email => "电子邮件",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Channel::Sms => "SMS",
            Channel::Email => "e-mail",
        }
    }

    /// Failure reasons name the gateway of the channel, so a clerk knows whom to call.
    fn gateway_zh(self) -> &'static str {
        match self {
            Channel::Sms => "短信网关",
            Channel::Email => "邮件网关",
        }
    }

    fn gateway_en(self) -> &'static str {
        match self {
            Channel::Sms => "SMS gateway",
            Channel::Email => "e-mail gateway",
        }
    }
}

/// One message to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingMessage {
    pub channel: Channel,
    /// A mobile number or an e-mail address; `check_address` normalises it.
    pub to: String,
    pub subject: String,
    /// Chinese text containing the link to the document.
    pub body: String,
    /// Our idempotency key (e.g. `service-attempt-42`): sending the same reference twice must
    /// not reach the recipient twice.
    pub reference: String,
}

/// What became of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// Which provider answered: `simulated`, `http-gateway`, `unavailable`.
    pub provider: String,
    /// The provider's id of the message, when the message reached the provider (even if it was
    /// then not delivered); `None` when it never got that far.
    pub provider_ref: Option<String>,
    pub outcome: DeliveryOutcome,
    /// UTC milliseconds.
    pub at_ms: i64,
}

impl Delivery {
    pub fn is_delivered(&self) -> bool {
        matches!(self.outcome, DeliveryOutcome::Delivered)
    }

    fn failed(
        provider: &str,
        provider_ref: Option<String>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Delivery {
        Delivery {
            provider: provider.to_string(),
            provider_ref,
            outcome: DeliveryOutcome::Failed {
                reason_zh: zh.into(),
                reason_en: en.into(),
            },
            at_ms: now_ms(),
        }
    }

    fn delivered(provider: &str, provider_ref: Option<String>) -> Delivery {
        Delivery {
            provider: provider.to_string(),
            provider_ref,
            outcome: DeliveryOutcome::Delivered,
            at_ms: now_ms(),
        }
    }

    /// A message refused before sending because its address is wrong.
    fn bad_address(provider: &str, error: &AppError) -> Delivery {
        Delivery::failed(provider, None, error.message_zh(), error.message_en())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum DeliveryOutcome {
    Delivered,
    Failed {
        reason_zh: String,
        reason_en: String,
    },
}

/// Sends messages of electronic service.
#[async_trait::async_trait]
pub trait ServiceMessenger: Send + Sync {
    /// Sends one message. Never fails: a refusal, a bad address or a dead gateway is a
    /// `Delivery` whose outcome says why.
    async fn send(&self, msg: &OutgoingMessage) -> Delivery;
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Normalises and checks an address before anything is sent: the 11 digits of a mainland
/// mobile number, or a trimmed e-mail address with its domain in lower case.
pub fn check_address(channel: Channel, to: &str) -> Result<String, AppError> {
    match channel {
        Channel::Sms => check_mobile(to),
        Channel::Email => check_email(to),
    }
}

fn check_mobile(to: &str) -> Result<String, AppError> {
    // Full-width digits, spaces and signs are what a Chinese input method types: read them as
    // their ASCII twins rather than refuse a number the clerk sees as correct.
    let compact: String = to
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_digit(c as u32 - '０' as u32, 10).unwrap_or(c),
            '＋' => '+',
            '－' => '-',
            '\u{3000}' => ' ',
            c => c,
        })
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    if compact.is_empty() {
        return Err(AppError::invalid(
            "messenger.phone_missing",
            "请填写手机号码",
            "enter a mobile number",
        ));
    }
    let (plus, digits) = match compact.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, compact.as_str()),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(AppError::invalid(
            "messenger.phone_invalid",
            "手机号码只能包含数字、空格和短横线，可带 +86 前缀",
            "a mobile number may contain only digits, spaces and dashes, with an optional +86",
        ));
    }
    // 86 + 11 digits is the only 13-digit form: no mainland mobile number starts with 86.
    let national = match digits.strip_prefix("86") {
        Some(rest) if digits.len() == 13 => rest,
        // Another country's code: not a mainland mobile number.
        _ if plus => "",
        _ => digits,
    };
    if national.len() != 11 || !national.starts_with('1') {
        return Err(AppError::invalid(
            "messenger.phone_invalid",
            "手机号码应为 11 位数字，以 1 开头",
            "a mobile number has 11 digits and starts with 1",
        ));
    }
    Ok(national.to_string())
}

fn check_email(to: &str) -> Result<String, AppError> {
    let shape = || {
        AppError::invalid(
            "messenger.email_invalid",
            "电子邮件地址格式不正确，应形如 name@example.com",
            "an e-mail address looks like name@example.com",
        )
    };
    let address = to.trim();
    if address.is_empty() {
        return Err(AppError::invalid(
            "messenger.email_missing",
            "请填写电子邮件地址",
            "enter an e-mail address",
        ));
    }
    if address.chars().count() > 254 {
        return Err(AppError::invalid(
            "messenger.email_invalid",
            "电子邮件地址过长（最多 254 个字符）",
            "an e-mail address has at most 254 characters",
        ));
    }
    if address.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(AppError::invalid(
            "messenger.email_invalid",
            "电子邮件地址不能包含空格或控制字符",
            "an e-mail address cannot contain spaces or control characters",
        ));
    }
    // A Chinese input method types the full-width ＠ by default: say so rather than "malformed".
    if address.contains('＠') && !address.contains('@') {
        return Err(AppError::invalid(
            "messenger.email_invalid",
            "电子邮件地址中的“＠”应为半角的“@”",
            "the @ of an e-mail address must be the ASCII @, not the full-width ＠",
        ));
    }
    let Some((local, domain)) = address.split_once('@') else {
        return Err(shape());
    };
    // Characters that mean a pasted "Name <a@b>" or a list of several addresses.
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && !local.chars().any(|c| {
            matches!(
                c,
                '@' | '<' | '>' | '(' | ')' | '[' | ']' | ',' | ';' | ':' | '\\' | '"'
            )
        });
    let domain = domain.to_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.chars().count() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c == '-' || c.is_alphanumeric())
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(|c| c.is_alphabetic()));
    if !local_ok || !domain_ok {
        return Err(shape());
    }
    Ok(format!("{local}@{domain}"))
}

/// The provider of the demo and the tests: nothing leaves the process. The address decides the
/// outcome, so a demo can show every kind of failure:
/// - SMS to a number ending `0000`: 空号; ending `4444`: 关机或不在服务区;
/// - e-mail to the domain `invalid.example` or a local part starting `bounce`: 退信;
/// - anything else is delivered, with `SIM-` + the first 12 hex digits of the SHA-256 of the
///   reference as the provider's id.
///
/// Every message sent is kept in an outbox (`sent`). A reference already sent gets the first
/// answer again and is not sent twice, as a real gateway honours an idempotency key.
#[derive(Debug, Clone, Default)]
pub struct SimulatedMessenger {
    outbox: Arc<Mutex<Vec<(OutgoingMessage, Delivery)>>>,
}

impl SimulatedMessenger {
    pub const PROVIDER: &'static str = "simulated";

    pub fn new() -> SimulatedMessenger {
        SimulatedMessenger::default()
    }

    /// The messages sent so far, oldest first, each with its delivery.
    pub fn sent(&self) -> Vec<(OutgoingMessage, Delivery)> {
        self.outbox().clone()
    }

    /// The provider id the simulation gives a reference.
    pub fn provider_ref_for(reference: &str) -> String {
        let digest = hex::encode(Sha256::digest(reference.as_bytes()));
        format!("SIM-{}", &digest[..12])
    }

    // A test that panicked while holding the lock must not take every later test down with it.
    fn outbox(&self) -> std::sync::MutexGuard<'_, Vec<(OutgoingMessage, Delivery)>> {
        self.outbox.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn simulate(msg: &OutgoingMessage) -> Delivery {
        let address = match check_address(msg.channel, &msg.to) {
            Ok(address) => address,
            Err(e) => return Delivery::bad_address(Self::PROVIDER, &e),
        };
        let id = Some(Self::provider_ref_for(&msg.reference));
        let refusal = match msg.channel {
            Channel::Sms if address.ends_with("0000") => {
                Some(("空号（号码不存在）", "the number does not exist"))
            }
            Channel::Sms if address.ends_with("4444") => Some((
                "用户关机或不在服务区，短信未送达",
                "the phone is switched off or out of coverage; the SMS was not delivered",
            )),
            Channel::Email => {
                let (local, domain) = address.split_once('@').unwrap_or_default();
                (domain == "invalid.example" || local.to_lowercase().starts_with("bounce"))
                    .then_some((
                        "邮件被退回：收件地址不存在",
                        "the e-mail bounced: the mailbox does not exist",
                    ))
            }
            Channel::Sms => None,
        };
        match refusal {
            Some((zh, en)) => Delivery::failed(Self::PROVIDER, id, zh, en),
            None => Delivery::delivered(Self::PROVIDER, id),
        }
    }
}

#[async_trait::async_trait]
impl ServiceMessenger for SimulatedMessenger {
    async fn send(&self, msg: &OutgoingMessage) -> Delivery {
        let mut outbox = self.outbox();
        if let Some((_, earlier)) = outbox.iter().find(|(m, _)| m.reference == msg.reference) {
            return earlier.clone();
        }
        let delivery = Self::simulate(msg);
        tracing::info!(
            reference = %msg.reference,
            channel = msg.channel.key(),
            delivered = delivery.is_delivered(),
            "simulated message"
        );
        outbox.push((msg.clone(), delivery.clone()));
        delivery
    }
}

/// A real SMS/e-mail gateway behind one HTTP endpoint.
///
/// `POST <url>` with `Authorization: Bearer <token>` and the JSON
/// `{"channel","to","subject","body","reference"}` (the reference also as `Idempotency-Key`);
/// the gateway answers 2xx with `{"status":"delivered"|"failed","id":"…","reason":"…"}`.
/// Anything else — another status, a timeout, no connection, an unreadable answer — is a
/// failed delivery whose reason names the problem.
#[derive(Clone)]
pub struct HttpGatewayMessenger {
    client: Result<reqwest::Client, String>,
    url: String,
    token: String,
}

impl std::fmt::Debug for HttpGatewayMessenger {
    // The token stays out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpGatewayMessenger")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct GatewayAnswer {
    status: String,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

impl HttpGatewayMessenger {
    pub const PROVIDER: &'static str = "http-gateway";
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

    pub fn new(url: impl Into<String>, token: impl Into<String>) -> HttpGatewayMessenger {
        HttpGatewayMessenger::with_timeout(url, token, Self::DEFAULT_TIMEOUT)
    }

    /// With a timeout for the whole exchange (connecting, sending, reading the answer).
    pub fn with_timeout(
        url: impl Into<String>,
        token: impl Into<String>,
        timeout: Duration,
    ) -> HttpGatewayMessenger {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            // A redirected POST would turn into a GET; a gateway that redirects is misconfigured.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string());
        HttpGatewayMessenger {
            client,
            url: url.into(),
            token: token.into(),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    fn failed(msg: &OutgoingMessage, id: Option<String>, zh: &str, en: &str) -> Delivery {
        let c = msg.channel;
        Delivery::failed(
            Self::PROVIDER,
            id,
            format!("{}{zh}", c.gateway_zh()),
            format!("the {} {en}", c.gateway_en()),
        )
    }

    fn read_answer(msg: &OutgoingMessage, bytes: &[u8]) -> Delivery {
        let Ok(answer) = serde_json::from_slice::<GatewayAnswer>(bytes) else {
            tracing::warn!(reference = %msg.reference, "unreadable gateway answer");
            return Self::failed(
                msg,
                None,
                "的答复无法解析，无法确认是否送达",
                "gave an answer that could not be read; delivery is unconfirmed",
            );
        };
        let id = answer.id.filter(|id| !id.trim().is_empty());
        match answer.status.as_str() {
            "delivered" => Delivery::delivered(Self::PROVIDER, id),
            "failed" => {
                // The gateway's words are kept (they are what its support will recognise),
                // shortened in case it sent a page of them.
                let reason: String = answer
                    .reason
                    .as_deref()
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .unwrap_or("")
                    .chars()
                    .take(200)
                    .collect();
                if reason.is_empty() {
                    Self::failed(
                        msg,
                        id,
                        "报告未送达（未说明原因）",
                        "reports the message was not delivered (no reason given)",
                    )
                } else {
                    Self::failed(
                        msg,
                        id,
                        &format!("报告未送达：{reason}"),
                        &format!("reports the message was not delivered: {reason}"),
                    )
                }
            }
            other => {
                let other: String = other.chars().take(40).collect();
                Self::failed(
                    msg,
                    id,
                    &format!("返回了无法识别的状态“{other}”，无法确认是否送达"),
                    &format!("answered an unknown status \"{other}\"; delivery is unconfirmed"),
                )
            }
        }
    }
}

#[async_trait::async_trait]
impl ServiceMessenger for HttpGatewayMessenger {
    async fn send(&self, msg: &OutgoingMessage) -> Delivery {
        let to = match check_address(msg.channel, &msg.to) {
            Ok(to) => to,
            Err(e) => return Delivery::bad_address(Self::PROVIDER, &e),
        };
        let client = match &self.client {
            Ok(client) => client,
            Err(e) => {
                tracing::error!(error = %e, "messenger HTTP client could not be built");
                return Self::failed(
                    msg,
                    None,
                    "客户端初始化失败，消息未发出",
                    "client could not be set up; nothing was sent",
                );
            }
        };
        let payload = serde_json::json!({
            "channel": msg.channel.key(),
            "to": to,
            "subject": msg.subject,
            "body": msg.body,
            "reference": msg.reference,
        });
        // Addresses and bodies are personal data: the log names the message by its reference.
        let response = client
            .post(&self.url)
            .bearer_auth(&self.token)
            .header("Idempotency-Key", &msg.reference)
            .json(&payload)
            .send()
            .await;
        let response = match response {
            Ok(response) => response,
            Err(e) => {
                tracing::warn!(reference = %msg.reference, error = %e, "gateway request failed");
                return if e.is_timeout() {
                    Self::failed(
                        msg,
                        None,
                        "无响应（超时），无法确认是否送达",
                        "did not answer in time; delivery is unconfirmed",
                    )
                } else if e.is_connect() {
                    Self::failed(
                        msg,
                        None,
                        "无法连接，消息未发出",
                        "could not be reached; nothing was sent",
                    )
                } else {
                    Self::failed(
                        msg,
                        None,
                        "请求失败，无法确认是否送达",
                        "request failed; delivery is unconfirmed",
                    )
                };
            }
        };
        let status = response.status();
        if !status.is_success() {
            tracing::warn!(reference = %msg.reference, status = status.as_u16(), "gateway refused");
            let code = status.as_u16();
            return if matches!(code, 401 | 403) {
                Self::failed(
                    msg,
                    None,
                    &format!("拒绝了访问凭据（HTTP {code}），请检查 ZHIXING_MESSENGER_TOKEN"),
                    &format!(
                        "refused the credentials (HTTP {code}); check ZHIXING_MESSENGER_TOKEN"
                    ),
                )
            } else {
                Self::failed(
                    msg,
                    None,
                    &format!("返回错误（HTTP {code}），消息未送达"),
                    &format!("answered HTTP {code}; the message was not delivered"),
                )
            };
        }
        match response.bytes().await {
            Ok(bytes) => Self::read_answer(msg, &bytes),
            Err(e) if e.is_timeout() => Self::failed(
                msg,
                None,
                "无响应（超时），无法确认是否送达",
                "did not answer in time; delivery is unconfirmed",
            ),
            Err(e) => {
                tracing::warn!(reference = %msg.reference, error = %e, "gateway answer cut off");
                Self::failed(
                    msg,
                    None,
                    "的答复不完整，无法确认是否送达",
                    "answer was cut off; delivery is unconfirmed",
                )
            }
        }
    }
}

/// Stands in when the real gateway was asked for but is not configured: every message fails,
/// saying so. Falling back to the simulation instead would record documents as served that
/// nobody received.
#[derive(Debug, Clone)]
pub struct UnavailableMessenger {
    reason_zh: String,
    reason_en: String,
}

impl UnavailableMessenger {
    pub const PROVIDER: &'static str = "unavailable";

    pub fn new(reason_zh: impl Into<String>, reason_en: impl Into<String>) -> UnavailableMessenger {
        UnavailableMessenger {
            reason_zh: reason_zh.into(),
            reason_en: reason_en.into(),
        }
    }
}

#[async_trait::async_trait]
impl ServiceMessenger for UnavailableMessenger {
    async fn send(&self, msg: &OutgoingMessage) -> Delivery {
        tracing::error!(reference = %msg.reference, reason = %self.reason_en, "message not sent");
        Delivery::failed(Self::PROVIDER, None, &self.reason_zh, &self.reason_en)
    }
}

/// The messenger the configuration asks for: `ZHIXING_MESSENGER=http` with
/// `ZHIXING_MESSENGER_URL` and `ZHIXING_MESSENGER_TOKEN` for the HTTP gateway, otherwise the
/// simulation.
pub fn messenger_from_env() -> Arc<dyn ServiceMessenger> {
    let var = |name: &str| std::env::var(name).ok();
    messenger_from_config(
        var("ZHIXING_MESSENGER").as_deref(),
        var("ZHIXING_MESSENGER_URL").as_deref(),
        var("ZHIXING_MESSENGER_TOKEN").as_deref(),
    )
}

/// `messenger_from_env` on given values (tests cannot safely change the environment of a
/// process whose other threads read it).
pub fn messenger_from_config(
    kind: Option<&str>,
    url: Option<&str>,
    token: Option<&str>,
) -> Arc<dyn ServiceMessenger> {
    let given = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(String::from);
    let kind = given(kind).map(|k| k.to_ascii_lowercase());
    if kind.as_deref() != Some("http") {
        if let Some(other) = kind.as_deref().filter(|k| *k != "simulated") {
            tracing::warn!(
                value = other,
                "ZHIXING_MESSENGER not recognised (http or simulated)"
            );
        }
        tracing::info!("messenger: simulated (nothing leaves the system)");
        return Arc::new(SimulatedMessenger::new());
    }
    match (given(url), given(token)) {
        (Some(url), Some(token)) => {
            tracing::info!(url = %url, "messenger: HTTP gateway");
            Arc::new(HttpGatewayMessenger::new(url, token))
        }
        (url, _) => {
            let missing = if url.is_none() {
                "ZHIXING_MESSENGER_URL"
            } else {
                "ZHIXING_MESSENGER_TOKEN"
            };
            tracing::error!(
                missing,
                "messenger: HTTP gateway asked for but not configured"
            );
            Arc::new(UnavailableMessenger::new(
                format!("短信/邮件网关未配置（缺少 {missing}），消息未发出"),
                format!("the SMS/e-mail gateway is not configured ({missing} is missing); nothing was sent"),
            ))
        }
    }
}
