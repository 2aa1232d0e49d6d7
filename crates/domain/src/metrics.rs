//! Quality metrics (质效指标, RULES.md §5): the formulas, the statistics period, the court's
//! definitions (a court that counts differently changes configuration, not code), rankings, and
//! the team assessment by kind (繁简分类考核).
//!
//! Everything is computed from a [`Tally`]: counts and sums over the cases of a unit (court,
//! team, officer, city, campaign) and a period. The database adds the same tallies up with
//! indexed aggregates; [`Tally::of_cases`] is the full recomputation from each case's facts, the
//! reference those aggregates are tested against.

use std::cmp::Ordering;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::case::{CaseType, ClosingMode};
use crate::error::{DomainError, DomainResult};
use crate::money::Fen;
use crate::team::TeamKind;

fn refuse(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> DomainError {
    DomainError::new(code, zh, en)
}

// ---------------------------------------------------------------------------------------------
// The metrics
// ---------------------------------------------------------------------------------------------

/// What a figure measures, and so how it is printed and which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Count,
    Percent,
    Days,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// 收案数: cases filed in the period.
    Received,
    /// 结案数: cases closed in the period.
    Closed,
    /// 旧存: cases pending when the period starts.
    PendingAtStart,
    /// 未结案件数: cases pending when the period ends.
    Pending,
    /// 超12个月未结案件: pending at the period's end and filed more than 12 months before it.
    OldPending,
    /// 结案率.
    ClosureRate,
    /// 执行完毕率.
    CompletionRate,
    /// 实际执结率.
    ActualRate,
    /// 终本率.
    DormantRate,
    /// 执行到位率.
    RecoveryRate,
    /// 平均执行天数.
    AverageDays,
    /// 法定期限内结案率.
    WithinLimitRate,
}

impl Metric {
    pub const ALL: [Metric; 12] = [
        Metric::ClosureRate,
        Metric::CompletionRate,
        Metric::ActualRate,
        Metric::DormantRate,
        Metric::RecoveryRate,
        Metric::AverageDays,
        Metric::WithinLimitRate,
        Metric::Received,
        Metric::Closed,
        Metric::PendingAtStart,
        Metric::Pending,
        Metric::OldPending,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Metric::Received => "received",
            Metric::Closed => "closed",
            Metric::PendingAtStart => "pending_at_start",
            Metric::Pending => "pending",
            Metric::OldPending => "old_pending",
            Metric::ClosureRate => "closure_rate",
            Metric::CompletionRate => "completion_rate",
            Metric::ActualRate => "actual_rate",
            Metric::DormantRate => "dormant_rate",
            Metric::RecoveryRate => "recovery_rate",
            Metric::AverageDays => "average_days",
            Metric::WithinLimitRate => "within_limit_rate",
        }
    }

    /// Refuses a name that is not a metric, listing the ones that are.
    pub fn from_key(key: &str) -> DomainResult<Metric> {
        let key = key.trim();
        Metric::ALL
            .into_iter()
            .find(|m| m.key() == key)
            .ok_or_else(|| {
                let known: Vec<&str> = Metric::ALL.iter().map(|m| m.key()).collect();
                refuse(
                    "metrics.unknown_metric",
                    format!("未知的指标“{key}”，可用：{}", known.join("、")),
                    format!("unknown metric \"{key}\"; known: {}", known.join(", ")),
                )
            })
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Metric::Received => "收案数",
            Metric::Closed => "结案数",
            Metric::PendingAtStart => "旧存未结数",
            Metric::Pending => "未结案件数",
            Metric::OldPending => "超12个月未结案件",
            Metric::ClosureRate => "结案率",
            Metric::CompletionRate => "执行完毕率",
            Metric::ActualRate => "实际执结率",
            Metric::DormantRate => "终本率",
            Metric::RecoveryRate => "执行到位率",
            Metric::AverageDays => "平均执行天数",
            Metric::WithinLimitRate => "法定期限内结案率",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Metric::Received => "Received",
            Metric::Closed => "Closed",
            Metric::PendingAtStart => "Pending at start",
            Metric::Pending => "Pending",
            Metric::OldPending => "Pending over 12 months",
            Metric::ClosureRate => "Closure rate",
            Metric::CompletionRate => "Completion rate",
            Metric::ActualRate => "Actual-enforcement rate",
            Metric::DormantRate => "Dormant (终本) rate",
            Metric::RecoveryRate => "Recovery rate",
            Metric::AverageDays => "Average days",
            Metric::WithinLimitRate => "Closed within the limit",
        }
    }

    pub fn unit(self) -> Unit {
        match self {
            Metric::Received
            | Metric::Closed
            | Metric::PendingAtStart
            | Metric::Pending
            | Metric::OldPending => Unit::Count,
            Metric::AverageDays => Unit::Days,
            _ => Unit::Percent,
        }
    }

    /// Whether a larger figure is the better one (rankings put it first).
    pub fn higher_is_better(self) -> bool {
        !matches!(
            self,
            Metric::DormantRate | Metric::AverageDays | Metric::OldPending | Metric::Pending
        )
    }

    /// Metrics that rank courts: rates, days and old cases. Raw intake depends on the court's
    /// size, so it is shown but not ranked.
    pub fn rankable(self) -> bool {
        !matches!(
            self,
            Metric::Received | Metric::Closed | Metric::PendingAtStart | Metric::Pending
        )
    }

    /// The definition shown next to the figure, as the court's configuration makes it.
    pub fn definition_zh(self, d: &Definitions) -> String {
        let scope = d.scope_zh();
        match self {
            Metric::Received => format!("统计期间内立案的{scope}数"),
            Metric::Closed => format!("统计期间内结案的{scope}数"),
            Metric::PendingAtStart => format!("统计期间开始时尚未结案的{scope}数"),
            Metric::Pending => format!("统计期间结束时尚未结案的{scope}数"),
            Metric::OldPending => format!(
                "统计期间结束时未结、且立案已超过 {} 个月的{scope}数",
                d.old_pending_months
            ),
            Metric::ClosureRate => match d.closure_base {
                ClosureBase::PendingAndReceived => {
                    format!("期内结案数 ÷（旧存未结数 + 期内收案数）；{scope}")
                }
                ClosureBase::Received => format!("期内结案数 ÷ 期内收案数；{scope}"),
            },
            Metric::CompletionRate => format!("以执行完毕方式结案数 ÷ 期内结案数；{scope}"),
            Metric::ActualRate => {
                let extra: Vec<&str> = d.paid_modes.iter().map(|m| m.name_zh()).collect();
                if extra.is_empty() {
                    format!("实际执结数（执行完毕，含和解履行完毕）÷ 期内结案数；{scope}")
                } else {
                    format!(
                        "实际执结数（执行完毕，含和解履行完毕；以及有执行到位款的{}）÷ 期内结案数；{scope}",
                        extra.join("、")
                    )
                }
            }
            Metric::DormantRate => format!("以终结本次执行程序方式结案数 ÷ 期内结案数；{scope}"),
            Metric::RecoveryRate => format!("期内结案案件的执行到位金额 ÷ 申请执行标的金额；{scope}"),
            Metric::AverageDays => {
                if d.deduct_suspension {
                    format!("Σ（结案日 − 立案日 − 中止天数）÷ 期内结案数；{scope}")
                } else {
                    format!("Σ（结案日 − 立案日）÷ 期内结案数（不扣除中止期间）；{scope}")
                }
            }
            Metric::WithinLimitRate => format!(
                "在结案期限（立案起 6 个月，扣除中止期间，经批准的延长计入）内结案数 ÷ 期内结案数；{scope}"
            ),
        }
    }

    pub fn definition_en(self, d: &Definitions) -> String {
        let scope = d.scope_en();
        match self {
            Metric::Received => format!("{scope} filed in the period"),
            Metric::Closed => format!("{scope} closed in the period"),
            Metric::PendingAtStart => format!("{scope} still pending when the period starts"),
            Metric::Pending => format!("{scope} still pending when the period ends"),
            Metric::OldPending => format!(
                "{scope} pending at the period's end and filed more than {} months before it",
                d.old_pending_months
            ),
            Metric::ClosureRate => match d.closure_base {
                ClosureBase::PendingAndReceived => {
                    format!("closed ÷ (pending at start + received); {scope}")
                }
                ClosureBase::Received => format!("closed ÷ received; {scope}"),
            },
            Metric::CompletionRate => format!("closed as completed ÷ closed; {scope}"),
            Metric::ActualRate => {
                let extra: Vec<String> = d
                    .paid_modes
                    .iter()
                    .map(|m| m.name_en().to_lowercase())
                    .collect();
                if extra.is_empty() {
                    format!("completed (performed settlements included) ÷ closed; {scope}")
                } else {
                    format!(
                        "completed (performed settlements included), plus {} with money recovered, ÷ closed; {scope}",
                        extra.join(", ")
                    )
                }
            }
            Metric::DormantRate => format!("closed as dormant (终本) ÷ closed; {scope}"),
            Metric::RecoveryRate => {
                format!("amount recovered ÷ amount claimed, over cases closed in the period; {scope}")
            }
            Metric::AverageDays => {
                if d.deduct_suspension {
                    format!("Σ(closing − filing − suspended days) ÷ closed; {scope}")
                } else {
                    format!("Σ(closing − filing) ÷ closed, suspension not deducted; {scope}")
                }
            }
            Metric::WithinLimitRate => format!(
                "closed within the limit (6 months from filing, suspension deducted, approved extensions honoured) ÷ closed; {scope}"
            ),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The court's definitions (setting `metric_definitions`)
// ---------------------------------------------------------------------------------------------

/// What the closure rate divides by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosureBase {
    /// 旧存 + 新收 (RULES.md §5).
    PendingAndReceived,
    /// 新收 only, as some courts count.
    Received,
}

/// How a court counts. The defaults are RULES.md §5; a court (or the higher court whose
/// rankings use it) may change them in its settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Definitions {
    /// Case types counted (default: first enforcement 执 only; 执保 and 执恢 excluded).
    pub case_types: Vec<CaseType>,
    pub closure_base: ClosureBase,
    /// Closing modes besides 执行完毕 that count as actual enforcement when money was
    /// recovered (default: 终结执行 with partial payment).
    pub paid_modes: Vec<ClosingMode>,
    /// Whether average days deduct suspended days (default yes).
    pub deduct_suspension: bool,
    /// How old a pending case must be to count as old (default 12 months).
    pub old_pending_months: u32,
    /// 繁简分类考核: the metrics each kind of team is assessed on.
    pub assessment: Vec<(TeamKind, Vec<Metric>)>,
}

impl Default for Definitions {
    fn default() -> Self {
        Definitions {
            case_types: vec![CaseType::First],
            closure_base: ClosureBase::PendingAndReceived,
            paid_modes: vec![ClosingMode::Terminated],
            deduct_suspension: true,
            old_pending_months: 12,
            assessment: vec![
                (
                    TeamKind::Fast,
                    vec![Metric::AverageDays, Metric::ClosureRate],
                ),
                (
                    TeamKind::Ordinary,
                    vec![Metric::ClosureRate, Metric::ActualRate],
                ),
                (
                    TeamKind::Special,
                    vec![Metric::RecoveryRate, Metric::ActualRate],
                ),
            ],
        }
    }
}

impl Definitions {
    pub fn from_json(value: &str) -> DomainResult<Definitions> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            case_types: Option<Vec<String>>,
            closure_base: Option<ClosureBase>,
            paid_modes: Option<Vec<String>>,
            deduct_suspension: Option<bool>,
            old_pending_months: Option<u32>,
            assessment: Option<std::collections::BTreeMap<String, Vec<String>>>,
        }
        let raw: Raw = serde_json::from_str(value).map_err(|e| {
            refuse(
                "metrics.setting_invalid",
                format!("指标口径设置格式有误：{e}"),
                format!("the metric definitions setting is malformed: {e}"),
            )
        })?;
        let d = Definitions::default();
        let mut out = Definitions {
            case_types: match raw.case_types {
                Some(list) => list
                    .iter()
                    .map(|k| CaseType::from_key(k))
                    .collect::<DomainResult<_>>()?,
                None => d.case_types,
            },
            closure_base: raw.closure_base.unwrap_or(d.closure_base),
            paid_modes: match raw.paid_modes {
                Some(list) => list
                    .iter()
                    .map(|k| ClosingMode::from_key(k))
                    .collect::<DomainResult<_>>()?,
                None => d.paid_modes,
            },
            deduct_suspension: raw.deduct_suspension.unwrap_or(d.deduct_suspension),
            old_pending_months: raw.old_pending_months.unwrap_or(d.old_pending_months),
            assessment: d.assessment,
        };
        if let Some(map) = raw.assessment {
            let mut list = Vec::new();
            for (kind, metrics) in map {
                let kind = TeamKind::from_key(&kind)?;
                let metrics = metrics
                    .iter()
                    .map(|m| Metric::from_key(m))
                    .collect::<DomainResult<Vec<_>>>()?;
                list.push((kind, metrics));
            }
            out.assessment = list;
        }
        out.check()?;
        Ok(out)
    }

    pub fn to_json(&self) -> String {
        let assessment: serde_json::Map<String, serde_json::Value> = self
            .assessment
            .iter()
            .map(|(k, ms)| {
                (
                    k.key().to_string(),
                    serde_json::Value::from(ms.iter().map(|m| m.key()).collect::<Vec<_>>()),
                )
            })
            .collect();
        serde_json::json!({
            "case_types": self.case_types.iter().map(|t| t.key()).collect::<Vec<_>>(),
            "closure_base": self.closure_base,
            "paid_modes": self.paid_modes.iter().map(|m| m.key()).collect::<Vec<_>>(),
            "deduct_suspension": self.deduct_suspension,
            "old_pending_months": self.old_pending_months,
            "assessment": assessment,
        })
        .to_string()
    }

    pub fn check(&self) -> DomainResult<()> {
        if self.case_types.is_empty() {
            return Err(refuse(
                "metrics.no_case_types",
                "指标口径须至少统计一种案件类型",
                "the definitions must count at least one case type",
            ));
        }
        for m in &self.paid_modes {
            if !matches!(m, ClosingMode::Terminated | ClosingMode::Dormant) {
                return Err(refuse(
                    "metrics.paid_mode_invalid",
                    format!(
                        "“{}”不能作为有到位款即计入实际执结的结案方式（只可为终结执行或终结本次执行程序）",
                        m.name_zh()
                    ),
                    format!(
                        "\"{}\" cannot count as actual enforcement when money was recovered (only terminated or dormant can)",
                        m.name_en()
                    ),
                ));
            }
        }
        if !(1..=60).contains(&self.old_pending_months) {
            return Err(refuse(
                "metrics.old_months_invalid",
                "长期未结的月数须在 1 至 60 之间",
                "the months after which a pending case counts as old must be 1–60",
            ));
        }
        for (kind, ms) in &self.assessment {
            if ms.is_empty() || ms.iter().any(|m| !m.rankable()) {
                return Err(refuse(
                    "metrics.assessment_invalid",
                    format!(
                        "{}的考核指标须为至少一项可排名的指标（比率、平均天数或长期未结）",
                        kind.name_zh()
                    ),
                    format!(
                        "the {} team's assessment needs at least one rankable metric (a rate, average days or old cases)",
                        kind.key()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The metrics a team of this kind is assessed on; teams of other kinds on the closure rate.
    pub fn assessed_on(&self, kind: TeamKind) -> Vec<Metric> {
        self.assessment
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, ms)| ms.clone())
            .unwrap_or_else(|| vec![Metric::ClosureRate])
    }

    pub fn counts(&self, t: CaseType) -> bool {
        self.case_types.contains(&t)
    }

    fn scope_zh(&self) -> String {
        let names: Vec<String> = self
            .case_types
            .iter()
            .map(|t| format!("{}（{}）", t.name_zh(), t.code()))
            .collect();
        format!("统计{}案件", names.join("、"))
    }

    fn scope_en(&self) -> String {
        let names: Vec<&str> = self.case_types.iter().map(|t| t.code()).collect();
        format!("{} cases", names.join(", "))
    }

    /// Whether a closed case counts as actually enforced (实际执结).
    pub fn delivered(&self, mode: ClosingMode, recovered: Fen) -> bool {
        mode == ClosingMode::Completed || (recovered.0 > 0 && self.paid_modes.contains(&mode))
    }
}

// ---------------------------------------------------------------------------------------------
// The statistics period (统计期间)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    YearToDate,
    Month,
    Quarter,
    Year,
    Custom,
}

/// A span of whole days, both ends included, in Beijing dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StatPeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub kind: PeriodKind,
}

fn ymd(y: i32, m: u32, d: u32) -> DomainResult<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| {
        refuse(
            "metrics.period_invalid",
            format!("日期 {y}-{m}-{d} 不存在"),
            format!("there is no date {y}-{m}-{d}"),
        )
    })
}

fn month_end(y: i32, m: u32) -> DomainResult<NaiveDate> {
    let first = ymd(y, m, 1)?;
    Ok(first + Months::new(1) - chrono::Days::new(1))
}

impl StatPeriod {
    /// A custom period; refused when it ends before it starts or spans more than ten years.
    pub fn new(from: NaiveDate, to: NaiveDate) -> DomainResult<StatPeriod> {
        if to < from {
            return Err(refuse(
                "metrics.period_reversed",
                format!("统计期间的结束日 {to} 早于开始日 {from}"),
                format!("the period ends ({to}) before it starts ({from})"),
            ));
        }
        if (to - from).num_days() > 3660 {
            return Err(refuse(
                "metrics.period_too_long",
                "统计期间不能超过十年",
                "a period cannot span more than ten years",
            ));
        }
        Ok(StatPeriod {
            from,
            to,
            kind: PeriodKind::Custom,
        })
    }

    /// 1 January to today: the default view.
    pub fn year_to_date(today: NaiveDate) -> StatPeriod {
        StatPeriod {
            from: NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
            to: today,
            kind: PeriodKind::YearToDate,
        }
    }

    pub fn month(y: i32, m: u32) -> DomainResult<StatPeriod> {
        Ok(StatPeriod {
            from: ymd(y, m, 1)?,
            to: month_end(y, m)?,
            kind: PeriodKind::Month,
        })
    }

    pub fn quarter(y: i32, q: u32) -> DomainResult<StatPeriod> {
        if !(1..=4).contains(&q) {
            return Err(refuse(
                "metrics.period_invalid",
                format!("季度须为 1 至 4，而不是 {q}"),
                format!("a quarter is 1–4, not {q}"),
            ));
        }
        Ok(StatPeriod {
            from: ymd(y, q * 3 - 2, 1)?,
            to: month_end(y, q * 3)?,
            kind: PeriodKind::Quarter,
        })
    }

    pub fn year(y: i32) -> DomainResult<StatPeriod> {
        Ok(StatPeriod {
            from: ymd(y, 1, 1)?,
            to: ymd(y, 12, 31)?,
            kind: PeriodKind::Year,
        })
    }

    /// Reads `ytd`, `2025`, `2025-03`, `2025Q1` (or `2025-Q1`) and `2025-01-01..2025-06-30`.
    pub fn parse(spec: &str, today: NaiveDate) -> DomainResult<StatPeriod> {
        let s = spec.trim();
        let bad = || {
            refuse(
                "metrics.period_invalid",
                format!("无法识别的统计期间“{s}”（可写 ytd、2025、2025-03、2025Q1 或 2025-01-01..2025-06-30）"),
                format!("cannot read the period \"{s}\" (write ytd, 2025, 2025-03, 2025Q1 or 2025-01-01..2025-06-30)"),
            )
        };
        if s.is_empty() || s.eq_ignore_ascii_case("ytd") {
            return Ok(StatPeriod::year_to_date(today));
        }
        if let Some((a, b)) = s.split_once("..") {
            let from = NaiveDate::parse_from_str(a.trim(), "%Y-%m-%d").map_err(|_| bad())?;
            let to = NaiveDate::parse_from_str(b.trim(), "%Y-%m-%d").map_err(|_| bad())?;
            return StatPeriod::new(from, to);
        }
        let upper = s.to_ascii_uppercase();
        if let Some((y, q)) = upper.split_once('Q') {
            let y: i32 = y.trim_end_matches('-').parse().map_err(|_| bad())?;
            let q: u32 = q.parse().map_err(|_| bad())?;
            return StatPeriod::quarter(y, q);
        }
        if let Some((y, m)) = s.split_once('-') {
            let y: i32 = y.parse().map_err(|_| bad())?;
            let m: u32 = m.parse().map_err(|_| bad())?;
            if !(1..=12).contains(&m) {
                return Err(bad());
            }
            return StatPeriod::month(y, m);
        }
        if s.len() == 4 {
            let y: i32 = s.parse().map_err(|_| bad())?;
            return StatPeriod::year(y);
        }
        Err(bad())
    }

    /// The period it is compared with: the month, quarter or year before; the same dates a
    /// year earlier for year-to-date; the same number of days just before for a custom span.
    pub fn previous(&self) -> StatPeriod {
        let back = |d: NaiveDate, m: u32| d.checked_sub_months(Months::new(m)).unwrap_or(d);
        match self.kind {
            PeriodKind::Month => StatPeriod {
                from: back(self.from, 1),
                to: self.from - chrono::Days::new(1),
                kind: self.kind,
            },
            PeriodKind::Quarter => StatPeriod {
                from: back(self.from, 3),
                to: self.from - chrono::Days::new(1),
                kind: self.kind,
            },
            PeriodKind::Year | PeriodKind::YearToDate => StatPeriod {
                from: back(self.from, 12),
                to: back(self.to, 12),
                kind: self.kind,
            },
            PeriodKind::Custom => {
                let days = (self.to - self.from).num_days() + 1;
                let to = self.from - chrono::Days::new(1);
                StatPeriod {
                    from: to - chrono::Days::new(days as u64 - 1),
                    to,
                    kind: self.kind,
                }
            }
        }
    }

    /// The calendar months the period touches, each cut to the period (the trend's points).
    pub fn months(&self) -> Vec<StatPeriod> {
        let mut out = Vec::new();
        let mut first =
            NaiveDate::from_ymd_opt(self.from.year(), self.from.month(), 1).unwrap_or(self.from);
        while first <= self.to {
            let end = first + Months::new(1) - chrono::Days::new(1);
            out.push(StatPeriod {
                from: first.max(self.from),
                to: end.min(self.to),
                kind: PeriodKind::Month,
            });
            first = first + Months::new(1);
        }
        out
    }

    /// The period ending no later than `today`: figures are as of today.
    pub fn up_to(&self, today: NaiveDate) -> StatPeriod {
        StatPeriod {
            to: self.to.min(today).max(self.from),
            ..*self
        }
    }

    /// The last day on which a case filed counts as old at the period's end.
    pub fn old_cutoff(&self, months: u32) -> NaiveDate {
        self.to
            .checked_sub_months(Months::new(months))
            .unwrap_or(self.to)
    }

    pub fn label_zh(&self) -> String {
        match self.kind {
            PeriodKind::YearToDate => format!("{} 年初至 {}", self.from.year(), self.to),
            PeriodKind::Month => format!("{} 年 {} 月", self.from.year(), self.from.month()),
            PeriodKind::Quarter => format!(
                "{} 年第{}季度",
                self.from.year(),
                ["一", "二", "三", "四"][(self.from.month0() / 3) as usize]
            ),
            PeriodKind::Year => format!("{} 年", self.from.year()),
            PeriodKind::Custom => format!("{} 至 {}", self.from, self.to),
        }
    }

    pub fn label_en(&self) -> String {
        match self.kind {
            PeriodKind::YearToDate => format!("{} year to {}", self.from.year(), self.to),
            PeriodKind::Month => self.from.format("%B %Y").to_string(),
            PeriodKind::Quarter => {
                format!("Q{} {}", self.from.month0() / 3 + 1, self.from.year())
            }
            PeriodKind::Year => self.from.year().to_string(),
            PeriodKind::Custom => format!("{} to {}", self.from, self.to),
        }
    }

    /// The form value that reads back as this period (`parse`).
    pub fn spec(&self) -> String {
        match self.kind {
            PeriodKind::YearToDate => "ytd".into(),
            PeriodKind::Month => self.from.format("%Y-%m").to_string(),
            PeriodKind::Quarter => format!("{}Q{}", self.from.year(), self.from.month0() / 3 + 1),
            PeriodKind::Year => self.from.year().to_string(),
            PeriodKind::Custom => format!("{}..{}", self.from, self.to),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tallies and figures
// ---------------------------------------------------------------------------------------------

/// What the metrics need to know of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    pub case_type: CaseType,
    pub filed_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub mode: Option<ClosingMode>,
    pub claim: Fen,
    pub recovered: Fen,
    /// Days the case was suspended (from the conclusion node's pause).
    pub suspended_days: i64,
    /// Closed within its limit (the conclusion node completed by its due date).
    pub in_time: bool,
}

/// Counts and sums of a unit over a period, from which every figure follows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub received: i64,
    pub closed: i64,
    pub pending_at_start: i64,
    pub pending_at_end: i64,
    /// Not counted for a trend's months.
    pub old_pending: Option<i64>,
    pub completed: i64,
    pub dormant: i64,
    pub delivered: i64,
    pub in_time: i64,
    /// Σ(closing − filing [− suspended]) in days over closed cases.
    pub days: i64,
    pub claim_fen: i64,
    pub recovered_fen: i64,
}

/// One figure: numerator over denominator (1 for counts), and the value when defined.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Figure {
    pub metric: Metric,
    pub num: i64,
    pub den: i64,
    /// Percent for rates, days for average days, the count for counts; `None` when the
    /// denominator is zero (nothing to measure).
    pub value: Option<f64>,
}

impl Figure {
    fn of(metric: Metric, num: i64, den: i64) -> Figure {
        let value = match metric.unit() {
            _ if den <= 0 => None,
            Unit::Percent => Some(num as f64 * 100.0 / den as f64),
            Unit::Days | Unit::Count => Some(num as f64 / den as f64),
        };
        Figure {
            metric,
            num,
            den,
            value,
        }
    }

    /// As the page prints it: `85.32%`, `12.4 天`, `1,234`, `—` when undefined.
    pub fn display_zh(&self) -> String {
        match (self.value, self.metric.unit()) {
            (None, _) => "—".into(),
            (Some(v), Unit::Percent) => format!("{:.2}%", half_up(v, 100.0)),
            (Some(v), Unit::Days) => format!("{:.1} 天", half_up(v, 10.0)),
            (Some(_), Unit::Count) => group_digits(self.num),
        }
    }

    pub fn display_en(&self) -> String {
        match (self.value, self.metric.unit()) {
            (None, _) => "—".into(),
            (Some(v), Unit::Percent) => format!("{:.2}%", half_up(v, 100.0)),
            (Some(v), Unit::Days) => format!("{:.1} days", half_up(v, 10.0)),
            (Some(_), Unit::Count) => group_digits(self.num),
        }
    }

    /// Compares exactly (by cross-multiplying), best first for the metric; undefined last.
    pub fn better(&self, other: &Figure) -> Ordering {
        match (self.value.is_some(), other.value.is_some()) {
            (false, false) => return Ordering::Equal,
            (false, true) => return Ordering::Greater,
            (true, false) => return Ordering::Less,
            _ => {}
        }
        let a = i128::from(self.num) * i128::from(other.den);
        let b = i128::from(other.num) * i128::from(self.den);
        if self.metric.higher_is_better() {
            b.cmp(&a)
        } else {
            a.cmp(&b)
        }
    }
}

/// Rounds half up at `scale` (100 for two decimals), as figures are rounded on paper; the
/// formatter alone would round 80.25 to 80.2.
fn half_up(v: f64, scale: f64) -> f64 {
    (v * scale).round() / scale
}

fn group_digits(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

impl Tally {
    /// The full recomputation from each case's facts (the reference the stored aggregates are
    /// tested against). Cases of types the definitions leave out are skipped.
    pub fn of_cases(cases: &[CaseFacts], p: &StatPeriod, d: &Definitions) -> Tally {
        let mut t = Tally {
            old_pending: Some(0),
            ..Tally::default()
        };
        let cutoff = p.old_cutoff(d.old_pending_months);
        for c in cases.iter().filter(|c| d.counts(c.case_type)) {
            let closed_before = |day: NaiveDate| c.closed_on.is_some_and(|x| x < day);
            if c.filed_on >= p.from && c.filed_on <= p.to {
                t.received += 1;
            }
            if c.filed_on < p.from && !closed_before(p.from) {
                t.pending_at_start += 1;
            }
            let pending_at_end = c.filed_on <= p.to && c.closed_on.is_none_or(|x| x > p.to);
            if pending_at_end {
                t.pending_at_end += 1;
                if c.filed_on < cutoff {
                    t.old_pending = t.old_pending.map(|n| n + 1);
                }
            }
            if let (Some(on), Some(mode)) = (c.closed_on, c.mode) {
                if on >= p.from && on <= p.to {
                    t.add_closed(c, on, mode, d);
                }
            }
        }
        t
    }

    fn add_closed(&mut self, c: &CaseFacts, on: NaiveDate, mode: ClosingMode, d: &Definitions) {
        self.closed += 1;
        self.completed += i64::from(mode == ClosingMode::Completed);
        self.dormant += i64::from(mode == ClosingMode::Dormant);
        self.delivered += i64::from(d.delivered(mode, c.recovered));
        self.in_time += i64::from(c.in_time);
        let suspended = if d.deduct_suspension {
            c.suspended_days
        } else {
            0
        };
        self.days += (on - c.filed_on).num_days() - suspended;
        self.claim_fen += c.claim.0;
        self.recovered_fen += c.recovered.0;
    }

    /// Adds another unit's tally (a city from its courts).
    pub fn add(&mut self, o: &Tally) {
        self.received += o.received;
        self.closed += o.closed;
        self.pending_at_start += o.pending_at_start;
        self.pending_at_end += o.pending_at_end;
        self.old_pending = match (self.old_pending, o.old_pending) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
        self.completed += o.completed;
        self.dormant += o.dormant;
        self.delivered += o.delivered;
        self.in_time += o.in_time;
        self.days += o.days;
        self.claim_fen += o.claim_fen;
        self.recovered_fen += o.recovered_fen;
    }

    pub fn figure(&self, m: Metric, d: &Definitions) -> Figure {
        match m {
            Metric::Received => Figure::of(m, self.received, 1),
            Metric::Closed => Figure::of(m, self.closed, 1),
            Metric::PendingAtStart => Figure::of(m, self.pending_at_start, 1),
            Metric::Pending => Figure::of(m, self.pending_at_end, 1),
            Metric::OldPending => match self.old_pending {
                Some(n) => Figure::of(m, n, 1),
                None => Figure::of(m, 0, 0),
            },
            Metric::ClosureRate => closure_rate(self, d),
            Metric::CompletionRate => completion_rate(self),
            Metric::ActualRate => actual_rate(self),
            Metric::DormantRate => dormant_rate(self),
            Metric::RecoveryRate => recovery_rate(self),
            Metric::AverageDays => average_days(self),
            Metric::WithinLimitRate => within_limit_rate(self),
        }
    }
}

/// 结案率 = closed ÷ (pending at start + received), or ÷ received where the court counts so.
pub fn closure_rate(t: &Tally, d: &Definitions) -> Figure {
    let den = match d.closure_base {
        ClosureBase::PendingAndReceived => t.pending_at_start + t.received,
        ClosureBase::Received => t.received,
    };
    Figure::of(Metric::ClosureRate, t.closed, den)
}

/// 执行完毕率 = closed as completed ÷ closed.
pub fn completion_rate(t: &Tally) -> Figure {
    Figure::of(Metric::CompletionRate, t.completed, t.closed)
}

/// 实际执结率 = closed with money or property actually delivered ÷ closed.
pub fn actual_rate(t: &Tally) -> Figure {
    Figure::of(Metric::ActualRate, t.delivered, t.closed)
}

/// 终本率 = closed as dormant ÷ closed.
pub fn dormant_rate(t: &Tally) -> Figure {
    Figure::of(Metric::DormantRate, t.dormant, t.closed)
}

/// 执行到位率 = amount recovered ÷ amount claimed, over cases closed in the period.
pub fn recovery_rate(t: &Tally) -> Figure {
    Figure::of(Metric::RecoveryRate, t.recovered_fen, t.claim_fen)
}

/// 平均执行天数 = Σ(closing − filing − suspended days) ÷ closed.
pub fn average_days(t: &Tally) -> Figure {
    Figure::of(Metric::AverageDays, t.days, t.closed)
}

/// 法定期限内结案率 = closed within the limit ÷ closed.
pub fn within_limit_rate(t: &Tally) -> Figure {
    Figure::of(Metric::WithinLimitRate, t.in_time, t.closed)
}

/// What a closed case records for the metrics, from its conclusion node when it has one
/// (paused days, due date with extensions); without one, no suspension is known and the
/// default limit of six months from filing applies.
pub fn closing_facts(
    filed_on: NaiveDate,
    closed_on: NaiveDate,
    node: Option<(i64, NaiveDate)>,
) -> (i64, bool) {
    match node {
        Some((paused_days, due_on)) => (paused_days.max(0), closed_on <= due_on),
        None => {
            let due = filed_on
                .checked_add_months(Months::new(6))
                .unwrap_or(filed_on);
            (0, closed_on <= due)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Rankings
// ---------------------------------------------------------------------------------------------

/// Ranks figures best first: equal figures share a rank (1, 2, 2, 4); undefined ones get none.
/// Returns each entry's rank, in the order given.
pub fn rank(figures: &[Figure]) -> Vec<Option<u32>> {
    let mut order: Vec<usize> = (0..figures.len()).collect();
    order.sort_by(|a, b| figures[*a].better(&figures[*b]));
    let mut out = vec![None; figures.len()];
    let mut last: Option<(usize, u32)> = None;
    for (pos, &i) in order.iter().enumerate() {
        if figures[i].value.is_none() {
            continue;
        }
        let r = match last {
            Some((j, r)) if figures[j].better(&figures[i]) == Ordering::Equal => r,
            _ => pos as u32 + 1,
        };
        out[i] = Some(r);
        last = Some((i, r));
    }
    out
}

/// Places moved up since the previous period (positive = better), when ranked both times.
pub fn rank_change(now: Option<u32>, before: Option<u32>) -> Option<i64> {
    Some(i64::from(before?) - i64::from(now?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn case(
        t: CaseType,
        filed: NaiveDate,
        closed: Option<(NaiveDate, ClosingMode)>,
        claim: i64,
        recovered: i64,
        suspended: i64,
        in_time: bool,
    ) -> CaseFacts {
        CaseFacts {
            case_type: t,
            filed_on: filed,
            closed_on: closed.map(|c| c.0),
            mode: closed.map(|c| c.1),
            claim: Fen(claim),
            recovered: Fen(recovered),
            suspended_days: suspended,
            in_time,
        }
    }

    /// Nine cases worked by hand for the first half of 2025.
    fn sample() -> Vec<CaseFacts> {
        use CaseType::*;
        use ClosingMode::*;
        vec![
            // 1. Pending at start (filed 2024-11-01), completed 2025-01-31: 91 days.
            case(
                First,
                d(2024, 11, 1),
                Some((d(2025, 1, 31), Completed)),
                10_000,
                10_000,
                0,
                true,
            ),
            // 2. Received 2025-02-01, dormant 2025-06-01: 120 days; nothing recovered.
            case(
                First,
                d(2025, 2, 1),
                Some((d(2025, 6, 1), Dormant)),
                50_000,
                0,
                0,
                true,
            ),
            // 3. Received 2025-01-10, terminated with part paid 2025-03-11: 60 days − 10 suspended.
            case(
                First,
                d(2025, 1, 10),
                Some((d(2025, 3, 11), Terminated)),
                40_000,
                5_000,
                10,
                true,
            ),
            // 4. Received 2025-03-01, terminated with nothing 2025-04-30: 60 days; late.
            case(
                First,
                d(2025, 3, 1),
                Some((d(2025, 4, 30), Terminated)),
                20_000,
                0,
                0,
                false,
            ),
            // 5. Received 2025-05-05, still open.
            case(First, d(2025, 5, 5), None, 30_000, 0, 0, false),
            // 6. Filed 2024-03-01, still open: old at 2025-06-30.
            case(First, d(2024, 3, 1), None, 60_000, 0, 0, false),
            // 7. Filed 2024-07-01, open: 12 months at 2025-06-30 but not more.
            case(First, d(2024, 7, 1), None, 70_000, 0, 0, false),
            // 8. Closed before the period: not pending at start, not closed in it.
            case(
                First,
                d(2024, 5, 1),
                Some((d(2024, 12, 31), Completed)),
                9_000,
                9_000,
                0,
                true,
            ),
            // 9. A 执恢 case: left out by the default definitions.
            case(
                Restored,
                d(2025, 2, 2),
                Some((d(2025, 2, 20), Completed)),
                1_000,
                1_000,
                0,
                true,
            ),
        ]
    }

    fn h1() -> StatPeriod {
        StatPeriod::new(d(2025, 1, 1), d(2025, 6, 30)).unwrap()
    }

    #[test]
    fn the_tally_of_the_hand_worked_cases() {
        let t = Tally::of_cases(&sample(), &h1(), &Definitions::default());
        assert_eq!(t.received, 4); // 2, 3, 4, 5
        assert_eq!(t.pending_at_start, 3); // 1, 6, 7
        assert_eq!(t.closed, 4); // 1, 2, 3, 4
        assert_eq!(t.pending_at_end, 3); // 5, 6, 7
        assert_eq!(t.old_pending, Some(1)); // 6 only
        assert_eq!(t.completed, 1);
        assert_eq!(t.dormant, 1);
        assert_eq!(t.delivered, 2); // 1, and 3 (terminated with money)
        assert_eq!(t.in_time, 3);
        assert_eq!(t.days, 91 + 120 + 50 + 60);
        assert_eq!(t.claim_fen, 120_000);
        assert_eq!(t.recovered_fen, 15_000);
    }

    #[test]
    fn each_formula_on_the_hand_worked_cases() {
        let def = Definitions::default();
        let t = Tally::of_cases(&sample(), &h1(), &def);
        let f = |m| t.figure(m, &def);
        assert_eq!(
            (f(Metric::ClosureRate).num, f(Metric::ClosureRate).den),
            (4, 7)
        );
        assert_eq!(f(Metric::ClosureRate).display_zh(), "57.14%");
        assert_eq!(f(Metric::CompletionRate).display_zh(), "25.00%");
        assert_eq!(f(Metric::ActualRate).display_zh(), "50.00%");
        assert_eq!(f(Metric::DormantRate).display_zh(), "25.00%");
        assert_eq!(f(Metric::RecoveryRate).display_zh(), "12.50%");
        assert_eq!(f(Metric::AverageDays).display_zh(), "80.3 天");
        assert_eq!(f(Metric::WithinLimitRate).display_zh(), "75.00%");
        assert_eq!(f(Metric::OldPending).display_zh(), "1");
        assert_eq!(f(Metric::Received).display_en(), "4");
    }

    #[test]
    fn a_court_that_counts_differently_changes_the_definitions_not_the_code() {
        let def = Definitions::from_json(
            r#"{"case_types":["first","restored"],"closure_base":"received","paid_modes":[],
                "deduct_suspension":false,"old_pending_months":6}"#,
        )
        .unwrap();
        let t = Tally::of_cases(&sample(), &h1(), &def);
        assert_eq!(t.received, 5);
        assert_eq!(t.closed, 5);
        // 5 ÷ 5 received.
        assert_eq!(closure_rate(&t, &def).display_zh(), "100.00%");
        // Completed only: 1 and 9.
        assert_eq!(t.delivered, 2);
        // No suspension deducted: 91 + 120 + 60 + 60 + 18.
        assert_eq!(t.days, 349);
        // Six months: 6 and 7 are old, and 5 (filed 2025-05-05) is not.
        assert_eq!(t.old_pending, Some(2));
        assert!(Metric::ClosureRate
            .definition_zh(&def)
            .contains("期内收案数"));
        assert!(Metric::AverageDays.definition_zh(&def).contains("不扣除"));
        assert!(Metric::ActualRate
            .definition_en(&Definitions::default())
            .contains("terminated"));
        let back = Definitions::from_json(&def.to_json()).unwrap();
        assert_eq!(back, def);
    }

    #[test]
    fn bad_definitions_and_names_are_refused() {
        for (json, code) in [
            (r#"{"case_types":[]}"#, "metrics.no_case_types"),
            (r#"{"case_types":["x"]}"#, "case_type.unknown"),
            (
                r#"{"paid_modes":["completed"]}"#,
                "metrics.paid_mode_invalid",
            ),
            (r#"{"old_pending_months":0}"#, "metrics.old_months_invalid"),
            (
                r#"{"assessment":{"fast":["received"]}}"#,
                "metrics.assessment_invalid",
            ),
            (r#"{"colour":"red"}"#, "metrics.setting_invalid"),
        ] {
            assert_eq!(
                Definitions::from_json(json).unwrap_err().code,
                code,
                "{json}"
            );
        }
        let e = Metric::from_key("speed").unwrap_err();
        assert_eq!(e.code, "metrics.unknown_metric");
        assert!(e.zh.contains("closure_rate"));
        assert_eq!(
            Metric::from_key(" closure_rate ").unwrap(),
            Metric::ClosureRate
        );
    }

    #[test]
    fn periods_parse_compare_and_refuse() {
        let today = d(2025, 8, 15);
        let ytd = StatPeriod::parse("", today).unwrap();
        assert_eq!((ytd.from, ytd.to), (d(2025, 1, 1), today));
        assert_eq!(ytd.previous().to, d(2024, 8, 15));
        let q = StatPeriod::parse("2025Q1", today).unwrap();
        assert_eq!((q.from, q.to), (d(2025, 1, 1), d(2025, 3, 31)));
        assert_eq!(q.previous().from, d(2024, 10, 1));
        assert_eq!(q.previous().to, d(2024, 12, 31));
        assert_eq!(
            StatPeriod::parse("2025-q2", today).unwrap().to,
            d(2025, 6, 30)
        );
        let m = StatPeriod::parse("2024-02", today).unwrap();
        assert_eq!(m.to, d(2024, 2, 29));
        assert_eq!(m.previous().from, d(2024, 1, 1));
        let c = StatPeriod::parse("2025-03-10..2025-03-19", today).unwrap();
        assert_eq!(
            (c.previous().from, c.previous().to),
            (d(2025, 2, 28), d(2025, 3, 9))
        );
        assert_eq!(StatPeriod::parse(&c.spec(), today).unwrap(), c);
        assert_eq!(StatPeriod::parse(&q.spec(), today).unwrap(), q);
        assert_eq!(
            StatPeriod::parse("2025", today).unwrap().to,
            d(2025, 12, 31)
        );
        let e = StatPeriod::parse("2025-06-30..2025-01-01", today).unwrap_err();
        assert_eq!(e.code, "metrics.period_reversed");
        for bad in ["2025Q5", "2025-13", "soon", "2025-02-30..2025-03-01"] {
            assert!(StatPeriod::parse(bad, today).is_err(), "{bad}");
        }
        let months = StatPeriod::new(d(2025, 1, 15), d(2025, 3, 10))
            .unwrap()
            .months();
        assert_eq!(months.len(), 3);
        assert_eq!(
            (months[0].from, months[2].to),
            (d(2025, 1, 15), d(2025, 3, 10))
        );
        assert_eq!(StatPeriod::year(2025).unwrap().up_to(today).to, today);
        assert_eq!(q.label_zh(), "2025 年第一季度");
    }

    #[test]
    fn rankings_share_ties_put_undefined_last_and_respect_direction() {
        let f = |m, num, den| Figure::of(m, num, den);
        let rates = [
            f(Metric::ClosureRate, 1, 2),
            f(Metric::ClosureRate, 3, 4),
            f(Metric::ClosureRate, 2, 4),
            f(Metric::ClosureRate, 0, 0),
            f(Metric::ClosureRate, 9, 10),
        ];
        assert_eq!(rank(&rates), vec![Some(3), Some(2), Some(3), None, Some(1)]);
        let days = [
            f(Metric::AverageDays, 100, 10),
            f(Metric::AverageDays, 50, 10),
        ];
        assert_eq!(rank(&days), vec![Some(2), Some(1)]);
        assert_eq!(rank_change(Some(1), Some(3)), Some(2));
        assert_eq!(rank_change(Some(2), None), None);
    }

    #[test]
    fn closing_facts_follow_the_node_or_six_months() {
        assert_eq!(
            closing_facts(d(2025, 1, 1), d(2025, 7, 20), Some((30, d(2025, 7, 31)))),
            (30, true)
        );
        assert_eq!(closing_facts(d(2025, 1, 1), d(2025, 7, 1), None), (0, true));
        assert_eq!(
            closing_facts(d(2025, 1, 1), d(2025, 7, 2), None),
            (0, false)
        );
    }

    #[test]
    fn monthly_tallies_add_up_to_the_period() {
        let def = Definitions::default();
        let cases = sample();
        let whole = Tally::of_cases(&cases, &h1(), &def);
        let mut sum = Tally::default();
        for m in h1().months() {
            let t = Tally::of_cases(&cases, &m, &def);
            sum.received += t.received;
            sum.closed += t.closed;
            sum.days += t.days;
            sum.recovered_fen += t.recovered_fen;
        }
        assert_eq!(
            (sum.received, sum.closed, sum.days, sum.recovered_fen),
            (
                whole.received,
                whole.closed,
                whole.days,
                whole.recovered_fen
            )
        );
    }
}
