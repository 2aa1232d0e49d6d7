//! Settlement agreements (执行和解, CPL art. 241) with instalments, and how their performance
//! stands on a given day. Payments are applied to the instalments in order of their due dates;
//! an instalment unpaid past its due date plus the agreed grace days is a default, after which
//! the applicant may ask to resume enforcement of the original instrument.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};
use crate::money::Fen;

/// The most instalments an agreement may have (ten years of monthly payments).
pub const MAX_INSTALMENTS: usize = 120;
/// The longest grace after a due date before an unpaid instalment counts as a default.
pub const MAX_GRACE_DAYS: u32 = 90;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalment {
    pub due_on: NaiveDate,
    pub amount: Fen,
}

fn refuse(code: &'static str, zh: String, en: String) -> DomainError {
    DomainError::new(code, zh, en)
}

/// Checks an agreement's instalments and returns their total. The total may be less than the
/// claim (the applicant may give some up) but not more; dates strictly increase from the
/// signing day.
pub fn check_agreement(
    signed_on: NaiveDate,
    instalments: &[Instalment],
    claim: Fen,
    grace_days: u32,
) -> DomainResult<Fen> {
    if instalments.is_empty() {
        return Err(refuse(
            "settlement.no_instalments",
            "和解协议须至少约定一期履行".into(),
            "the agreement needs at least one instalment".into(),
        ));
    }
    if instalments.len() > MAX_INSTALMENTS {
        return Err(refuse(
            "settlement.too_many_instalments",
            format!("和解协议最多约定 {MAX_INSTALMENTS} 期"),
            format!("an agreement has at most {MAX_INSTALMENTS} instalments"),
        ));
    }
    if grace_days > MAX_GRACE_DAYS {
        return Err(refuse(
            "settlement.grace_too_long",
            format!("宽限期最长 {MAX_GRACE_DAYS} 日"),
            format!("the grace period is at most {MAX_GRACE_DAYS} days"),
        ));
    }
    let mut total = Fen::ZERO;
    let mut previous: Option<NaiveDate> = None;
    for (i, inst) in instalments.iter().enumerate() {
        let n = i + 1;
        if !inst.amount.is_positive() {
            return Err(refuse(
                "settlement.amount_not_positive",
                format!("第 {n} 期金额必须大于零"),
                format!("instalment {n}: the amount must be more than zero"),
            ));
        }
        if inst.due_on < signed_on {
            return Err(refuse(
                "settlement.due_before_signing",
                format!("第 {n} 期履行日 {} 早于协议签订日 {signed_on}", inst.due_on),
                format!(
                    "instalment {n} is due on {}, before the agreement was signed on {signed_on}",
                    inst.due_on
                ),
            ));
        }
        if previous.is_some_and(|p| inst.due_on <= p) {
            return Err(refuse(
                "settlement.dates_not_increasing",
                format!("第 {n} 期履行日 {} 须晚于上一期", inst.due_on),
                format!(
                    "instalment {n} ({}) must fall after the one before",
                    inst.due_on
                ),
            ));
        }
        previous = Some(inst.due_on);
        total = total.checked_add(inst.amount).ok_or_else(|| {
            refuse(
                "settlement.total_too_large",
                "和解金额合计过大".into(),
                "the instalments add up to too much".into(),
            )
        })?;
    }
    if total > claim {
        return Err(refuse(
            "settlement.more_than_claim",
            format!("和解金额合计 {total} 元超过申请执行标的 {claim} 元"),
            format!("the instalments total {total} yuan, more than the claim of {claim} yuan"),
        ));
    }
    Ok(total)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstalmentStatus {
    Paid,
    /// Not yet due (partly paid or not at all).
    NotDue,
    /// Due, within the grace days.
    InGrace,
    /// Unpaid (in whole or part) past the grace days.
    Defaulted,
}

impl InstalmentStatus {
    pub fn name_zh(self) -> &'static str {
        match self {
            InstalmentStatus::Paid => "已履行",
            InstalmentStatus::NotDue => "未到期",
            InstalmentStatus::InGrace => "宽限期内",
            InstalmentStatus::Defaulted => "逾期未履行",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            InstalmentStatus::Paid => "Paid",
            InstalmentStatus::NotDue => "Not yet due",
            InstalmentStatus::InGrace => "In grace",
            InstalmentStatus::Defaulted => "Defaulted",
        }
    }
}

/// How an agreement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettlementStatus {
    Performing,
    Performed,
    Defaulted,
}

impl SettlementStatus {
    pub fn key(self) -> &'static str {
        match self {
            SettlementStatus::Performing => "performing",
            SettlementStatus::Performed => "performed",
            SettlementStatus::Defaulted => "defaulted",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            SettlementStatus::Performing => "正在履行",
            SettlementStatus::Performed => "履行完毕",
            SettlementStatus::Defaulted => "不履行和解协议",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            SettlementStatus::Performing => "Being performed",
            SettlementStatus::Performed => "Performed",
            SettlementStatus::Defaulted => "In default",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstalmentLine {
    pub due_on: NaiveDate,
    pub amount: Fen,
    pub paid: Fen,
    pub status: InstalmentStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Performance {
    pub lines: Vec<InstalmentLine>,
    pub total: Fen,
    pub paid: Fen,
    pub outstanding: Fen,
    pub status: SettlementStatus,
    /// The first instalment in default, when there is one.
    pub defaulted_on: Option<NaiveDate>,
}

/// The agreement's standing on `today` after `paid` in all has come in (paid more than the total
/// counts as performed; the surplus is not the agreement's business).
pub fn performance(
    instalments: &[Instalment],
    paid: Fen,
    grace_days: u32,
    today: NaiveDate,
) -> Performance {
    let mut left = paid.0.max(0);
    let mut lines = Vec::with_capacity(instalments.len());
    let mut total = 0i64;
    let mut defaulted_on = None;
    for inst in instalments {
        total += inst.amount.0;
        let take = left.min(inst.amount.0);
        left -= take;
        let status = if take == inst.amount.0 {
            InstalmentStatus::Paid
        } else if today <= inst.due_on {
            InstalmentStatus::NotDue
        } else if today
            <= inst
                .due_on
                .checked_add_days(Days::new(u64::from(grace_days)))
                .unwrap_or(NaiveDate::MAX)
        {
            InstalmentStatus::InGrace
        } else {
            if defaulted_on.is_none() {
                defaulted_on = Some(inst.due_on);
            }
            InstalmentStatus::Defaulted
        };
        lines.push(InstalmentLine {
            due_on: inst.due_on,
            amount: inst.amount,
            paid: Fen(take),
            status,
        });
    }
    let paid_towards = paid.0.max(0).min(total);
    let status = if paid_towards >= total {
        SettlementStatus::Performed
    } else if defaulted_on.is_some() {
        SettlementStatus::Defaulted
    } else {
        SettlementStatus::Performing
    };
    Performance {
        lines,
        total: Fen(total),
        paid: Fen(paid_towards),
        outstanding: Fen(total - paid_towards),
        status,
        defaulted_on,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn plan() -> Vec<Instalment> {
        vec![
            Instalment {
                due_on: d("2026-02-28"),
                amount: Fen::from_yuan(10_000),
            },
            Instalment {
                due_on: d("2026-03-31"),
                amount: Fen::from_yuan(10_000),
            },
            Instalment {
                due_on: d("2026-04-30"),
                amount: Fen::from_yuan(5_000),
            },
        ]
    }

    #[test]
    fn agreement_checks() {
        let signed = d("2026-02-01");
        let claim = Fen::from_yuan(30_000);
        assert_eq!(
            check_agreement(signed, &plan(), claim, 5).unwrap(),
            Fen::from_yuan(25_000)
        );
        let e = check_agreement(signed, &plan(), Fen::from_yuan(20_000), 5).unwrap_err();
        assert!(e.code == "settlement.more_than_claim" && e.zh.contains("25,000.00"));
        assert_eq!(
            check_agreement(signed, &[], claim, 5).unwrap_err().code,
            "settlement.no_instalments"
        );
        let mut p = plan();
        p[1].due_on = d("2026-02-28");
        let e = check_agreement(signed, &p, claim, 5).unwrap_err();
        assert!(e.code == "settlement.dates_not_increasing" && e.zh.contains("第 2 期"));
        let mut p = plan();
        p[0].due_on = d("2026-01-15");
        assert_eq!(
            check_agreement(signed, &p, claim, 5).unwrap_err().code,
            "settlement.due_before_signing"
        );
        let mut p = plan();
        p[2].amount = Fen::ZERO;
        assert_eq!(
            check_agreement(signed, &p, claim, 5).unwrap_err().code,
            "settlement.amount_not_positive"
        );
        assert_eq!(
            check_agreement(signed, &plan(), claim, 91)
                .unwrap_err()
                .code,
            "settlement.grace_too_long"
        );
    }

    #[test]
    fn payments_fill_instalments_in_order() {
        let p = performance(&plan(), Fen::from_yuan(15_000), 5, d("2026-03-20"));
        assert_eq!(p.status, SettlementStatus::Performing);
        assert_eq!(p.lines[0].status, InstalmentStatus::Paid);
        assert_eq!(p.lines[1].paid, Fen::from_yuan(5_000));
        assert_eq!(p.lines[1].status, InstalmentStatus::NotDue);
        assert_eq!(p.outstanding, Fen::from_yuan(10_000));

        // Due on 31 March, grace 5 days: 5 April is still grace, 6 April a default.
        let p = performance(&plan(), Fen::from_yuan(15_000), 5, d("2026-04-05"));
        assert_eq!(p.lines[1].status, InstalmentStatus::InGrace);
        assert_eq!(p.status, SettlementStatus::Performing);
        let p = performance(&plan(), Fen::from_yuan(15_000), 5, d("2026-04-06"));
        assert_eq!(p.status, SettlementStatus::Defaulted);
        assert_eq!(p.defaulted_on, Some(d("2026-03-31")));

        let p = performance(&plan(), Fen::from_yuan(26_000), 0, d("2027-01-01"));
        assert_eq!(p.status, SettlementStatus::Performed);
        assert_eq!(p.paid, Fen::from_yuan(25_000));
        assert_eq!(p.outstanding, Fen::ZERO);
        assert!(p.lines.iter().all(|l| l.status == InstalmentStatus::Paid));
    }
}
