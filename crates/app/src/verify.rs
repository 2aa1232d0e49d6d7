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

const PAGE: i64 = 20_000;

impl App {
    pub async fn verify_audit(&self) -> AppResult<VerifyReport> {
        let mut report = VerifyReport::default();
        for (court_id, court_code, head_seq, head_hash) in self.store.chain_heads().await? {
            report.courts += 1;
            let mut v = ChainVerifier::default();
            let mut after = 0;
            loop {
                let page = self.store.chain_page(court_id, after, PAGE).await?;
                for e in &page {
                    if let Err(b) = v.check(&e.chained(), &e.hash) {
                        report.broken = Some(ChainBreakReport {
                            court_code,
                            seq: e.seq,
                            event_id: Some(e.id),
                            case_id: e.case_id,
                            what: b.describe(),
                        });
                        return Ok(report);
                    }
                    report.events += 1;
                }
                match page.last() {
                    Some(last) if page.len() as i64 == PAGE => after = last.seq,
                    _ => break,
                }
            }
            // The head row must agree with the last event, or events were cut off the end.
            let last_seq = v.verified();
            if last_seq != head_seq || v.head() != head_hash {
                report.broken = Some(ChainBreakReport {
                    court_code,
                    seq: head_seq,
                    event_id: None,
                    case_id: None,
                    what: format!(
                        "链尾不符：链头记录为第 {head_seq} 条，实际验证到第 {last_seq} 条 (chain head does not match the last event)"
                    ),
                });
                return Ok(report);
            }
        }
        Ok(report)
    }
}
