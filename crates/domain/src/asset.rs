//! Asset inquiry and control (财产查控), the pure part: the kinds of asset the national network
//! and the registries answer for, which control measure fits which asset, the term caps of
//! CPL interpretation art. 485 (RULES.md §3), renewal, lifting and the carry-over of a
//! preservation measure, the applicant's asset leads and their verification deadline, and the
//! plain-language summary the applicant is told.
//!
//! Terms are month periods computed by [`crate::period`] (the start day is not counted, the term
//! ends on the same-numbered day or the month's last day), so "one year from 2026-03-31" ends on
//! 2027-03-31 and "six months from 2026-08-31" on 2027-02-28. An expiry is not moved off a rest
//! day: the measure simply lapses at the end of that day, and renewal must come before.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::WorkingCalendar;
use crate::error::{DomainError, DomainResult};
use crate::money::Fen;
use crate::period::{due_date, PeriodLimit};

/// The legal source of the term caps, named in every refusal about them.
pub const TERM_RULE_ZH: &str =
    "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第四百八十五条";
pub const TERM_RULE_EN: &str = "CPL interpretation art. 485";

/// Days to verify an applicant's asset lead (SPC asset-investigation rules art. 2).
pub const LEAD_DAYS: u32 = 7;
/// Days to verify an urgent lead.
pub const URGENT_LEAD_DAYS: u32 = 3;

/// What kind of asset a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetKind {
    BankDeposit,
    RealEstate,
    Vehicle,
    Securities,
    OnlinePayment,
    HousingFund,
    EnterpriseShares,
    Ship,
}

impl AssetKind {
    pub const ALL: [AssetKind; 8] = [
        AssetKind::BankDeposit,
        AssetKind::RealEstate,
        AssetKind::Vehicle,
        AssetKind::Securities,
        AssetKind::OnlinePayment,
        AssetKind::HousingFund,
        AssetKind::EnterpriseShares,
        AssetKind::Ship,
    ];

    pub fn key(self) -> &'static str {
        match self {
            AssetKind::BankDeposit => "bank_deposit",
            AssetKind::RealEstate => "real_estate",
            AssetKind::Vehicle => "vehicle",
            AssetKind::Securities => "securities",
            AssetKind::OnlinePayment => "online_payment",
            AssetKind::HousingFund => "housing_fund",
            AssetKind::EnterpriseShares => "enterprise_shares",
            AssetKind::Ship => "ship",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<AssetKind> {
        AssetKind::ALL
            .into_iter()
            .find(|k| k.key() == key.trim())
            .ok_or_else(|| {
                DomainError::new(
                    "asset.unknown_kind",
                    format!("未知的财产类型“{key}”"),
                    format!("unknown asset kind \"{key}\""),
                )
            })
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            AssetKind::BankDeposit => "银行存款",
            AssetKind::RealEstate => "不动产",
            AssetKind::Vehicle => "车辆",
            AssetKind::Securities => "证券",
            AssetKind::OnlinePayment => "网络支付账户",
            AssetKind::HousingFund => "住房公积金",
            AssetKind::EnterpriseShares => "股权",
            AssetKind::Ship => "船舶",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            AssetKind::BankDeposit => "bank deposits",
            AssetKind::RealEstate => "real estate",
            AssetKind::Vehicle => "vehicles",
            AssetKind::Securities => "securities",
            AssetKind::OnlinePayment => "online payment accounts",
            AssetKind::HousingFund => "housing fund",
            AssetKind::EnterpriseShares => "company shares",
            AssetKind::Ship => "ships",
        }
    }

    /// The counting word of the applicant summary (银行存款2项, 不动产1处, 车辆1辆).
    fn unit_zh(self) -> &'static str {
        match self {
            AssetKind::RealEstate => "处",
            AssetKind::Vehicle => "辆",
            AssetKind::Ship => "艘",
            _ => "项",
        }
    }

    /// Money in an account: the amount found is a balance and is summed for the applicant.
    pub fn is_account_money(self) -> bool {
        matches!(
            self,
            AssetKind::BankDeposit
                | AssetKind::OnlinePayment
                | AssetKind::HousingFund
                | AssetKind::Securities
        )
    }

    /// The longest term of a freeze or seal (CPL interpretation art. 485): deposits and other
    /// account money 1 year; movables 2 years; real estate and other property rights 3 years.
    pub fn term_cap_months(self) -> u32 {
        match self {
            AssetKind::BankDeposit | AssetKind::OnlinePayment | AssetKind::HousingFund => 12,
            AssetKind::Vehicle | AssetKind::Ship => 24,
            AssetKind::RealEstate | AssetKind::Securities | AssetKind::EnterpriseShares => 36,
        }
    }

    fn cap_class_zh(self) -> &'static str {
        match self.term_cap_months() {
            12 => "冻结银行存款等款项的期限不超过一年",
            24 => "查封、扣押动产的期限不超过二年",
            _ => "查封不动产、冻结其他财产权的期限不超过三年",
        }
    }

    fn cap_class_en(self) -> &'static str {
        match self.term_cap_months() {
            12 => "bank deposits and other account money are frozen for at most 1 year",
            24 => "movables are sealed or detained for at most 2 years",
            _ => "real estate and other property rights are sealed or frozen for at most 3 years",
        }
    }
}

/// A control measure (控制措施).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlKind {
    Freeze,
    Seal,
    Detain,
    Deduct,
}

impl ControlKind {
    pub const ALL: [ControlKind; 4] = [
        ControlKind::Freeze,
        ControlKind::Seal,
        ControlKind::Detain,
        ControlKind::Deduct,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ControlKind::Freeze => "freeze",
            ControlKind::Seal => "seal",
            ControlKind::Detain => "detain",
            ControlKind::Deduct => "deduct",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<ControlKind> {
        ControlKind::ALL
            .into_iter()
            .find(|k| k.key() == key.trim())
            .ok_or_else(|| {
                DomainError::new(
                    "control.unknown_kind",
                    format!("未知的控制措施“{key}”"),
                    format!("unknown control measure \"{key}\""),
                )
            })
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ControlKind::Freeze => "冻结",
            ControlKind::Seal => "查封",
            ControlKind::Detain => "扣押",
            ControlKind::Deduct => "扣划",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ControlKind::Freeze => "freeze",
            ControlKind::Seal => "seal",
            ControlKind::Detain => "detain",
            ControlKind::Deduct => "deduct",
        }
    }

    /// The renewal's name (续冻, 续封, 续扣).
    pub fn renewal_zh(self) -> &'static str {
        match self {
            ControlKind::Freeze => "续冻",
            ControlKind::Seal => "续封",
            ControlKind::Detain | ControlKind::Deduct => "续扣",
        }
    }

    /// Deduction is a one-off transfer into the court's account: it has no term.
    pub fn has_term(self) -> bool {
        self != ControlKind::Deduct
    }

    /// Which assets the measure fits.
    pub fn fits(self, asset: AssetKind) -> bool {
        use AssetKind as A;
        match self {
            ControlKind::Freeze => matches!(
                asset,
                A::BankDeposit
                    | A::OnlinePayment
                    | A::HousingFund
                    | A::Securities
                    | A::EnterpriseShares
            ),
            ControlKind::Seal => matches!(asset, A::RealEstate | A::Vehicle | A::Ship),
            ControlKind::Detain => matches!(asset, A::Vehicle | A::Ship),
            ControlKind::Deduct => {
                matches!(asset, A::BankDeposit | A::OnlinePayment | A::HousingFund)
            }
        }
    }

    /// The measures that fit an asset, for forms.
    pub fn fitting(asset: AssetKind) -> Vec<ControlKind> {
        ControlKind::ALL
            .into_iter()
            .filter(|c| c.fits(asset))
            .collect()
    }
}

/// Where a measure stands (renewals are history rows; the measure stays in force).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlStatus {
    InForce,
    Lifted,
    Expired,
    Deducted,
}

impl ControlStatus {
    pub const ALL: [ControlStatus; 4] = [
        ControlStatus::InForce,
        ControlStatus::Lifted,
        ControlStatus::Expired,
        ControlStatus::Deducted,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ControlStatus::InForce => "in_force",
            ControlStatus::Lifted => "lifted",
            ControlStatus::Expired => "expired",
            ControlStatus::Deducted => "deducted",
        }
    }

    pub fn from_key(key: &str) -> Option<ControlStatus> {
        ControlStatus::ALL.into_iter().find(|s| s.key() == key)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ControlStatus::InForce => "控制中",
            ControlStatus::Lifted => "已解除",
            ControlStatus::Expired => "已到期失效",
            ControlStatus::Deducted => "已扣划",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ControlStatus::InForce => "In force",
            ControlStatus::Lifted => "Lifted",
            ControlStatus::Expired => "Expired",
            ControlStatus::Deducted => "Deducted",
        }
    }

    /// The status on `today`: an in-force measure past its end date has lapsed.
    pub fn on(self, end_on: Option<NaiveDate>, today: NaiveDate) -> ControlStatus {
        match (self, end_on) {
            (ControlStatus::InForce, Some(end)) if today > end => ControlStatus::Expired,
            (s, _) => s,
        }
    }
}

/// A measure only reaches a debtor's property.
pub fn check_debtor(role: &str, name: &str) -> DomainResult<()> {
    if role == "debtor" {
        return Ok(());
    }
    Err(DomainError::new(
        "asset.not_debtor",
        format!("{name}不是本案被执行人：财产查控、控制措施和财产线索只能针对被执行人"),
        format!("{name} is not a debtor of this case: inquiries, control measures and asset leads concern debtors only"),
    ))
}

/// Refuses a measure that does not fit the asset.
pub fn check_fit(control: ControlKind, asset: AssetKind) -> DomainResult<()> {
    if control.fits(asset) {
        return Ok(());
    }
    let fitting: Vec<&str> = ControlKind::fitting(asset)
        .into_iter()
        .map(ControlKind::name_zh)
        .collect();
    let fitting_en: Vec<&str> = ControlKind::fitting(asset)
        .into_iter()
        .map(ControlKind::name_en)
        .collect();
    Err(DomainError::new(
        "control.kind_mismatch",
        format!(
            "{}不能{}：可以采取的措施为{}",
            asset.name_zh(),
            control.name_zh(),
            fitting.join("、")
        ),
        format!(
            "{} cannot be subject to \"{}\"; possible measures: {}",
            asset.name_en(),
            control.name_en(),
            fitting_en.join(", ")
        ),
    ))
}

/// The end of a term of `months` starting on `start` (period rules, no rest-day move).
pub fn term_end(start: NaiveDate, months: u32, cal: &WorkingCalendar) -> DomainResult<NaiveDate> {
    Ok(due_date(start, PeriodLimit::Months(months), cal, 0)?.nominal)
}

fn check_months(asset: AssetKind, control: ControlKind, months: u32) -> DomainResult<()> {
    if months == 0 {
        return Err(DomainError::new(
            "control.term_required",
            format!("请填写{}期限（月）", control.name_zh()),
            format!("give the term of the {} in months", control.name_en()),
        ));
    }
    let cap = asset.term_cap_months();
    if months > cap {
        return Err(DomainError::new(
            "control.term_over_cap",
            format!(
                "{}{}期限 {months} 个月超过上限 {cap} 个月：{}（{}）",
                asset.name_zh(),
                control.name_zh(),
                asset.cap_class_zh(),
                TERM_RULE_ZH
            ),
            format!(
                "a {} of {} for {months} months exceeds the cap of {cap} months: {} ({})",
                control.name_en(),
                asset.name_en(),
                asset.cap_class_en(),
                TERM_RULE_EN
            ),
        ));
    }
    Ok(())
}

/// A new measure's end date (`None` for a deduction, which has no term): the measure fits the
/// asset and the term is within the cap.
pub fn place_term(
    asset: AssetKind,
    control: ControlKind,
    start: NaiveDate,
    months: u32,
    cal: &WorkingCalendar,
) -> DomainResult<Option<NaiveDate>> {
    check_fit(control, asset)?;
    if !control.has_term() {
        return Ok(None);
    }
    check_months(asset, control, months)?;
    Ok(Some(term_end(start, months, cal)?))
}

/// The amount of a measure: positive when given; a deduction needs one, and no more than the
/// balance found (when it is known).
pub fn check_amount(
    control: ControlKind,
    amount: Option<Fen>,
    available: Option<Fen>,
) -> DomainResult<()> {
    if let Some(a) = amount {
        if a.0 <= 0 {
            return Err(DomainError::new(
                "control.amount_not_positive",
                "控制金额须大于零",
                "the amount must be more than zero",
            ));
        }
    }
    if control == ControlKind::Deduct {
        let Some(a) = amount else {
            return Err(DomainError::new(
                "control.amount_required",
                "扣划须填写金额",
                "a deduction needs an amount",
            ));
        };
        if let Some(b) = available {
            if a > b {
                return Err(DomainError::new(
                    "control.amount_over_balance",
                    format!("扣划金额 {a} 元超过查询到的余额 {b} 元"),
                    format!("the deduction of {a} yuan exceeds the balance found, {b} yuan"),
                ));
            }
        }
    }
    Ok(())
}

fn not_in_force(status: ControlStatus, what_zh: &str, what_en: &str) -> DomainError {
    DomainError::new(
        "control.not_in_force",
        format!("该措施{}，不能{what_zh}", status.name_zh()),
        format!("the measure is {}; it cannot be {what_en}", status.key()),
    )
}

fn lapsed(end: NaiveDate, what_zh: &str, what_en: &str) -> DomainError {
    DomainError::new(
        "control.expired",
        format!("该措施已于 {end} 期满失效，不能{what_zh}；如需控制，请重新采取措施"),
        format!("the measure lapsed on {end}; it cannot be {what_en}; place a new measure instead"),
    )
}

/// A renewal (续冻/续封) on `today`: only while in force and not after its end date; the new
/// term runs from the old end date, up to the same cap. Returns the new end date.
pub fn renewal_end(
    asset: AssetKind,
    control: ControlKind,
    status: ControlStatus,
    end_on: Option<NaiveDate>,
    today: NaiveDate,
    months: u32,
    cal: &WorkingCalendar,
) -> DomainResult<NaiveDate> {
    let Some(end) = end_on else {
        return Err(DomainError::new(
            "control.no_term",
            format!("{}没有期限，不需要续行", control.name_zh()),
            format!("a {} has no term to renew", control.name_en()),
        ));
    };
    match status.on(Some(end), today) {
        ControlStatus::InForce => {}
        ControlStatus::Expired => return Err(lapsed(end, "续行", "renewed")),
        s => return Err(not_in_force(s, "续行", "renewed")),
    }
    check_months(asset, control, months)?;
    term_end(end, months, cal)
}

/// Lifting (解除) on `today`: only a measure in force, with a reason. Returns the trimmed reason.
pub fn check_lift(
    status: ControlStatus,
    end_on: Option<NaiveDate>,
    today: NaiveDate,
    reason: &str,
) -> DomainResult<String> {
    match status.on(end_on, today) {
        ControlStatus::InForce => {}
        ControlStatus::Expired => {
            return Err(lapsed(end_on.unwrap_or(today), "解除", "lifted"));
        }
        s => return Err(not_in_force(s, "解除", "lifted")),
    }
    let r = reason.trim();
    if r.is_empty() {
        return Err(DomainError::new(
            "control.reason_required",
            "解除控制措施须填写理由",
            "lifting a measure needs a reason",
        ));
    }
    if r.chars().count() > 500 {
        return Err(DomainError::new(
            "control.reason_too_long",
            "理由不能超过 500 字",
            "the reason is longer than 500 characters",
        ));
    }
    Ok(r.to_string())
}

/// A preservation measure (from a 执保 case) carried into the enforcement case keeps its start
/// and end dates: its term runs on. Refused when it has already lapsed or its term was beyond
/// the cap.
pub fn check_carry_over(
    asset: AssetKind,
    control: ControlKind,
    start: NaiveDate,
    end: NaiveDate,
    today: NaiveDate,
    cal: &WorkingCalendar,
) -> DomainResult<()> {
    check_fit(control, asset)?;
    if !control.has_term() {
        return Err(DomainError::new(
            "control.no_term",
            "扣划已执行完毕，不存在可续行的保全措施",
            "a deduction is done at once; there is no measure to carry over",
        ));
    }
    if end < start || start > today {
        return Err(DomainError::new(
            "control.carry_dates",
            format!("保全措施的起止日期不正确：{start} 至 {end}"),
            format!("the preservation measure's dates are wrong: {start} to {end}"),
        ));
    }
    if end < today {
        return Err(lapsed(end, "转为执行措施", "carried over"));
    }
    let cap = asset.term_cap_months();
    if end > term_end(start, cap, cal)? {
        return Err(DomainError::new(
            "control.term_over_cap",
            format!(
                "保全措施期限（{start} 至 {end}）超过 {cap} 个月：{}（{}）",
                asset.cap_class_zh(),
                TERM_RULE_ZH
            ),
            format!(
                "the preservation measure ({start} to {end}) runs longer than {cap} months: {} ({})",
                asset.cap_class_en(),
                TERM_RULE_EN
            ),
        ));
    }
    Ok(())
}

/// Days left until a measure's end date (0 on the day itself; negative once lapsed).
pub fn days_left(end: NaiveDate, today: NaiveDate) -> i64 {
    (end - today).num_days()
}

/// The last day to verify an applicant's lead received on `received`: 7 days, 3 when urgent,
/// by the period rules (moved off rest days).
pub fn lead_due(
    received: NaiveDate,
    urgent: bool,
    cal: &WorkingCalendar,
) -> DomainResult<NaiveDate> {
    let days = if urgent { URGENT_LEAD_DAYS } else { LEAD_DAYS };
    Ok(due_date(received, PeriodLimit::Days(days), cal, 0)?.date)
}

/// A lead's description: said in words, at most 500 characters.
pub fn check_lead_text(text: &str) -> DomainResult<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(DomainError::new(
            "lead.description_required",
            "请填写财产线索的内容（财产类型、所在地、账户或登记信息等）",
            "describe the lead (kind of asset, where, account or registration)",
        ));
    }
    if t.chars().count() > 500 {
        return Err(DomainError::new(
            "lead.description_too_long",
            "财产线索不能超过 500 字",
            "the lead is longer than 500 characters",
        ));
    }
    Ok(t.to_string())
}

/// What verifying a lead found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadOutcome {
    Found,
    NotFound,
}

impl LeadOutcome {
    pub fn key(self) -> &'static str {
        match self {
            LeadOutcome::Found => "found",
            LeadOutcome::NotFound => "not_found",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<LeadOutcome> {
        match key.trim() {
            "found" => Ok(LeadOutcome::Found),
            "not_found" => Ok(LeadOutcome::NotFound),
            other => Err(DomainError::new(
                "lead.unknown_outcome",
                format!("未知的核查结果“{other}”（found 或 not_found）"),
                format!("unknown verification outcome \"{other}\" (found or not_found)"),
            )),
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            LeadOutcome::Found => "核实有财产",
            LeadOutcome::NotFound => "未发现财产",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            LeadOutcome::Found => "asset found",
            LeadOutcome::NotFound => "nothing found",
        }
    }
}

/// `约1.2万元` / `约3,500元`: rounded the way one tells a person, never to the fen.
fn approx_zh(f: Fen) -> String {
    let yuan = f.0 as f64 / 100.0;
    if yuan >= 10_000.0 {
        let wan = (yuan / 1_000.0).round() / 10.0;
        let s = format!("{wan:.1}");
        format!("约{}万元", s.trim_end_matches(".0"))
    } else {
        format!(
            "约{}元",
            Fen((yuan.round() as i64) * 100)
                .to_string()
                .trim_end_matches(".00")
        )
    }
}

fn approx_en(f: Fen) -> String {
    let yuan = (f.0 as f64 / 100.0).round() as i64;
    format!(
        "about {} yuan",
        Fen(yuan * 100).to_string().trim_end_matches(".00")
    )
}

/// What an inquiry task has found so far, as the task keeps it (`kind=fen` or `kind=` per
/// finding, comma-separated), so that the round's message at the last answer needs no read of
/// the earlier answers' findings.
pub fn encode_found(found: &[(AssetKind, Option<Fen>)]) -> String {
    found
        .iter()
        .map(|(k, f)| match f {
            Some(f) => format!("{}={}", k.key(), f.0),
            None => format!("{}=", k.key()),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The findings `encode_found` wrote; an entry it did not write is skipped.
pub fn decode_found(text: &str) -> Vec<(AssetKind, Option<Fen>)> {
    text.split(',')
        .filter_map(|item| {
            let (kind, fen) = item.split_once('=')?;
            let kind = AssetKind::from_key(kind).ok()?;
            let fen = match fen {
                "" => None,
                n => Some(Fen(n.parse().ok()?)),
            };
            Some((kind, fen))
        })
        .collect()
}

/// The plain-language summary for the applicant of what the inquiry found (`findings`: the
/// kind and amount of each finding) and what it searched without result (`inquired`): counts
/// and rounded totals by kind, never an account number or a registration number.
pub fn applicant_summary(
    findings: &[(AssetKind, Option<Fen>)],
    inquired: &[AssetKind],
) -> (String, String) {
    let mut found_zh = Vec::new();
    let mut found_en = Vec::new();
    let mut none_zh = Vec::new();
    let mut none_en = Vec::new();
    for kind in AssetKind::ALL {
        let of_kind: Vec<Option<Fen>> = findings
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, a)| *a)
            .collect();
        if of_kind.is_empty() {
            if inquired.contains(&kind) {
                none_zh.push(kind.name_zh());
                none_en.push(kind.name_en());
            }
            continue;
        }
        let n = of_kind.len();
        let total: i64 = of_kind.iter().flatten().map(|f| f.0).sum();
        let has_amount = of_kind.iter().any(Option::is_some);
        if kind.is_account_money() && has_amount {
            found_zh.push(format!(
                "{}{n}{}，合计{}",
                kind.name_zh(),
                kind.unit_zh(),
                approx_zh(Fen(total))
            ));
            found_en.push(format!(
                "{}: {n}, in total {}",
                kind.name_en(),
                approx_en(Fen(total))
            ));
        } else {
            found_zh.push(format!("{}{n}{}", kind.name_zh(), kind.unit_zh()));
            found_en.push(format!("{}: {n}", kind.name_en()));
        }
    }
    let mut zh = String::from("经查询，");
    let mut en = String::from("The inquiry ");
    if found_zh.is_empty() {
        zh.push_str("暂未查询到被执行人名下可供执行的财产");
        en.push_str("found no property of the debtor available for enforcement so far");
        if !none_zh.is_empty() {
            zh.push_str(&format!("（已查询{}）", none_zh.join("、")));
            en.push_str(&format!(" (searched: {})", none_en.join(", ")));
        }
    } else {
        zh.push_str(&format!("查询到{}", found_zh.join("；")));
        en.push_str(&format!("found {}", found_en.join("; ")));
        if !none_zh.is_empty() {
            zh.push_str(&format!("；未查询到{}", none_zh.join("、")));
            en.push_str(&format!("; nothing found for {}", none_en.join(", ")));
        }
    }
    zh.push('。');
    en.push('.');
    (zh, en)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_so_far_round_trips() {
        let found = vec![
            (AssetKind::BankDeposit, Some(Fen(123_456))),
            (AssetKind::RealEstate, None),
            (AssetKind::Vehicle, Some(Fen(0))),
        ];
        let text = encode_found(&found);
        assert_eq!(text, "bank_deposit=123456,real_estate=,vehicle=0");
        assert_eq!(decode_found(&text), found);
        assert_eq!(decode_found(""), Vec::new());
        // What it did not write is skipped, not guessed.
        assert_eq!(
            decode_found("bank_deposit=12x,nonsense=5,real_estate="),
            vec![(AssetKind::RealEstate, None)]
        );
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn cal() -> &'static WorkingCalendar {
        WorkingCalendar::official_ref()
    }

    #[test]
    fn kinds_round_trip_with_names() {
        for k in AssetKind::ALL {
            assert_eq!(AssetKind::from_key(k.key()).unwrap(), k);
            assert!(!k.name_zh().is_empty() && !k.name_en().is_empty());
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.key())
            );
            assert!(!ControlKind::fitting(k).is_empty(), "{k:?}");
        }
        for c in ControlKind::ALL {
            assert_eq!(ControlKind::from_key(c.key()).unwrap(), c);
        }
        assert_eq!(
            AssetKind::from_key("gold").unwrap_err().code,
            "asset.unknown_kind"
        );
        assert_eq!(AssetKind::BankDeposit.name_zh(), "银行存款");
        assert_eq!(AssetKind::EnterpriseShares.name_zh(), "股权");
    }

    #[test]
    fn measures_fit_their_assets() {
        use AssetKind as A;
        use ControlKind as C;
        assert!(C::Freeze.fits(A::BankDeposit) && C::Freeze.fits(A::EnterpriseShares));
        assert!(C::Seal.fits(A::RealEstate) && C::Detain.fits(A::Vehicle));
        assert!(C::Deduct.fits(A::HousingFund) && !C::Deduct.fits(A::Securities));
        let e = check_fit(C::Seal, A::BankDeposit).unwrap_err();
        assert_eq!(e.code, "control.kind_mismatch");
        assert!(
            e.zh.contains("银行存款不能查封") && e.zh.contains("冻结、扣划"),
            "{}",
            e.zh
        );
        assert!(!C::Deduct.has_term());
        assert_eq!(
            place_term(A::BankDeposit, C::Deduct, d("2026-03-31"), 0, cal()).unwrap(),
            None
        );
    }

    #[test]
    fn terms_are_month_periods_within_the_caps() {
        use AssetKind as A;
        use ControlKind as C;
        assert_eq!(
            place_term(A::BankDeposit, C::Freeze, d("2026-03-31"), 12, cal()).unwrap(),
            Some(d("2027-03-31"))
        );
        // Month-end: six months from 31 August end on the last day of February.
        assert_eq!(
            term_end(d("2026-08-31"), 6, cal()).unwrap(),
            d("2027-02-28")
        );
        let e = place_term(A::BankDeposit, C::Freeze, d("2026-03-31"), 13, cal()).unwrap_err();
        assert_eq!(e.code, "control.term_over_cap");
        assert!(
            e.zh.contains("12 个月") && e.zh.contains("第四百八十五条"),
            "{}",
            e.zh
        );
        assert!(e.en.contains("art. 485"), "{}", e.en);
        assert!(place_term(A::Vehicle, C::Seal, d("2026-01-10"), 24, cal()).is_ok());
        assert_eq!(
            place_term(A::Vehicle, C::Detain, d("2026-01-10"), 25, cal())
                .unwrap_err()
                .code,
            "control.term_over_cap"
        );
        assert_eq!(
            place_term(A::RealEstate, C::Seal, d("2026-01-10"), 36, cal()).unwrap(),
            Some(d("2029-01-10"))
        );
        assert_eq!(
            place_term(A::RealEstate, C::Seal, d("2026-01-10"), 0, cal())
                .unwrap_err()
                .code,
            "control.term_required"
        );
        assert_eq!(A::HousingFund.term_cap_months(), 12);
        assert_eq!(A::Ship.term_cap_months(), 24);
        assert_eq!(A::Securities.term_cap_months(), 36);
    }

    #[test]
    fn renewal_only_while_in_force_from_the_old_expiry() {
        use AssetKind as A;
        use ControlKind as C;
        let end = Some(d("2027-03-31"));
        let new_end = renewal_end(
            A::BankDeposit,
            C::Freeze,
            ControlStatus::InForce,
            end,
            d("2027-03-20"),
            12,
            cal(),
        )
        .unwrap();
        assert_eq!(new_end, d("2028-03-31"));
        // On the last day it is still in force.
        assert!(renewal_end(
            A::BankDeposit,
            C::Freeze,
            ControlStatus::InForce,
            end,
            d("2027-03-31"),
            12,
            cal()
        )
        .is_ok());
        let e = renewal_end(
            A::BankDeposit,
            C::Freeze,
            ControlStatus::InForce,
            end,
            d("2027-04-01"),
            12,
            cal(),
        )
        .unwrap_err();
        assert_eq!(e.code, "control.expired");
        let e = renewal_end(
            A::BankDeposit,
            C::Freeze,
            ControlStatus::InForce,
            end,
            d("2027-03-01"),
            13,
            cal(),
        )
        .unwrap_err();
        assert_eq!(e.code, "control.term_over_cap");
        let e = renewal_end(
            A::BankDeposit,
            C::Freeze,
            ControlStatus::Lifted,
            end,
            d("2027-03-01"),
            6,
            cal(),
        )
        .unwrap_err();
        assert_eq!(e.code, "control.not_in_force");
        assert_eq!(
            ControlStatus::InForce.on(end, d("2027-04-01")),
            ControlStatus::Expired
        );
        assert_eq!(days_left(d("2027-03-31"), d("2027-03-16")), 15);
    }

    #[test]
    fn lifting_needs_a_reason_and_a_live_measure() {
        let end = Some(d("2027-03-31"));
        assert_eq!(
            check_lift(ControlStatus::InForce, end, d("2026-05-01"), " 已履行 ").unwrap(),
            "已履行"
        );
        assert_eq!(
            check_lift(ControlStatus::InForce, end, d("2026-05-01"), " ")
                .unwrap_err()
                .code,
            "control.reason_required"
        );
        assert_eq!(
            check_lift(ControlStatus::InForce, end, d("2027-04-02"), "x")
                .unwrap_err()
                .code,
            "control.expired"
        );
        assert_eq!(
            check_lift(ControlStatus::Lifted, end, d("2026-05-01"), "x")
                .unwrap_err()
                .code,
            "control.not_in_force"
        );
    }

    #[test]
    fn a_preservation_measure_carries_over_with_its_term() {
        use AssetKind as A;
        use ControlKind as C;
        assert!(check_carry_over(
            A::RealEstate,
            C::Seal,
            d("2025-06-01"),
            d("2028-06-01"),
            d("2026-01-05"),
            cal()
        )
        .is_ok());
        assert_eq!(
            check_carry_over(
                A::BankDeposit,
                C::Freeze,
                d("2025-01-01"),
                d("2026-01-01"),
                d("2026-01-05"),
                cal()
            )
            .unwrap_err()
            .code,
            "control.expired"
        );
        assert_eq!(
            check_carry_over(
                A::BankDeposit,
                C::Freeze,
                d("2025-06-01"),
                d("2026-07-01"),
                d("2026-01-05"),
                cal()
            )
            .unwrap_err()
            .code,
            "control.term_over_cap"
        );
        assert_eq!(
            check_carry_over(
                A::BankDeposit,
                C::Seal,
                d("2025-06-01"),
                d("2026-06-01"),
                d("2026-01-05"),
                cal()
            )
            .unwrap_err()
            .code,
            "control.kind_mismatch"
        );
    }

    #[test]
    fn leads_are_due_in_seven_days_or_three_when_urgent() {
        // Received Monday 2026-03-02: 7 days → Monday 03-09; 3 days → Thursday 03-05.
        assert_eq!(
            lead_due(d("2026-03-02"), false, cal()).unwrap(),
            d("2026-03-09")
        );
        assert_eq!(
            lead_due(d("2026-03-02"), true, cal()).unwrap(),
            d("2026-03-05")
        );
        // Received Wednesday 2026-03-04, urgent: 3 days end on Saturday → Monday 03-09.
        assert_eq!(
            lead_due(d("2026-03-04"), true, cal()).unwrap(),
            d("2026-03-09")
        );
        assert_eq!(
            check_lead_text("  ").unwrap_err().code,
            "lead.description_required"
        );
        assert_eq!(LeadOutcome::from_key("found").unwrap(), LeadOutcome::Found);
        assert!(LeadOutcome::from_key("maybe").is_err());
    }

    #[test]
    fn amounts() {
        assert!(check_amount(ControlKind::Freeze, None, None).is_ok());
        assert_eq!(
            check_amount(ControlKind::Deduct, None, None)
                .unwrap_err()
                .code,
            "control.amount_required"
        );
        assert_eq!(
            check_amount(ControlKind::Deduct, Some(Fen(500)), Some(Fen(400)))
                .unwrap_err()
                .code,
            "control.amount_over_balance"
        );
        assert_eq!(
            check_amount(ControlKind::Freeze, Some(Fen(0)), None)
                .unwrap_err()
                .code,
            "control.amount_not_positive"
        );
    }

    #[test]
    fn only_debtors() {
        assert!(check_debtor("debtor", "李四").is_ok());
        let e = check_debtor("applicant", "张三").unwrap_err();
        assert_eq!(e.code, "asset.not_debtor");
        assert!(e.zh.contains("张三不是本案被执行人"));
    }

    #[test]
    fn the_applicant_summary_counts_and_rounds() {
        use AssetKind as A;
        let (zh, en) = applicant_summary(
            &[
                (A::BankDeposit, Some(Fen(800_000))),
                (A::BankDeposit, Some(Fen(400_000))),
                (A::RealEstate, Some(Fen(50_000_000))),
            ],
            &A::ALL,
        );
        assert!(
            zh.starts_with(
                "经查询，查询到银行存款2项，合计约1.2万元；不动产1处；未查询到车辆、证券"
            ),
            "{zh}"
        );
        assert!(zh.ends_with("船舶。"), "{zh}");
        assert!(
            en.contains("bank deposits: 2, in total about 12,000 yuan"),
            "{en}"
        );
        let (zh, _) = applicant_summary(&[(A::HousingFund, Some(Fen(350_049)))], &[A::HousingFund]);
        assert_eq!(zh, "经查询，查询到住房公积金1项，合计约3,500元。");
        let (zh, en) = applicant_summary(&[], &[A::BankDeposit, A::Vehicle]);
        assert_eq!(
            zh,
            "经查询，暂未查询到被执行人名下可供执行的财产（已查询银行存款、车辆）。"
        );
        assert!(en.contains("found no property"));
    }
}
