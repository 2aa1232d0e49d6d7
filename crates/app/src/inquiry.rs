//! The network inquiry provider (网络查控): the adapter between our inquiry tasks and the
//! national enforcement inquiry network (总对总) or a court's local linkage (点对点).
//!
//! The interface is batch-shaped, because the dormant-case library re-inquires hundreds of
//! thousands of debtors at a time: `submit` takes a list of requests and returns one ticket
//! each; `poll` takes a list of tickets and returns, per ticket, the answers per asset kind so
//! far (an empty list of assets is an explicit "nothing found") and the kinds still awaited.
//! The caller passes the clock (`now_ms`), so delays are tested without sleeping.
//!
//! `SimulatedNationalNetwork` is the default (`ZHIXING_INQUIRY=simulated`): it is a
//! simulation, not the network. Its answers are a pure function of the ticket (which carries
//! the submission time and a hash of the id number) and the asset kind, so it keeps no state,
//! answers any number of tickets at once and gives the same answer every time.

use std::sync::Arc;

use sha2::{Digest, Sha256};
use zhixing_domain::asset::AssetKind;
use zhixing_domain::money::Fen;

use crate::error::{AppError, AppResult};

/// One debtor to search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InquiryRequest {
    /// Our reference (the inquiry task id), for the provider's logs.
    pub reference: String,
    pub debtor_name: String,
    /// Resident id or unified credit code.
    pub id_number: String,
    pub kinds: Vec<AssetKind>,
}

/// One asset the provider reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundAsset {
    /// The bank, registry or platform that answered.
    pub institution: String,
    pub description: String,
    /// Account or registration number (kept for staff; never told to the applicant).
    pub identifier: String,
    /// Balance or estimated value, when the institution gives one.
    pub amount: Option<Fen>,
}

/// The answer for one asset kind: the assets found, or none (an explicit "nothing found").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindAnswer {
    pub kind: AssetKind,
    pub assets: Vec<FoundAsset>,
}

/// What a ticket has so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollResult {
    pub ticket: String,
    /// Every kind answered so far (the same answers on every poll).
    pub answers: Vec<KindAnswer>,
    /// Kinds not answered yet; empty when the ticket is complete.
    pub pending: Vec<AssetKind>,
}

impl PollResult {
    pub fn is_complete(&self) -> bool {
        self.pending.is_empty()
    }
}

/// The network inquiry provider.
#[async_trait::async_trait]
pub trait InquiryProvider: Send + Sync {
    /// A short name for records (`simulated`).
    fn name(&self) -> &'static str;

    /// Submits requests at `now_ms`; one ticket per request, in order.
    async fn submit(&self, requests: &[InquiryRequest], now_ms: i64) -> AppResult<Vec<String>>;

    /// Polls tickets at `now_ms`; one result per ticket, in order.
    async fn poll(&self, tickets: &[String], now_ms: i64) -> AppResult<Vec<PollResult>>;
}

/// The simulated national network. Real estate and company shares answer only on a poll at
/// least `slow_after_ms` after submission (the registries are slower than the banks).
#[derive(Debug, Clone)]
pub struct SimulatedNationalNetwork {
    pub slow_after_ms: i64,
}

/// Default delay of the slow registries: 30 minutes.
pub const SIMULATED_SLOW_MS: i64 = 30 * 60 * 1000;

impl Default for SimulatedNationalNetwork {
    fn default() -> Self {
        SimulatedNationalNetwork {
            slow_after_ms: SIMULATED_SLOW_MS,
        }
    }
}

fn id_hash(id_number: &str) -> String {
    hex::encode(&Sha256::digest(format!("zhixing-sim-id|{}", id_number.trim()).as_bytes())[..8])
}

fn kind_bits(kinds: &[AssetKind]) -> u32 {
    AssetKind::ALL
        .iter()
        .enumerate()
        .filter(|(_, k)| kinds.contains(k))
        .fold(0, |acc, (i, _)| acc | (1 << i))
}

fn kinds_of(bits: u32) -> Vec<AssetKind> {
    AssetKind::ALL
        .iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, k)| *k)
        .collect()
}

/// `SIM-<submitted ms>-<id hash>-<kind bits>`.
fn parse_ticket(t: &str) -> Option<(i64, String, u32)> {
    let mut parts = t.strip_prefix("SIM-")?.split('-');
    let at = parts.next()?.parse().ok()?;
    let hash = parts.next()?.to_string();
    let bits = u32::from_str_radix(parts.next()?, 16).ok()?;
    Some((at, hash, bits))
}

fn is_slow(kind: AssetKind) -> bool {
    matches!(kind, AssetKind::RealEstate | AssetKind::EnterpriseShares)
}

/// Bytes of the deterministic answer for one debtor and kind.
fn seed(hash: &str, kind: AssetKind) -> [u8; 32] {
    Sha256::digest(format!("zhixing-sim|{hash}|{}", kind.key()).as_bytes()).into()
}

fn pick<'a>(list: &[&'a str], b: u8) -> &'a str {
    list[usize::from(b) % list.len()]
}

fn digits(bytes: &[u8], n: usize) -> String {
    bytes
        .iter()
        .cycle()
        .take(n)
        .map(|b| char::from(b'0' + b % 10))
        .collect()
}

const BANKS: &[&str] = &[
    "中国工商银行焦作分行",
    "中国农业银行焦作分行",
    "中国建设银行焦作分行",
    "中国银行焦作分行",
    "中国邮政储蓄银行焦作市分行",
    "中原银行焦作分行",
    "焦作中旅银行",
    "孟州农村商业银行",
];

const PLACES: &[&str] = &[
    "焦作市解放区",
    "焦作市山阳区",
    "孟州市",
    "沁阳市",
    "温县",
    "武陟县",
    "修武县",
    "博爱县",
];

/// A small balance most of the time: 1 yuan to about 90,000 yuan, heavily skewed low.
fn balance(b: &[u8]) -> Fen {
    let exp = [2u32, 3, 3, 4, 4, 5, 5, 6][usize::from(b[0] % 8)];
    let unit = 10i64.pow(exp);
    Fen(unit * i64::from(1 + b[1] % 9) + i64::from(b[2]) * 7)
}

fn simulate(hash: &str, kind: AssetKind) -> Vec<FoundAsset> {
    let s = seed(hash, kind);
    // How likely a debtor has something of this kind, in 256ths.
    let chance: u8 = match kind {
        AssetKind::BankDeposit => 150,
        AssetKind::OnlinePayment => 120,
        AssetKind::HousingFund => 64,
        AssetKind::RealEstate => 40,
        AssetKind::Vehicle => 40,
        AssetKind::Securities => 14,
        AssetKind::EnterpriseShares => 14,
        AssetKind::Ship => 3,
    };
    if s[0] >= chance {
        return Vec::new();
    }
    let count = match kind {
        AssetKind::BankDeposit => 1 + usize::from(s[1] % 3),
        AssetKind::OnlinePayment => 1 + usize::from(s[1] % 2),
        _ => 1,
    };
    (0..count)
        .map(|i| {
            let b = &s[(2 + i * 6)..(8 + i * 6)];
            match kind {
                AssetKind::BankDeposit => FoundAsset {
                    institution: pick(BANKS, b[0]).to_string(),
                    description: "活期储蓄账户".into(),
                    identifier: format!("622202{}", digits(b, 13)),
                    amount: Some(balance(&b[1..])),
                },
                AssetKind::OnlinePayment => FoundAsset {
                    institution: pick(
                        &["支付宝（中国）网络技术有限公司", "财付通支付科技有限公司"],
                        b[0],
                    )
                    .into(),
                    description: "网络支付账户余额".into(),
                    identifier: format!("2088{}", digits(b, 12)),
                    amount: Some(balance(&b[1..])),
                },
                AssetKind::HousingFund => FoundAsset {
                    institution: "焦作市住房公积金管理中心".into(),
                    description: "个人住房公积金账户".into(),
                    identifier: format!("4108{}", digits(b, 10)),
                    amount: Some(Fen(i64::from(b[1]) * 20_000 + i64::from(b[2]) * 100)),
                },
                AssetKind::Securities => FoundAsset {
                    institution: "中国证券登记结算有限责任公司".into(),
                    description: "A股证券账户（持仓市值）".into(),
                    identifier: format!("A{}", digits(b, 9)),
                    amount: Some(balance(&b[1..])),
                },
                AssetKind::RealEstate => FoundAsset {
                    institution: format!("{}不动产登记中心", pick(PLACES, b[0])),
                    description: format!(
                        "{}住宅一套，建筑面积{}.{}平方米",
                        pick(PLACES, b[0]),
                        60 + u32::from(b[1] % 90),
                        b[2] % 10
                    ),
                    identifier: format!(
                        "豫（20{}）不动产权第{}号",
                        15 + b[3] % 10,
                        digits(&b[2..], 7)
                    ),
                    amount: Some(Fen(i64::from(20 + b[4] % 120) * 1_000_000)),
                },
                AssetKind::Vehicle => FoundAsset {
                    institution: "焦作市公安局交通警察支队车辆管理所".into(),
                    description: pick(
                        &[
                            "小型轿车（大众）",
                            "小型轿车（丰田）",
                            "小型普通客车（五菱）",
                            "轻型货车（福田）",
                        ],
                        b[0],
                    )
                    .into(),
                    identifier: format!("豫H{}", digits(b, 5)),
                    amount: Some(Fen(i64::from(2 + b[1] % 20) * 1_000_000)),
                },
                AssetKind::EnterpriseShares => FoundAsset {
                    institution: "焦作市市场监督管理局".into(),
                    description: format!(
                        "焦作{}有限公司 {}% 股权",
                        pick(&["宏达商贸", "恒信建材", "鑫源物流", "中原机械"], b[0]),
                        5 + b[1] % 60
                    ),
                    identifier: format!("914108{}", digits(b, 12)),
                    amount: Some(Fen(i64::from(1 + b[2] % 50) * 1_000_000)),
                },
                AssetKind::Ship => FoundAsset {
                    institution: "焦作市地方海事局".into(),
                    description: "内河货船".into(),
                    identifier: format!("豫焦作货{}", digits(b, 4)),
                    amount: Some(Fen(i64::from(10 + b[1] % 90) * 1_000_000)),
                },
            }
        })
        .collect()
}

#[async_trait::async_trait]
impl InquiryProvider for SimulatedNationalNetwork {
    fn name(&self) -> &'static str {
        "simulated"
    }

    async fn submit(&self, requests: &[InquiryRequest], now_ms: i64) -> AppResult<Vec<String>> {
        Ok(requests
            .iter()
            .map(|r| {
                format!(
                    "SIM-{now_ms}-{}-{:x}",
                    id_hash(&r.id_number),
                    kind_bits(&r.kinds)
                )
            })
            .collect())
    }

    async fn poll(&self, tickets: &[String], now_ms: i64) -> AppResult<Vec<PollResult>> {
        tickets
            .iter()
            .map(|t| {
                let (at, hash, bits) = parse_ticket(t).ok_or_else(|| {
                    AppError::Internal(format!("not a ticket of the simulated network: {t}"))
                })?;
                let ripe_slow = now_ms - at >= self.slow_after_ms;
                let mut answers = Vec::new();
                let mut pending = Vec::new();
                for kind in kinds_of(bits) {
                    if is_slow(kind) && !ripe_slow {
                        pending.push(kind);
                    } else {
                        answers.push(KindAnswer {
                            kind,
                            assets: simulate(&hash, kind),
                        });
                    }
                }
                Ok(PollResult {
                    ticket: t.clone(),
                    answers,
                    pending,
                })
            })
            .collect()
    }
}

/// A provider that refuses every call, naming why (a misconfiguration must not pass silently).
#[derive(Debug, Clone)]
pub struct UnavailableInquiry {
    pub configured: String,
}

#[async_trait::async_trait]
impl InquiryProvider for UnavailableInquiry {
    fn name(&self) -> &'static str {
        "unavailable"
    }

    async fn submit(&self, _: &[InquiryRequest], _: i64) -> AppResult<Vec<String>> {
        Err(self.refusal())
    }

    async fn poll(&self, _: &[String], _: i64) -> AppResult<Vec<PollResult>> {
        Err(self.refusal())
    }
}

impl UnavailableInquiry {
    fn refusal(&self) -> AppError {
        AppError::invalid(
            "inquiry.provider_unavailable",
            format!(
                "网络查控接口未配置：ZHIXING_INQUIRY={}（目前只支持 simulated 模拟接口）",
                self.configured
            ),
            format!(
                "the inquiry provider is not configured: ZHIXING_INQUIRY={} (only simulated is supported)",
                self.configured
            ),
        )
    }
}

/// The provider `ZHIXING_INQUIRY` names: `simulated` (the default).
pub fn inquiry_provider_from_env() -> Arc<dyn InquiryProvider> {
    match std::env::var("ZHIXING_INQUIRY") {
        Ok(v) if !v.trim().is_empty() && v.trim() != "simulated" => Arc::new(UnavailableInquiry {
            configured: v.trim().to_string(),
        }),
        _ => Arc::new(SimulatedNationalNetwork::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(id: &str) -> InquiryRequest {
        InquiryRequest {
            reference: "1".into(),
            debtor_name: "李四".into(),
            id_number: id.into(),
            kinds: AssetKind::ALL.to_vec(),
        }
    }

    #[tokio::test]
    async fn simulated_answers_are_deterministic_and_slow_kinds_wait() {
        let net = SimulatedNationalNetwork::default();
        let t0 = 1_700_000_000_000;
        let tickets = net.submit(&[req("410883198505054567")], t0).await.unwrap();
        let early = net.poll(&tickets, t0 + 60_000).await.unwrap();
        assert_eq!(
            early[0].pending,
            vec![AssetKind::RealEstate, AssetKind::EnterpriseShares]
        );
        assert_eq!(early[0].answers.len(), 6);
        let again = net.poll(&tickets, t0 + 120_000).await.unwrap();
        assert_eq!(early, again);
        let late = net.poll(&tickets, t0 + SIMULATED_SLOW_MS).await.unwrap();
        assert!(late[0].is_complete());
        assert_eq!(late[0].answers.len(), 8);
        // Another submission of the same debtor answers the same.
        let t2 = net
            .submit(&[req("410883198505054567")], t0 + 5)
            .await
            .unwrap();
        let late2 = net.poll(&t2, t0 + 5 + SIMULATED_SLOW_MS).await.unwrap();
        assert_eq!(late[0].answers, late2[0].answers);
    }

    #[tokio::test]
    async fn many_debtors_have_little_or_nothing() {
        let net = SimulatedNationalNetwork { slow_after_ms: 0 };
        let reqs: Vec<InquiryRequest> = (0..1000)
            .map(|i| req(&format!("41088319800101{i:04}")))
            .collect();
        let tickets = net.submit(&reqs, 0).await.unwrap();
        let results = net.poll(&tickets, 0).await.unwrap();
        let nothing = results
            .iter()
            .filter(|r| r.answers.iter().all(|a| a.assets.is_empty()))
            .count();
        let houses = results
            .iter()
            .filter(|r| {
                r.answers
                    .iter()
                    .any(|a| a.kind == AssetKind::RealEstate && !a.assets.is_empty())
            })
            .count();
        assert!((50..500).contains(&nothing), "{nothing}");
        assert!((50..300).contains(&houses), "{houses}");
    }
}
