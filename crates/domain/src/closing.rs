//! Closing (结案) decided from the case's own facts (RULES.md §4), the dormant-case library's
//! re-inquiry schedule and restoration (恢复执行).
//!
//! The officer never ticks the 终本 conditions: the app gathers what the case's records show
//! (issued documents, coercive measures, inquiry results, the interview with the applicant) into
//! [`ClosingFacts`], and [`check_closing`] says for every condition of the chosen mode whether it
//! holds and on what evidence. The page shows that list; the command closes only when all hold,
//! and the [`DormantChecklist`] it passes to `lifecycle::decide` is derived from the same list.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::case::{ClosingMode, DormantChecklist, Stage};
use crate::error::{DomainError, DomainResult};
use crate::money::Fen;

/// What a condition rests on: words for the page and, when there is one, the record to open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub zh: String,
    pub en: String,
    /// A page of the product, e.g. `/documents/12`.
    pub link: Option<String>,
}

impl Evidence {
    pub fn new(zh: impl Into<String>, en: impl Into<String>, link: Option<String>) -> Evidence {
        Evidence {
            zh: zh.into(),
            en: en.into(),
            link,
        }
    }
}

/// The dishonest-debtor list (失信) as the case's records show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlacklistFact {
    Listed(Evidence),
    /// Not eligible (e.g. a minor, sufficient security, a settlement being performed), with the
    /// recorded reason.
    NotEligible(Evidence),
    NotListed,
}

/// A debtor who could not be found (下落不明), and obstruction of enforcement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MissingDebtorFact {
    /// Every debtor was reachable and nobody obstructed enforcement: nothing to do.
    NotApplicable,
    /// The search (and any punishment of obstruction) is on record.
    Done(Evidence),
    /// A debtor is missing or obstructed enforcement, and nothing is on record yet.
    Pending { zh: String, en: String },
}

/// The asset investigation as the case's records show it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvestigationFact {
    pub debtors: u32,
    /// Debtors whose network inquiry has answered for every asset kind.
    pub debtors_answered: u32,
    /// Applicant's asset leads not yet verified.
    pub pending_leads: u32,
    /// Property found and still disposable (a measure in force on something of value), in words.
    pub disposable: Vec<String>,
}

/// Everything [`check_closing`] looks at, gathered by the app from the case's records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosingFacts {
    pub filed_on: NaiveDate,
    pub today: NaiveDate,
    pub claim: Fen,
    pub recovered: Fen,
    pub held: Fen,
    /// 执行通知书 and 报告财产令 issued.
    pub notice: Option<Evidence>,
    /// 限制消费令 issued.
    pub restriction: Option<Evidence>,
    pub blacklist: BlacklistFact,
    pub investigation: InvestigationFact,
    pub missing_debtor: MissingDebtorFact,
    /// The applicant told of the intended 终本 and heard (约谈记录).
    pub applicant_heard: Option<Evidence>,
    /// A settlement agreement fully performed.
    pub settlement_performed: Option<Evidence>,
    /// The applicant confirmed in writing that the claim is satisfied.
    pub applicant_satisfied: Option<Evidence>,
    /// Control measures still in force (查封、冻结、扣押).
    pub measures_in_force: u32,
    /// Disbursements proposed and not yet paid or refused.
    pub pending_disbursements: u32,
    /// For 终结执行: the statutory ground chosen, with its evidence.
    pub termination_ground: Option<(TerminationGround, Evidence)>,
    /// For 销案, 不予执行, 驳回申请: the ruling or reason on record.
    pub ruling: Option<Evidence>,
}

/// One condition of a closing mode and whether it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConditionCheck {
    pub key: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub met: bool,
    /// What the records show, in words (why it holds, or what is missing).
    pub detail_zh: String,
    pub detail_en: String,
    pub link: Option<String>,
}

fn cond(
    key: &'static str,
    name_zh: &'static str,
    name_en: &'static str,
    met: bool,
    detail_zh: impl Into<String>,
    detail_en: impl Into<String>,
    link: Option<String>,
) -> ConditionCheck {
    ConditionCheck {
        key,
        name_zh,
        name_en,
        met,
        detail_zh: detail_zh.into(),
        detail_en: detail_en.into(),
        link,
    }
}

fn from_evidence(
    key: &'static str,
    name_zh: &'static str,
    name_en: &'static str,
    evidence: &Option<Evidence>,
    missing_zh: &str,
    missing_en: &str,
) -> ConditionCheck {
    match evidence {
        Some(e) => cond(key, name_zh, name_en, true, &e.zh, &e.en, e.link.clone()),
        None => cond(key, name_zh, name_en, false, missing_zh, missing_en, None),
    }
}

/// Statutory grounds of 终结执行 (CPL art. 268).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TerminationGround {
    ApplicantWithdrew,
    BasisRevoked,
    DebtorDiedWithoutEstate,
    MaintenanceCreditorDied,
    DebtorDestitute,
    Other,
}

impl TerminationGround {
    pub const ALL: [TerminationGround; 6] = [
        TerminationGround::ApplicantWithdrew,
        TerminationGround::BasisRevoked,
        TerminationGround::DebtorDiedWithoutEstate,
        TerminationGround::MaintenanceCreditorDied,
        TerminationGround::DebtorDestitute,
        TerminationGround::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            TerminationGround::ApplicantWithdrew => "applicant_withdrew",
            TerminationGround::BasisRevoked => "basis_revoked",
            TerminationGround::DebtorDiedWithoutEstate => "debtor_died_without_estate",
            TerminationGround::MaintenanceCreditorDied => "maintenance_creditor_died",
            TerminationGround::DebtorDestitute => "debtor_destitute",
            TerminationGround::Other => "other",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<TerminationGround> {
        Self::ALL
            .into_iter()
            .find(|g| g.key() == key)
            .ok_or_else(|| {
                DomainError::new(
                    "closing.unknown_ground",
                    format!("未知的终结执行事由“{key}”"),
                    format!("unknown ground of termination \"{key}\""),
                )
            })
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            TerminationGround::ApplicantWithdrew => "申请人撤销申请",
            TerminationGround::BasisRevoked => "据以执行的法律文书被撤销",
            TerminationGround::DebtorDiedWithoutEstate => {
                "作为被执行人的公民死亡，无遗产可供执行，又无义务承担人"
            }
            TerminationGround::MaintenanceCreditorDied => {
                "追索赡养费、扶养费、抚养费案件的权利人死亡"
            }
            TerminationGround::DebtorDestitute => {
                "作为被执行人的公民因生活困难无力偿还借款，无收入来源，又丧失劳动能力"
            }
            TerminationGround::Other => "人民法院认为应当终结执行的其他情形",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            TerminationGround::ApplicantWithdrew => "the applicant withdrew the application",
            TerminationGround::BasisRevoked => "the instrument enforced was revoked",
            TerminationGround::DebtorDiedWithoutEstate => {
                "the debtor died leaving no estate and nobody liable"
            }
            TerminationGround::MaintenanceCreditorDied => "the maintenance creditor died",
            TerminationGround::DebtorDestitute => {
                "the debtor is destitute, without income and unable to work"
            }
            TerminationGround::Other => "another ground the court finds sufficient",
        }
    }
}

/// Conditions every closing shares: nothing held in the case account, no disbursement waiting.
fn common_conditions(f: &ClosingFacts) -> Vec<ConditionCheck> {
    vec![
        cond(
            "funds_paid_out",
            "案款已全部发放",
            "case funds all paid out",
            f.held.is_zero(),
            if f.held.is_zero() {
                "案款账户余额为 0".to_string()
            } else {
                format!("案款账户尚有 {} 元未发放", f.held)
            },
            if f.held.is_zero() {
                "the case account's balance is 0".to_string()
            } else {
                format!("{} yuan in the case account are not paid out", f.held)
            },
            None,
        ),
        cond(
            "no_pending_disbursement",
            "无待审批的案款发放",
            "no disbursement awaiting decision",
            f.pending_disbursements == 0,
            if f.pending_disbursements == 0 {
                "没有待审批或待支付的发放申请".to_string()
            } else {
                format!("有 {} 笔案款发放尚未办结", f.pending_disbursements)
            },
            if f.pending_disbursements == 0 {
                "no disbursement is waiting".to_string()
            } else {
                format!(
                    "{} disbursement(s) not yet decided",
                    f.pending_disbursements
                )
            },
            None,
        ),
    ]
}

fn measures_lifted(f: &ClosingFacts) -> ConditionCheck {
    cond(
        "measures_lifted",
        "控制措施已解除或处置",
        "control measures lifted or disposed of",
        f.measures_in_force == 0,
        if f.measures_in_force == 0 {
            "没有仍在效力期内的查封、冻结、扣押措施".to_string()
        } else {
            format!(
                "尚有 {} 项查封、冻结、扣押措施在效力期内，应先解除或处置",
                f.measures_in_force
            )
        },
        if f.measures_in_force == 0 {
            "no seizure, freeze or detention is in force".to_string()
        } else {
            format!(
                "{} control measure(s) still in force: lift or dispose of them first",
                f.measures_in_force
            )
        },
        None,
    )
}

/// The five 终本 conditions of RULES.md §4 (the second in its two halves) and hearing the
/// applicant, in statutory order, each with what the records show.
pub fn dormant_conditions(f: &ClosingFacts) -> Vec<ConditionCheck> {
    let mut out = Vec::with_capacity(7);
    out.push(from_evidence(
        "notice_issued",
        "已发出执行通知书和报告财产令",
        "enforcement notice and asset-report order issued",
        &f.notice,
        "尚未签发执行通知书和报告财产令",
        "the enforcement notice and asset-report order have not been issued",
    ));
    out.push(from_evidence(
        "restriction_issued",
        "已发出限制消费令",
        "consumption-restriction order issued",
        &f.restriction,
        "尚未对被执行人发出限制消费令",
        "no consumption-restriction order has been issued against the debtor",
    ));
    let (k, zh, en) = (
        "blacklisted_where_eligible",
        "符合条件的已纳入失信被执行人名单",
        "debtor on the dishonest-debtor list where eligible",
    );
    out.push(match &f.blacklist {
        BlacklistFact::Listed(e) => cond(k, zh, en, true, &e.zh, &e.en, e.link.clone()),
        BlacklistFact::NotEligible(e) => cond(
            k,
            zh,
            en,
            true,
            format!("不符合纳入条件：{}", e.zh),
            format!("not eligible: {}", e.en),
            e.link.clone(),
        ),
        BlacklistFact::NotListed => cond(
            k,
            zh,
            en,
            false,
            "被执行人尚未纳入失信名单，也未记录不符合纳入条件的理由",
            "the debtor is not on the list and no reason for ineligibility is recorded",
            None,
        ),
    });
    let inv = &f.investigation;
    let mut gaps_zh = Vec::new();
    let mut gaps_en = Vec::new();
    if inv.debtors == 0 || inv.debtors_answered < inv.debtors {
        gaps_zh.push(format!(
            "网络查控已反馈 {}/{} 名被执行人",
            inv.debtors_answered, inv.debtors
        ));
        gaps_en.push(format!(
            "the network inquiry has answered for {} of {} debtor(s)",
            inv.debtors_answered, inv.debtors
        ));
    }
    if inv.pending_leads > 0 {
        gaps_zh.push(format!("{} 条财产线索尚未核查", inv.pending_leads));
        gaps_en.push(format!(
            "{} asset lead(s) not yet verified",
            inv.pending_leads
        ));
    }
    if !inv.disposable.is_empty() {
        gaps_zh.push(format!("尚有可供处置的财产：{}", inv.disposable.join("、")));
        gaps_en.push(format!(
            "disposable property remains: {}",
            inv.disposable.join(", ")
        ));
    }
    out.push(if gaps_zh.is_empty() {
        cond(
            "investigation_exhausted",
            "已穷尽财产调查措施，未发现可供执行的财产",
            "asset investigation exhausted, nothing to enforce against",
            true,
            format!(
                "{} 名被执行人的网络查控均已反馈，线索均已核查，未发现可供处置的财产",
                inv.debtors
            ),
            format!(
                "the network inquiry answered for all {} debtor(s), every lead was verified, nothing disposable was found",
                inv.debtors
            ),
            None,
        )
    } else {
        cond(
            "investigation_exhausted",
            "已穷尽财产调查措施，未发现可供执行的财产",
            "asset investigation exhausted, nothing to enforce against",
            false,
            gaps_zh.join("；"),
            gaps_en.join("; "),
            None,
        )
    });
    let three_months = f
        .filed_on
        .checked_add_months(Months::new(3))
        .unwrap_or(NaiveDate::MAX);
    let over = f.today > three_months;
    out.push(cond(
        "over_three_months",
        "自立案之日起已超过三个月",
        "more than 3 months since filing",
        over,
        if over {
            format!("{} 立案，已满三个月", f.filed_on)
        } else {
            format!("{} 立案，{} 之后方满三个月", f.filed_on, three_months)
        },
        if over {
            format!("filed on {}, more than three months ago", f.filed_on)
        } else {
            format!(
                "filed on {}; three months pass after {}",
                f.filed_on, three_months
            )
        },
        None,
    ));
    let (k, zh, en) = (
        "missing_debtor_searched",
        "下落不明的被执行人已依法查找，妨碍执行的行为已依法处罚",
        "missing debtor searched for, obstruction punished",
    );
    out.push(match &f.missing_debtor {
        MissingDebtorFact::NotApplicable => cond(
            k,
            zh,
            en,
            true,
            "被执行人下落清楚，未发现妨碍执行的行为",
            "every debtor was reachable and nobody obstructed enforcement",
            None,
        ),
        MissingDebtorFact::Done(e) => cond(k, zh, en, true, &e.zh, &e.en, e.link.clone()),
        MissingDebtorFact::Pending { zh: z, en: e } => cond(k, zh, en, false, z, e, None),
    });
    out.push(from_evidence(
        "applicant_heard",
        "已告知申请执行人并听取其意见",
        "applicant informed and heard",
        &f.applicant_heard,
        "尚未记录对申请执行人的告知和约谈",
        "no record of informing and hearing the applicant",
    ));
    out
}

/// Every condition of closing in `mode`, with what the records show. Closing is allowed only
/// when all are met.
pub fn check_closing(mode: ClosingMode, f: &ClosingFacts) -> Vec<ConditionCheck> {
    let mut out = common_conditions(f);
    match mode {
        ClosingMode::Completed => {
            let paid_in_full = f.recovered >= f.claim;
            let met =
                paid_in_full || f.settlement_performed.is_some() || f.applicant_satisfied.is_some();
            let (zh, en, link) = if paid_in_full {
                (
                    format!(
                        "已发放 {} 元，不少于申请执行标的 {} 元",
                        f.recovered, f.claim
                    ),
                    format!(
                        "{} yuan paid out, at least the claim of {} yuan",
                        f.recovered, f.claim
                    ),
                    None,
                )
            } else if let Some(e) = f
                .settlement_performed
                .as_ref()
                .or(f.applicant_satisfied.as_ref())
            {
                (e.zh.clone(), e.en.clone(), e.link.clone())
            } else {
                (
                    format!(
                        "已发放 {} 元，少于申请执行标的 {} 元，且无和解履行完毕或申请人确认履行完毕的记录",
                        f.recovered, f.claim
                    ),
                    format!(
                        "{} yuan paid out of a {} yuan claim, and no performed settlement or applicant's confirmation is on record",
                        f.recovered, f.claim
                    ),
                    None,
                )
            };
            out.push(cond(
                "obligation_performed",
                "生效法律文书确定的义务已履行完毕",
                "the obligation has been performed in full",
                met,
                zh,
                en,
                link,
            ));
            out.push(measures_lifted(f));
        }
        ClosingMode::Dormant => out.extend(dormant_conditions(f)),
        ClosingMode::Terminated => {
            out.push(match &f.termination_ground {
                Some((g, e)) => cond(
                    "termination_ground",
                    "具有法定终结执行事由",
                    "a statutory ground of termination",
                    true,
                    format!("{}：{}", g.name_zh(), e.zh),
                    format!("{}: {}", g.name_en(), e.en),
                    e.link.clone(),
                ),
                None => cond(
                    "termination_ground",
                    "具有法定终结执行事由",
                    "a statutory ground of termination",
                    false,
                    "未选择终结执行的法定事由或未附证明材料",
                    "no statutory ground with its evidence was given",
                    None,
                ),
            });
            out.push(measures_lifted(f));
        }
        ClosingMode::Withdrawn | ClosingMode::Refused | ClosingMode::Rejected => {
            out.push(from_evidence(
                "ruling_on_record",
                "已有相应的裁定或决定",
                "the ruling or decision is on record",
                &f.ruling,
                "未记录作出该结案方式的裁定、决定或理由",
                "no ruling, decision or reason for this closing is on record",
            ));
            out.push(measures_lifted(f));
        }
    }
    out
}

/// Refuses closing when a condition fails, naming every failed condition.
pub fn require_all(mode: ClosingMode, checks: &[ConditionCheck]) -> DomainResult<()> {
    let failed: Vec<&ConditionCheck> = checks.iter().filter(|c| !c.met).collect();
    if failed.is_empty() {
        return Ok(());
    }
    let zh: Vec<String> = failed
        .iter()
        .map(|c| format!("{}（{}）", c.name_zh, c.detail_zh))
        .collect();
    let en: Vec<String> = failed
        .iter()
        .map(|c| format!("{} ({})", c.name_en, c.detail_en))
        .collect();
    let code = if mode == ClosingMode::Dormant {
        "closing.dormant_conditions"
    } else {
        "closing.conditions"
    };
    Err(DomainError::new(
        code,
        format!("不符合以“{}”结案的条件：{}", mode.name_zh(), zh.join("；")),
        format!(
            "cannot close as \"{}\"; not met: {}",
            mode.name_en(),
            en.join("; ")
        ),
    ))
}

/// The checklist `lifecycle::decide` verifies, derived from the checked facts (never typed).
pub fn dormant_checklist(checks: &[ConditionCheck]) -> DormantChecklist {
    let met = |key: &str| checks.iter().any(|c| c.key == key && c.met);
    DormantChecklist {
        notice_and_report_order_issued: met("notice_issued"),
        restriction_order_issued: met("restriction_issued"),
        blacklisted_where_eligible: met("blacklisted_where_eligible"),
        investigation_exhausted: met("investigation_exhausted"),
        months_since_filing_over_3: met("over_three_months"),
        missing_debtor_searched: met("missing_debtor_searched"),
        applicant_heard: met("applicant_heard"),
    }
}

/// What an officer records before closing, besides documents and measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// The applicant was told of the intended 终本 and heard (约谈).
    ApplicantHeard,
    /// A debtor cannot be found (下落不明).
    DebtorMissing,
    /// The search for a missing debtor, and any punishment of obstruction.
    DebtorSearched,
    /// Why a debtor is not put on the dishonest list.
    BlacklistIneligible,
    /// The applicant confirmed in writing that the claim is satisfied.
    ApplicantSatisfied,
}

impl RecordKind {
    pub const ALL: [RecordKind; 5] = [
        RecordKind::ApplicantHeard,
        RecordKind::DebtorMissing,
        RecordKind::DebtorSearched,
        RecordKind::BlacklistIneligible,
        RecordKind::ApplicantSatisfied,
    ];

    pub fn key(self) -> &'static str {
        match self {
            RecordKind::ApplicantHeard => "applicant_heard",
            RecordKind::DebtorMissing => "debtor_missing",
            RecordKind::DebtorSearched => "debtor_searched",
            RecordKind::BlacklistIneligible => "blacklist_ineligible",
            RecordKind::ApplicantSatisfied => "applicant_satisfied",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<RecordKind> {
        Self::ALL
            .into_iter()
            .find(|k| k.key() == key)
            .ok_or_else(|| {
                DomainError::new(
                    "closing.unknown_record",
                    format!("未知的结案材料类型“{key}”"),
                    format!("unknown kind of closing record \"{key}\""),
                )
            })
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            RecordKind::ApplicantHeard => "告知并听取申请执行人意见（约谈）",
            RecordKind::DebtorMissing => "被执行人下落不明",
            RecordKind::DebtorSearched => "查找被执行人、处罚妨碍执行行为",
            RecordKind::BlacklistIneligible => "不符合纳入失信名单条件的理由",
            RecordKind::ApplicantSatisfied => "申请执行人确认履行完毕",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            RecordKind::ApplicantHeard => "applicant informed and heard",
            RecordKind::DebtorMissing => "a debtor cannot be found",
            RecordKind::DebtorSearched => "missing debtor searched for, obstruction punished",
            RecordKind::BlacklistIneligible => "why the debtor is not on the dishonest list",
            RecordKind::ApplicantSatisfied => "applicant confirmed the claim is satisfied",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The dormant-case library (终本案件库)
// ---------------------------------------------------------------------------------------------

/// Months between two automatic re-inquiries of a 终本 case (SPC 终本 rules art. 9).
pub const REINQUIRY_INTERVAL_MONTHS: u32 = 6;
/// Years after closing during which the library re-inquires.
pub const REINQUIRY_YEARS: u32 = 5;

/// The date of re-inquiry round `round` (1-based) of a case closed as 终本 on `closed_on`, or
/// `None` when that round would fall after the five years.
pub fn reinquiry_on(closed_on: NaiveDate, round: u32) -> Option<NaiveDate> {
    if round == 0 {
        return None;
    }
    let end = closed_on.checked_add_months(Months::new(12 * REINQUIRY_YEARS))?;
    let date = closed_on.checked_add_months(Months::new(REINQUIRY_INTERVAL_MONTHS * round))?;
    (date <= end).then_some(date)
}

/// Every re-inquiry date of a case closed as 终本 on `closed_on` (ten rounds).
pub fn reinquiry_schedule(closed_on: NaiveDate) -> Vec<NaiveDate> {
    (1..).map_while(|r| reinquiry_on(closed_on, r)).collect()
}

/// After a round run on `today`: the next round due strictly after `today`, with its number, or
/// `None` when the five years are over. Rounds missed while the library was not running (a
/// server down for a month, cases entered late) are not run twice in a row: one run covers
/// them, and the schedule carries on from the calendar.
pub fn next_round_after(closed_on: NaiveDate, today: NaiveDate) -> Option<(u32, NaiveDate)> {
    (1..)
        .map_while(|r| reinquiry_on(closed_on, r).map(|d| (r, d)))
        .find(|(_, d)| *d > today)
}

/// Restoring because property was found needs something found since closing (by the library's
/// re-inquiry or a verified lead); otherwise the officer records the applicant's request.
pub fn check_restoration_reason(
    reason: RestorationReason,
    found_since_closing: usize,
) -> DomainResult<()> {
    if reason == RestorationReason::AssetsFound && found_since_closing == 0 {
        return Err(DomainError::new(
            "restoration.nothing_found",
            "结案后的复查未发现财产，不能以“发现可供执行的财产”为由恢复执行；申请执行人申请的，请选择“申请执行人申请恢复执行”",
            "nothing has been found since closing, so \"property found\" cannot be the reason; if the applicant asked, choose \"the applicant asked to resume\"",
        ));
    }
    Ok(())
}

/// Why a dormant case is restored (恢复执行).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RestorationReason {
    /// The re-inquiry or a lead found property.
    AssetsFound,
    /// The applicant asked, e.g. with a new lead.
    ApplicantRequest,
}

impl RestorationReason {
    pub fn key(self) -> &'static str {
        match self {
            RestorationReason::AssetsFound => "assets_found",
            RestorationReason::ApplicantRequest => "applicant_request",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<RestorationReason> {
        match key {
            "assets_found" => Ok(RestorationReason::AssetsFound),
            "applicant_request" => Ok(RestorationReason::ApplicantRequest),
            _ => Err(DomainError::new(
                "restoration.unknown_reason",
                format!("未知的恢复执行原因“{key}”"),
                format!("unknown reason for restoration \"{key}\""),
            )),
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            RestorationReason::AssetsFound => "发现可供执行的财产",
            RestorationReason::ApplicantRequest => "申请执行人申请恢复执行",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            RestorationReason::AssetsFound => "property to enforce against was found",
            RestorationReason::ApplicantRequest => "the applicant asked to resume",
        }
    }
}

/// Only a case closed as 终本 (closed or archived) is restored, and only once: the restored 执恢
/// case carries on. Restoration has no limitation period (RULES.md §4).
pub fn check_restorable(
    stage: Stage,
    mode: Option<ClosingMode>,
    already_restored_as: Option<&str>,
) -> DomainResult<()> {
    if let Some(number) = already_restored_as {
        return Err(DomainError::new(
            "restoration.already_restored",
            format!("本案已恢复执行，恢复案件为{number}"),
            format!("this case was already restored as {number}"),
        ));
    }
    let dormant =
        matches!(stage, Stage::Closed | Stage::Archived) && mode == Some(ClosingMode::Dormant);
    if !dormant {
        return Err(DomainError::new(
            "restoration.not_dormant",
            "只有以终结本次执行程序方式结案的案件才能恢复执行",
            "only a case closed as dormant (终本) can be restored",
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

    fn ev(zh: &str) -> Option<Evidence> {
        Some(Evidence::new(zh, zh, Some("/documents/1".into())))
    }

    /// A case that meets every 终本 condition.
    fn dormant_ready() -> ClosingFacts {
        ClosingFacts {
            filed_on: d("2026-01-10"),
            today: d("2026-06-01"),
            claim: Fen::from_yuan(80_000),
            recovered: Fen::ZERO,
            held: Fen::ZERO,
            notice: ev("（2026）豫0883执12号执行通知书"),
            restriction: ev("（2026）豫0883执12号限制消费令"),
            blacklist: BlacklistFact::Listed(Evidence::new("失信决定书", "decision", None)),
            investigation: InvestigationFact {
                debtors: 1,
                debtors_answered: 1,
                pending_leads: 0,
                disposable: vec![],
            },
            missing_debtor: MissingDebtorFact::NotApplicable,
            applicant_heard: ev("约谈笔录"),
            settlement_performed: None,
            applicant_satisfied: None,
            measures_in_force: 0,
            pending_disbursements: 0,
            termination_ground: None,
            ruling: None,
        }
    }

    #[test]
    fn dormant_allowed_only_when_every_condition_holds() {
        let f = dormant_ready();
        let checks = check_closing(ClosingMode::Dormant, &f);
        assert_eq!(checks.len(), 9);
        assert!(checks.iter().all(|c| c.met), "{checks:#?}");
        assert!(require_all(ClosingMode::Dormant, &checks).is_ok());
        let list = dormant_checklist(&checks);
        assert!(list.check().is_ok());
        // Evidence travels to the page.
        let notice = checks.iter().find(|c| c.key == "notice_issued").unwrap();
        assert!(notice.detail_zh.contains("执行通知书"));
        assert_eq!(notice.link.as_deref(), Some("/documents/1"));
    }

    #[test]
    fn each_failing_dormant_condition_is_named() {
        let base = dormant_ready();
        let cases: Vec<(ClosingFacts, &str, &str)> = vec![
            (
                ClosingFacts {
                    notice: None,
                    ..base.clone()
                },
                "notice_issued",
                "执行通知书",
            ),
            (
                ClosingFacts {
                    restriction: None,
                    ..base.clone()
                },
                "restriction_issued",
                "限制消费令",
            ),
            (
                ClosingFacts {
                    blacklist: BlacklistFact::NotListed,
                    ..base.clone()
                },
                "blacklisted_where_eligible",
                "失信",
            ),
            (
                ClosingFacts {
                    investigation: InvestigationFact {
                        debtors: 2,
                        debtors_answered: 1,
                        pending_leads: 1,
                        disposable: vec!["车辆 豫H12345".into()],
                    },
                    ..base.clone()
                },
                "investigation_exhausted",
                "豫H12345",
            ),
            (
                ClosingFacts {
                    today: d("2026-04-10"),
                    ..base.clone()
                },
                "over_three_months",
                "2026-04-10",
            ),
            (
                ClosingFacts {
                    missing_debtor: MissingDebtorFact::Pending {
                        zh: "被执行人下落不明，尚无查找记录".into(),
                        en: "missing".into(),
                    },
                    ..base.clone()
                },
                "missing_debtor_searched",
                "下落不明",
            ),
            (
                ClosingFacts {
                    applicant_heard: None,
                    ..base.clone()
                },
                "applicant_heard",
                "约谈",
            ),
            (
                ClosingFacts {
                    held: Fen::from_yuan(10),
                    ..base.clone()
                },
                "funds_paid_out",
                "10.00",
            ),
        ];
        for (facts, key, words) in cases {
            let checks = check_closing(ClosingMode::Dormant, &facts);
            let failed: Vec<&str> = checks.iter().filter(|c| !c.met).map(|c| c.key).collect();
            assert_eq!(failed, [key]);
            let e = require_all(ClosingMode::Dormant, &checks).unwrap_err();
            assert_eq!(e.code, "closing.dormant_conditions");
            assert!(e.zh.contains(words), "{key}: {e}");
        }
    }

    #[test]
    fn exactly_three_months_is_not_over_three_months() {
        let f = ClosingFacts {
            filed_on: d("2026-01-31"),
            today: d("2026-04-30"),
            ..dormant_ready()
        };
        let c = dormant_conditions(&f);
        assert!(!c.iter().find(|c| c.key == "over_three_months").unwrap().met);
        let f = ClosingFacts {
            today: d("2026-05-01"),
            ..f
        };
        assert!(
            dormant_conditions(&f)
                .iter()
                .find(|c| c.key == "over_three_months")
                .unwrap()
                .met
        );
    }

    #[test]
    fn not_eligible_for_the_list_counts_with_its_reason() {
        let f = ClosingFacts {
            blacklist: BlacklistFact::NotEligible(Evidence::new(
                "被执行人系未成年人",
                "minor",
                None,
            )),
            ..dormant_ready()
        };
        let c = dormant_conditions(&f);
        let b = c
            .iter()
            .find(|c| c.key == "blacklisted_where_eligible")
            .unwrap();
        assert!(b.met && b.detail_zh.contains("未成年人"));
    }

    #[test]
    fn completed_needs_payment_in_full_or_a_record() {
        let mut f = dormant_ready();
        f.recovered = Fen::from_yuan(50_000);
        let checks = check_closing(ClosingMode::Completed, &f);
        let e = require_all(ClosingMode::Completed, &checks).unwrap_err();
        assert_eq!(e.code, "closing.conditions");
        assert!(
            e.zh.contains("50,000.00") && e.zh.contains("80,000.00"),
            "{e}"
        );
        f.recovered = Fen::from_yuan(80_000);
        assert!(require_all(
            ClosingMode::Completed,
            &check_closing(ClosingMode::Completed, &f)
        )
        .is_ok());
        f.recovered = Fen::from_yuan(30_000);
        f.settlement_performed = ev("和解协议履行完毕");
        assert!(require_all(
            ClosingMode::Completed,
            &check_closing(ClosingMode::Completed, &f)
        )
        .is_ok());
        // Seizures still in force must be lifted first.
        f.measures_in_force = 2;
        let e = require_all(
            ClosingMode::Completed,
            &check_closing(ClosingMode::Completed, &f),
        )
        .unwrap_err();
        assert!(e.zh.contains("2 项"), "{e}");
    }

    #[test]
    fn terminated_and_the_other_modes_need_their_record() {
        let mut f = dormant_ready();
        let e = require_all(
            ClosingMode::Terminated,
            &check_closing(ClosingMode::Terminated, &f),
        )
        .unwrap_err();
        assert!(e.zh.contains("法定终结执行事由"), "{e}");
        f.termination_ground = Some((
            TerminationGround::ApplicantWithdrew,
            Evidence::new("撤回申请书", "withdrawal", None),
        ));
        let checks = check_closing(ClosingMode::Terminated, &f);
        assert!(require_all(ClosingMode::Terminated, &checks).is_ok());
        assert!(checks
            .iter()
            .any(|c| c.detail_zh.starts_with("申请人撤销申请：")));
        for mode in [
            ClosingMode::Withdrawn,
            ClosingMode::Refused,
            ClosingMode::Rejected,
        ] {
            let mut f = dormant_ready();
            assert!(require_all(mode, &check_closing(mode, &f)).is_err());
            f.ruling = ev("裁定书");
            assert!(require_all(mode, &check_closing(mode, &f)).is_ok());
        }
        for k in RecordKind::ALL {
            assert_eq!(RecordKind::from_key(k.key()).unwrap(), k);
        }
        for g in TerminationGround::ALL {
            assert_eq!(TerminationGround::from_key(g.key()).unwrap(), g);
        }
        assert!(TerminationGround::from_key("x").is_err());
    }

    #[test]
    fn reinquiry_every_six_months_for_five_years() {
        let s = reinquiry_schedule(d("2026-08-31"));
        assert_eq!(s.len(), 10);
        assert_eq!(s[0], d("2027-02-28"));
        assert_eq!(s[1], d("2027-08-31"));
        assert_eq!(s[9], d("2031-08-31"));
        assert_eq!(reinquiry_on(d("2026-08-31"), 11), None);
        assert_eq!(reinquiry_on(d("2026-08-31"), 0), None);
    }

    #[test]
    fn the_next_round_skips_missed_dates_and_ends_after_five_years() {
        let closed = d("2026-08-31");
        assert_eq!(
            next_round_after(closed, d("2026-09-01")),
            Some((1, d("2027-02-28")))
        );
        // Run on the due day: the next one is the round after.
        assert_eq!(
            next_round_after(closed, d("2027-02-28")),
            Some((2, d("2027-08-31")))
        );
        // A library that did not run for a year resumes with the next future date.
        assert_eq!(
            next_round_after(closed, d("2028-03-01")),
            Some((4, d("2028-08-31")))
        );
        assert_eq!(next_round_after(closed, d("2031-08-31")), None);
    }

    #[test]
    fn property_found_needs_a_finding_since_closing() {
        let e = check_restoration_reason(RestorationReason::AssetsFound, 0).unwrap_err();
        assert_eq!(e.code, "restoration.nothing_found");
        assert!(check_restoration_reason(RestorationReason::AssetsFound, 2).is_ok());
        assert!(check_restoration_reason(RestorationReason::ApplicantRequest, 0).is_ok());
    }

    #[test]
    fn only_a_dormant_case_is_restored_once() {
        assert!(check_restorable(Stage::Closed, Some(ClosingMode::Dormant), None).is_ok());
        assert!(check_restorable(Stage::Archived, Some(ClosingMode::Dormant), None).is_ok());
        for (stage, mode) in [
            (Stage::Closed, Some(ClosingMode::Completed)),
            (Stage::Investigation, None),
            (Stage::Closing, Some(ClosingMode::Dormant)),
        ] {
            assert_eq!(
                check_restorable(stage, mode, None).unwrap_err().code,
                "restoration.not_dormant"
            );
        }
        let e = check_restorable(
            Stage::Closed,
            Some(ClosingMode::Dormant),
            Some("（2027）豫0883执恢3号"),
        )
        .unwrap_err();
        assert_eq!(e.code, "restoration.already_restored");
        assert!(e.zh.contains("执恢3号"));
    }
}
