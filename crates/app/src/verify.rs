//! `zhixing audit verify`: walks every court's chain from the first event and reports the first
//! break, if any.

use zhixing_domain::audit::ChainVerifier;

use crate::error::AppResult;
use crate::App;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreakReport {
    pub court_code: String,
    pub seq: i64,
    pub event_id: Option<i64>,
    pub case_id: Option<i64>,
    pub what: String,
}

#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    pub courts: usize,
    pub events: u64,
    pub broken: Option<ChainBreakReport>,
}

const PAGE: i64 = 2_000;

impl App {
    /// Verifies every court's chain. Chains are independent, so they are walked concurrently
    /// (each on its own read connection); the report names the first break in court order.
    pub async fn verify_audit(&self) -> AppResult<VerifyReport> {
        let heads = self.store.chain_heads().await?;
        let mut set = tokio::task::JoinSet::new();
        for (i, (court_id, court_code, head_seq, head_hash)) in heads.into_iter().enumerate() {
            let store = self.store.clone();
            set.spawn(async move {
                let r = verify_chain(&store, court_id, court_code, head_seq, head_hash).await;
                (i, r)
            });
        }
        let mut results = Vec::new();
        while let Some(joined) = set.join_next().await {
            let (i, r) = joined.map_err(|e| crate::AppError::Internal(e.to_string()))?;
            results.push((i, r?));
        }
        results.sort_by_key(|(i, _)| *i);
        let mut report = VerifyReport {
            courts: results.len(),
            ..Default::default()
        };
        for (_, (events, broken)) in results {
            report.events += events;
            if report.broken.is_none() {
                report.broken = broken;
            }
        }
        Ok(report)
    }
}

async fn verify_chain(
    store: &zhixing_store::Store,
    court_id: i64,
    court_code: String,
    head_seq: i64,
    head_hash: String,
) -> AppResult<(u64, Option<ChainBreakReport>)> {
    let mut v = ChainVerifier::default();
    let mut events = 0u64;
    let mut after = 0;
    loop {
        let page = store.chain_page(court_id, after, PAGE).await?;
        for e in &page {
            if let Err(b) = v.check(&e.chained(), &e.hash) {
                let broken = ChainBreakReport {
                    court_code,
                    seq: e.seq,
                    event_id: Some(e.id),
                    case_id: e.case_id,
                    what: b.describe(),
                };
                return Ok((events, Some(broken)));
            }
            events += 1;
        }
        match page.last() {
            Some(last) if page.len() as i64 == PAGE => after = last.seq,
            _ => break,
        }
    }
    // The head row must agree with the last event, or events were cut off the end.
    let last_seq = v.verified();
    if last_seq != head_seq || v.head() != head_hash {
        let broken = ChainBreakReport {
            court_code,
            seq: head_seq,
            event_id: None,
            case_id: None,
            what: format!(
                "链尾不符：链头记录为第 {head_seq} 条，实际验证到第 {last_seq} 条 (chain head does not match the last event)"
            ),
        };
        return Ok((events, Some(broken)));
    }
    Ok((events, None))
}
