//! The `zhixing` binary end to end: demo data, user add, audit verify (intact and tampered).

use std::io::Write;
use std::process::{Command, Stdio};

fn zhixing(args: &[&str], stdin: Option<&str>) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhixing"))
        .args(args)
        .env_remove("ZHIXING_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run zhixing");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[tokio::test]
async fn demo_user_add_and_audit_verify() {
    for db in zhixing_store::testing::test_databases().await {
        let url = db.url.clone();
        let (code, out) = zhixing(&["demo", "--cases", "30", "--db", &url], None);
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("30 件案件"), "{out}");

        let (code, out) = zhixing(
            &[
                "user",
                "add",
                "--db",
                &url,
                "--court",
                "豫0883",
                "--role",
                "clerk",
                "--name",
                "张三",
                "--username",
                "zhangsan",
            ],
            Some("a-long-password\n"),
        );
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("zhangsan"), "{out}");
        let (code, out) = zhixing(
            &[
                "user",
                "add",
                "--db",
                &url,
                "--court",
                "豫9999",
                "--role",
                "clerk",
                "--name",
                "李四",
                "--username",
                "lisi",
            ],
            Some("a-long-password\n"),
        );
        assert_ne!(code, 0);
        assert!(out.contains("未找到法院代字"), "{out}");
        let (code, out) = zhixing(
            &[
                "user",
                "add",
                "--db",
                &url,
                "--court",
                "豫0883",
                "--role",
                "wizard",
                "--name",
                "李四",
                "--username",
                "lisi",
            ],
            Some("a-long-password\n"),
        );
        assert_ne!(code, 0, "{out}");

        let (code, out) = zhixing(&["audit", "verify", "--db", &url], None);
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("审计链完好"), "{out}");

        let app = zhixing_app::App::open(&url).await.unwrap();
        let (id, seq): (i64, i64) = {
            let heads = app.store.chain_heads().await.unwrap();
            let (court_id, _, _, _) = heads.iter().find(|h| h.1 == "豫0883").unwrap().clone();
            let page = app.store.chain_page(court_id, 0, 10).await.unwrap();
            (page[5].id, page[5].seq)
        };
        app.store
            .execute_unchecked(&format!(
                "UPDATE events SET actor_name = actor_name || 'x' WHERE id = {id}"
            ))
            .await
            .unwrap();
        app.store.close().await;
        let (code, out) = zhixing(&["audit", "verify", "--db", &url], None);
        assert_eq!(code, 2, "{out}");
        assert!(
            out.contains("豫0883") && out.contains(&format!("seq {seq}")),
            "{}: {out}",
            db.label
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn metrics_as_json_verified_and_bad_input_refused() {
    for db in zhixing_store::testing::test_databases().await {
        let url = db.url.clone();
        let (code, out) = zhixing(&["demo", "--cases", "200", "--db", &url], None);
        assert_eq!(code, 0, "{out}");
        let year = chrono::Datelike::year(&chrono::Utc::now()) - 1;
        let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
        let child = Command::new(env!("CARGO_BIN_EXE_zhixing"))
            .args([
                "metrics", "--db", &url, "--court", "豫08", "--from", &from, "--to", &to, "--json",
                "--verify",
            ])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stderr).contains("逐案重算一致"));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["court"], "豫08");
        assert_eq!(v["from"], from.as_str());
        let closed = v["figures"]["closed"]["value"].as_f64().unwrap();
        assert!(closed > 0.0, "{v}");
        assert!(v["figures"]["closure_rate"]["definition"]
            .as_str()
            .unwrap()
            .contains("结案数"));
        assert_eq!(v["trend"].as_array().unwrap().len(), 12);
        // The table form names the court and the figures.
        let (code, out) = zhixing(&["metrics", "--db", &url, "--court", "豫0883"], None);
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("结案率") && out.contains("孟州"), "{out}");
        // Refusals.
        let (code, out) = zhixing(
            &[
                "metrics", "--db", &url, "--court", "豫0883", "--from", &to, "--to", &from,
            ],
            None,
        );
        assert_ne!(code, 0);
        assert!(out.contains("早于开始日"), "{out}");
        let (code, out) = zhixing(&["metrics", "--db", &url, "--court", "豫9999"], None);
        assert_ne!(code, 0);
        assert!(out.contains("未找到法院"), "{out}");
        let (code, out) = zhixing(
            &[
                "metrics", "--db", &url, "--court", "豫0883", "--from", &from,
            ],
            None,
        );
        assert_ne!(code, 0);
        assert!(out.contains("同时给出"), "{out}");
        db.cleanup().await;
    }
}
