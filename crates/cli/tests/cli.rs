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
