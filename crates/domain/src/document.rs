//! Court documents (文书) as records, pure rules: drafting and review (文书审批), who approves
//! which kind, the document number, whom a kind is served on, and service (送达) by method with
//! what each method's proof must say. The app stores; the docs crate typesets.
//!
//! Kinds are named by the docs crate's stable keys (`notice`, `asset_report_order`, …): the
//! domain does not typeset, so it only needs the names.

use chrono::{Duration, NaiveDate};

use crate::error::{DomainError, DomainResult};
use crate::role::Role;

fn refuse(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> DomainError {
    DomainError::new(code, zh, en)
}

/// Where a document stands in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocStatus {
    /// Being written; the drafter may change it.
    Draft,
    /// Waiting for the reviewer.
    Submitted,
    /// Sent back with comments; the drafter changes it and submits again.
    Returned,
    /// Approved: content fixed, number given, filed in the dossier; may be served.
    Issued,
    /// Abandoned before approval (kept for the record).
    Withdrawn,
}

impl DocStatus {
    pub const ALL: [DocStatus; 5] = [
        DocStatus::Draft,
        DocStatus::Submitted,
        DocStatus::Returned,
        DocStatus::Issued,
        DocStatus::Withdrawn,
    ];

    pub fn key(self) -> &'static str {
        match self {
            DocStatus::Draft => "draft",
            DocStatus::Submitted => "submitted",
            DocStatus::Returned => "returned",
            DocStatus::Issued => "issued",
            DocStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn from_key(key: &str) -> Option<DocStatus> {
        DocStatus::ALL.into_iter().find(|s| s.key() == key)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            DocStatus::Draft => "草稿",
            DocStatus::Submitted => "待审批",
            DocStatus::Returned => "已退回",
            DocStatus::Issued => "已签发",
            DocStatus::Withdrawn => "已撤回",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            DocStatus::Draft => "draft",
            DocStatus::Submitted => "awaiting approval",
            DocStatus::Returned => "returned",
            DocStatus::Issued => "issued",
            DocStatus::Withdrawn => "withdrawn",
        }
    }

    /// Whether the drafter may still change the text.
    pub fn editable(self) -> bool {
        matches!(self, DocStatus::Draft | DocStatus::Returned)
    }
}

/// A step in a document's review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewStep {
    Submit,
    /// Back to the drafter; the comment says what to change.
    Return {
        comment: String,
    },
    Approve,
    Withdraw,
}

impl ReviewStep {
    pub fn key(&self) -> &'static str {
        match self {
            ReviewStep::Submit => "submit",
            ReviewStep::Return { .. } => "return",
            ReviewStep::Approve => "approve",
            ReviewStep::Withdraw => "withdraw",
        }
    }
}

/// The status after a review step, or why the step is refused.
pub fn review(status: DocStatus, step: &ReviewStep) -> DomainResult<DocStatus> {
    let wrong = || {
        refuse(
            "document.wrong_status",
            format!("文书当前为「{}」，不能{}", status.name_zh(), step_zh(step)),
            format!(
                "the document is {}; it cannot be {}",
                status.name_en(),
                step_en(step)
            ),
        )
    };
    match step {
        ReviewStep::Submit if status.editable() => Ok(DocStatus::Submitted),
        ReviewStep::Return { comment } if status == DocStatus::Submitted => {
            if comment.trim().is_empty() {
                return Err(refuse(
                    "document.comment_required",
                    "退回文书须写明修改意见",
                    "say what to change when returning a document",
                ));
            }
            if comment.chars().count() > 1000 {
                return Err(refuse(
                    "document.comment_too_long",
                    "修改意见不能超过 1000 字",
                    "the comment may be at most 1,000 characters",
                ));
            }
            Ok(DocStatus::Returned)
        }
        ReviewStep::Approve if status == DocStatus::Submitted => Ok(DocStatus::Issued),
        ReviewStep::Withdraw if status != DocStatus::Issued && status != DocStatus::Withdrawn => {
            Ok(DocStatus::Withdrawn)
        }
        _ => Err(wrong()),
    }
}

fn step_zh(step: &ReviewStep) -> &'static str {
    match step {
        ReviewStep::Submit => "提交审批",
        ReviewStep::Return { .. } => "退回",
        ReviewStep::Approve => "批准签发",
        ReviewStep::Withdraw => "撤回",
    }
}

fn step_en(step: &ReviewStep) -> &'static str {
    match step {
        ReviewStep::Submit => "submitted for approval",
        ReviewStep::Return { .. } => "returned",
        ReviewStep::Approve => "approved",
        ReviewStep::Withdraw => "withdrawn",
    }
}

/// Who drafts documents: the clerk and the judge's assistants, and the judges themselves.
pub const DRAFTERS: &[Role] = &[Role::Clerk, Role::Officer, Role::Judge, Role::TeamLeader];

/// The level that must approve a kind of document (签发权限).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApprovalLevel {
    /// A judge of the court (员额法官), or anyone above.
    Judge,
    /// The team leader (团队长), or above.
    TeamLeader,
    /// The bureau chief (执行局长), or the president.
    BureauChief,
    /// The court president (院长).
    President,
}

impl ApprovalLevel {
    pub const ALL: [ApprovalLevel; 4] = [
        ApprovalLevel::Judge,
        ApprovalLevel::TeamLeader,
        ApprovalLevel::BureauChief,
        ApprovalLevel::President,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ApprovalLevel::Judge => "judge",
            ApprovalLevel::TeamLeader => "team_leader",
            ApprovalLevel::BureauChief => "bureau_chief",
            ApprovalLevel::President => "president",
        }
    }

    pub fn from_key(key: &str) -> Option<ApprovalLevel> {
        ApprovalLevel::ALL.into_iter().find(|l| l.key() == key)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ApprovalLevel::Judge => "承办法官",
            ApprovalLevel::TeamLeader => "团队长",
            ApprovalLevel::BureauChief => "执行局长",
            ApprovalLevel::President => "院长",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ApprovalLevel::Judge => "the judge",
            ApprovalLevel::TeamLeader => "the team leader",
            ApprovalLevel::BureauChief => "the bureau chief",
            ApprovalLevel::President => "the court president",
        }
    }

    /// The roles that may approve at this level (a higher post may always sign for a lower).
    pub fn roles(self) -> &'static [Role] {
        match self {
            ApprovalLevel::Judge => &[
                Role::Judge,
                Role::TeamLeader,
                Role::BureauChief,
                Role::President,
            ],
            ApprovalLevel::TeamLeader => &[Role::TeamLeader, Role::BureauChief, Role::President],
            ApprovalLevel::BureauChief => &[Role::BureauChief, Role::President],
            ApprovalLevel::President => &[Role::President],
        }
    }

    /// The default level of a kind (a court may set its own). 限制消费令 and 失信决定书 are
    /// signed by the president (SPC 2015 consumption-restriction rules art. 7; 2017 dishonest-
    /// list rules art. 6); 终本 rulings by the bureau chief; the other rulings by the team
    /// leader; notices, orders and records by the judge. (Local practice varies: unconfirmed.)
    pub fn default_for(kind: &str) -> ApprovalLevel {
        match kind {
            "consumption_restriction" | "dishonest_decision" => ApprovalLevel::President,
            "termination_ruling" => ApprovalLevel::BureauChief,
            "ruling_freeze" | "ruling_seal" | "ruling_deduct" => ApprovalLevel::TeamLeader,
            _ => ApprovalLevel::Judge,
        }
    }
}

/// Whether `reviewer` may decide on a document of `level` drafted by `drafter_id`: the role must
/// reach the level, and nobody approves their own draft.
pub fn check_reviewer(
    level: ApprovalLevel,
    role: Role,
    reviewer_id: Option<i64>,
    drafter_id: Option<i64>,
) -> DomainResult<()> {
    if !level.roles().contains(&role) {
        return Err(refuse(
            "document.approval_level",
            format!(
                "此类文书须由{}审批签发，{}无此权限",
                level.name_zh(),
                role.name_zh()
            ),
            format!(
                "this kind of document is approved by {}; a {} may not approve it",
                level.name_en(),
                role.name_en()
            ),
        ));
    }
    if reviewer_id.is_some() && reviewer_id == drafter_id {
        return Err(refuse(
            "document.self_approval",
            "不能审批自己起草的文书",
            "you may not approve a document you drafted",
        ));
    }
    Ok(())
}

/// The number a document carries: the case number for the first of its kind in the case, then
/// 之一, 之二… for later ones (（2024）豫0811执1234号之一).
pub fn document_number(case_number: &str, nth_of_kind: u32) -> String {
    if nth_of_kind <= 1 {
        case_number.to_string()
    } else {
        format!("{case_number}之{}", chinese_count(nth_of_kind - 1))
    }
}

/// 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五.
fn chinese_count(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[(n % 10) as usize] }),
        20..=99 => format!(
            "{}十{}",
            D[(n / 10) as usize],
            if n % 10 == 0 {
                ""
            } else {
                D[(n % 10) as usize]
            }
        ),
        _ => {
            let rest = n % 100;
            let tail = match rest {
                0 => String::new(),
                1..=9 => format!("零{}", D[rest as usize]),
                10..=19 => format!("一{}", chinese_count(rest)),
                _ => chinese_count(rest),
            };
            format!("{}百{tail}", chinese_count(n / 100))
        }
    }
}

/// Whom a kind of document is served on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServedOn {
    Debtors,
    /// Both sides (a ruling that ends the procedure concerns the applicant as much).
    Everyone,
    /// Internal or already in the parties' hands (records, receipts).
    Nobody,
}

pub fn served_on(kind: &str) -> ServedOn {
    match kind {
        "notice" | "asset_report_order" | "consumption_restriction" | "dishonest_decision" => {
            ServedOn::Debtors
        }
        "ruling_freeze" | "ruling_seal" | "ruling_deduct" | "termination_ruling" => {
            ServedOn::Everyone
        }
        _ => ServedOn::Nobody,
    }
}

/// The kinds whose service on every debtor completes the process node 发出执行通知书、报告财产令.
pub const NOTICE_KINDS: [&str; 2] = ["notice", "asset_report_order"];

/// Whether every debtor has been served both the notice and the asset-report order, given the
/// (kind, party) pairs served so far.
pub fn notice_served_on_all(debtors: &[i64], served: &[(String, i64)]) -> bool {
    !debtors.is_empty()
        && debtors.iter().all(|d| {
            NOTICE_KINDS
                .iter()
                .all(|k| served.iter().any(|(sk, p)| sk == k && p == d))
        })
}

/// How a document is served (送达方式).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceMethod {
    /// 电子送达平台: the recipient opens the document through a link and confirms receipt.
    Platform,
    /// 短信送达 through the messaging adapter, with the link.
    Sms,
    /// 电子邮件送达 through the messaging adapter, with the link.
    Email,
    /// 邮寄送达 (EMS 法院专递) with the tracking number.
    Post,
    /// 直接送达 (or 留置送达 when the recipient refuses to sign, with a witness).
    InPerson,
    /// 公告送达: deemed served 30 days after publication (CPL art. 95).
    Announcement,
}

impl ServiceMethod {
    pub const ALL: [ServiceMethod; 6] = [
        ServiceMethod::Platform,
        ServiceMethod::Sms,
        ServiceMethod::Email,
        ServiceMethod::Post,
        ServiceMethod::InPerson,
        ServiceMethod::Announcement,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ServiceMethod::Platform => "platform",
            ServiceMethod::Sms => "sms",
            ServiceMethod::Email => "email",
            ServiceMethod::Post => "post",
            ServiceMethod::InPerson => "in_person",
            ServiceMethod::Announcement => "announcement",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<ServiceMethod> {
        ServiceMethod::ALL
            .into_iter()
            .find(|m| m.key() == key)
            .ok_or_else(|| {
                refuse(
                    "service.method_unknown",
                    "请选择送达方式",
                    "choose a method of service",
                )
            })
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ServiceMethod::Platform => "电子送达平台",
            ServiceMethod::Sms => "短信送达",
            ServiceMethod::Email => "电子邮件送达",
            ServiceMethod::Post => "邮寄送达",
            ServiceMethod::InPerson => "直接送达",
            ServiceMethod::Announcement => "公告送达",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ServiceMethod::Platform => "service platform",
            ServiceMethod::Sms => "SMS",
            ServiceMethod::Email => "e-mail",
            ServiceMethod::Post => "post",
            ServiceMethod::InPerson => "in person",
            ServiceMethod::Announcement => "announcement",
        }
    }

    /// Electronic methods need the recipient's consent (CPL art. 90) and go out by link.
    pub fn electronic(self) -> bool {
        matches!(
            self,
            ServiceMethod::Platform | ServiceMethod::Sms | ServiceMethod::Email
        )
    }

    /// Sent by the system through the messaging adapter (the outcome comes from the provider).
    pub fn by_messenger(self) -> bool {
        matches!(self, ServiceMethod::Sms | ServiceMethod::Email)
    }
}

/// The result of one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttemptOutcome {
    /// On its way (post in transit, link not yet opened).
    Sent,
    Served,
    Failed,
}

impl AttemptOutcome {
    pub const ALL: [AttemptOutcome; 3] = [
        AttemptOutcome::Sent,
        AttemptOutcome::Served,
        AttemptOutcome::Failed,
    ];

    pub fn key(self) -> &'static str {
        match self {
            AttemptOutcome::Sent => "sent",
            AttemptOutcome::Served => "served",
            AttemptOutcome::Failed => "failed",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<AttemptOutcome> {
        AttemptOutcome::ALL
            .into_iter()
            .find(|o| o.key() == key)
            .ok_or_else(|| {
                refuse(
                    "service.outcome_unknown",
                    "请选择送达结果",
                    "choose the outcome",
                )
            })
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            AttemptOutcome::Sent => "已发出",
            AttemptOutcome::Served => "已送达",
            AttemptOutcome::Failed => "送达不成功",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            AttemptOutcome::Sent => "sent",
            AttemptOutcome::Served => "served",
            AttemptOutcome::Failed => "failed",
        }
    }
}

/// A service task's state: one per document and recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskStatus {
    /// The document is not issued yet (drafted in a batch, under review).
    Waiting,
    /// Ready to serve; nothing tried yet.
    Pending,
    /// An attempt is on its way.
    Sent,
    Served,
    /// The last attempt failed: try another method.
    Failed,
    /// The document was withdrawn before issue.
    Cancelled,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 6] = [
        TaskStatus::Waiting,
        TaskStatus::Pending,
        TaskStatus::Sent,
        TaskStatus::Served,
        TaskStatus::Failed,
        TaskStatus::Cancelled,
    ];

    pub fn key(self) -> &'static str {
        match self {
            TaskStatus::Waiting => "waiting",
            TaskStatus::Pending => "pending",
            TaskStatus::Sent => "sent",
            TaskStatus::Served => "served",
            TaskStatus::Failed => "failed",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    pub fn from_key(key: &str) -> Option<TaskStatus> {
        TaskStatus::ALL.into_iter().find(|s| s.key() == key)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            TaskStatus::Waiting => "待签发",
            TaskStatus::Pending => "待送达",
            TaskStatus::Sent => "送达中",
            TaskStatus::Served => "已送达",
            TaskStatus::Failed => "送达失败，待改用其他方式",
            TaskStatus::Cancelled => "已取消",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            TaskStatus::Waiting => "awaiting issue",
            TaskStatus::Pending => "to serve",
            TaskStatus::Sent => "in progress",
            TaskStatus::Served => "served",
            TaskStatus::Failed => "failed: try another method",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    /// Whether an attempt may be recorded now.
    pub fn open(self) -> bool {
        matches!(
            self,
            TaskStatus::Pending | TaskStatus::Sent | TaskStatus::Failed
        )
    }
}

/// One attempt as recorded (or, for SMS/e-mail, as the adapter answered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub method: ServiceMethod,
    pub outcome: AttemptOutcome,
    /// The day of the attempt (for an announcement: the day it was published).
    pub on: NaiveDate,
    /// Who received or signed (受送达人 / 代收人).
    pub received_by: String,
    /// Phone, e-mail or postal address used.
    pub address: String,
    pub tracking_number: String,
    /// Why it failed (退回原因), required for a failure.
    pub failure_reason: String,
    /// 留置送达: the witness when the recipient refused to sign.
    pub witness: String,
    /// Where an announcement was published (e.g. 人民法院公告网).
    pub medium: String,
    /// The recipient agreed to electronic service (送达地址确认书).
    pub consent: bool,
}

/// What an attempt's record must contain, by method and outcome; returns the day the document
/// counts as served (for an announcement 30 days after publication) when the outcome is served.
pub fn check_attempt(
    a: &Attempt,
    issued_on: NaiveDate,
    today: NaiveDate,
) -> DomainResult<Option<NaiveDate>> {
    if a.on > today {
        return Err(refuse(
            "service.date_future",
            "送达日期不能晚于今天",
            "the date of service cannot be in the future",
        ));
    }
    if a.on < issued_on {
        return Err(refuse(
            "service.date_before_issue",
            format!("送达日期不能早于文书签发日期（{issued_on}）"),
            format!("the date of service cannot be before the document was issued ({issued_on})"),
        ));
    }
    for (value, limit, zh, en) in [
        (&a.received_by, 50, "签收人", "recipient"),
        (&a.address, 200, "送达地址", "address"),
        (&a.tracking_number, 40, "邮件单号", "tracking number"),
        (&a.failure_reason, 500, "未送达原因", "reason"),
        (&a.witness, 100, "见证人", "witness"),
        (&a.medium, 100, "公告媒体", "medium"),
    ] {
        if value.chars().count() > limit {
            return Err(refuse(
                "service.too_long",
                format!("{zh}不能超过 {limit} 字"),
                format!("the {en} may be at most {limit} characters"),
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(refuse(
                "service.control_chars",
                format!("{zh}含有不可见字符"),
                format!("the {en} contains control characters"),
            ));
        }
    }
    if a.method.electronic() && !a.consent {
        return Err(refuse(
            "service.no_consent",
            "电子送达须经受送达人同意（送达地址确认书），请先确认",
            "electronic service needs the recipient's consent (address confirmation); confirm it first",
        ));
    }
    if (a.method.electronic() || a.method == ServiceMethod::Post) && a.address.trim().is_empty() {
        return Err(refuse(
            "service.address_required",
            match a.method {
                ServiceMethod::Sms => "请填写受送达人的手机号码",
                ServiceMethod::Email => "请填写受送达人的电子邮箱",
                ServiceMethod::Platform => "请填写受送达人在送达平台登记的手机号码",
                _ => "请填写邮寄地址",
            },
            "the address for this method is required",
        ));
    }
    if a.method == ServiceMethod::Post {
        let t = a.tracking_number.trim();
        if t.len() < 8 || !t.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(refuse(
                "service.tracking_number",
                "邮寄送达须填写邮件单号（8 位以上字母或数字）",
                "service by post needs the tracking number (8 or more letters or digits)",
            ));
        }
    }
    if a.method == ServiceMethod::Announcement {
        if a.medium.trim().is_empty() {
            return Err(refuse(
                "service.medium_required",
                "公告送达须写明公告刊登的媒体或场所",
                "say where the announcement was published",
            ));
        }
        if a.outcome == AttemptOutcome::Failed {
            return Err(refuse(
                "service.announcement_failed",
                "公告一经发出即进入公告期，不能记为送达不成功",
                "an announcement once published cannot fail",
            ));
        }
    }
    match a.outcome {
        AttemptOutcome::Failed => {
            if a.failure_reason.trim().is_empty() {
                return Err(refuse(
                    "service.reason_required",
                    "送达不成功须写明原因（如：查无此人、拒收、地址不详）",
                    "say why service failed (e.g. unknown at the address, refused)",
                ));
            }
            Ok(None)
        }
        AttemptOutcome::Sent => Ok(None),
        AttemptOutcome::Served => match a.method {
            ServiceMethod::Announcement => Ok(Some(announcement_served_on(a.on))),
            ServiceMethod::InPerson | ServiceMethod::Post => {
                if a.received_by.trim().is_empty() && a.witness.trim().is_empty() {
                    return Err(refuse(
                        "service.signature_required",
                        "请填写签收人；受送达人拒绝签收的，请填写见证人（留置送达）",
                        "name who signed; if the recipient refused, name the witness (service by leaving)",
                    ));
                }
                Ok(Some(a.on))
            }
            _ => Ok(Some(a.on)),
        },
    }
}

/// 公告送达: "自发出公告之日起，经过三十日，即视为送达" (CPL art. 95).
pub fn announcement_served_on(published: NaiveDate) -> NaiveDate {
    published + Duration::days(30)
}

/// A task's status after an attempt with this outcome.
pub fn task_after(outcome: AttemptOutcome) -> TaskStatus {
    match outcome {
        AttemptOutcome::Sent => TaskStatus::Sent,
        AttemptOutcome::Served => TaskStatus::Served,
        AttemptOutcome::Failed => TaskStatus::Failed,
    }
}

/// Refuses service of a document that is not issued: nothing unapproved can be served.
pub fn check_servable(status: DocStatus) -> DomainResult<()> {
    if status == DocStatus::Issued {
        Ok(())
    } else {
        Err(refuse(
            "service.not_issued",
            format!("文书尚未批准签发（当前：{}），不能送达", status.name_zh()),
            format!(
                "the document is not approved and issued (it is {}); it cannot be served",
                status.name_en()
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn review_moves_through_submit_return_approve() {
        let s = review(DocStatus::Draft, &ReviewStep::Submit).unwrap();
        assert_eq!(s, DocStatus::Submitted);
        let r = review(
            s,
            &ReviewStep::Return {
                comment: "金额有误".into(),
            },
        )
        .unwrap();
        assert_eq!(r, DocStatus::Returned);
        assert!(r.editable());
        let s = review(r, &ReviewStep::Submit).unwrap();
        assert_eq!(review(s, &ReviewStep::Approve).unwrap(), DocStatus::Issued);
    }

    #[test]
    fn review_refuses_out_of_order_steps() {
        let e = review(DocStatus::Draft, &ReviewStep::Approve).unwrap_err();
        assert_eq!(e.code, "document.wrong_status");
        assert!(e.zh.contains("草稿"), "{}", e.zh);
        assert!(review(DocStatus::Issued, &ReviewStep::Approve).is_err());
        assert!(review(DocStatus::Issued, &ReviewStep::Withdraw).is_err());
        assert!(review(DocStatus::Issued, &ReviewStep::Submit).is_err());
        assert!(review(DocStatus::Withdrawn, &ReviewStep::Submit).is_err());
        let e = review(
            DocStatus::Submitted,
            &ReviewStep::Return {
                comment: "  ".into(),
            },
        )
        .unwrap_err();
        assert_eq!(e.code, "document.comment_required");
        assert_eq!(
            review(DocStatus::Submitted, &ReviewStep::Withdraw).unwrap(),
            DocStatus::Withdrawn
        );
    }

    #[test]
    fn levels_and_reviewers() {
        assert_eq!(
            ApprovalLevel::default_for("termination_ruling"),
            ApprovalLevel::BureauChief
        );
        assert_eq!(
            ApprovalLevel::default_for("consumption_restriction"),
            ApprovalLevel::President
        );
        assert_eq!(ApprovalLevel::default_for("notice"), ApprovalLevel::Judge);
        check_reviewer(ApprovalLevel::Judge, Role::Judge, Some(2), Some(1)).unwrap();
        check_reviewer(
            ApprovalLevel::BureauChief,
            Role::President,
            Some(2),
            Some(1),
        )
        .unwrap();
        let e =
            check_reviewer(ApprovalLevel::BureauChief, Role::Judge, Some(2), Some(1)).unwrap_err();
        assert_eq!(e.code, "document.approval_level");
        assert!(e.zh.contains("执行局长"), "{}", e.zh);
        let e = check_reviewer(ApprovalLevel::Judge, Role::Clerk, Some(2), Some(1)).unwrap_err();
        assert_eq!(e.code, "document.approval_level");
        let e = check_reviewer(ApprovalLevel::Judge, Role::Judge, Some(1), Some(1)).unwrap_err();
        assert_eq!(e.code, "document.self_approval");
    }

    #[test]
    fn document_numbers() {
        let c = "（2024）豫0811执1234号";
        assert_eq!(document_number(c, 1), c);
        assert_eq!(document_number(c, 2), "（2024）豫0811执1234号之一");
        assert_eq!(document_number(c, 11), "（2024）豫0811执1234号之十");
        assert_eq!(document_number(c, 13), "（2024）豫0811执1234号之十二");
        assert_eq!(document_number(c, 21), "（2024）豫0811执1234号之二十");
        assert_eq!(document_number(c, 106), "（2024）豫0811执1234号之一百零五");
        assert_eq!(document_number(c, 111), "（2024）豫0811执1234号之一百一十");
    }

    #[test]
    fn notice_node_needs_both_kinds_on_every_debtor() {
        let served = |v: &[(&str, i64)]| -> Vec<(String, i64)> {
            v.iter().map(|(k, p)| (k.to_string(), *p)).collect()
        };
        assert!(!notice_served_on_all(&[1, 2], &served(&[("notice", 1)])));
        assert!(!notice_served_on_all(
            &[1, 2],
            &served(&[("notice", 1), ("asset_report_order", 1)])
        ));
        assert!(notice_served_on_all(
            &[1, 2],
            &served(&[
                ("notice", 1),
                ("asset_report_order", 1),
                ("notice", 2),
                ("asset_report_order", 2),
                ("ruling_freeze", 2),
            ])
        ));
        assert!(!notice_served_on_all(&[], &[]));
    }

    fn attempt(method: ServiceMethod, outcome: AttemptOutcome) -> Attempt {
        Attempt {
            method,
            outcome,
            on: d(2026, 3, 2),
            received_by: String::new(),
            address: String::new(),
            tracking_number: String::new(),
            failure_reason: String::new(),
            witness: String::new(),
            medium: String::new(),
            consent: false,
        }
    }

    #[test]
    fn attempts_need_their_proof() {
        let issued = d(2026, 3, 1);
        let today = d(2026, 3, 5);
        let mut a = attempt(ServiceMethod::Post, AttemptOutcome::Sent);
        a.address = "河南省孟州市河阳大道 1 号".into();
        assert_eq!(
            check_attempt(&a, issued, today).unwrap_err().code,
            "service.tracking_number"
        );
        a.tracking_number = "1187654321098".into();
        assert_eq!(check_attempt(&a, issued, today).unwrap(), None);
        a.outcome = AttemptOutcome::Served;
        assert_eq!(
            check_attempt(&a, issued, today).unwrap_err().code,
            "service.signature_required"
        );
        a.received_by = "张三".into();
        assert_eq!(
            check_attempt(&a, issued, today).unwrap(),
            Some(d(2026, 3, 2))
        );
        a.outcome = AttemptOutcome::Failed;
        assert_eq!(
            check_attempt(&a, issued, today).unwrap_err().code,
            "service.reason_required"
        );
        a.failure_reason = "查无此人".into();
        assert_eq!(check_attempt(&a, issued, today).unwrap(), None);

        let mut e = attempt(ServiceMethod::Sms, AttemptOutcome::Served);
        e.address = "13800000000".into();
        assert_eq!(
            check_attempt(&e, issued, today).unwrap_err().code,
            "service.no_consent"
        );
        e.consent = true;
        assert!(check_attempt(&e, issued, today).is_ok());

        let mut p = attempt(ServiceMethod::InPerson, AttemptOutcome::Served);
        p.witness = "村委会主任 李四".into();
        assert!(check_attempt(&p, issued, today).is_ok());
        p.on = d(2026, 2, 28);
        assert_eq!(
            check_attempt(&p, issued, today).unwrap_err().code,
            "service.date_before_issue"
        );
        p.on = d(2026, 3, 6);
        assert_eq!(
            check_attempt(&p, issued, today).unwrap_err().code,
            "service.date_future"
        );
    }

    #[test]
    fn announcement_counts_thirty_days() {
        let mut a = attempt(ServiceMethod::Announcement, AttemptOutcome::Served);
        assert_eq!(
            check_attempt(&a, d(2026, 3, 1), d(2026, 3, 5))
                .unwrap_err()
                .code,
            "service.medium_required"
        );
        a.medium = "人民法院公告网".into();
        assert_eq!(
            check_attempt(&a, d(2026, 3, 1), d(2026, 3, 5)).unwrap(),
            Some(d(2026, 4, 1))
        );
        a.outcome = AttemptOutcome::Failed;
        a.failure_reason = "x".into();
        assert!(check_attempt(&a, d(2026, 3, 1), d(2026, 3, 5)).is_err());
    }

    #[test]
    fn only_issued_documents_are_served() {
        assert!(check_servable(DocStatus::Issued).is_ok());
        for s in [
            DocStatus::Draft,
            DocStatus::Submitted,
            DocStatus::Returned,
            DocStatus::Withdrawn,
        ] {
            assert_eq!(check_servable(s).unwrap_err().code, "service.not_issued");
        }
        assert_eq!(served_on("notice"), ServedOn::Debtors);
        assert_eq!(served_on("termination_ruling"), ServedOn::Everyone);
        assert_eq!(served_on("reception_record"), ServedOn::Nobody);
    }
}
