//! The messenger of electronic service: address checks, the simulated provider's outcomes and
//! outbox, and the HTTP gateway adapter against a small local gateway.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use zhixing_app::messenger::{
    check_address, messenger_from_config, Channel, Delivery, DeliveryOutcome, HttpGatewayMessenger,
    OutgoingMessage, ServiceMessenger, SimulatedMessenger,
};
use zhixing_app::App;
use zhixing_store::testing::test_databases;

fn message(channel: Channel, to: &str, reference: &str) -> OutgoingMessage {
    OutgoingMessage {
        channel,
        to: to.to_string(),
        subject: "执行通知书".to_string(),
        body: "您有一份法院文书待签收，请点击 https://example.org/s/abc 查看。".to_string(),
        reference: reference.to_string(),
    }
}

fn reasons(delivery: &Delivery) -> (&str, &str) {
    match &delivery.outcome {
        DeliveryOutcome::Failed {
            reason_zh,
            reason_en,
        } => (reason_zh, reason_en),
        DeliveryOutcome::Delivered => panic!("expected a failure, got {delivery:?}"),
    }
}

fn error_zh(channel: Channel, to: &str) -> String {
    let e = check_address(channel, to).expect_err(to);
    assert!(e.code().starts_with("messenger."), "{}", e.code());
    assert_eq!(e.status(), 422);
    e.message_zh()
}

#[test]
fn channels_have_keys_and_names() {
    assert_eq!(Channel::Sms.key(), "sms");
    assert_eq!(Channel::Email.key(), "email");
    assert_eq!(Channel::Sms.name_zh(), "短信");
    assert_eq!(Channel::Email.name_zh(), "电子邮件");
    assert_eq!(Channel::Email.name_en(), "e-mail");
    assert_eq!(Channel::from_key("sms"), Some(Channel::Sms));
    assert_eq!(Channel::from_key("fax"), None);
}

#[test]
fn mobile_numbers_are_normalised_to_eleven_digits() {
    for (given, expected) in [
        ("13800138000", "13800138000"),
        (" 138 0013 8000 ", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("86-199-1234-5678", "19912345678"),
        // As a Chinese input method types them.
        ("１３８　００１３－８０００", "13800138000"),
        ("＋８６１３８００１３８０００", "13800138000"),
    ] {
        assert_eq!(
            check_address(Channel::Sms, given).unwrap(),
            expected,
            "{given}"
        );
    }
}

#[test]
fn bad_mobile_numbers_are_refused_in_words() {
    assert_eq!(error_zh(Channel::Sms, "  "), "请填写手机号码");
    for bad in [
        "1380013800",      // 10 digits
        "138001380001",    // 12 digits
        "23800138000",     // does not start with 1
        "+1 415 555 0100", // another country
        "+13800138000",    // + without 86
        "0371-12345678",   // a landline
    ] {
        assert_eq!(
            error_zh(Channel::Sms, bad),
            "手机号码应为 11 位数字，以 1 开头",
            "{bad}"
        );
    }
    for bad in [
        "138o0138000",
        "(138)00138000",
        "138.0013.8000",
        "+86+13800138000",
    ] {
        assert!(
            error_zh(Channel::Sms, bad).contains("只能包含数字"),
            "{bad}"
        );
    }
}

#[test]
fn email_addresses_are_trimmed_with_the_domain_in_lower_case() {
    for (given, expected) in [
        ("zhang.san@example.com", "zhang.san@example.com"),
        ("  Zhang.San@Example.COM\n", "Zhang.San@example.com"),
        ("li+court@mail.court.gov.cn", "li+court@mail.court.gov.cn"),
        ("wang@例子.中国", "wang@例子.中国"),
    ] {
        assert_eq!(
            check_address(Channel::Email, given).unwrap(),
            expected,
            "{given}"
        );
    }
}

#[test]
fn bad_email_addresses_are_refused_in_words() {
    assert_eq!(error_zh(Channel::Email, ""), "请填写电子邮件地址");
    assert!(error_zh(Channel::Email, "zhang san@example.com").contains("空格"));
    assert!(error_zh(Channel::Email, "zhang\u{7}@example.com").contains("控制字符"));
    assert!(error_zh(Channel::Email, "zhang＠example.com").contains("半角"));
    let long = format!("{}@example.com", "a".repeat(250));
    assert!(error_zh(Channel::Email, &long).contains("254"));
    for bad in [
        "zhang",
        "@example.com",
        "zhang@",
        "zhang@example",
        "zhang@localhost",
        "zhang@@example.com",
        "zhang@exa mple.com",
        "zhang@example..com",
        "zhang@-example.com",
        "zhang@example.c",
        "zhang@example.123",
        ".zhang@example.com",
        "zhang..san@example.com",
        "Zhang San <zhang@example.com>",
        "a@example.com,b@example.com",
        "zhang@example。com",
    ] {
        assert!(
            error_zh(Channel::Email, bad).contains("格式不正确")
                || error_zh(Channel::Email, bad).contains("空格"),
            "{bad}"
        );
    }
    let local64 = format!("{}@example.com", "a".repeat(65));
    assert!(error_zh(Channel::Email, &local64).contains("格式不正确"));
}

#[tokio::test]
async fn the_simulation_delivers_with_a_deterministic_reference() {
    let sim = SimulatedMessenger::new();
    let d = sim
        .send(&message(
            Channel::Sms,
            "+86 138-0013-8000",
            "service-attempt-42",
        ))
        .await;
    assert!(d.is_delivered(), "{d:?}");
    assert_eq!(d.provider, "simulated");
    // sha256("service-attempt-42") starts with these 12 hex digits, on every run.
    assert_eq!(d.provider_ref.as_deref(), Some("SIM-27546ca56061"));
    assert_ne!(
        SimulatedMessenger::provider_ref_for("service-attempt-43"),
        "SIM-27546ca56061"
    );
    let again = SimulatedMessenger::new()
        .send(&message(
            Channel::Email,
            "a@example.com",
            "service-attempt-42",
        ))
        .await;
    assert_eq!(again.provider_ref, d.provider_ref);
    assert!(d.at_ms > 1_700_000_000_000);

    let e = sim
        .send(&message(
            Channel::Email,
            "Zhang@Example.com",
            "service-attempt-44",
        ))
        .await;
    assert!(e.is_delivered(), "{e:?}");
}

#[tokio::test]
async fn the_simulation_fails_by_address() {
    let sim = SimulatedMessenger::new();
    let cases = [
        (
            Channel::Sms,
            "138 0013 0000",
            "空号（号码不存在）",
            "does not exist",
        ),
        (
            Channel::Sms,
            "13800134444",
            "用户关机或不在服务区，短信未送达",
            "switched off",
        ),
        (
            Channel::Email,
            "zhang@INVALID.example",
            "邮件被退回：收件地址不存在",
            "bounced",
        ),
        (
            Channel::Email,
            "bounce-1@example.com",
            "邮件被退回：收件地址不存在",
            "bounced",
        ),
        (
            Channel::Email,
            "Bounce@example.com",
            "邮件被退回：收件地址不存在",
            "bounced",
        ),
    ];
    for (i, (channel, to, zh, en)) in cases.into_iter().enumerate() {
        let d = sim.send(&message(channel, to, &format!("ref-{i}"))).await;
        let (reason_zh, reason_en) = reasons(&d);
        assert_eq!(reason_zh, zh, "{to}");
        assert!(reason_en.contains(en), "{to}: {reason_en}");
        assert_eq!(d.provider, "simulated");
        // The provider took the message and reported its fate: it has an id.
        assert!(d.provider_ref.is_some());
    }
    // A wrong address never reaches the provider.
    let d = sim.send(&message(Channel::Sms, "12345", "ref-bad")).await;
    assert_eq!(reasons(&d).0, "手机号码应为 11 位数字，以 1 开头");
    assert_eq!(d.provider_ref, None);
    // Delivered unless the address says otherwise.
    assert!(sim
        .send(&message(Channel::Sms, "13800130001", "ref-ok"))
        .await
        .is_delivered());
    assert!(sim
        .send(&message(Channel::Email, "bounty@example.com", "ref-ok2"))
        .await
        .is_delivered());
}

#[tokio::test]
async fn the_outbox_keeps_every_message_once_per_reference() {
    let sim = SimulatedMessenger::new();
    let shared = sim.clone();
    let first = message(Channel::Sms, "13800138000", "service-attempt-1");
    let failed = message(Channel::Sms, "13800130000", "service-attempt-2");
    let d1 = sim.send(&first).await;
    let d2 = sim.send(&failed).await;
    // The same reference again is answered as before and not sent twice.
    let mut changed = first.clone();
    changed.to = "13800130000".into();
    assert_eq!(sim.send(&changed).await, d1);

    let sent = shared.sent();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0], (first, d1));
    assert_eq!(sent[1], (failed, d2));
    assert!(!sent[1].1.is_delivered());

    // Behind the trait object too.
    let boxed: Arc<dyn ServiceMessenger> = Arc::new(sim);
    boxed
        .send(&message(
            Channel::Email,
            "x@example.com",
            "service-attempt-3",
        ))
        .await;
    assert_eq!(shared.sent().len(), 3);
}

/// A request as the local gateway received it.
#[derive(Clone, Debug)]
struct Received {
    authorization: Option<String>,
    idempotency_key: Option<String>,
    body: Value,
}

#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<Received>>>);

impl Seen {
    fn all(&self) -> Vec<Received> {
        self.0.lock().unwrap().clone()
    }
}

fn record(seen: &Seen, headers: &HeaderMap, body: &Bytes) {
    let header = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_string());
    let value = serde_json::from_slice(body).unwrap_or(Value::Null);
    seen.0.lock().unwrap().push(Received {
        authorization: header("authorization"),
        idempotency_key: header("idempotency-key"),
        body: value,
    });
}

/// Starts a gateway on a free local port with one route per kind of answer.
async fn gateway() -> (String, Seen) {
    async fn delivered(State(s): State<Seen>, h: HeaderMap, b: Bytes) -> impl IntoResponse {
        record(&s, &h, &b);
        Json(json!({"status": "delivered", "id": "GW-1"}))
    }
    async fn failed(State(s): State<Seen>, h: HeaderMap, b: Bytes) -> impl IntoResponse {
        record(&s, &h, &b);
        Json(json!({"status": "failed", "id": "GW-2", "reason": "用户拒收"}))
    }
    async fn failed_silently(State(s): State<Seen>, h: HeaderMap, b: Bytes) -> impl IntoResponse {
        record(&s, &h, &b);
        Json(json!({"status": "failed"}))
    }
    async fn queued(State(s): State<Seen>, h: HeaderMap, b: Bytes) -> impl IntoResponse {
        record(&s, &h, &b);
        Json(json!({"status": "queued", "id": "GW-3"}))
    }
    async fn error(State(s): State<Seen>, h: HeaderMap, b: Bytes) -> impl IntoResponse {
        record(&s, &h, &b);
        (StatusCode::INTERNAL_SERVER_ERROR, "boom")
    }
    async fn unauthorized(State(s): State<Seen>, h: HeaderMap, b: Bytes) -> impl IntoResponse {
        record(&s, &h, &b);
        (StatusCode::UNAUTHORIZED, "no")
    }
    async fn garbage(State(s): State<Seen>, h: HeaderMap, b: Bytes) -> impl IntoResponse {
        record(&s, &h, &b);
        "<html>发送成功</html>"
    }
    async fn slow(State(s): State<Seen>, h: HeaderMap, b: Bytes) -> impl IntoResponse {
        record(&s, &h, &b);
        tokio::time::sleep(Duration::from_secs(5)).await;
        Json(json!({"status": "delivered", "id": "GW-late"}))
    }
    let seen = Seen::default();
    let router = Router::new()
        .route("/delivered", post(delivered))
        .route("/failed", post(failed))
        .route("/failed-silently", post(failed_silently))
        .route("/queued", post(queued))
        .route("/error", post(error))
        .route("/unauthorized", post(unauthorized))
        .route("/garbage", post(garbage))
        .route("/slow", post(slow))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}"), seen)
}

fn http(base: &str, path: &str) -> HttpGatewayMessenger {
    HttpGatewayMessenger::with_timeout(
        format!("{base}{path}"),
        "secret-token",
        Duration::from_millis(500),
    )
}

#[tokio::test]
async fn the_gateway_receives_the_token_and_the_message() {
    let (base, seen) = gateway().await;
    let gw = http(&base, "/delivered");
    let msg = message(Channel::Sms, "+86 138 0013 8000", "service-attempt-42");
    let d = gw.send(&msg).await;
    assert!(d.is_delivered(), "{d:?}");
    assert_eq!(d.provider, "http-gateway");
    assert_eq!(d.provider_ref.as_deref(), Some("GW-1"));

    let seen = seen.all();
    assert_eq!(seen.len(), 1);
    let Received {
        authorization: auth,
        idempotency_key: key,
        body,
    } = &seen[0];
    assert_eq!(auth.as_deref(), Some("Bearer secret-token"));
    assert_eq!(key.as_deref(), Some("service-attempt-42"));
    assert_eq!(
        body,
        &json!({
            "channel": "sms",
            "to": "13800138000",
            "subject": "执行通知书",
            "body": msg.body,
            "reference": "service-attempt-42",
        })
    );
    // The token never shows in logs.
    assert!(!format!("{gw:?}").contains("secret-token"));
}

#[tokio::test]
async fn the_gateway_reports_a_failure_with_its_reason() {
    let (base, _) = gateway().await;
    let d = http(&base, "/failed")
        .send(&message(Channel::Sms, "13800138000", "r1"))
        .await;
    let (zh, en) = reasons(&d);
    assert_eq!(zh, "短信网关报告未送达：用户拒收");
    assert!(
        en.contains("SMS gateway") && en.contains("用户拒收"),
        "{en}"
    );
    assert_eq!(d.provider_ref.as_deref(), Some("GW-2"));

    let d = http(&base, "/failed-silently")
        .send(&message(Channel::Email, "a@example.com", "r2"))
        .await;
    assert_eq!(reasons(&d).0, "邮件网关报告未送达（未说明原因）");
    assert_eq!(d.provider_ref, None);

    let d = http(&base, "/queued")
        .send(&message(Channel::Sms, "13800138000", "r3"))
        .await;
    assert!(reasons(&d).0.contains("无法识别的状态“queued”"), "{d:?}");
}

#[tokio::test]
async fn gateway_errors_become_failed_deliveries() {
    let (base, _) = gateway().await;
    let sms = message(Channel::Sms, "13800138000", "r1");

    let d = http(&base, "/error").send(&sms).await;
    let (zh, en) = reasons(&d);
    assert_eq!(zh, "短信网关返回错误（HTTP 500），消息未送达");
    assert!(en.contains("HTTP 500"), "{en}");
    assert_eq!(d.provider_ref, None);

    let d = http(&base, "/unauthorized").send(&sms).await;
    assert!(reasons(&d).0.contains("ZHIXING_MESSENGER_TOKEN"), "{d:?}");

    let d = http(&base, "/garbage").send(&sms).await;
    assert_eq!(reasons(&d).0, "短信网关的答复无法解析，无法确认是否送达");

    let d = http(&base, "/nowhere").send(&sms).await;
    assert!(reasons(&d).0.contains("HTTP 404"), "{d:?}");
}

#[tokio::test]
async fn a_silent_gateway_times_out() {
    let (base, seen) = gateway().await;
    let started = Instant::now();
    let d = http(&base, "/slow")
        .send(&message(Channel::Email, "a@example.com", "r1"))
        .await;
    assert!(started.elapsed() < Duration::from_secs(3));
    let (zh, en) = reasons(&d);
    assert_eq!(zh, "邮件网关无响应（超时），无法确认是否送达");
    assert!(en.contains("in time"), "{en}");
    assert_eq!(seen.all().len(), 1);
}

#[tokio::test]
async fn an_unreachable_gateway_and_a_bad_address_send_nothing() {
    // A port that was free a moment ago: nothing listens there.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let d = http(&format!("http://{addr}"), "/")
        .send(&message(Channel::Sms, "13800138000", "r1"))
        .await;
    assert_eq!(reasons(&d).0, "短信网关无法连接，消息未发出");

    let (base, seen) = gateway().await;
    let d = http(&base, "/delivered")
        .send(&message(Channel::Email, "not an address", "r2"))
        .await;
    assert!(reasons(&d).0.contains("空格"), "{d:?}");
    assert_eq!(d.provider, "http-gateway");
    assert!(seen.all().is_empty());
}

#[tokio::test]
async fn configuration_chooses_the_messenger() {
    let (base, seen) = gateway().await;
    let url = format!("{base}/delivered");
    let sms = message(Channel::Sms, "13800138000", "r1");
    let provider = |m: Arc<dyn ServiceMessenger>| {
        let sms = sms.clone();
        async move { m.send(&sms).await }
    };

    for kind in [None, Some(""), Some("simulated"), Some("whatever")] {
        let d = provider(messenger_from_config(kind, Some(&url), Some("t"))).await;
        assert_eq!(d.provider, "simulated", "{kind:?}");
    }
    let d = provider(messenger_from_config(Some(" HTTP "), Some(&url), Some("t"))).await;
    assert_eq!(d.provider, "http-gateway");
    assert!(d.is_delivered());
    assert_eq!(seen.all()[0].authorization.as_deref(), Some("Bearer t"));

    // Asked for the gateway but not told where: every message fails, none is simulated.
    let d = provider(messenger_from_config(Some("http"), None, Some("t"))).await;
    assert_eq!(d.provider, "unavailable");
    assert!(reasons(&d).0.contains("ZHIXING_MESSENGER_URL"));
    let d = provider(messenger_from_config(Some("http"), Some(&url), Some(" "))).await;
    assert!(reasons(&d).0.contains("ZHIXING_MESSENGER_TOKEN"));
}

#[tokio::test]
async fn the_app_holds_a_swappable_messenger() {
    for db in test_databases().await {
        let store = zhixing_app::Store::open(&db.url).await.unwrap();
        let app = App::new(store).await.unwrap();
        let sms = message(Channel::Sms, "13800138000", "r1");
        assert_eq!(app.messenger().send(&sms).await.provider, "simulated");

        let sim = SimulatedMessenger::new();
        app.set_messenger(Arc::new(sim.clone()));
        // Clones of the app share it.
        app.clone().messenger().send(&sms).await;
        assert_eq!(sim.sent().len(), 1, "{}", db.label);
        app.store.close().await;
        db.cleanup().await;
    }
}
