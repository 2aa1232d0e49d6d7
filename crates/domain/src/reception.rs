//! The first-reception window (初次接待): what the officer records and must tell the applicant
//! before the record can be saved.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};

/// The rights, duties and risks the officer must explain (权利义务及风险告知), item by item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeItem {
    AssetLeadsAnyTime,
    LawyerInvestigationOrder,
    RewardOffer,
    DishonestListApplication,
    RiskOfFailure,
    DormantMeaning,
    PortalRegistration,
}

impl NoticeItem {
    pub const ALL: [NoticeItem; 7] = [
        NoticeItem::AssetLeadsAnyTime,
        NoticeItem::LawyerInvestigationOrder,
        NoticeItem::RewardOffer,
        NoticeItem::DishonestListApplication,
        NoticeItem::RiskOfFailure,
        NoticeItem::DormantMeaning,
        NoticeItem::PortalRegistration,
    ];

    pub fn key(self) -> &'static str {
        match self {
            NoticeItem::AssetLeadsAnyTime => "asset_leads_any_time",
            NoticeItem::LawyerInvestigationOrder => "lawyer_investigation_order",
            NoticeItem::RewardOffer => "reward_offer",
            NoticeItem::DishonestListApplication => "dishonest_list_application",
            NoticeItem::RiskOfFailure => "risk_of_failure",
            NoticeItem::DormantMeaning => "dormant_meaning",
            NoticeItem::PortalRegistration => "portal_registration",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<NoticeItem> {
        NoticeItem::ALL
            .into_iter()
            .find(|i| i.key() == key)
            .ok_or_else(|| {
                DomainError::new(
                    "notice.unknown",
                    format!("未知的告知事项：{key}"),
                    format!("unknown notice item: {key}"),
                )
            })
    }

    /// What the officer tells the applicant, as printed on the reception record.
    pub fn text_zh(self) -> &'static str {
        match self {
            NoticeItem::AssetLeadsAnyTime => "申请执行人可随时向法院提供被执行人的财产线索",
            NoticeItem::LawyerInvestigationOrder => "委托律师的，可以申请律师调查令调查被执行人财产",
            NoticeItem::RewardOffer => "可以申请悬赏执行，悬赏金由申请执行人负担",
            NoticeItem::DishonestListApplication => "被执行人有失信情形的，可以申请将其纳入失信被执行人名单",
            NoticeItem::RiskOfFailure => "被执行人确无财产可供执行的，执行可能不能实现，申请执行人承担相应风险",
            NoticeItem::DormantMeaning => {
                "终结本次执行程序后，发现被执行人有可供执行财产的，可以随时申请恢复执行，且不受申请执行时效期间限制"
            }
            NoticeItem::PortalRegistration => "可凭绑定码在阳光执行平台注册，随时查询案件进展",
        }
    }

    pub fn text_en(self) -> &'static str {
        match self {
            NoticeItem::AssetLeadsAnyTime => "asset leads may be given to the court at any time",
            NoticeItem::LawyerInvestigationOrder => "a lawyer may apply for an investigation order",
            NoticeItem::RewardOffer => "a reward for asset information may be offered, at the applicant's cost",
            NoticeItem::DishonestListApplication => "the applicant may ask for the debtor to be put on the dishonest-debtor list",
            NoticeItem::RiskOfFailure => "if the debtor truly has no assets, enforcement may fail; that risk is the applicant's",
            NoticeItem::DormantMeaning => {
                "after a dormant closing, enforcement can be restored whenever assets are found, with no time limit"
            }
            NoticeItem::PortalRegistration => "the binding code registers the case on the applicant portal",
        }
    }
}

/// The items the applicant confirmed having been told.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checklist {
    pub confirmed: BTreeSet<NoticeItem>,
}

impl Checklist {
    pub fn all_confirmed() -> Checklist {
        Checklist {
            confirmed: NoticeItem::ALL.into_iter().collect(),
        }
    }

    /// Every item must be confirmed before the record can be saved.
    pub fn check(&self) -> DomainResult<()> {
        let missing: Vec<NoticeItem> = NoticeItem::ALL
            .into_iter()
            .filter(|i| !self.confirmed.contains(i))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let zh: Vec<&str> = missing.iter().map(|i| i.text_zh()).collect();
        let en: Vec<&str> = missing.iter().map(|i| i.text_en()).collect();
        Err(DomainError::new(
            "reception.checklist_incomplete",
            format!("以下告知事项尚未逐项确认：{}", zh.join("；")),
            format!(
                "these notice items are not confirmed yet: {}",
                en.join("; ")
            ),
        ))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetKind {
    BankDeposit,
    RealEstate,
    Vehicle,
    Equity,
    Receivable,
    Other,
}

impl AssetKind {
    pub const ALL: [AssetKind; 6] = [
        AssetKind::BankDeposit,
        AssetKind::RealEstate,
        AssetKind::Vehicle,
        AssetKind::Equity,
        AssetKind::Receivable,
        AssetKind::Other,
    ];

    pub fn key(self) -> &'static str {
        match self {
            AssetKind::BankDeposit => "bank_deposit",
            AssetKind::RealEstate => "real_estate",
            AssetKind::Vehicle => "vehicle",
            AssetKind::Equity => "equity",
            AssetKind::Receivable => "receivable",
            AssetKind::Other => "other",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<AssetKind> {
        AssetKind::ALL
            .into_iter()
            .find(|k| k.key() == key)
            .ok_or_else(|| {
                DomainError::new(
                    "asset.kind_unknown",
                    format!("未知的财产类型：{key}"),
                    format!("unknown asset kind: {key}"),
                )
            })
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            AssetKind::BankDeposit => "银行存款",
            AssetKind::RealEstate => "不动产",
            AssetKind::Vehicle => "车辆",
            AssetKind::Equity => "股权",
            AssetKind::Receivable => "到期债权",
            AssetKind::Other => "其他财产",
        }
    }
}

impl AssetKind {
    pub fn name_en(self) -> &'static str {
        match self {
            AssetKind::BankDeposit => "bank deposit",
            AssetKind::RealEstate => "real estate",
            AssetKind::Vehicle => "vehicle",
            AssetKind::Equity => "equity",
            AssetKind::Receivable => "receivable",
            AssetKind::Other => "other property",
        }
    }
}

/// A lead the applicant knows of: where the debtor's assets might be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetLead {
    pub kind: AssetKind,
    pub description: String,
    pub location: Option<String>,
}

impl AssetLead {
    pub fn new(
        kind: AssetKind,
        description: &str,
        location: Option<&str>,
    ) -> DomainResult<AssetLead> {
        let description = description.trim();
        if description.is_empty() || description.chars().count() > 200 {
            return Err(DomainError::new(
                "asset.description",
                "财产线索须有 1–200 字的说明",
                "an asset lead needs a description of 1–200 characters",
            ));
        }
        let location = location
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        Ok(AssetLead {
            kind,
            description: description.to_string(),
            location,
        })
    }
}

/// Someone acting for the applicant; a lawyer brings a licence number (执业证号, 17 digits).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agent {
    pub name: String,
    pub lawyer_licence: Option<String>,
    pub phone: Option<String>,
}

impl Agent {
    pub fn new(
        name: &str,
        lawyer_licence: Option<&str>,
        phone: Option<&str>,
    ) -> DomainResult<Agent> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 50 {
            return Err(DomainError::new(
                "agent.name",
                "请填写代理人姓名（不超过 50 字）",
                "the agent's name is required (≤ 50)",
            ));
        }
        let licence = lawyer_licence.map(str::trim).filter(|s| !s.is_empty());
        if let Some(l) = licence {
            if l.len() != 17 || !l.bytes().all(|b| b.is_ascii_digit()) {
                return Err(DomainError::new(
                    "agent.licence",
                    format!("律师执业证号应为 17 位数字，实为“{l}”"),
                    format!("a lawyer's licence number has 17 digits, got '{l}'"),
                ));
            }
        }
        Ok(Agent {
            name: name.to_string(),
            lawyer_licence: licence.map(str::to_string),
            phone: phone
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        })
    }
}

/// The code an applicant types on the portal to follow this case: 8 characters from an
/// alphabet without look-alikes (no 0/O, 1/I/L).
pub const BINDING_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

pub fn binding_code_from(random: [u8; 8]) -> String {
    random
        .iter()
        .map(|b| BINDING_ALPHABET[*b as usize % BINDING_ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notice_item_must_be_confirmed() {
        assert!(Checklist::all_confirmed().check().is_ok());
        let mut c = Checklist::all_confirmed();
        c.confirmed.remove(&NoticeItem::RiskOfFailure);
        let e = c.check().unwrap_err();
        assert_eq!(e.code, "reception.checklist_incomplete");
        assert!(e.zh.contains("承担相应风险"));
        for i in NoticeItem::ALL {
            assert_eq!(NoticeItem::from_key(i.key()).unwrap(), i);
        }
    }

    #[test]
    fn agents_leads_and_codes() {
        assert!(Agent::new("赵律师", Some("14108201210123456"), None).is_ok());
        assert_eq!(
            Agent::new("赵律师", Some("123"), None).unwrap_err().code,
            "agent.licence"
        );
        assert!(AssetLead::new(AssetKind::Vehicle, "  ", None).is_err());
        let code = binding_code_from([0, 1, 2, 3, 250, 255, 31, 30]);
        assert_eq!(code.len(), 8);
        assert!(code.bytes().all(|b| BINDING_ALPHABET.contains(&b)));
    }
}
