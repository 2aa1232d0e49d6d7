//! Disposal of seized property (财产处置): fixing the reference price (议价, 定向询价, 网络询价,
//! 委托评估), the first auction, the second auction at a reduced reserve, sale (变卖), and
//! transfer in satisfaction of the debt (以物抵债). Pure rules: which step may follow which, the
//! reserve prices the SPC online-auction provisions allow, and the local time limits (decide
//! within 30 days of seizure, finish within 90), which the node engine supervises.

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};
use crate::money::Fen;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PricingMethod {
    AgreedPrice,
    DirectedInquiry,
    NetworkInquiry,
    Valuation,
}

impl PricingMethod {
    pub const ALL: [PricingMethod; 4] = [
        PricingMethod::AgreedPrice,
        PricingMethod::DirectedInquiry,
        PricingMethod::NetworkInquiry,
        PricingMethod::Valuation,
    ];

    pub fn key(self) -> &'static str {
        match self {
            PricingMethod::AgreedPrice => "agreed_price",
            PricingMethod::DirectedInquiry => "directed_inquiry",
            PricingMethod::NetworkInquiry => "network_inquiry",
            PricingMethod::Valuation => "valuation",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<PricingMethod> {
        Self::ALL
            .into_iter()
            .find(|m| m.key() == key)
            .ok_or_else(|| {
                DomainError::new(
                    "disposal.unknown_pricing",
                    format!("未知的定价方式“{key}”"),
                    format!("unknown pricing method \"{key}\""),
                )
            })
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            PricingMethod::AgreedPrice => "当事人议价",
            PricingMethod::DirectedInquiry => "定向询价",
            PricingMethod::NetworkInquiry => "网络询价",
            PricingMethod::Valuation => "委托评估",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            PricingMethod::AgreedPrice => "Agreed price",
            PricingMethod::DirectedInquiry => "Directed inquiry",
            PricingMethod::NetworkInquiry => "Online price inquiry",
            PricingMethod::Valuation => "Valuation",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Pricing,
    FirstAuction,
    SecondAuction,
    Sale,
    Transfer,
}

impl StepKind {
    pub const ALL: [StepKind; 5] = [
        StepKind::Pricing,
        StepKind::FirstAuction,
        StepKind::SecondAuction,
        StepKind::Sale,
        StepKind::Transfer,
    ];

    pub fn key(self) -> &'static str {
        match self {
            StepKind::Pricing => "pricing",
            StepKind::FirstAuction => "first_auction",
            StepKind::SecondAuction => "second_auction",
            StepKind::Sale => "sale",
            StepKind::Transfer => "transfer",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<StepKind> {
        Self::ALL
            .into_iter()
            .find(|s| s.key() == key)
            .ok_or_else(|| {
                DomainError::new(
                    "disposal.unknown_step",
                    format!("未知的处置环节“{key}”"),
                    format!("unknown disposal step \"{key}\""),
                )
            })
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            StepKind::Pricing => "确定参考价",
            StepKind::FirstAuction => "一拍",
            StepKind::SecondAuction => "二拍",
            StepKind::Sale => "变卖",
            StepKind::Transfer => "以物抵债",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            StepKind::Pricing => "Reference price",
            StepKind::FirstAuction => "First auction",
            StepKind::SecondAuction => "Second auction",
            StepKind::Sale => "Sale",
            StepKind::Transfer => "Transfer in satisfaction",
        }
    }
}

/// A step's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum StepOutcome {
    /// Pricing: the reference price fixed.
    Priced { price: Fen },
    /// Auction or sale: sold at `price`; transfer: accepted at `price`.
    Sold { price: Fen },
    /// 流拍 / no buyer.
    Unsold,
}

/// A recorded step: what was done, at which reserve (auctions and sale), with what result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub kind: StepKind,
    pub reserve: Option<Fen>,
    pub outcome: StepOutcome,
}

/// The first auction's reserve is at least 70% of the reference price (SPC online judicial
/// auction provisions, art. 10).
pub const FIRST_RESERVE_MIN_PERCENT: i64 = 70;
/// Each later auction lowers the reserve by at most 20% of the previous one (art. 26).
pub const REDUCTION_MAX_PERCENT: i64 = 20;

fn refuse(code: &'static str, zh: String, en: String) -> DomainError {
    DomainError::new(code, zh, en)
}

/// `value × percent / 100`, rounded up to the fen, so a minimum is never undercut by rounding.
fn percent_up(value: Fen, percent: i64) -> Fen {
    Fen((value.0 * percent + 99) / 100)
}

/// Where the disposal stands after its steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub reference: Option<Fen>,
    pub last: Option<Step>,
    /// Sold or transferred: the disposal is over.
    pub finished: bool,
}

pub fn standing(steps: &[Step]) -> Standing {
    let reference = steps.iter().rev().find_map(|s| match s.outcome {
        StepOutcome::Priced { price } => Some(price),
        _ => None,
    });
    let last = steps.last().copied();
    let finished = last.is_some_and(|s| matches!(s.outcome, StepOutcome::Sold { .. }));
    Standing {
        reference,
        last,
        finished,
    }
}

/// The steps that may come next.
pub fn next_steps(steps: &[Step]) -> Vec<StepKind> {
    let s = standing(steps);
    if s.finished {
        return vec![];
    }
    match s.last.map(|l| (l.kind, l.outcome)) {
        None => vec![StepKind::Pricing],
        Some((StepKind::Pricing, _)) => vec![StepKind::FirstAuction],
        Some((StepKind::FirstAuction, StepOutcome::Unsold)) => {
            vec![StepKind::SecondAuction, StepKind::Transfer]
        }
        Some((StepKind::SecondAuction, StepOutcome::Unsold)) => {
            vec![StepKind::Sale, StepKind::Transfer]
        }
        Some((StepKind::Sale, StepOutcome::Unsold)) => vec![StepKind::Transfer, StepKind::Pricing],
        // A transfer the applicant declined: the property may be priced again.
        Some((StepKind::Transfer, StepOutcome::Unsold)) => vec![StepKind::Pricing],
        _ => vec![],
    }
}

/// The last auction's reserve (the price a transfer or a sale may not go below).
fn last_reserve(steps: &[Step]) -> Option<Fen> {
    steps
        .iter()
        .rev()
        .find(|s| matches!(s.kind, StepKind::FirstAuction | StepKind::SecondAuction))
        .and_then(|s| s.reserve)
}

/// The local time limits (RULES.md §3, "查封后30日内启动处置、90日内处置完毕"): decide on the
/// disposal within 30 days of the seizure, finish it within 90. The process nodes
/// `decide_disposal` and `complete_disposal` carry them as defaults a court may change.
pub const DECIDE_WITHIN_DAYS: u32 = 30;
pub const FINISH_WITHIN_DAYS: u32 = 90;

/// The reserve or price the law allows for a step: at least `min`; for the second auction at
/// most `max` (the first auction's reserve).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Bounds {
    pub min: Fen,
    pub max: Option<Fen>,
}

/// What [`check_step`] will accept as the reserve (auctions) or the price (sale, transfer) of
/// a `kind` step after `steps`, for forms to show before anyone types: the first auction at
/// 70% of the reference price, the second at most 20% below the first and not above it, a sale
/// or a transfer not below the last auction's reserve. `None` for pricing, and for an auction
/// with nothing to count from.
pub fn bounds(steps: &[Step], kind: StepKind) -> Option<Bounds> {
    match kind {
        StepKind::Pricing => None,
        StepKind::FirstAuction => standing(steps).reference.map(|r| Bounds {
            min: percent_up(r, FIRST_RESERVE_MIN_PERCENT),
            max: None,
        }),
        StepKind::SecondAuction => last_reserve(steps).map(|p| Bounds {
            min: Fen(p.0 - p.0 * REDUCTION_MAX_PERCENT / 100),
            max: Some(p),
        }),
        StepKind::Sale | StepKind::Transfer => {
            last_reserve(steps).map(|p| Bounds { min: p, max: None })
        }
    }
}

/// The latest seizure date whose `limit` (counted under CPL art. 85 by `period`) ended before
/// `today`: property seized on or before it is overdue today. Due dates never move backwards
/// as the seizure date moves forwards, so a list can ask the database for
/// `seized_on <= cutoff` and get exactly the overdue rows.
pub fn overdue_cutoff(
    limit: crate::period::PeriodLimit,
    today: chrono::NaiveDate,
    cal: &crate::calendar::WorkingCalendar,
) -> DomainResult<chrono::NaiveDate> {
    let mut day = today;
    // Rest-day extensions are short; a year back is far more than any limit here needs.
    for _ in 0..4_000 {
        day = day.pred_opt().ok_or_else(|| {
            refuse(
                "disposal.date_range",
                "日期超出范围".into(),
                "date out of range".into(),
            )
        })?;
        if crate::period::due_date_only(day, limit, cal, 0)? < today {
            return Ok(day);
        }
    }
    Err(refuse(
        "disposal.limit_too_long",
        "期限过长，无法计算超期日期".into(),
        "the limit is too long to find the overdue date".into(),
    ))
}

/// Checks a new step against the ones before it.
pub fn check_step(steps: &[Step], step: &Step) -> DomainResult<()> {
    let allowed = next_steps(steps);
    if !allowed.contains(&step.kind) {
        let names: Vec<&str> = allowed.iter().map(|k| k.name_zh()).collect();
        let names_en: Vec<&str> = allowed.iter().map(|k| k.name_en()).collect();
        return Err(refuse(
            "disposal.out_of_order",
            if names.is_empty() {
                format!("处置已完成，不能再进行“{}”", step.kind.name_zh())
            } else {
                format!(
                    "现在不能进行“{}”，下一步只能是：{}",
                    step.kind.name_zh(),
                    names.join("、")
                )
            },
            if names_en.is_empty() {
                format!(
                    "the disposal is finished; no \"{}\" now",
                    step.kind.name_en()
                )
            } else {
                format!(
                    "\"{}\" cannot come now; next can only be: {}",
                    step.kind.name_en(),
                    names_en.join(", ")
                )
            },
        ));
    }
    let positive = |f: Fen, what_zh: &str, what_en: &str| {
        if f.is_positive() {
            Ok(())
        } else {
            Err(refuse(
                "disposal.amount_not_positive",
                format!("{what_zh}必须大于零"),
                format!("the {what_en} must be more than zero"),
            ))
        }
    };
    match (step.kind, step.outcome) {
        (StepKind::Pricing, StepOutcome::Priced { price }) => {
            positive(price, "参考价", "reference price")?
        }
        (StepKind::Pricing, _) => {
            return Err(refuse(
                "disposal.pricing_outcome",
                "确定参考价须填写参考价".into(),
                "pricing must give a reference price".into(),
            ))
        }
        (_, StepOutcome::Priced { .. }) => {
            return Err(refuse(
                "disposal.pricing_outcome",
                "只有确定参考价环节才有参考价".into(),
                "only the pricing step gives a reference price".into(),
            ))
        }
        _ => {}
    }
    let reference = standing(steps).reference;
    match step.kind {
        StepKind::FirstAuction => {
            let reserve = step.reserve.unwrap_or(Fen::ZERO);
            positive(reserve, "起拍价", "reserve")?;
            let min = percent_up(reference.unwrap_or(Fen::ZERO), FIRST_RESERVE_MIN_PERCENT);
            if reserve < min {
                return Err(refuse(
                    "disposal.reserve_too_low",
                    format!("一拍起拍价不得低于参考价的 {FIRST_RESERVE_MIN_PERCENT}%（{min} 元），不能为 {reserve} 元（《最高人民法院关于人民法院网络司法拍卖若干问题的规定》第十条）"),
                    format!("the first reserve may not be below {FIRST_RESERVE_MIN_PERCENT}% of the reference price ({min} yuan), not {reserve} (SPC online auction provisions, art. 10)"),
                ));
            }
        }
        StepKind::SecondAuction => {
            let reserve = step.reserve.unwrap_or(Fen::ZERO);
            positive(reserve, "起拍价", "reserve")?;
            let previous = last_reserve(steps).unwrap_or(reserve);
            let min = Fen(previous.0 - previous.0 * REDUCTION_MAX_PERCENT / 100);
            if reserve < min || reserve > previous {
                return Err(refuse(
                    "disposal.reserve_reduction",
                    format!("二拍起拍价应在一拍起拍价 {previous} 元的基础上降价，降幅不得超过 {REDUCTION_MAX_PERCENT}%（不低于 {min} 元），不能为 {reserve} 元（同规定第二十六条）"),
                    format!("the second reserve must be at most the first ({previous} yuan) and at least {min} yuan (a cut of at most {REDUCTION_MAX_PERCENT}%), not {reserve} (art. 26)"),
                ));
            }
        }
        StepKind::Sale | StepKind::Transfer => {
            // A sale or a transfer is at no less than the failed auction's reserve.
            let floor = last_reserve(steps).unwrap_or(Fen::ZERO);
            if let StepOutcome::Sold { price } = step.outcome {
                if price < floor {
                    return Err(refuse(
                        "disposal.price_below_reserve",
                        format!(
                            "{}价格 {price} 元低于上一次拍卖的保留价 {floor} 元",
                            step.kind.name_zh()
                        ),
                        format!(
                            "the {} price of {price} yuan is below the last auction's reserve of {floor} yuan",
                            step.kind.name_en()
                        ),
                    ));
                }
            }
        }
        StepKind::Pricing => {}
    }
    if let StepOutcome::Sold { price } = step.outcome {
        positive(price, "成交价", "price")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn priced(yuan: i64) -> Step {
        Step {
            kind: StepKind::Pricing,
            reserve: None,
            outcome: StepOutcome::Priced {
                price: Fen::from_yuan(yuan),
            },
        }
    }

    fn auction(kind: StepKind, reserve: i64, outcome: StepOutcome) -> Step {
        Step {
            kind,
            reserve: Some(Fen::from_yuan(reserve)),
            outcome,
        }
    }

    #[test]
    fn the_usual_path_and_its_order() {
        let mut steps = vec![];
        assert_eq!(next_steps(&steps), [StepKind::Pricing]);
        let first = auction(StepKind::FirstAuction, 700_000, StepOutcome::Unsold);
        let e = check_step(&steps, &first).unwrap_err();
        assert!(
            e.code == "disposal.out_of_order" && e.zh.contains("确定参考价"),
            "{e}"
        );
        steps.push(priced(1_000_000));
        check_step(&steps, &first).unwrap();
        steps.push(first);
        assert_eq!(
            next_steps(&steps),
            [StepKind::SecondAuction, StepKind::Transfer]
        );
        let second = auction(StepKind::SecondAuction, 560_000, StepOutcome::Unsold);
        check_step(&steps, &second).unwrap();
        steps.push(second);
        let sale = Step {
            kind: StepKind::Sale,
            reserve: None,
            outcome: StepOutcome::Sold {
                price: Fen::from_yuan(560_000),
            },
        };
        check_step(&steps, &sale).unwrap();
        steps.push(sale);
        assert!(standing(&steps).finished);
        assert!(next_steps(&steps).is_empty());
        assert!(check_step(&steps, &priced(1)).is_err());
    }

    #[test]
    fn reserves_follow_the_auction_rules() {
        let steps = vec![priced(1_000_000)];
        let low = auction(StepKind::FirstAuction, 699_999, StepOutcome::Unsold);
        let e = check_step(&steps, &low).unwrap_err();
        assert!(
            e.code == "disposal.reserve_too_low" && e.zh.contains("700,000.00"),
            "{e}"
        );
        let steps = vec![
            priced(1_000_000),
            auction(StepKind::FirstAuction, 800_000, StepOutcome::Unsold),
        ];
        let too_deep = auction(StepKind::SecondAuction, 639_999, StepOutcome::Unsold);
        let e = check_step(&steps, &too_deep).unwrap_err();
        assert!(
            e.code == "disposal.reserve_reduction" && e.zh.contains("640,000.00"),
            "{e}"
        );
        let higher = auction(StepKind::SecondAuction, 800_001, StepOutcome::Unsold);
        assert!(check_step(&steps, &higher).is_err());
        let ok = auction(StepKind::SecondAuction, 640_000, StepOutcome::Unsold);
        assert!(check_step(&steps, &ok).is_ok());
        // 以物抵债 after a failed first auction, at no less than its reserve.
        let cheap = Step {
            kind: StepKind::Transfer,
            reserve: None,
            outcome: StepOutcome::Sold {
                price: Fen::from_yuan(700_000),
            },
        };
        assert_eq!(
            check_step(&steps, &cheap).unwrap_err().code,
            "disposal.price_below_reserve"
        );
        let fair = Step {
            outcome: StepOutcome::Sold {
                price: Fen::from_yuan(800_000),
            },
            ..cheap
        };
        assert!(check_step(&steps, &fair).is_ok());
    }

    #[test]
    fn bounds_agree_with_the_checks() {
        assert_eq!(bounds(&[], StepKind::FirstAuction), None);
        let mut steps = vec![priced(1_000_001)];
        assert_eq!(bounds(&steps, StepKind::Pricing), None);
        let b = bounds(&steps, StepKind::FirstAuction).unwrap();
        // 70% of 1,000,001.00 yuan, rounded up to the fen.
        assert_eq!(b.min, Fen(70_000_070));
        let at = |fen: i64, kind| Step {
            kind,
            reserve: Some(Fen(fen)),
            outcome: StepOutcome::Unsold,
        };
        assert!(check_step(&steps, &at(b.min.0, StepKind::FirstAuction)).is_ok());
        assert!(check_step(&steps, &at(b.min.0 - 1, StepKind::FirstAuction)).is_err());
        steps.push(at(80_000_000, StepKind::FirstAuction));
        let b = bounds(&steps, StepKind::SecondAuction).unwrap();
        assert_eq!((b.min, b.max), (Fen(64_000_000), Some(Fen(80_000_000))));
        assert!(check_step(&steps, &at(b.min.0, StepKind::SecondAuction)).is_ok());
        assert!(check_step(&steps, &at(b.min.0 - 1, StepKind::SecondAuction)).is_err());
        assert!(check_step(&steps, &at(b.max.unwrap().0 + 1, StepKind::SecondAuction)).is_err());
        let b = bounds(&steps, StepKind::Transfer).unwrap();
        assert_eq!(
            b,
            Bounds {
                min: Fen(80_000_000),
                max: None
            }
        );
        let sold = |fen: i64| Step {
            kind: StepKind::Transfer,
            reserve: None,
            outcome: StepOutcome::Sold { price: Fen(fen) },
        };
        assert!(check_step(&steps, &sold(b.min.0)).is_ok());
        assert!(check_step(&steps, &sold(b.min.0 - 1)).is_err());
    }

    #[test]
    fn the_overdue_cutoff_is_the_last_seizure_past_its_limit() {
        use crate::calendar::WorkingCalendar;
        use crate::period::{due_date_only, PeriodLimit};
        use chrono::NaiveDate;
        let cal = WorkingCalendar::official_ref();
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        // A plain month: seized on 2025-06-02 (Monday), 30 days end on 2025-07-02
        // (Wednesday); it is overdue from 2025-07-03.
        let limit = PeriodLimit::Days(DECIDE_WITHIN_DAYS);
        assert_eq!(
            due_date_only(d(2025, 6, 2), limit, cal, 0).unwrap(),
            d(2025, 7, 2)
        );
        assert_eq!(
            overdue_cutoff(limit, d(2025, 7, 3), cal).unwrap(),
            d(2025, 6, 2)
        );
        // Across the National Day holiday: a limit ending on 2025-10-01..08 moves to 10-09,
        // so nothing seized from 09-01 to 09-08 is overdue before 10-10.
        assert_eq!(
            due_date_only(d(2025, 9, 8), limit, cal, 0).unwrap(),
            d(2025, 10, 9)
        );
        let cut = overdue_cutoff(limit, d(2025, 10, 9), cal).unwrap();
        assert_eq!(cut, d(2025, 8, 31));
        // Exactly the overdue seizure dates are on or before the cutoff.
        for today in [d(2025, 10, 9), d(2025, 10, 10), d(2026, 2, 20)] {
            for l in [limit, PeriodLimit::Days(FINISH_WITHIN_DAYS)] {
                let cut = overdue_cutoff(l, today, cal).unwrap();
                for back in 0..150 {
                    let seized = today - chrono::Days::new(back);
                    let overdue = due_date_only(seized, l, cal, 0).unwrap() < today;
                    assert_eq!(overdue, seized <= cut, "{seized} {today} {l:?}");
                }
            }
        }
    }

    #[test]
    fn outcomes_fit_their_step() {
        let wrong = Step {
            kind: StepKind::Pricing,
            reserve: None,
            outcome: StepOutcome::Unsold,
        };
        assert_eq!(
            check_step(&[], &wrong).unwrap_err().code,
            "disposal.pricing_outcome"
        );
        assert_eq!(
            check_step(&[], &priced(0)).unwrap_err().code,
            "disposal.amount_not_positive"
        );
        for k in StepKind::ALL {
            assert_eq!(StepKind::from_key(k.key()).unwrap(), k);
        }
        for m in PricingMethod::ALL {
            assert_eq!(PricingMethod::from_key(m.key()).unwrap(), m);
        }
    }
}
