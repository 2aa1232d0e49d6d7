//! Case funds (案款, RULES.md §8): one account per case (一案一账号), receipts by source, the
//! ledger that never goes negative, distribution among several applicants by the court's plan,
//! who approves a payout, and the reconciliation of a period. Pure: the app loads and stores.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::document::ApprovalLevel;
use crate::error::{DomainError, DomainResult};
use crate::money::Fen;
use crate::role::Role;

fn refuse(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> DomainError {
    DomainError::new(code, zh, en)
}

/// Where received money came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptSource {
    /// 扣划: deducted from the debtor's account by the court.
    Deduction,
    /// 自动履行: the debtor paid of their own accord.
    Voluntary,
    /// 拍卖/变卖款: proceeds of an auction or sale.
    Auction,
    /// 现金: cash handed over at the court; two officers count it the same day.
    Cash,
    /// 其他.
    Other,
}

impl ReceiptSource {
    pub const ALL: [ReceiptSource; 5] = [
        ReceiptSource::Deduction,
        ReceiptSource::Voluntary,
        ReceiptSource::Auction,
        ReceiptSource::Cash,
        ReceiptSource::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ReceiptSource::Deduction => "deduction",
            ReceiptSource::Voluntary => "voluntary",
            ReceiptSource::Auction => "auction",
            ReceiptSource::Cash => "cash",
            ReceiptSource::Other => "other",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<ReceiptSource> {
        ReceiptSource::ALL
            .into_iter()
            .find(|s| s.key() == key.trim())
            .ok_or_else(|| {
                refuse(
                    "funds.source_unknown",
                    format!("未知的案款来源：{key}"),
                    format!("unknown source of funds: {key}"),
                )
            })
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ReceiptSource::Deduction => "扣划",
            ReceiptSource::Voluntary => "自动履行",
            ReceiptSource::Auction => "拍卖/变卖款",
            ReceiptSource::Cash => "现金",
            ReceiptSource::Other => "其他",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ReceiptSource::Deduction => "deduction",
            ReceiptSource::Voluntary => "voluntary payment",
            ReceiptSource::Auction => "auction or sale proceeds",
            ReceiptSource::Cash => "cash",
            ReceiptSource::Other => "other",
        }
    }
}

/// A ledger entry's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Receipt,
    Disbursement,
}

impl EntryKind {
    pub fn key(self) -> &'static str {
        match self {
            EntryKind::Receipt => "receipt",
            EntryKind::Disbursement => "disbursement",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<EntryKind> {
        match key {
            "receipt" => Ok(EntryKind::Receipt),
            "disbursement" => Ok(EntryKind::Disbursement),
            _ => Err(refuse(
                "funds.kind_unknown",
                format!("未知的分录类型：{key}"),
                format!("unknown entry kind: {key}"),
            )),
        }
    }

    /// The entry's amount as it moves the balance.
    pub fn signed(self, amount: Fen) -> Fen {
        match self {
            EntryKind::Receipt => amount,
            EntryKind::Disbursement => Fen(-amount.0),
        }
    }
}

/// The ledger rule: the balance after an entry, refused when the amount is not positive or a
/// payout is larger than the balance (the balance never goes negative).
pub fn apply_entry(balance: Fen, kind: EntryKind, amount: Fen) -> DomainResult<Fen> {
    if !amount.is_positive() {
        return Err(refuse(
            "funds.not_positive",
            "金额必须大于零",
            "the amount must be more than zero",
        ));
    }
    match kind {
        EntryKind::Receipt => balance.checked_add(amount).ok_or_else(|| {
            refuse(
                "funds.overflow",
                "金额超出可记录范围",
                "the amount is too large",
            )
        }),
        EntryKind::Disbursement if amount > balance => Err(more_than_balance(amount, balance)),
        EntryKind::Disbursement => Ok(Fen(balance.0 - amount.0)),
    }
}

/// The refusal of a payout above the balance, naming both amounts.
pub fn more_than_balance(amount: Fen, balance: Fen) -> DomainError {
    refuse(
        "funds.more_than_balance",
        format!("发放金额 {amount} 元超过案款余额 {balance} 元"),
        format!("the payout of {amount} yuan is more than the balance of {balance} yuan"),
    )
}

/// A receipt as the officer records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub amount: Fen,
    pub source: ReceiptSource,
    pub payer: String,
    /// The bank slip, deduction ruling or cash voucher number.
    pub reference: String,
    pub received_on: NaiveDate,
    /// Cash: the second officer who counted it with the recorder (RULES.md §8).
    pub second_officer_id: Option<i64>,
}

/// Checks a receipt: positive, not received in the future, texts short, and cash counted by a
/// second officer who is not the recorder. The app checks that the second officer is an active
/// member of the case's court.
pub fn check_receipt(r: &Receipt, recorder_id: Option<i64>, today: NaiveDate) -> DomainResult<()> {
    if !r.amount.is_positive() {
        return Err(refuse(
            "funds.not_positive",
            "到账金额必须大于零",
            "the amount must be more than zero",
        ));
    }
    if r.received_on > today {
        return Err(refuse(
            "funds.date_in_future",
            format!("到账日期 {} 晚于今天", r.received_on),
            format!("the date received, {}, is in the future", r.received_on),
        ));
    }
    check_text(&r.payer, 100, "缴款人", "payer")?;
    check_text(&r.reference, 100, "凭证号", "reference")?;
    if r.reference.trim().is_empty() {
        return Err(refuse(
            "funds.reference_required",
            "请填写银行回单、扣划裁定或收款凭证号",
            "the bank slip, deduction ruling or voucher number is required",
        ));
    }
    if r.source == ReceiptSource::Cash {
        match r.second_officer_id {
            None => {
                return Err(refuse(
                    "funds.cash_second_officer",
                    "现金收款须由两名干警当日共同清点，请填写第二名经办人",
                    "cash is counted by two officers the same day: name the second officer",
                ))
            }
            Some(id) if Some(id) == recorder_id => {
                return Err(refuse(
                    "funds.cash_same_officer",
                    "第二名经办人不能是登记人本人",
                    "the second officer may not be the one recording",
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn check_text(s: &str, max: usize, zh: &str, en: &str) -> DomainResult<()> {
    if s.chars().any(char::is_control) {
        return Err(refuse(
            "funds.control_chars",
            format!("{zh}含有换行或不可见字符"),
            format!("the {en} contains control characters"),
        ));
    }
    if s.trim().chars().count() > max {
        return Err(refuse(
            "funds.text_too_long",
            format!("{zh}不能超过 {max} 字"),
            format!("the {en} may be at most {max} characters"),
        ));
    }
    Ok(())
}

/// One payee of a distribution plan (分配方案): an applicant party of the case and an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanLine {
    pub party_id: i64,
    pub amount: Fen,
}

/// The plan's total.
pub fn plan_total(lines: &[PlanLine]) -> Fen {
    Fen(lines.iter().map(|l| l.amount.0).sum())
}

/// Checks a distribution plan: at least one line, each to an applicant of the case (once) and
/// more than zero, the total at most the balance.
pub fn check_plan(lines: &[PlanLine], applicants: &[i64], balance: Fen) -> DomainResult<Fen> {
    if lines.is_empty() {
        return Err(refuse(
            "funds.plan_empty",
            "发放方案至少需要一名收款人",
            "the plan needs at least one payee",
        ));
    }
    let mut seen = BTreeSet::new();
    for l in lines {
        if !applicants.contains(&l.party_id) {
            return Err(refuse(
                "funds.payee_not_applicant",
                "收款人须为本案的申请执行人",
                "every payee must be an applicant of the case",
            ));
        }
        if !seen.insert(l.party_id) {
            return Err(refuse(
                "funds.payee_twice",
                "同一收款人在方案中只能出现一次",
                "a payee may appear only once in the plan",
            ));
        }
        if !l.amount.is_positive() {
            return Err(refuse(
                "funds.not_positive",
                "每名收款人的金额必须大于零",
                "each payee's amount must be more than zero",
            ));
        }
    }
    let total = lines
        .iter()
        .try_fold(Fen(0), |acc, l| acc.checked_add(l.amount))
        .ok_or_else(|| more_than_balance(Fen(i64::MAX), balance))?;
    if total > balance {
        return Err(more_than_balance(total, balance));
    }
    Ok(total)
}

/// Splits `total` among payees in proportion to their weights (e.g. their claims), in whole
/// fen that sum exactly to `total`: each gets the floor of its share, and the fen left over go
/// one each to the largest remainders (ties: the earlier payee). A payee whose share rounds to
/// zero is left out, since a plan line must be positive.
pub fn pro_rata(total: Fen, weights: &[(i64, i64)]) -> Vec<PlanLine> {
    let sum: i128 = weights.iter().map(|w| i128::from(w.1.max(0))).sum();
    if total.0 <= 0 || sum == 0 {
        return Vec::new();
    }
    let t = i128::from(total.0);
    let mut shares: Vec<(usize, i128, i128)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let exact = t * i128::from(w.1.max(0));
            (i, exact / sum, exact % sum)
        })
        .collect();
    let given: i128 = shares.iter().map(|s| s.1).sum();
    let mut left = t - given;
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|a, b| shares[*b].2.cmp(&shares[*a].2).then(a.cmp(b)));
    for i in order {
        if left == 0 {
            break;
        }
        if weights[i].1 > 0 {
            shares[i].1 += 1;
            left -= 1;
        }
    }
    shares
        .into_iter()
        .filter(|s| s.1 > 0)
        .map(|(i, amount, _)| PlanLine {
            party_id: weights[i].0,
            amount: Fen(amount as i64),
        })
        .collect()
}

/// What an applicant may be paid: the claim the court stated for the payout plan (None: not
/// stated) and what has been paid to them already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entitlement {
    pub party_id: i64,
    pub claim: Option<Fen>,
    pub paid: Fen,
}

impl Entitlement {
    /// What is still owed to the applicant, when the claim is stated.
    pub fn outstanding(&self) -> Option<Fen> {
        self.claim.map(|c| Fen((c.0 - self.paid.0).max(0)))
    }
}

/// Checks the claims the court states for a case's applicants (分配方案的依据): every
/// applicant named once, each claim more than zero, and together exactly the case's claim
/// (申请执行标的), so the plan divides what the case enforces and nothing else.
pub fn check_applicant_claims(
    claims: &[PlanLine],
    applicants: &[i64],
    case_claim: Fen,
) -> DomainResult<()> {
    let mut seen = BTreeSet::new();
    for c in claims {
        if !applicants.contains(&c.party_id) {
            return Err(refuse(
                "funds.claim_not_applicant",
                "只能为本案的申请执行人登记债权额",
                "claims can be stated only for the case's applicants",
            ));
        }
        if !seen.insert(c.party_id) {
            return Err(refuse(
                "funds.claim_twice",
                "每名申请执行人的债权额只能登记一次",
                "each applicant's claim may be stated only once",
            ));
        }
        if !c.amount.is_positive() {
            return Err(refuse(
                "funds.claim_not_positive",
                "每名申请执行人的债权额必须大于零",
                "each applicant's claim must be more than zero",
            ));
        }
    }
    if seen.len() != applicants.len() {
        return Err(refuse(
            "funds.claims_incomplete",
            "须为本案每一名申请执行人登记债权额",
            "state the claim of every applicant of the case",
        ));
    }
    let total = claims
        .iter()
        .try_fold(Fen(0), |acc, c| acc.checked_add(c.amount))
        .unwrap_or(Fen(i64::MAX));
    if total != case_claim {
        return Err(refuse(
            "funds.claims_total",
            format!("各申请执行人债权额之和（{total} 元）须等于本案申请执行标的（{case_claim} 元）"),
            format!(
                "the applicants' claims add up to {total} yuan; they must equal the case's claim of {case_claim} yuan"
            ),
        ));
    }
    Ok(())
}

/// The payout suggested to start the plan from. When the court has stated every applicant's
/// claim, `available` is split in proportion to what each is still owed, and nobody is offered
/// more than that (what is left over stays in the account); otherwise in equal shares.
pub fn suggest_payout(available: Fen, applicants: &[Entitlement]) -> Vec<PlanLine> {
    let owed: Option<Vec<(i64, i64)>> = applicants
        .iter()
        .map(|a| a.outstanding().map(|o| (a.party_id, o.0)))
        .collect();
    match owed {
        Some(weights) if !weights.is_empty() => {
            let total_owed: i64 = weights.iter().map(|w| w.1).sum();
            pro_rata(Fen(available.0.min(total_owed)), &weights)
        }
        _ => {
            let weights: Vec<(i64, i64)> = applicants.iter().map(|a| (a.party_id, 1)).collect();
            pro_rata(available, &weights)
        }
    }
}

/// Refuses a plan that pays an applicant more than is still owed to them, when the court has
/// stated the claims.
pub fn check_within_claims(
    lines: &[PlanLine],
    applicants: &[Entitlement],
    name_of: impl Fn(i64) -> String,
) -> DomainResult<()> {
    for l in lines {
        let Some(owed) = applicants
            .iter()
            .find(|a| a.party_id == l.party_id)
            .and_then(Entitlement::outstanding)
        else {
            continue;
        };
        if l.amount > owed {
            let name = name_of(l.party_id);
            return Err(refuse(
                "funds.above_claim",
                format!(
                    "发放给{name}的 {} 元超过其尚未受偿的债权额 {owed} 元",
                    l.amount
                ),
                format!(
                    "{} yuan to {name} is more than the {owed} yuan still owed to them",
                    l.amount
                ),
            ));
        }
    }
    Ok(())
}

/// Disbursement statuses: proposed → paid (approval pays at once) or refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisbursementStatus {
    Proposed,
    Paid,
    Refused,
}

impl DisbursementStatus {
    pub fn key(self) -> &'static str {
        match self {
            DisbursementStatus::Proposed => "proposed",
            DisbursementStatus::Paid => "paid",
            DisbursementStatus::Refused => "refused",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<DisbursementStatus> {
        match key {
            "proposed" => Ok(DisbursementStatus::Proposed),
            "paid" => Ok(DisbursementStatus::Paid),
            "refused" => Ok(DisbursementStatus::Refused),
            _ => Err(refuse(
                "funds.status_unknown",
                format!("未知的发放状态：{key}"),
                format!("unknown disbursement status: {key}"),
            )),
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            DisbursementStatus::Proposed => "待审批",
            DisbursementStatus::Paid => "已发放",
            DisbursementStatus::Refused => "不予发放",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            DisbursementStatus::Proposed => "awaiting approval",
            DisbursementStatus::Paid => "paid",
            DisbursementStatus::Refused => "refused",
        }
    }
}

/// A court's fund settings (`fund_account`): the account's bank and name printed on notices,
/// and the payout approval rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundSettings {
    pub bank: String,
    pub account_name: String,
    /// Payouts above this need `approval_level` (RULES.md §8: e.g. 100,000 yuan).
    pub approval_above_fen: i64,
    /// `team_leader`, `bureau_chief` or `president`.
    pub approval_level: String,
}

/// The default threshold above which a higher level approves: 100,000 yuan.
pub const DEFAULT_APPROVAL_ABOVE: Fen = Fen::from_yuan(100_000);
/// The default bank of a court's fund account (the court may name its own).
pub const DEFAULT_BANK: &str = "中国工商银行";

impl FundSettings {
    /// The defaults for a court: "<court name>执行款专户" at the default bank, bureau chief above
    /// 100,000 yuan.
    pub fn default_for(court_name: &str) -> FundSettings {
        FundSettings {
            bank: DEFAULT_BANK.into(),
            account_name: format!("{court_name}执行款专户"),
            approval_above_fen: DEFAULT_APPROVAL_ABOVE.0,
            approval_level: ApprovalLevel::BureauChief.key().into(),
        }
    }

    /// Parses and checks a setting document; missing fields take the court's defaults.
    pub fn from_json(value: &str, court_name: &str) -> DomainResult<FundSettings> {
        #[derive(Deserialize)]
        struct Raw {
            bank: Option<String>,
            account_name: Option<String>,
            approval_above_fen: Option<i64>,
            approval_level: Option<String>,
        }
        let raw: Raw = serde_json::from_str(value).map_err(|e| {
            refuse(
                "funds.setting_invalid",
                format!("案款账户设置格式有误：{e}"),
                format!("the fund account setting is malformed: {e}"),
            )
        })?;
        let d = FundSettings::default_for(court_name);
        let s = FundSettings {
            bank: raw.bank.map(|s| s.trim().to_string()).unwrap_or(d.bank),
            account_name: raw
                .account_name
                .map(|s| s.trim().to_string())
                .unwrap_or(d.account_name),
            approval_above_fen: raw.approval_above_fen.unwrap_or(d.approval_above_fen),
            approval_level: raw.approval_level.unwrap_or(d.approval_level),
        };
        s.check()?;
        Ok(s)
    }

    pub fn check(&self) -> DomainResult<()> {
        for (v, zh, en) in [
            (&self.bank, "开户行", "bank"),
            (&self.account_name, "户名", "account name"),
        ] {
            if v.trim().is_empty() {
                return Err(refuse(
                    "funds.setting_required",
                    format!("请填写{zh}"),
                    format!("the {en} is required"),
                ));
            }
            check_text(v, 60, zh, en)?;
        }
        if self.approval_above_fen < 0 {
            return Err(refuse(
                "funds.threshold_negative",
                "审批金额界限不能为负数",
                "the approval threshold may not be negative",
            ));
        }
        self.level()?;
        Ok(())
    }

    /// The level that approves payouts above the threshold.
    pub fn level(&self) -> DomainResult<ApprovalLevel> {
        match ApprovalLevel::from_key(&self.approval_level) {
            Some(
                l @ (ApprovalLevel::TeamLeader
                | ApprovalLevel::BureauChief
                | ApprovalLevel::President),
            ) => Ok(l),
            _ => Err(refuse(
                "funds.level_invalid",
                "大额发放的审批层级须为团队长、执行局长或院长",
                "large payouts are approved by the team leader, the bureau chief or the president",
            )),
        }
    }

    /// Who approves a payout of `total`: up to the threshold a judge (or team leader) of the
    /// case; above it the configured level.
    pub fn required_level(&self, total: Fen) -> ApprovalLevel {
        if total.0 > self.approval_above_fen {
            self.level().unwrap_or(ApprovalLevel::BureauChief)
        } else {
            ApprovalLevel::Judge
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Whether the proposer may pay at once: the payout needs no more than the judge level and the
/// proposer is a judge or team leader (their own payout authority, not an approval of
/// someone else's proposal).
pub fn pays_at_once(level: ApprovalLevel, proposer: Role) -> bool {
    level == ApprovalLevel::Judge && matches!(proposer, Role::Judge | Role::TeamLeader)
}

/// Whether `approver` may decide a proposal of `level` made by `proposer_id`: the role reaches
/// the level, and nobody approves their own proposal.
pub fn check_approver(
    level: ApprovalLevel,
    role: Role,
    approver_id: Option<i64>,
    proposer_id: Option<i64>,
) -> DomainResult<()> {
    if !level.roles().contains(&role) {
        return Err(refuse(
            "funds.approval_level",
            format!(
                "此笔发放须由{}审批，{}无此权限",
                level.name_zh(),
                role.name_zh()
            ),
            format!(
                "this payout is approved by {}; a {} may not approve it",
                level.name_en(),
                role.name_en()
            ),
        ));
    }
    if approver_id.is_some() && approver_id == proposer_id {
        return Err(refuse(
            "funds.self_approval",
            "不能审批自己提出的发放方案",
            "you may not approve your own proposal",
        ));
    }
    Ok(())
}

/// One case's movements in a period, as the aggregate queries give them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct CaseMovements {
    /// The ledger's balance before the period.
    pub opening: Fen,
    pub receipts: Fen,
    pub disbursements: Fen,
    /// The ledger's balance over all its entries (for the check against the case).
    pub ledger_balance: Fen,
    /// What the case says it holds (`cases.held_fen`).
    pub held: Fen,
}

impl CaseMovements {
    /// Opening + receipts − disbursements.
    pub fn closing(&self) -> Fen {
        Fen(self.opening.0 + self.receipts.0 - self.disbursements.0)
    }

    /// Opening, receipts, disbursements and held, summed.
    pub fn add(&mut self, o: &CaseMovements) {
        self.opening = Fen(self.opening.0 + o.opening.0);
        self.receipts = Fen(self.receipts.0 + o.receipts.0);
        self.disbursements = Fen(self.disbursements.0 + o.disbursements.0);
        self.ledger_balance = Fen(self.ledger_balance.0 + o.ledger_balance.0);
        self.held = Fen(self.held.0 + o.held.0);
    }
}

/// A difference the reconciliation found in a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub code: &'static str,
    pub zh: String,
    pub en: String,
}

/// What is wrong with a case's funds: a ledger that went negative, or a ledger whose balance is
/// not what the case holds (money moved outside the ledger).
pub fn differences(m: &CaseMovements) -> Vec<Difference> {
    let mut out = Vec::new();
    if m.opening.0 < 0 || m.closing().0 < 0 {
        out.push(Difference {
            code: "funds.ledger_negative",
            zh: "台账余额为负".into(),
            en: "the ledger's balance is negative".into(),
        });
    }
    if m.ledger_balance != m.held {
        out.push(Difference {
            code: "funds.ledger_not_held",
            zh: format!(
                "台账余额 {} 元与案件在账金额 {} 元不符",
                m.ledger_balance, m.held
            ),
            en: format!(
                "the ledger's balance of {} yuan differs from the {} yuan the case holds",
                m.ledger_balance, m.held
            ),
        });
    }
    out
}

/// Checks a reconciliation period: from ≤ to, at most ten years.
pub fn check_period(from: NaiveDate, to: NaiveDate) -> DomainResult<()> {
    if from > to {
        return Err(refuse(
            "funds.period_reversed",
            "起始日期晚于截止日期",
            "the period starts after it ends",
        ));
    }
    if (to - from).num_days() > 3660 {
        return Err(refuse(
            "funds.period_too_long",
            "对账期间不能超过十年",
            "the period may be at most ten years",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn receipt(source: ReceiptSource) -> Receipt {
        Receipt {
            amount: Fen::from_yuan(500),
            source,
            payer: "李四".into(),
            reference: "HD2026001".into(),
            received_on: d("2026-03-02"),
            second_officer_id: None,
        }
    }

    #[test]
    fn the_ledger_never_goes_negative() {
        let b = apply_entry(Fen(0), EntryKind::Receipt, Fen(1_000)).unwrap();
        assert_eq!(b, Fen(1_000));
        assert_eq!(
            apply_entry(b, EntryKind::Disbursement, Fen(400)).unwrap(),
            Fen(600)
        );
        assert_eq!(
            apply_entry(b, EntryKind::Disbursement, Fen(1_000)).unwrap(),
            Fen(0)
        );
        let e = apply_entry(b, EntryKind::Disbursement, Fen(1_001)).unwrap_err();
        assert_eq!(e.code, "funds.more_than_balance");
        assert!(e.zh.contains("10.00"), "{}", e.zh);
        assert_eq!(
            apply_entry(b, EntryKind::Receipt, Fen(0)).unwrap_err().code,
            "funds.not_positive"
        );
        assert_eq!(EntryKind::Disbursement.signed(Fen(5)), Fen(-5));
    }

    #[test]
    fn receipts_are_checked_and_cash_needs_a_second_officer() {
        let today = d("2026-03-02");
        check_receipt(&receipt(ReceiptSource::Deduction), Some(1), today).unwrap();
        let mut r = receipt(ReceiptSource::Cash);
        assert_eq!(
            check_receipt(&r, Some(1), today).unwrap_err().code,
            "funds.cash_second_officer"
        );
        r.second_officer_id = Some(1);
        assert_eq!(
            check_receipt(&r, Some(1), today).unwrap_err().code,
            "funds.cash_same_officer"
        );
        r.second_officer_id = Some(2);
        check_receipt(&r, Some(1), today).unwrap();
        let mut late = receipt(ReceiptSource::Voluntary);
        late.received_on = d("2026-03-03");
        assert_eq!(
            check_receipt(&late, Some(1), today).unwrap_err().code,
            "funds.date_in_future"
        );
        let mut no_ref = receipt(ReceiptSource::Auction);
        no_ref.reference = " ".into();
        assert_eq!(
            check_receipt(&no_ref, Some(1), today).unwrap_err().code,
            "funds.reference_required"
        );
        for s in ReceiptSource::ALL {
            assert_eq!(ReceiptSource::from_key(s.key()).unwrap(), s);
        }
        assert!(ReceiptSource::from_key("gift").is_err());
    }

    #[test]
    fn plans_pay_applicants_only_within_the_balance() {
        let line = |party_id, y| PlanLine {
            party_id,
            amount: Fen::from_yuan(y),
        };
        let apps = [10, 11];
        assert_eq!(
            check_plan(&[line(10, 60), line(11, 40)], &apps, Fen::from_yuan(100)).unwrap(),
            Fen::from_yuan(100)
        );
        let code = |lines: &[PlanLine]| {
            check_plan(lines, &apps, Fen::from_yuan(100))
                .unwrap_err()
                .code
        };
        assert_eq!(code(&[]), "funds.plan_empty");
        assert_eq!(code(&[line(12, 10)]), "funds.payee_not_applicant");
        assert_eq!(code(&[line(10, 10), line(10, 5)]), "funds.payee_twice");
        assert_eq!(code(&[line(10, 0)]), "funds.not_positive");
        assert_eq!(
            code(&[line(10, 60), line(11, 41)]),
            "funds.more_than_balance"
        );
    }

    #[test]
    fn pro_rata_sums_exactly_by_largest_remainder() {
        // 100.00 yuan among three equal claims: 33.34 + 33.33 + 33.33.
        let p = pro_rata(Fen(10_000), &[(1, 1), (2, 1), (3, 1)]);
        assert_eq!(
            p.iter().map(|l| l.amount.0).collect::<Vec<_>>(),
            [3_334, 3_333, 3_333]
        );
        // Claims 50,000 / 30,000 / 20,000 yuan sharing 1,000.01 yuan.
        let p = pro_rata(
            Fen(100_001),
            &[(1, 5_000_000), (2, 3_000_000), (3, 2_000_000)],
        );
        assert_eq!(plan_total(&p), Fen(100_001));
        assert_eq!(p[0].amount, Fen(50_001));
        // The largest remainder wins the odd fen, not the first payee.
        let p = pro_rata(Fen(10), &[(1, 1), (2, 2)]);
        assert_eq!(p.iter().map(|l| l.amount.0).collect::<Vec<_>>(), [3, 7]);
        assert!(pro_rata(Fen(0), &[(1, 1)]).is_empty());
        assert!(pro_rata(Fen(5), &[(1, 0)]).is_empty());
        // Every split sums exactly.
        for total in [1, 7, 99, 1_000_003, 123_456_789] {
            for w in [
                vec![(1, 1), (2, 1), (3, 1)],
                vec![(1, 7), (2, 13), (3, 1), (4, 999)],
                vec![(1, 3)],
            ] {
                let p = pro_rata(Fen(total), &w);
                assert_eq!(plan_total(&p), Fen(total), "{total} {w:?}");
                check_plan(&p, &[1, 2, 3, 4], Fen(total)).unwrap();
            }
        }
    }

    #[test]
    fn approval_above_the_threshold_and_never_ones_own() {
        let s = FundSettings::default_for("孟州市人民法院");
        assert_eq!(s.account_name, "孟州市人民法院执行款专户");
        assert_eq!(
            s.required_level(Fen::from_yuan(100_000)),
            ApprovalLevel::Judge
        );
        assert_eq!(
            s.required_level(Fen::from_yuan(100_000) + Fen(1)),
            ApprovalLevel::BureauChief
        );
        assert!(pays_at_once(ApprovalLevel::Judge, Role::Judge));
        assert!(!pays_at_once(ApprovalLevel::Judge, Role::Officer));
        assert!(!pays_at_once(ApprovalLevel::BureauChief, Role::TeamLeader));
        check_approver(
            ApprovalLevel::BureauChief,
            Role::BureauChief,
            Some(2),
            Some(1),
        )
        .unwrap();
        assert_eq!(
            check_approver(ApprovalLevel::BureauChief, Role::Judge, Some(2), Some(1))
                .unwrap_err()
                .code,
            "funds.approval_level"
        );
        assert_eq!(
            check_approver(ApprovalLevel::Judge, Role::Judge, Some(1), Some(1))
                .unwrap_err()
                .code,
            "funds.self_approval"
        );
    }

    #[test]
    fn settings_parse_with_defaults_and_are_checked() {
        let s =
            FundSettings::from_json(r#"{"bank": "中国银行孟州支行"}"#, "孟州市人民法院").unwrap();
        assert_eq!(s.bank, "中国银行孟州支行");
        assert_eq!(s.approval_level, "bureau_chief");
        let s = FundSettings::from_json(
            r#"{"approval_level": "president", "approval_above_fen": 500000}"#,
            "x",
        )
        .unwrap();
        assert_eq!(s.required_level(Fen(500_001)), ApprovalLevel::President);
        for bad in [
            r#"{"bank": " "}"#,
            r#"{"approval_level": "judge"}"#,
            r#"{"approval_above_fen": -1}"#,
            "nonsense",
        ] {
            assert!(FundSettings::from_json(bad, "x").is_err(), "{bad}");
        }
        let round = FundSettings::from_json(&s.to_json(), "x").unwrap();
        assert_eq!(round, s);
    }

    #[test]
    fn reconciliation_lists_differences() {
        let m = CaseMovements {
            opening: Fen(1_000),
            receipts: Fen(500),
            disbursements: Fen(700),
            ledger_balance: Fen(800),
            held: Fen(800),
        };
        assert_eq!(m.closing(), Fen(800));
        assert!(differences(&m).is_empty());
        let off = CaseMovements {
            held: Fen(900),
            ..m
        };
        assert_eq!(differences(&off)[0].code, "funds.ledger_not_held");
        let mut total = CaseMovements::default();
        total.add(&m);
        total.add(&off);
        assert_eq!(total.closing(), Fen(1_600));
        check_period(d("2026-01-01"), d("2026-12-31")).unwrap();
        assert!(check_period(d("2026-02-01"), d("2026-01-01")).is_err());
    }

    #[test]
    fn payouts_follow_the_stated_claims() {
        let e = |party_id, claim: Option<i64>, paid| Entitlement {
            party_id,
            claim: claim.map(Fen),
            paid: Fen(paid),
        };
        // No claims stated: equal shares.
        let equal = suggest_payout(Fen(1_000), &[e(1, None, 0), e(2, None, 0), e(3, None, 0)]);
        let amounts: Vec<i64> = equal.iter().map(|l| l.amount.0).collect();
        assert_eq!(amounts, [334, 333, 333]);
        // Claims of 3,000 and 1,000 with 1,000 already paid to the first: owed 2,000 and
        // 1,000, so 900 splits 600 / 300.
        let plan = suggest_payout(Fen(900), &[e(1, Some(3_000), 1_000), e(2, Some(1_000), 0)]);
        assert_eq!(
            plan,
            [
                PlanLine {
                    party_id: 1,
                    amount: Fen(600)
                },
                PlanLine {
                    party_id: 2,
                    amount: Fen(300)
                }
            ]
        );
        // More in the account than is owed: each is offered what they are owed, no more.
        let plan = suggest_payout(
            Fen(10_000),
            &[e(1, Some(3_000), 1_000), e(2, Some(1_000), 1_000)],
        );
        assert_eq!(
            plan,
            [PlanLine {
                party_id: 1,
                amount: Fen(2_000)
            }]
        );
        let within = [e(1, Some(3_000), 1_000), e(2, Some(1_000), 0)];
        let name = |id: i64| format!("申请人{id}");
        assert!(check_within_claims(
            &[PlanLine {
                party_id: 1,
                amount: Fen(2_000)
            }],
            &within,
            name
        )
        .is_ok());
        let err = check_within_claims(
            &[PlanLine {
                party_id: 2,
                amount: Fen(1_001),
            }],
            &within,
            name,
        )
        .unwrap_err();
        assert_eq!(err.code, "funds.above_claim");
        assert!(err.zh.contains("申请人2"), "{}", err.zh);
    }

    #[test]
    fn stated_claims_name_every_applicant_and_add_up() {
        let l = |party_id, amount| PlanLine {
            party_id,
            amount: Fen(amount),
        };
        let ok = check_applicant_claims(&[l(1, 600), l(2, 400)], &[1, 2], Fen(1_000));
        assert!(ok.is_ok());
        for (claims, code) in [
            (vec![l(1, 600), l(3, 400)], "funds.claim_not_applicant"),
            (vec![l(1, 600), l(1, 400)], "funds.claim_twice"),
            (vec![l(1, 1_000), l(2, 0)], "funds.claim_not_positive"),
            (vec![l(1, 1_000)], "funds.claims_incomplete"),
            (vec![l(1, 600), l(2, 500)], "funds.claims_total"),
        ] {
            let e = check_applicant_claims(&claims, &[1, 2], Fen(1_000)).unwrap_err();
            assert_eq!(e.code, code, "{claims:?}");
        }
    }
}
