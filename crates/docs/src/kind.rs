//! The kinds of document the court generates, with stable keys and default templates.

/// A kind of generated document. `key()` is stable: it names the default template file, the
/// court setting `doc_template.<key>` and the download URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocKind {
    /// 执行通知书, with the 迟延履行利息 warning (CPL art. 260).
    Notice,
    /// 报告财产令 with the 财产调查表.
    AssetReportOrder,
    /// 执行裁定书 (冻结).
    RulingFreeze,
    /// 执行裁定书 (查封).
    RulingSeal,
    /// 执行裁定书 (扣划).
    RulingDeduct,
    /// 限制消费令.
    ConsumptionRestriction,
    /// 失信决定书.
    DishonestDecision,
    /// 终结本次执行程序裁定书.
    TerminationRuling,
    /// 接待笔录.
    ReceptionRecord,
    /// 送达回证.
    ServiceReceipt,
}

impl DocKind {
    pub const ALL: [DocKind; 10] = [
        DocKind::Notice,
        DocKind::AssetReportOrder,
        DocKind::RulingFreeze,
        DocKind::RulingSeal,
        DocKind::RulingDeduct,
        DocKind::ConsumptionRestriction,
        DocKind::DishonestDecision,
        DocKind::TerminationRuling,
        DocKind::ReceptionRecord,
        DocKind::ServiceReceipt,
    ];

    pub fn key(self) -> &'static str {
        match self {
            DocKind::Notice => "notice",
            DocKind::AssetReportOrder => "asset_report_order",
            DocKind::RulingFreeze => "ruling_freeze",
            DocKind::RulingSeal => "ruling_seal",
            DocKind::RulingDeduct => "ruling_deduct",
            DocKind::ConsumptionRestriction => "consumption_restriction",
            DocKind::DishonestDecision => "dishonest_decision",
            DocKind::TerminationRuling => "termination_ruling",
            DocKind::ReceptionRecord => "reception_record",
            DocKind::ServiceReceipt => "service_receipt",
        }
    }

    pub fn from_key(key: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.key() == key)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            DocKind::Notice => "执行通知书",
            DocKind::AssetReportOrder => "报告财产令",
            DocKind::RulingFreeze => "执行裁定书（冻结）",
            DocKind::RulingSeal => "执行裁定书（查封）",
            DocKind::RulingDeduct => "执行裁定书（扣划）",
            DocKind::ConsumptionRestriction => "限制消费令",
            DocKind::DishonestDecision => "失信决定书",
            DocKind::TerminationRuling => "终结本次执行程序裁定书",
            DocKind::ReceptionRecord => "接待笔录",
            DocKind::ServiceReceipt => "送达回证",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            DocKind::Notice => "Enforcement notice",
            DocKind::AssetReportOrder => "Order to report assets",
            DocKind::RulingFreeze => "Enforcement ruling (freezing)",
            DocKind::RulingSeal => "Enforcement ruling (sealing)",
            DocKind::RulingDeduct => "Enforcement ruling (deduction)",
            DocKind::ConsumptionRestriction => "Consumption restriction order",
            DocKind::DishonestDecision => "Decision on dishonest judgment debtor",
            DocKind::TerminationRuling => "Ruling terminating this round of enforcement",
            DocKind::ReceptionRecord => "Reception record",
            DocKind::ServiceReceipt => "Proof of service",
        }
    }

    /// The template shipped with the product (`crates/docs/templates/<key>.tpl`).
    pub fn default_template(self) -> &'static str {
        match self {
            DocKind::Notice => include_str!("../templates/notice.tpl"),
            DocKind::AssetReportOrder => include_str!("../templates/asset_report_order.tpl"),
            DocKind::RulingFreeze => include_str!("../templates/ruling_freeze.tpl"),
            DocKind::RulingSeal => include_str!("../templates/ruling_seal.tpl"),
            DocKind::RulingDeduct => include_str!("../templates/ruling_deduct.tpl"),
            DocKind::ConsumptionRestriction => {
                include_str!("../templates/consumption_restriction.tpl")
            }
            DocKind::DishonestDecision => include_str!("../templates/dishonest_decision.tpl"),
            DocKind::TerminationRuling => include_str!("../templates/termination_ruling.tpl"),
            DocKind::ReceptionRecord => include_str!("../templates/reception_record.tpl"),
            DocKind::ServiceReceipt => include_str!("../templates/service_receipt.tpl"),
        }
    }

    /// The court setting that overrides this kind's template.
    pub fn setting_key(self) -> String {
        format!("doc_template.{}", self.key())
    }
}
