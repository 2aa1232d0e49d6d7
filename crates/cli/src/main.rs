//! The `zhixing` command: serve the web application, create demo data, add users, verify the
//! audit trail.
#![forbid(unsafe_code)]

mod calendar;
mod check;

use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use anyhow::{anyhow, Context};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use zhixing_app::commands::Command;
use zhixing_app::demo::DemoOptions;
use zhixing_app::{Actor, App};
use zhixing_domain::role::Role;

const DEFAULT_DB: &str = "data/zhixing.db";

#[derive(Parser)]
#[command(
    name = "zhixing",
    version,
    about = "执行 Zhixing — 法院执行局办案系统 / court enforcement bureau system"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Args, Clone)]
struct DbArg {
    /// Database: a SQLite file path (default data/zhixing.db) or postgres://… URL.
    #[arg(long, env = "ZHIXING_DATABASE_URL", default_value = DEFAULT_DB)]
    db: String,
}

#[derive(Subcommand)]
enum Cmd {
    /// Start the web server (staff pages, API).
    Serve {
        #[command(flatten)]
        db: DbArg,
        /// Address to listen on.
        #[arg(long, env = "ZHIXING_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// On an empty database, create a demo city first.
        #[arg(long)]
        demo: bool,
        /// How many demo cases `--demo` creates.
        #[arg(long, default_value_t = 3000)]
        demo_cases: usize,
        /// Run a process-node supervision tick at start and then every N seconds (0: never).
        /// Several servers on one database share the work through a lease.
        #[arg(long, env = "ZHIXING_SUPERVISE_EVERY", default_value_t = 60)]
        supervise_every: u64,
    },
    /// Create the demo city: 焦作 intermediate court, ten basic courts, staff and N cases.
    Demo {
        #[command(flatten)]
        db: DbArg,
        #[arg(long, default_value_t = 3000)]
        cases: usize,
        #[arg(long, default_value_t = 2024)]
        seed: u64,
    },
    /// User accounts.
    User {
        #[command(subcommand)]
        command: UserCmd,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCmd,
    },
    /// 校验身份证号码、统一社会信用代码或案号 / check an ID number, credit code or case number.
    Check {
        #[command(subcommand)]
        command: check::CheckCmd,
    },
    /// 工作日历与期间计算 / working calendar and period calculator.
    Calendar {
        #[command(subcommand)]
        command: calendar::CalendarCmd,
    },
    /// 流程节点监管 / process-node supervision: warnings, overdue bulletins, locks.
    Supervise {
        #[command(flatten)]
        db: DbArg,
        /// Run one tick and exit (for cron). Required: `serve` runs ticks in the background.
        #[arg(long)]
        once: bool,
        /// The day to supervise for (YYYY-MM-DD, Beijing); default today.
        #[arg(long)]
        today: Option<String>,
    },
    /// 质效指标 / quality metrics of a court (with the courts below it) for a period.
    Metrics {
        #[command(flatten)]
        db: DbArg,
        /// The court's code, e.g. 豫0883.
        #[arg(long)]
        court: String,
        /// First day (YYYY-MM-DD); with --to. Default: 1 January to today.
        #[arg(long)]
        from: Option<String>,
        /// Last day (YYYY-MM-DD).
        #[arg(long)]
        to: Option<String>,
        /// Print JSON (for scripts) instead of a table.
        #[arg(long)]
        json: bool,
        /// Also recompute every figure from the cases one by one and fail when they differ.
        #[arg(long)]
        verify: bool,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    /// Add a user. The password is read from standard input, or generated and printed once.
    Add {
        #[command(flatten)]
        db: DbArg,
        /// Court code, e.g. 豫0883.
        #[arg(long)]
        court: String,
        /// administrator, reception_officer, clerk, officer, judge, team_leader, bureau_chief, supervisor
        #[arg(long)]
        role: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        username: String,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Walk every court's hash chain; exit non-zero at the first broken event.
    Verify {
        #[command(flatten)]
        db: DbArg,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("无法启动运行时 / cannot start runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误 / error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn open(db: &DbArg) -> anyhow::Result<App> {
    App::open(&db.db)
        .await
        .with_context(|| format!("打开数据库失败 / cannot open database {}", db.db))
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Cmd::Check { command } => return Ok(check::run(command)),
        Cmd::Calendar { command } => return Ok(calendar::run(command)),
        Cmd::Serve {
            db,
            addr,
            demo,
            demo_cases,
            supervise_every,
        } => {
            let app = open(&db).await?;
            if demo && app.store.count_cases().await? == 0 {
                eprintln!("正在生成演示数据 / creating demo data ({demo_cases} cases)…");
                demo_data(&app, demo_cases, 2024).await?;
            }
            if supervise_every > 0 {
                tokio::spawn(zhixing_app::scheduler::run_supervision(
                    app.clone(),
                    std::time::Duration::from_secs(supervise_every),
                ));
                // Network inquiry answers arrive on the same rhythm (立即查询 polls at once).
                tokio::spawn(zhixing_app::assets::run_inquiry_loop(
                    app.clone(),
                    std::time::Duration::from_secs(supervise_every),
                ));
            }
            zhixing_web::serve(app, &addr).await?;
        }
        Cmd::Demo { db, cases, seed } => {
            let app = open(&db).await?;
            demo_data(&app, cases, seed).await?;
        }
        Cmd::User {
            command:
                UserCmd::Add {
                    db,
                    court,
                    role,
                    name,
                    username,
                },
        } => {
            let app = open(&db).await?;
            let role = Role::from_key(&role).map_err(|e| anyhow!("{e}"))?;
            let court_row = app
                .court_tree()
                .by_code(court.trim())
                .cloned()
                .ok_or_else(|| anyhow!("未找到法院代字 {court} / no court with code {court}"))?;
            let (password, generated) = read_or_generate_password()?;
            zhixing_app::auth::password_rules(&password).map_err(|e| anyhow!("{e}"))?;
            let hash = zhixing_app::auth::hash_password(&password).map_err(|e| anyhow!("{e}"))?;
            let out = app
                .execute(
                    &Actor::system(&app),
                    Command::CreateUser {
                        court_id: court_row.id,
                        team_id: None,
                        username: username.clone(),
                        display_name: name,
                        role,
                        password_hash: hash,
                    },
                )
                .await
                .map_err(|e| anyhow!("{e}"))?;
            println!(
                "已创建用户 {username}（{}，{}），编号 {}",
                role.name_zh(),
                court_row.name,
                out.id.unwrap_or_default()
            );
            if generated {
                println!("初始密码（仅显示一次）/ initial password (shown once): {password}");
            }
        }
        Cmd::Supervise { db, once, today } => {
            if !once {
                return Err(anyhow!(
                    "请使用 --once 执行一次监管 / use --once to run one supervision tick"
                ));
            }
            let today = match today {
                Some(t) => {
                    chrono::NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").map_err(|_| {
                        anyhow!("日期“{t}”无效，应为 YYYY-MM-DD / \"{t}\" is not a YYYY-MM-DD date")
                    })?
                }
                None => zhixing_app::nodes::beijing_date(chrono::Utc::now().timestamp_millis()),
            };
            let app = open(&db).await?;
            let started = std::time::Instant::now();
            let Some(s) = app
                .supervise_tick(today)
                .await
                .map_err(|e| anyhow!("{e}"))?
            else {
                println!(
                    "另一进程正在执行流程节点监管，本次跳过 / another process holds the supervision lease; nothing done"
                );
                return Ok(ExitCode::SUCCESS);
            };
            let r = s.report;
            println!(
                "流程节点监管 / supervision tick for {today}: 检查 examined {} · 预警 warnings {} · 超期 overdue {} · 锁定 locked {} · 提醒 notifications {} ({:.3}s)",
                r.examined,
                r.warnings,
                r.overdue,
                r.locked,
                s.notifications,
                started.elapsed().as_secs_f64()
            );
        }
        Cmd::Metrics {
            db,
            court,
            from,
            to,
            json,
            verify,
        } => return metrics(&db, &court, from, to, json, verify).await,
        Cmd::Audit {
            command: AuditCmd::Verify { db },
        } => {
            let app = open(&db).await?;
            let started = std::time::Instant::now();
            let report = app.verify_audit().await.map_err(|e| anyhow!("{e}"))?;
            let secs = started.elapsed().as_secs_f64();
            if let Some(b) = report.broken {
                println!(
                    "审计链断裂 / audit chain BROKEN: 法院 court {} · 序号 seq {} · 事件 event {} · 案件 case {}\n{}",
                    b.court_code,
                    b.seq,
                    b.event_id.map(|i| i.to_string()).unwrap_or_else(|| "-".into()),
                    b.case_id.map(|i| i.to_string()).unwrap_or_else(|| "-".into()),
                    b.what
                );
                return Ok(ExitCode::from(2));
            }
            println!(
                "审计链完好 / audit chains intact: {} 个法院 courts, {} 条事件 events verified in {:.2}s ({:.0} events/s)",
                report.courts,
                report.events,
                secs,
                report.events as f64 / secs.max(1e-9)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn demo_data(app: &App, cases: usize, seed: u64) -> anyhow::Result<()> {
    let bar = ProgressBar::new(cases as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} 件 cases · {per_sec} · 剩余 {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let summary = app
        .generate_demo(DemoOptions { cases, seed }, |n| bar.inc(n as u64))
        .await
        .map_err(|e| anyhow!("{e}"))?;
    bar.finish_and_clear();
    println!(
        "演示数据已生成 / demo data created: {} 件案件 cases, {} 条事件 events in {:.1}s ({:.0} cases/s)",
        summary.cases,
        summary.events,
        summary.seconds,
        summary.cases_per_second()
    );
    Ok(())
}

fn read_or_generate_password() -> anyhow::Result<(String, bool)> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok((zhixing_app::auth::generate_password(), true));
    }
    let mut s = String::new();
    stdin.lock().read_to_string(&mut s)?;
    let p = s.lines().next().unwrap_or("").to_string();
    if p.is_empty() {
        Ok((zhixing_app::auth::generate_password(), true))
    } else {
        Ok((p, false))
    }
}

/// `zhixing metrics`: the figures of a court and period, as the system (which sees every court).
async fn metrics(
    db: &DbArg,
    court: &str,
    from: Option<String>,
    to: Option<String>,
    json: bool,
    verify: bool,
) -> anyhow::Result<ExitCode> {
    use zhixing_domain::metrics::StatPeriod;
    let today = zhixing_app::nodes::beijing_date(chrono::Utc::now().timestamp_millis());
    let period = match (from.as_deref(), to.as_deref()) {
        (None, None) => StatPeriod::year_to_date(today),
        (Some(f), Some(t)) => StatPeriod::parse(&format!("{}..{}", f.trim(), t.trim()), today)
            .map_err(|e| anyhow!("{e}"))?,
        _ => {
            return Err(anyhow!(
                "--from 与 --to 须同时给出 / give both --from and --to"
            ))
        }
    };
    let app = open(db).await?;
    let court_id = app
        .court_tree()
        .by_code(court.trim())
        .map(|c| c.id)
        .ok_or_else(|| anyhow!("未找到法院“{court}” / no court with the code \"{court}\""))?;
    let system = Actor::system(&app);
    let q = zhixing_app::metrics::MetricsQuery {
        court_id,
        team_id: None,
        officer_id: None,
        campaign_id: None,
        period,
    };
    let view = app
        .metrics_view(&system, &q)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    if verify {
        let group = zhixing_store::metrics::MetricGroup::Court;
        let fast = app
            .aggregate_tallies(&q, group)
            .await
            .map_err(|e| anyhow!("{e}"))?;
        let full = app
            .recompute_tallies(&q, group)
            .await
            .map_err(|e| anyhow!("{e}"))?;
        if fast != full {
            eprintln!("指标与逐案重算不一致 / the figures differ from the full recomputation");
            return Ok(ExitCode::from(2));
        }
        eprintln!(
            "逐案重算一致 / equal to the full recomputation ({} courts)",
            fast.len()
        );
    }
    if json {
        let figures: serde_json::Map<String, serde_json::Value> = view
            .figures
            .iter()
            .map(|f| {
                (
                    f.key.to_string(),
                    serde_json::json!({
                        "name": f.name_zh, "value": f.value, "numerator": f.num,
                        "denominator": f.den, "display": f.display_zh,
                        "previous": f.previous, "definition": f.definition_zh,
                    }),
                )
            })
            .collect();
        let out = serde_json::json!({
            "court": view.court_code, "court_name": view.court_name,
            "from": view.period.from.to_string(), "to": view.period.to.to_string(),
            "previous_from": view.previous.from.to_string(),
            "previous_to": view.previous.to.to_string(),
            "figures": figures,
            "trend": view.trend,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} · {}（{} 至 {}）",
        view.subject_zh, view.period_label_zh, view.period.from, view.period.to
    );
    for f in &view.figures {
        println!(
            "  {:<12} {:>12}   上期 previous {:>12}",
            f.name_zh, f.display_zh, f.previous_display_zh
        );
    }
    Ok(ExitCode::SUCCESS)
}
