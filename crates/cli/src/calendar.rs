//! `zhixing calendar`: the period calculator and the working-day lookup on the embedded official
//! calendar (State Council holidays and make-up working days). No database is needed.
//!
//! - `zhixing calendar due --from 2025-09-28 --days 10 [--working] [--suspended N] [--json]`
//! - `zhixing calendar due --from 2025-04-01 --months 6`
//! - `zhixing calendar day 2025-10-01 [--json]`

use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use serde_json::json;
use zhixing_domain::calendar::{weekday_zh, MakeupTreatment, WorkingCalendar};
use zhixing_domain::period::{due_date, PeriodLimit};
use zhixing_domain::DomainError;

use chrono::NaiveDate;

#[derive(Clone, Copy, ValueEnum)]
pub enum Makeup {
    /// 调休上班日计为工作日（默认，与国务院通知一致）/ make-up days are working days (default).
    Working,
    /// 调休上班日按休息日计算 / make-up weekend days stay rest days.
    Rest,
}

#[derive(Subcommand)]
pub enum CalendarCmd {
    /// 期间计算器：计算期限届满日 / compute when a period ends.
    Due {
        /// 事件发生日（不计入期间）/ the event day (not counted), YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// 期间天数 / length in days (calendar days, or working days with --working).
        #[arg(long, conflicts_with = "months", required_unless_present = "months")]
        days: Option<u32>,
        /// 按工作日计算 / count working days only.
        #[arg(long, requires = "days")]
        working: bool,
        /// 期间月数 / length in months.
        #[arg(long)]
        months: Option<u32>,
        /// 应扣除的中止天数 / suspended days to deduct.
        #[arg(long, default_value_t = 0)]
        suspended: u32,
        /// 调休上班日的计算方式 / how make-up working days count.
        #[arg(long, value_enum, default_value = "working")]
        makeup: Makeup,
        /// Print a JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// 查询某日是否为工作日及原因 / is a date a working day, and why.
    Day {
        /// YYYY-MM-DD
        date: String,
        #[arg(long, value_enum, default_value = "working")]
        makeup: Makeup,
        /// Print a JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

fn calendar(makeup: Makeup) -> WorkingCalendar {
    WorkingCalendar::official().with_makeup_treatment(match makeup {
        Makeup::Working => MakeupTreatment::Working,
        Makeup::Rest => MakeupTreatment::Rest,
    })
}

fn parse_date(s: &str) -> Result<NaiveDate, DomainError> {
    let t = s.trim();
    ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
        .ok_or_else(|| {
            DomainError::new(
                "calendar.date",
                format!("「{t}」不是有效日期（应为 YYYY-MM-DD，如 2025-09-28）"),
                format!("\"{t}\" is not a valid date (expected YYYY-MM-DD, e.g. 2025-09-28)"),
            )
        })
}

fn fail(e: DomainError, json: bool) -> ExitCode {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({ "ok": false, "error": e }))
                .expect("JSON values serialise")
        );
    } else {
        eprintln!("错误 / error: {}\n{}", e.zh, e.en);
    }
    ExitCode::from(1)
}

/// Runs the command: exit code 0 on an answer, 1 on bad input.
pub fn run(cmd: CalendarCmd) -> ExitCode {
    match cmd {
        CalendarCmd::Due {
            from,
            days,
            working,
            months,
            suspended,
            makeup,
            json,
        } => {
            let event = match parse_date(&from) {
                Ok(d) => d,
                Err(e) => return fail(e, json),
            };
            let limit = match (days, months) {
                (Some(n), _) if working => PeriodLimit::WorkingDays(n),
                (Some(n), _) => PeriodLimit::Days(n),
                (None, Some(n)) => PeriodLimit::Months(n),
                // clap requires one of them.
                (None, None) => PeriodLimit::Days(0),
            };
            let cal = calendar(makeup);
            let due = match due_date(event, limit, &cal, suspended) {
                Ok(d) => d,
                Err(e) => return fail(e, json),
            };
            if json {
                let v = json!({
                    "ok": true,
                    "due": due.date,
                    "weekday_zh": weekday_zh(due.date),
                    "event": due.event,
                    "start": due.start,
                    "nominal_last_day": due.nominal,
                    "limit": due.limit,
                    "limit_zh": due.limit.describe_zh(),
                    "suspended_days": due.suspended_days,
                    "makeup_treatment": cal.makeup_treatment(),
                    "uncovered_years": due.uncovered_years,
                    "steps": due.steps,
                });
                println!(
                    "{}",
                    serde_json::to_string_pretty(&v).expect("JSON values serialise")
                );
            } else {
                println!(
                    "期限届满日 / due date: {}（{}）",
                    due.date,
                    weekday_zh(due.date)
                );
                println!(
                    "期间 / period: {} / {}，自 {} 起算 / counted from {}",
                    due.limit.describe_zh(),
                    due.limit.describe_en(),
                    due.start,
                    due.start
                );
                println!("计算过程 / how it was reached:");
                for (i, s) in due.steps.iter().enumerate() {
                    println!("  {}. {s}", i + 1);
                }
            }
            ExitCode::SUCCESS
        }
        CalendarCmd::Day { date, makeup, json } => {
            let date = match parse_date(&date) {
                Ok(d) => d,
                Err(e) => return fail(e, json),
            };
            let cal = calendar(makeup);
            let info = cal.day_info(date);
            if json {
                let mut v = serde_json::to_value(&info).expect("JSON values serialise");
                v["ok"] = json!(true);
                println!(
                    "{}",
                    serde_json::to_string_pretty(&v).expect("JSON values serialise")
                );
            } else {
                let (zh, en) = if info.working {
                    ("工作日", "working day")
                } else {
                    ("休息日", "rest day")
                };
                println!(
                    "{date}（{}）：{zh} / {en} — {} / {}",
                    info.weekday_zh, info.zh, info.en
                );
                if !info.year_covered {
                    let years = cal.years_covered();
                    println!(
                        "注意：日历中没有 {} 年的节假日安排（已载入 {}–{} 年），仅按周末判断 / no holiday data for {}; weekends only",
                        date.format("%Y"),
                        years.first().copied().unwrap_or_default(),
                        years.last().copied().unwrap_or_default(),
                        date.format("%Y"),
                    );
                }
            }
            ExitCode::SUCCESS
        }
    }
}
