//! Coercive measures against a debtor (强制措施 and credit discipline): consumption restriction
//! (限制高消费), the dishonest-debtor list (失信被执行人名单) with its grounds and term, the
//! reward offer (悬赏), the lawyer investigation order (律师调查令), referral for the crime of
//! refusing to enforce (拒执罪), fines and detention. Pure rules: which measure is public, what
//! each needs, the list's eligibility and term, and the statutory bounds of fines and detention.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};
use crate::money::Fen;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureKind {
    ConsumptionRestriction,
    DishonestList,
    RewardOffer,
    LawyerInvestigationOrder,
    RefusalReferral,
    Fine,
    Detention,
}

impl MeasureKind {
    pub const ALL: [MeasureKind; 7] = [
        MeasureKind::ConsumptionRestriction,
        MeasureKind::DishonestList,
        MeasureKind::RewardOffer,
        MeasureKind::LawyerInvestigationOrder,
        MeasureKind::RefusalReferral,
        MeasureKind::Fine,
        MeasureKind::Detention,
    ];

    pub fn key(self) -> &'static str {
        match self {
            MeasureKind::ConsumptionRestriction => "consumption_restriction",
            MeasureKind::DishonestList => "dishonest_list",
            MeasureKind::RewardOffer => "reward_offer",
            MeasureKind::LawyerInvestigationOrder => "lawyer_investigation_order",
            MeasureKind::RefusalReferral => "refusal_referral",
            MeasureKind::Fine => "fine",
            MeasureKind::Detention => "detention",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<MeasureKind> {
        Self::ALL
            .into_iter()
            .find(|k| k.key() == key)
            .ok_or_else(|| {
                DomainError::new(
                    "measure.unknown_kind",
                    format!("未知的强制措施“{key}”"),
                    format!("unknown coercive measure \"{key}\""),
                )
            })
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            MeasureKind::ConsumptionRestriction => "限制高消费",
            MeasureKind::DishonestList => "纳入失信被执行人名单",
            MeasureKind::RewardOffer => "悬赏执行",
            MeasureKind::LawyerInvestigationOrder => "律师调查令",
            MeasureKind::RefusalReferral => "移送拒不执行判决、裁定罪",
            MeasureKind::Fine => "罚款",
            MeasureKind::Detention => "司法拘留",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            MeasureKind::ConsumptionRestriction => "Consumption restriction",
            MeasureKind::DishonestList => "Dishonest-debtor list",
            MeasureKind::RewardOffer => "Reward offer",
            MeasureKind::LawyerInvestigationOrder => "Lawyer investigation order",
            MeasureKind::RefusalReferral => "Referral for refusing to enforce",
            MeasureKind::Fine => "Fine",
            MeasureKind::Detention => "Judicial detention",
        }
    }

    /// What the public may see (the applicant portal and public lists): the restriction, the
    /// list and the reward offer are published by law; the rest stays inside the case.
    pub fn is_public(self) -> bool {
        matches!(
            self,
            MeasureKind::ConsumptionRestriction
                | MeasureKind::DishonestList
                | MeasureKind::RewardOffer
        )
    }

    /// The document that carries the measure (its kind key in the docs crate), when there is one.
    pub fn document_kind(self) -> Option<&'static str> {
        match self {
            MeasureKind::ConsumptionRestriction => Some("consumption_restriction"),
            MeasureKind::DishonestList => Some("dishonest_decision"),
            _ => None,
        }
    }

    /// Whether the measure falls on a person only (detention; an organisation's responsible
    /// person is detained as a person).
    pub fn person_only(self) -> bool {
        matches!(self, MeasureKind::Detention)
    }
}

/// Grounds for the dishonest-debtor list (SPC provisions on publishing the list, 2017, art. 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DishonestGround {
    /// (一) able to perform but refuses.
    AbleButRefuses,
    /// (二) obstructs by forged evidence, violence or threats.
    Obstructs,
    /// (三) evades by sham litigation or arbitration, hiding or moving property.
    Evades,
    /// (四) breaks the asset-report duty.
    BreaksAssetReport,
    /// (五) breaks the consumption restriction.
    BreaksRestriction,
    /// (六) refuses without reason to perform a settlement agreement.
    BreaksSettlement,
}

impl DishonestGround {
    pub const ALL: [DishonestGround; 6] = [
        DishonestGround::AbleButRefuses,
        DishonestGround::Obstructs,
        DishonestGround::Evades,
        DishonestGround::BreaksAssetReport,
        DishonestGround::BreaksRestriction,
        DishonestGround::BreaksSettlement,
    ];

    pub fn key(self) -> &'static str {
        match self {
            DishonestGround::AbleButRefuses => "able_but_refuses",
            DishonestGround::Obstructs => "obstructs",
            DishonestGround::Evades => "evades",
            DishonestGround::BreaksAssetReport => "breaks_asset_report",
            DishonestGround::BreaksRestriction => "breaks_restriction",
            DishonestGround::BreaksSettlement => "breaks_settlement",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<DishonestGround> {
        Self::ALL
            .into_iter()
            .find(|g| g.key() == key)
            .ok_or_else(|| {
                DomainError::new(
                    "dishonest.unknown_ground",
                    format!("未知的失信情形“{key}”"),
                    format!("unknown ground for the dishonest list \"{key}\""),
                )
            })
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            DishonestGround::AbleButRefuses => "有履行能力而拒不履行生效法律文书确定义务",
            DishonestGround::Obstructs => "以伪造证据、暴力、威胁等方法妨碍、抗拒执行",
            DishonestGround::Evades => "以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行",
            DishonestGround::BreaksAssetReport => "违反财产报告制度",
            DishonestGround::BreaksRestriction => "违反限制消费令",
            DishonestGround::BreaksSettlement => "无正当理由拒不履行执行和解协议",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            DishonestGround::AbleButRefuses => "able to perform but refuses",
            DishonestGround::Obstructs => "obstructs enforcement by forgery, violence or threats",
            DishonestGround::Evades => "evades enforcement by sham proceedings or hiding property",
            DishonestGround::BreaksAssetReport => "breaks the asset-report duty",
            DishonestGround::BreaksRestriction => "breaks the consumption restriction",
            DishonestGround::BreaksSettlement => "refuses to perform a settlement agreement",
        }
    }

    /// The item of art. 1, e.g. `第一条第（二）项`.
    pub fn article(self) -> &'static str {
        match self {
            DishonestGround::AbleButRefuses => "第一条第（一）项",
            DishonestGround::Obstructs => "第一条第（二）项",
            DishonestGround::Evades => "第一条第（三）项",
            DishonestGround::BreaksAssetReport => "第一条第（四）项",
            DishonestGround::BreaksRestriction => "第一条第（五）项",
            DishonestGround::BreaksSettlement => "第一条第（六）项",
        }
    }
}

/// Facts that keep a debtor off the list (art. 3 for ground (一), art. 4 for minors).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingBars {
    pub debtor_is_minor: bool,
    /// Sufficient, effective security was given.
    pub sufficient_security: bool,
    /// Property seized, detained or frozen is enough to pay the debt.
    pub controlled_property_sufficient: bool,
}

/// The list's term: two years for grounds (二)–(六), extended by one to three years for serious
/// violence or threats or several grounds (art. 2); ground (一) alone has no fixed term (the
/// entry is removed when the debtor performs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingTerm {
    /// Years on the list; `None` until performance.
    pub years: Option<u32>,
    pub until: Option<NaiveDate>,
}

/// Checks a listing and computes its term from `listed_on`.
pub fn check_listing(
    grounds: &[DishonestGround],
    bars: ListingBars,
    extension_years: u32,
    listed_on: NaiveDate,
) -> DomainResult<ListingTerm> {
    if grounds.is_empty() {
        return Err(DomainError::new(
            "dishonest.no_ground",
            "纳入失信名单须至少选择一项法定情形（《关于公布失信被执行人名单信息的若干规定》第一条）",
            "listing needs at least one statutory ground (provisions on the list, art. 1)",
        ));
    }
    if bars.debtor_is_minor {
        return Err(DomainError::new(
            "dishonest.minor",
            "被执行人为未成年人的，不得纳入失信被执行人名单（第四条）",
            "a minor may not be put on the dishonest-debtor list (art. 4)",
        ));
    }
    let only_first = grounds
        .iter()
        .all(|g| *g == DishonestGround::AbleButRefuses);
    if only_first && (bars.sufficient_security || bars.controlled_property_sufficient) {
        return Err(DomainError::new(
            "dishonest.barred",
            "被执行人已提供充分有效担保，或已控制的财产足以清偿债务，不得以“有履行能力而拒不履行”纳入失信名单（第三条）",
            "with sufficient security or enough property under control, the debtor may not be listed as able but refusing (art. 3)",
        ));
    }
    let serious = grounds.contains(&DishonestGround::Obstructs) || grounds.len() > 1;
    if extension_years > 3 {
        return Err(DomainError::new(
            "dishonest.extension_too_long",
            "失信期限最多延长三年（第二条）",
            "the term may be extended by at most three years (art. 2)",
        ));
    }
    if extension_years > 0 && (!serious || only_first) {
        return Err(DomainError::new(
            "dishonest.extension_not_allowed",
            "只有以暴力、威胁方法妨碍、抗拒执行情节严重或具有多项失信行为的，才可延长失信期限（第二条）",
            "the term is extended only for serious violence or threats or several grounds (art. 2)",
        ));
    }
    if only_first {
        return Ok(ListingTerm {
            years: None,
            until: None,
        });
    }
    let years = 2 + extension_years;
    Ok(ListingTerm {
        years: Some(years),
        until: listed_on.checked_add_months(Months::new(12 * years)),
    })
}

/// Fines (CPL art. 118): a person up to 100,000 yuan; an organisation 50,000 to 1,000,000 yuan.
pub fn check_fine(debtor_is_person: bool, amount: Fen) -> DomainResult<()> {
    let (min, max) = if debtor_is_person {
        (Fen(1), Fen::from_yuan(100_000))
    } else {
        (Fen::from_yuan(50_000), Fen::from_yuan(1_000_000))
    };
    if amount < min || amount > max {
        let (zh, en) = if debtor_is_person {
            (
                format!(
                    "对个人的罚款金额为十万元以下（民事诉讼法第一百一十八条），不能为 {amount} 元"
                ),
                format!("a fine on a person is at most 100,000 yuan (CPL art. 118), not {amount}"),
            )
        } else {
            (
                format!("对单位的罚款金额为五万元以上一百万元以下（民事诉讼法第一百一十八条），不能为 {amount} 元"),
                format!("a fine on an organisation is 50,000 to 1,000,000 yuan (CPL art. 118), not {amount}"),
            )
        };
        return Err(DomainError::new("measure.fine_out_of_range", zh, en));
    }
    Ok(())
}

/// Detention (CPL art. 118): at most fifteen days.
pub fn check_detention(days: u32) -> DomainResult<()> {
    if !(1..=15).contains(&days) {
        return Err(DomainError::new(
            "measure.detention_out_of_range",
            format!("司法拘留期限为十五日以下（民事诉讼法第一百一十八条），不能为 {days} 日"),
            format!("detention is at most 15 days (CPL art. 118), not {days}"),
        ));
    }
    Ok(())
}

/// A reward offer is the applicant's money: positive and not more than the claim.
pub fn check_reward(amount: Fen, claim: Fen) -> DomainResult<()> {
    if !amount.is_positive() || amount > claim {
        return Err(DomainError::new(
            "measure.reward_out_of_range",
            format!("悬赏金额须大于零且不超过申请执行标的 {claim} 元"),
            format!("the reward must be positive and at most the claim of {claim} yuan"),
        ));
    }
    Ok(())
}

/// A lawyer investigation order names the holder asked and is valid for a limited time.
pub fn check_lawyer_order(holder: &str, valid_days: u32) -> DomainResult<()> {
    if holder.trim().is_empty() {
        return Err(DomainError::new(
            "measure.holder_required",
            "律师调查令须写明被调查人（如开户银行、登记机关）",
            "the order must name whom it is addressed to (a bank, a registry)",
        ));
    }
    if !(1..=90).contains(&valid_days) {
        return Err(DomainError::new(
            "measure.validity_out_of_range",
            format!("调查令有效期应为 1 至 90 日，不能为 {valid_days} 日"),
            format!("the order's validity is 1 to 90 days, not {valid_days}"),
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

    #[test]
    fn kinds_round_trip_and_publicity() {
        for k in MeasureKind::ALL {
            assert_eq!(MeasureKind::from_key(k.key()).unwrap(), k);
        }
        let public: Vec<MeasureKind> = MeasureKind::ALL
            .into_iter()
            .filter(|k| k.is_public())
            .collect();
        assert_eq!(
            public,
            [
                MeasureKind::ConsumptionRestriction,
                MeasureKind::DishonestList,
                MeasureKind::RewardOffer
            ]
        );
        assert_eq!(
            MeasureKind::from_key("x").unwrap_err().code,
            "measure.unknown_kind"
        );
        for g in DishonestGround::ALL {
            assert_eq!(DishonestGround::from_key(g.key()).unwrap(), g);
        }
    }

    #[test]
    fn listing_terms() {
        let on = d("2026-03-31");
        let t = check_listing(&[DishonestGround::Evades], ListingBars::default(), 0, on).unwrap();
        assert_eq!(t.years, Some(2));
        assert_eq!(t.until, Some(d("2028-03-31")));
        let t = check_listing(
            &[DishonestGround::AbleButRefuses],
            ListingBars::default(),
            0,
            on,
        )
        .unwrap();
        assert_eq!(t.years, None);
        let t =
            check_listing(&[DishonestGround::Obstructs], ListingBars::default(), 3, on).unwrap();
        assert_eq!(t.years, Some(5));
        let two = [
            DishonestGround::BreaksAssetReport,
            DishonestGround::BreaksRestriction,
        ];
        assert_eq!(
            check_listing(&two, ListingBars::default(), 1, on)
                .unwrap()
                .years,
            Some(3)
        );
    }

    #[test]
    fn listing_refusals_name_the_article() {
        let on = d("2026-03-31");
        let e = check_listing(&[], ListingBars::default(), 0, on).unwrap_err();
        assert_eq!(e.code, "dishonest.no_ground");
        let minor = ListingBars {
            debtor_is_minor: true,
            ..Default::default()
        };
        let e = check_listing(&[DishonestGround::Evades], minor, 0, on).unwrap_err();
        assert!(e.code == "dishonest.minor" && e.zh.contains("第四条"));
        let secured = ListingBars {
            sufficient_security: true,
            ..Default::default()
        };
        let e = check_listing(&[DishonestGround::AbleButRefuses], secured, 0, on).unwrap_err();
        assert!(e.code == "dishonest.barred" && e.zh.contains("第三条"));
        // Security does not bar the other grounds.
        assert!(check_listing(&[DishonestGround::Evades], secured, 0, on).is_ok());
        let e =
            check_listing(&[DishonestGround::Evades], ListingBars::default(), 1, on).unwrap_err();
        assert_eq!(e.code, "dishonest.extension_not_allowed");
        let e = check_listing(&[DishonestGround::Obstructs], ListingBars::default(), 4, on)
            .unwrap_err();
        assert_eq!(e.code, "dishonest.extension_too_long");
    }

    #[test]
    fn fines_detention_rewards_and_orders() {
        assert!(check_fine(true, Fen::from_yuan(100_000)).is_ok());
        assert!(check_fine(true, Fen::from_yuan(100_001)).is_err());
        assert!(check_fine(true, Fen::ZERO).is_err());
        assert!(check_fine(false, Fen::from_yuan(49_999)).is_err());
        assert!(check_fine(false, Fen::from_yuan(50_000)).is_ok());
        let e = check_fine(false, Fen::from_yuan(1_000_001)).unwrap_err();
        assert!(
            e.zh.contains("一百万元") && e.zh.contains("1,000,001.00"),
            "{e}"
        );
        assert!(check_detention(15).is_ok());
        assert_eq!(
            check_detention(16).unwrap_err().code,
            "measure.detention_out_of_range"
        );
        assert!(check_detention(0).is_err());
        assert!(check_reward(Fen::from_yuan(5_000), Fen::from_yuan(80_000)).is_ok());
        assert!(check_reward(Fen::from_yuan(90_000), Fen::from_yuan(80_000)).is_err());
        assert!(check_lawyer_order("中国工商银行孟州支行", 30).is_ok());
        assert!(check_lawyer_order(" ", 30).is_err());
        assert!(check_lawyer_order("银行", 91).is_err());
    }
}
