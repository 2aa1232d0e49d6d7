//! What can happen to a case or a court, and how each happening reads in the user's words on
//! the timeline. The kind's key is what is stored and hashed; the payload carries the details.

use serde::{Deserialize, Serialize};
use serde_json::Value;

macro_rules! event_kinds {
    ($( $variant:ident => $key:literal, $zh:literal, $en:literal; )*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum EventKind { $( $variant, )* }

        impl EventKind {
            pub const ALL: &'static [EventKind] = &[ $( EventKind::$variant, )* ];

            pub fn key(self) -> &'static str {
                match self { $( EventKind::$variant => $key, )* }
            }

            pub fn from_key(key: &str) -> Option<EventKind> {
                match key { $( $key => Some(EventKind::$variant), )* _ => None }
            }

            /// The short label, e.g. for a filter or a heading.
            pub fn label_zh(self) -> &'static str {
                match self { $( EventKind::$variant => $zh, )* }
            }

            pub fn label_en(self) -> &'static str {
                match self { $( EventKind::$variant => $en, )* }
            }
        }
    };
}

event_kinds! {
    CourtRegistered => "court_registered", "登记法院", "registered the court";
    UserCreated => "user_created", "创建用户", "created a user";
    UserDeactivated => "user_deactivated", "停用账号", "deactivated a user";
    TeamCreated => "team_created", "组建团队", "formed a team";
    ReceptionRecorded => "reception_recorded", "初次接待登记", "recorded a reception visit";
    SettingsChanged => "settings_changed", "修改本院设置", "changed a court setting";
    RosterSaved => "roster_saved", "保存值班表", "saved the duty roster";
    LeaveRecorded => "leave_recorded", "登记请假", "recorded leave";
    LeaveCancelled => "leave_cancelled", "取消请假", "cancelled leave";
    CaseFiled => "case_filed", "立案", "filed the case";
    TeamAssigned => "team_assigned", "分流至团队", "routed the case to a team";
    OfficerAssigned => "officer_assigned", "分案至承办人", "assigned the officer";
    NoticeIssued => "notice_issued", "发出执行通知书、报告财产令", "issued the enforcement notice and asset-report order";
    InquiryStarted => "inquiry_started", "发起网络查控", "started the network asset inquiry";
    InquiryAnswered => "inquiry_answered", "网络查控反馈", "received the network inquiry results";
    AssetControlled => "asset_controlled", "采取控制措施", "placed a control measure";
    RestrictionOrdered => "restriction_ordered", "发出限制消费令", "issued a consumption-restriction order";
    Blacklisted => "blacklisted", "纳入失信被执行人名单", "put the debtor on the dishonest-debtor list";
    StageChanged => "stage_changed", "变更办理阶段", "moved the case to another stage";
    FundsReceived => "funds_received", "案款到账", "received case funds";
    FundsDisbursed => "funds_disbursed", "案款发放", "paid out case funds";
    CaseSuspended => "case_suspended", "中止执行", "suspended enforcement";
    CaseResumed => "case_resumed", "恢复办理", "resumed enforcement";
    CaseClosed => "case_closed", "结案", "closed the case";
    CaseArchived => "case_archived", "归档", "archived the case";
    CaseRestored => "case_restored", "恢复执行", "restored enforcement in a new case";
    CampaignCreated => "campaign_created", "设立专项行动", "set up a campaign";
    CampaignTagged => "campaign_tagged", "纳入专项行动", "tagged the case to a campaign";
    CampaignUntagged => "campaign_untagged", "移出专项行动", "took the case out of a campaign";
    CaseLocked => "case_locked", "锁定案件", "locked the case";
    CaseUnlocked => "case_unlocked", "解锁案件", "unlocked the case";
    UnlockRequested => "unlock_requested", "申请解锁", "requested unlocking";
    UnlockApproved => "unlock_approved", "批准解锁", "approved unlocking";
    UnlockRefused => "unlock_refused", "不予解锁", "refused unlocking";
    ExtensionRequested => "extension_requested", "申请延长执行期限", "requested an extension of the time limit";
    ExtensionApproved => "extension_approved", "批准延长执行期限", "approved an extension of the time limit";
    ExtensionRefused => "extension_refused", "不予延长执行期限", "refused an extension of the time limit";
    DossierItemAdded => "dossier_item_added", "添加卷宗材料", "added a document to the dossier";
    DossierReordered => "dossier_reordered", "调整卷宗目录顺序", "reordered the dossier";
    DocumentDrafted => "document_drafted", "起草文书", "drafted a document";
    DocumentEdited => "document_edited", "修改文书草稿", "changed a draft document";
    DocumentSubmitted => "document_submitted", "提交文书审批", "submitted a document for approval";
    DocumentReturned => "document_returned", "退回文书", "returned a document to its drafter";
    DocumentIssued => "document_issued", "批准签发文书", "approved and issued a document";
    DocumentWithdrawn => "document_withdrawn", "撤回文书", "withdrew a document";
    ServiceSent => "service_sent", "发出送达", "sent a document for service";
    DocumentServed => "document_served", "文书已送达", "served a document";
    ServiceFailed => "service_failed", "送达不成功", "service failed";
    RoutineBatchRun => "routine_batch_run", "集约批量制作文书", "ran a routine-work batch";
    DisbursementProposed => "disbursement_proposed", "提出案款发放方案", "proposed a payout of case funds";
    DisbursementRefused => "disbursement_refused", "不予发放案款", "refused a payout of case funds";
    ApplicantClaimsSet => "applicant_claims_set", "确定各申请执行人债权额", "stated each applicant's claim";
    AssetLeadFiled => "asset_lead_filed", "登记财产线索", "recorded an asset lead from the applicant";
    UrgentAssetLeadFiled => "urgent_asset_lead_filed", "登记紧急财产线索", "recorded an urgent asset lead from the applicant";
    AssetLeadVerified => "asset_lead_verified", "核查财产线索", "verified an asset lead";
    AssetFound => "asset_found", "登记查找到的财产", "recorded an asset found";
    ControlRenewed => "control_renewed", "续行控制措施", "renewed a control measure";
    ControlLifted => "control_lifted", "解除控制措施", "lifted a control measure";
    ApplicantInformed => "applicant_informed", "告知申请执行人查控结果", "told the applicant the inquiry results";
    MeasureIssued => "measure_issued", "采取强制措施", "took a coercive measure";
    MeasureRevoked => "measure_revoked", "撤销强制措施", "revoked a coercive measure";
    SettlementRecorded => "settlement_recorded", "登记执行和解协议", "recorded a settlement agreement";
    SettlementPaymentRecorded => "settlement_payment_recorded", "登记和解履行情况", "recorded a payment under the settlement";
    ClosingRecorded => "closing_recorded", "登记结案材料", "recorded a fact for closing";
    ClosingReviewed => "closing_reviewed", "结案条件审查", "checked the closing conditions";
    PropertySeized => "property_seized", "查封、扣押财产", "seized property";
    DisposalStarted => "disposal_started", "决定处置财产", "decided to dispose of seized property";
    DisposalStepRecorded => "disposal_step_recorded", "登记财产处置环节", "recorded a disposal step";
    DisposalFinished => "disposal_finished", "财产处置完毕", "finished disposing of seized property";
    DisposalWithdrawn => "disposal_withdrawn", "撤回财产处置", "withdrew a disposal";
}

fn s<'a>(p: &'a Value, key: &str) -> &'a str {
    p.get(key).and_then(Value::as_str).unwrap_or("")
}

fn fen(p: &Value, key: &str) -> Option<String> {
    p.get(key)
        .and_then(Value::as_i64)
        .map(|f| crate::money::Fen(f).to_string())
}

impl EventKind {
    /// The timeline sentence in Chinese: the label plus the details a clerk cares about.
    pub fn describe_zh(self, p: &Value) -> String {
        let label = self.label_zh();
        let detail = match self {
            EventKind::CaseFiled => {
                let filed = format!(
                    "{}，申请执行标的额 {} 元",
                    s(p, "case_number"),
                    fen(p, "claim_fen").unwrap_or_default()
                );
                match s(p, "note") {
                    "" => filed,
                    note => format!("{filed}；{note}"),
                }
            }
            EventKind::TeamAssigned => {
                let why = s(p, "reason");
                if why.is_empty() {
                    s(p, "team_name").to_string()
                } else {
                    format!("{}（{}）", s(p, "team_name"), why)
                }
            }
            EventKind::OfficerAssigned => {
                let why = s(p, "reason");
                let verb = if p.get("previous_officer_id").is_some() {
                    "改派至"
                } else {
                    ""
                };
                if why.is_empty() {
                    format!("{verb}{}", s(p, "officer_name"))
                } else {
                    format!("{verb}{}（{}）", s(p, "officer_name"), why)
                }
            }
            EventKind::UserDeactivated => {
                format!("{}（{}）", s(p, "display_name"), s(p, "reason"))
            }
            EventKind::InquiryStarted | EventKind::InquiryAnswered => s(p, "summary").to_string(),
            EventKind::CaseRestored
            | EventKind::CampaignCreated
            | EventKind::CampaignTagged
            | EventKind::CampaignUntagged => s(p, "summary").to_string(),
            EventKind::AssetControlled
            | EventKind::AssetLeadFiled
            | EventKind::UrgentAssetLeadFiled
            | EventKind::AssetLeadVerified
            | EventKind::AssetFound
            | EventKind::ControlRenewed
            | EventKind::ControlLifted
            | EventKind::ApplicantInformed
            | EventKind::MeasureIssued
            | EventKind::MeasureRevoked
            | EventKind::SettlementRecorded
            | EventKind::SettlementPaymentRecorded
            | EventKind::RestrictionOrdered
            | EventKind::Blacklisted
            | EventKind::ClosingRecorded
            | EventKind::ClosingReviewed
            | EventKind::ApplicantClaimsSet
            | EventKind::PropertySeized
            | EventKind::DisposalStarted
            | EventKind::DisposalStepRecorded
            | EventKind::DisposalFinished
            | EventKind::DisposalWithdrawn => s(p, "summary").to_string(),
            EventKind::StageChanged => {
                format!("{} → {}", stage_zh(s(p, "from")), stage_zh(s(p, "to")))
            }
            EventKind::FundsReceived | EventKind::FundsDisbursed => {
                format!("{} 元", fen(p, "amount_fen").unwrap_or_default())
            }
            EventKind::CaseClosed => {
                let mode = crate::case::ClosingMode::from_key(s(p, "mode"))
                    .map(|m| m.name_zh())
                    .unwrap_or("");
                match fen(p, "recovered_fen") {
                    Some(r) => format!("{mode}，执行到位 {r} 元"),
                    None => mode.to_string(),
                }
            }
            EventKind::CaseSuspended | EventKind::CaseLocked | EventKind::CaseUnlocked => {
                s(p, "reason").to_string()
            }
            EventKind::UnlockRequested | EventKind::ExtensionRequested => format!(
                "流程节点「{}」，由{}审批；理由：{}",
                s(p, "node_name"),
                s(p, "level_name"),
                s(p, "reason")
            ),
            EventKind::UnlockApproved => match s(p, "reason") {
                "" => format!("新的期限 {}", s(p, "new_due_on")),
                why => format!("新的期限 {}（{why}）", s(p, "new_due_on")),
            },
            EventKind::ExtensionApproved => match s(p, "reason") {
                "" => format!(
                    "延长 {} 个月，期限至 {}",
                    p.get("months").and_then(Value::as_i64).unwrap_or(0),
                    s(p, "new_due_on")
                ),
                why => format!(
                    "延长 {} 个月，期限至 {}（{why}）",
                    p.get("months").and_then(Value::as_i64).unwrap_or(0),
                    s(p, "new_due_on")
                ),
            },
            EventKind::UnlockRefused | EventKind::ExtensionRefused => s(p, "reason").to_string(),
            EventKind::UserCreated => format!("{}（{}）", s(p, "display_name"), s(p, "username")),
            EventKind::TeamCreated | EventKind::CourtRegistered => s(p, "name").to_string(),
            EventKind::SettingsChanged => s(p, "title").to_string(),
            EventKind::RosterSaved => format!(
                "{} 起一周，第 {} 版，值班电话 {}",
                s(p, "week_start"),
                p.get("version").and_then(Value::as_i64).unwrap_or(0),
                s(p, "duty_phone")
            ),
            EventKind::LeaveRecorded => {
                format!("{} {}（{}）", s(p, "name"), s(p, "date"), s(p, "reason"))
            }
            EventKind::LeaveCancelled => format!("{} {}", s(p, "name"), s(p, "date")),
            EventKind::DossierItemAdded | EventKind::DossierReordered => {
                format!("{}「{}」", s(p, "volume_zh"), s(p, "title"))
            }
            EventKind::DocumentDrafted
            | EventKind::DocumentEdited
            | EventKind::DocumentSubmitted
            | EventKind::DocumentWithdrawn => s(p, "kind_zh").to_string(),
            EventKind::DocumentReturned => {
                format!("{}；意见：{}", s(p, "kind_zh"), s(p, "comment"))
            }
            EventKind::DocumentIssued => format!("{} {}", s(p, "kind_zh"), s(p, "number")),
            EventKind::ServiceSent | EventKind::DocumentServed => format!(
                "{}，{}，受送达人 {}",
                s(p, "kind_zh"),
                s(p, "method_zh"),
                s(p, "recipient")
            ),
            EventKind::ServiceFailed => format!(
                "{}，{}，受送达人 {}；原因：{}",
                s(p, "kind_zh"),
                s(p, "method_zh"),
                s(p, "recipient"),
                s(p, "reason")
            ),
            EventKind::RoutineBatchRun => format!(
                "{} 件案件，{} 份文书",
                p.get("cases").and_then(Value::as_i64).unwrap_or(0),
                p.get("documents").and_then(Value::as_i64).unwrap_or(0)
            ),
            _ => String::new(),
        };
        if detail.is_empty() {
            label.to_string()
        } else {
            format!("{label}：{detail}")
        }
    }

    pub fn describe_en(self, p: &Value) -> String {
        let label = self.label_en();
        let detail = match self {
            EventKind::CaseFiled => format!(
                "{}, claim {} yuan",
                s(p, "case_number"),
                fen(p, "claim_fen").unwrap_or_default()
            ),
            EventKind::TeamAssigned => s(p, "team_name").to_string(),
            EventKind::OfficerAssigned if p.get("previous_officer_id").is_some() => {
                format!(
                    "reassigned to {} ({})",
                    s(p, "officer_name"),
                    s(p, "reason")
                )
            }
            EventKind::OfficerAssigned => s(p, "officer_name").to_string(),
            EventKind::UserDeactivated => format!("{} ({})", s(p, "username"), s(p, "reason")),
            EventKind::StageChanged => {
                format!("{} → {}", stage_en(s(p, "from")), stage_en(s(p, "to")))
            }
            EventKind::FundsReceived | EventKind::FundsDisbursed => {
                format!("{} yuan", fen(p, "amount_fen").unwrap_or_default())
            }
            EventKind::CaseClosed => crate::case::ClosingMode::from_key(s(p, "mode"))
                .map(|m| m.key().to_string())
                .unwrap_or_default(),
            EventKind::UnlockRequested | EventKind::ExtensionRequested => format!(
                "process node \"{}\", to be decided by {}; reason: {}",
                s(p, "node_name_en"),
                s(p, "level_name_en"),
                s(p, "reason")
            ),
            EventKind::UnlockApproved => format!("new deadline {}", s(p, "new_due_on")),
            EventKind::ExtensionApproved => format!(
                "{} more month(s), due {}",
                p.get("months").and_then(Value::as_i64).unwrap_or(0),
                s(p, "new_due_on")
            ),
            EventKind::UnlockRefused | EventKind::ExtensionRefused => s(p, "reason").to_string(),
            EventKind::UserCreated => s(p, "username").to_string(),
            EventKind::CaseRestored
            | EventKind::CampaignCreated
            | EventKind::CampaignTagged
            | EventKind::CampaignUntagged => s(p, "summary_en").to_string(),
            EventKind::InquiryAnswered
            | EventKind::AssetControlled
            | EventKind::AssetLeadFiled
            | EventKind::UrgentAssetLeadFiled
            | EventKind::AssetLeadVerified
            | EventKind::AssetFound
            | EventKind::ControlRenewed
            | EventKind::ControlLifted
            | EventKind::ApplicantInformed
            | EventKind::MeasureIssued
            | EventKind::MeasureRevoked
            | EventKind::SettlementRecorded
            | EventKind::SettlementPaymentRecorded
            | EventKind::RestrictionOrdered
            | EventKind::Blacklisted
            | EventKind::ClosingRecorded
            | EventKind::ClosingReviewed
            | EventKind::ApplicantClaimsSet
            | EventKind::PropertySeized
            | EventKind::DisposalStarted
            | EventKind::DisposalStepRecorded
            | EventKind::DisposalFinished
            | EventKind::DisposalWithdrawn => s(p, "summary_en").to_string(),
            EventKind::RosterSaved => format!(
                "week of {}, version {}, duty phone {}",
                s(p, "week_start"),
                p.get("version").and_then(Value::as_i64).unwrap_or(0),
                s(p, "duty_phone")
            ),
            EventKind::LeaveRecorded => {
                format!("{} on {} ({})", s(p, "name"), s(p, "date"), s(p, "reason"))
            }
            EventKind::LeaveCancelled => format!("{} on {}", s(p, "name"), s(p, "date")),
            EventKind::DossierItemAdded | EventKind::DossierReordered => {
                format!("\"{}\" ({})", s(p, "title"), s(p, "volume_en"))
            }
            EventKind::DocumentDrafted
            | EventKind::DocumentEdited
            | EventKind::DocumentSubmitted
            | EventKind::DocumentWithdrawn => s(p, "kind_en").to_string(),
            EventKind::DocumentReturned => {
                format!("{}; comment: {}", s(p, "kind_en"), s(p, "comment"))
            }
            EventKind::DocumentIssued => format!("{} {}", s(p, "kind_en"), s(p, "number")),
            EventKind::ServiceSent | EventKind::DocumentServed => format!(
                "{} by {} on {}",
                s(p, "kind_en"),
                s(p, "method_en"),
                s(p, "recipient")
            ),
            EventKind::ServiceFailed => format!(
                "{} by {} on {}; reason: {}",
                s(p, "kind_en"),
                s(p, "method_en"),
                s(p, "recipient"),
                s(p, "reason")
            ),
            EventKind::RoutineBatchRun => format!(
                "{} cases, {} documents",
                p.get("cases").and_then(Value::as_i64).unwrap_or(0),
                p.get("documents").and_then(Value::as_i64).unwrap_or(0)
            ),
            _ => String::new(),
        };
        if detail.is_empty() {
            label.to_string()
        } else {
            format!("{label}: {detail}")
        }
    }
}

fn stage_zh(key: &str) -> &'static str {
    crate::case::Stage::from_key(key)
        .map(|s| s.name_zh())
        .unwrap_or("")
}

fn stage_en(key: &str) -> &'static str {
    crate::case::Stage::from_key(key)
        .map(|s| s.name_en())
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for k in EventKind::ALL {
            assert!(seen.insert(k.key()));
            assert_eq!(EventKind::from_key(k.key()), Some(*k));
        }
        assert_eq!(EventKind::from_key("nonsense"), None);
    }

    #[test]
    fn timeline_reads_in_the_users_words() {
        assert_eq!(
            EventKind::NoticeIssued.describe_zh(&json!({})),
            "发出执行通知书、报告财产令"
        );
        assert_eq!(
            EventKind::StageChanged
                .describe_zh(&json!({"from": "assigned", "to": "investigation"})),
            "变更办理阶段：已分案 → 财产查控"
        );
        assert_eq!(
            EventKind::FundsReceived.describe_zh(&json!({"amount_fen": 138_000_000})),
            "案款到账：1,380,000.00 元"
        );
        let asked = json!({"node_name": "执行期限（结案）", "node_name_en": "Conclude the case",
            "level_name": "中级人民法院", "level_name_en": "the intermediate court",
            "reason": "财产拍卖中"});
        assert_eq!(
            EventKind::UnlockRequested.describe_zh(&asked),
            "申请解锁：流程节点「执行期限（结案）」，由中级人民法院审批；理由：财产拍卖中"
        );
        assert!(EventKind::UnlockRequested
            .describe_en(&asked)
            .contains("the intermediate court"));
        assert_eq!(
            EventKind::UnlockApproved.describe_zh(&json!({"new_due_on": "2026-07-01"})),
            "批准解锁：新的期限 2026-07-01"
        );
        assert_eq!(
            EventKind::ExtensionApproved
                .describe_zh(&json!({"months": 3, "new_due_on": "2026-10-09", "reason": "同意"})),
            "批准延长执行期限：延长 3 个月，期限至 2026-10-09（同意）"
        );
        assert_eq!(
            EventKind::ExtensionRefused.describe_en(&json!({"reason": "理由不足"})),
            "refused an extension of the time limit: 理由不足"
        );
    }
}
