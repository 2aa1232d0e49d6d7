//! Case funds (案款): the per-case account (`case_accounts`), the ledger (`fund_entries`,
//! append-only, each entry with the balance after it) and payout proposals (`disbursements`,
//! changed only by a compare-and-set on `version`). The reconciliation is three aggregate
//! queries over a court's entries (GROUP BY on `fund_entries_court_day`), never a loop per case.

use sqlx::any::AnyArguments;

use crate::db::{Store, StoreResult};
use crate::write::{bind, push_placeholders, rows_per_insert, WriteTx};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseAccountRow {
    pub case_id: i64,
    pub court_id: i64,
    pub account_number: String,
    pub account_name: String,
    pub bank: String,
    pub opened_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FundEntryRow {
    pub id: i64,
    pub court_id: i64,
    pub case_id: i64,
    /// `receipt` or `disbursement`.
    pub kind: String,
    pub source: String,
    pub amount_fen: i64,
    pub balance_after_fen: i64,
    pub party_id: Option<i64>,
    pub party_name: String,
    pub reference: String,
    /// `YYYY-MM-DD`.
    pub occurred_on: String,
    pub recorded_at: i64,
    pub recorded_by: Option<i64>,
    pub recorded_by_name: String,
    pub second_officer_id: Option<i64>,
    pub disbursement_id: Option<i64>,
}

/// An entry to write (the id is the database's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFundEntry {
    pub court_id: i64,
    pub case_id: i64,
    pub kind: String,
    pub source: String,
    pub amount_fen: i64,
    pub balance_after_fen: i64,
    pub party_id: Option<i64>,
    pub party_name: String,
    pub reference: String,
    pub occurred_on: String,
    pub recorded_at: i64,
    pub recorded_by: Option<i64>,
    pub recorded_by_name: String,
    pub second_officer_id: Option<i64>,
    pub disbursement_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DisbursementRow {
    pub id: i64,
    pub court_id: i64,
    pub case_id: i64,
    pub status: String,
    pub total_fen: i64,
    pub lines_json: String,
    pub approval_level: String,
    pub note: String,
    pub proposed_by: Option<i64>,
    pub proposed_by_name: String,
    pub proposed_at: i64,
    pub decided_by: Option<i64>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<i64>,
    pub reason: Option<String>,
    pub version: i64,
}

/// A proposal with the case it belongs to, for the approvers' queue.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DisbursementListRow {
    #[sqlx(flatten)]
    pub d: DisbursementRow,
    pub case_number: String,
    pub held_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDisbursement {
    pub court_id: i64,
    pub case_id: i64,
    pub status: String,
    pub total_fen: i64,
    pub lines_json: String,
    pub approval_level: String,
    pub note: String,
    pub proposed_by: Option<i64>,
    pub proposed_by_name: String,
}

/// One case's movements of a period, from the aggregate over its entries.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReconCaseRow {
    pub court_id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub held_fen: i64,
    pub opening_fen: i64,
    pub receipts_fen: i64,
    pub disbursements_fen: i64,
    /// The balance over all the case's entries.
    pub ledger_fen: i64,
}

/// A court's receipts of a period from one source.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReconSourceRow {
    pub court_id: i64,
    pub source: String,
    pub total_fen: i64,
    pub entries: i64,
}

/// A case that holds money without any ledger entry (funds recorded before the ledger).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HeldWithoutLedgerRow {
    pub court_id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub held_fen: i64,
}

const ENTRY_COLUMNS: &str = "id, court_id, case_id, kind, source, amount_fen, balance_after_fen, \
     party_id, party_name, reference, occurred_on, recorded_at, recorded_by, recorded_by_name, \
     second_officer_id, disbursement_id";

const DISBURSEMENT_COLUMNS: &str = "d.id, d.court_id, d.case_id, d.status, d.total_fen, \
     d.lines_json, d.approval_level, d.note, d.proposed_by, d.proposed_by_name, d.proposed_at, \
     d.decided_by, d.decided_by_name, d.decided_at, d.reason, d.version";

const ACCOUNT_COLUMNS: &str = "case_id, court_id, account_number, account_name, bank, opened_at";

/// `$first, $first+1, …` for an IN list.
fn marks(first: usize, n: usize) -> String {
    (0..n)
        .map(|i| format!("${}", first + i))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    pub async fn case_account(&self, case_id: i64) -> StoreResult<Option<CaseAccountRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM case_accounts WHERE case_id = $1"
        ))
        .bind(case_id)
        .fetch_optional(&self.read)
        .await?)
    }

    /// A case's ledger, oldest first.
    pub async fn fund_entries(&self, case_id: i64) -> StoreResult<Vec<FundEntryRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {ENTRY_COLUMNS} FROM fund_entries WHERE case_id = $1 ORDER BY id"
        ))
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// A case's payout proposals, newest first.
    pub async fn case_disbursements(&self, case_id: i64) -> StoreResult<Vec<DisbursementRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {DISBURSEMENT_COLUMNS} FROM disbursements d WHERE d.case_id = $1 \
             ORDER BY d.id DESC"
        ))
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn disbursement(&self, id: i64) -> StoreResult<Option<DisbursementRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {DISBURSEMENT_COLUMNS} FROM disbursements d WHERE d.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?)
    }

    /// The proposals waiting at the given courts, oldest first (`disbursements_queue`).
    pub async fn disbursement_queue(
        &self,
        court_ids: &[i64],
        limit: i64,
    ) -> StoreResult<Vec<DisbursementListRow>> {
        if court_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {DISBURSEMENT_COLUMNS}, c.case_number, c.held_fen FROM disbursements d \
             JOIN cases c ON c.id = d.case_id \
             WHERE d.court_id IN ({}) AND d.status = 'proposed' ORDER BY d.id LIMIT ${}",
            marks(1, court_ids.len()),
            court_ids.len() + 1
        );
        let mut q = sqlx::query_as(&sql);
        for c in court_ids {
            q = q.bind(*c);
        }
        Ok(q.bind(limit).fetch_all(&self.read).await?)
    }

    /// The reconciliation of `from..=to` (`YYYY-MM-DD`) for the given courts: per case with any
    /// entry, the opening balance, the period's receipts and payouts and the all-time ledger
    /// balance beside `held_fen`; the period's receipts per court and source; and the cases
    /// that hold money with no ledger at all. Three aggregate queries.
    pub async fn fund_reconciliation(
        &self,
        court_ids: &[i64],
        from: &str,
        to: &str,
    ) -> StoreResult<(
        Vec<ReconCaseRow>,
        Vec<ReconSourceRow>,
        Vec<HeldWithoutLedgerRow>,
    )> {
        if court_ids.is_empty() {
            return Ok((Vec::new(), Vec::new(), Vec::new()));
        }
        let courts = marks(3, court_ids.len());
        let cases_sql = format!(
            "SELECT a.court_id, a.case_id, c.case_number, c.held_fen, a.opening_fen, \
             a.receipts_fen, a.disbursements_fen, a.ledger_fen FROM (\
               SELECT e.court_id, e.case_id, \
               CAST(SUM(CASE WHEN e.occurred_on < $1 THEN (CASE WHEN e.kind = 'receipt' \
                 THEN e.amount_fen ELSE -e.amount_fen END) ELSE 0 END) AS BIGINT) AS opening_fen, \
               CAST(SUM(CASE WHEN e.occurred_on >= $1 AND e.occurred_on <= $2 \
                 AND e.kind = 'receipt' THEN e.amount_fen ELSE 0 END) AS BIGINT) AS receipts_fen, \
               CAST(SUM(CASE WHEN e.occurred_on >= $1 AND e.occurred_on <= $2 \
                 AND e.kind = 'disbursement' THEN e.amount_fen ELSE 0 END) AS BIGINT) \
                 AS disbursements_fen, \
               CAST(SUM(CASE WHEN e.kind = 'receipt' THEN e.amount_fen ELSE -e.amount_fen END) \
                 AS BIGINT) AS ledger_fen \
               FROM fund_entries e WHERE e.court_id IN ({courts}) \
               GROUP BY e.court_id, e.case_id) a \
             JOIN cases c ON c.id = a.case_id ORDER BY a.court_id, c.case_number"
        );
        let mut q = sqlx::query_as(&cases_sql).bind(from).bind(to);
        for c in court_ids {
            q = q.bind(*c);
        }
        let cases: Vec<ReconCaseRow> = q.fetch_all(&self.read).await?;

        let sources_sql = format!(
            "SELECT court_id, source, CAST(SUM(amount_fen) AS BIGINT) AS total_fen, \
             COUNT(*) AS entries FROM fund_entries \
             WHERE occurred_on >= $1 AND occurred_on <= $2 AND court_id IN ({courts}) \
             AND kind = 'receipt' GROUP BY court_id, source ORDER BY court_id, source"
        );
        let mut q = sqlx::query_as(&sources_sql).bind(from).bind(to);
        for c in court_ids {
            q = q.bind(*c);
        }
        let sources: Vec<ReconSourceRow> = q.fetch_all(&self.read).await?;

        let held_sql = format!(
            "SELECT c.court_id, c.id AS case_id, c.case_number, c.held_fen FROM cases c \
             WHERE c.court_id IN ({}) AND c.held_fen <> 0 \
             AND NOT EXISTS (SELECT 1 FROM fund_entries e WHERE e.case_id = c.id) \
             ORDER BY c.court_id, c.case_number",
            marks(1, court_ids.len())
        );
        let mut q = sqlx::query_as(&held_sql);
        for c in court_ids {
            q = q.bind(*c);
        }
        let held: Vec<HeldWithoutLedgerRow> = q.fetch_all(&self.read).await?;
        Ok((cases, sources, held))
    }
}

impl WriteTx {
    /// Opens the case's account unless it has one (a case filed before the ledger gets it on
    /// its first receipt; the number is derived, so it is the one printed on its notices).
    pub async fn ensure_case_account(&mut self, a: &CaseAccountRow) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO case_accounts (case_id, court_id, account_number, account_name, bank, \
             opened_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (case_id) DO NOTHING",
        )
        .bind(a.case_id)
        .bind(a.court_id)
        .bind(&a.account_number)
        .bind(&a.account_name)
        .bind(&a.bank)
        .bind(a.opened_at)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    pub async fn case_account_in_tx(
        &mut self,
        case_id: i64,
    ) -> StoreResult<Option<CaseAccountRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM case_accounts WHERE case_id = $1"
        ))
        .bind(case_id)
        .fetch_optional(&mut *self.tx)
        .await?)
    }

    /// The balance after the case's last entry (0 without entries).
    pub async fn ledger_balance_in_tx(&mut self, case_id: i64) -> StoreResult<i64> {
        let b: Option<i64> = sqlx::query_scalar(
            "SELECT balance_after_fen FROM fund_entries WHERE case_id = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(case_id)
        .fetch_optional(&mut *self.tx)
        .await?;
        Ok(b.unwrap_or(0))
    }

    pub async fn insert_fund_entry(&mut self, e: &NewFundEntry) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO fund_entries (court_id, case_id, kind, source, amount_fen, \
             balance_after_fen, party_id, party_name, reference, occurred_on, recorded_at, \
             recorded_by, recorded_by_name, second_officer_id, disbursement_id) VALUES ($1, $2, \
             $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
        )
        .bind(e.court_id)
        .bind(e.case_id)
        .bind(&e.kind)
        .bind(&e.source)
        .bind(e.amount_fen)
        .bind(e.balance_after_fen)
        .bind(e.party_id)
        .bind(&e.party_name)
        .bind(&e.reference)
        .bind(&e.occurred_on)
        .bind(e.recorded_at)
        .bind(e.recorded_by)
        .bind(&e.recorded_by_name)
        .bind(e.second_officer_id)
        .bind(e.disbursement_id)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    /// Many entries in multi-row statements (demo data, imports, the benchmark).
    pub async fn insert_fund_entries_bulk(&mut self, entries: &[NewFundEntry]) -> StoreResult<()> {
        const N: usize = 15;
        for chunk in entries.chunks(rows_per_insert(N)) {
            let mut sql = String::from(
                "INSERT INTO fund_entries (court_id, case_id, kind, source, amount_fen, \
                 balance_after_fen, party_id, party_name, reference, occurred_on, recorded_at, \
                 recorded_by, recorded_by_name, second_officer_id, disbursement_id) VALUES ",
            );
            let mut args = AnyArguments::default();
            for (i, e) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                push_placeholders(&mut sql, self.engine, i * N, N);
                bind(&mut args, e.court_id)?;
                bind(&mut args, e.case_id)?;
                bind(&mut args, e.kind.clone())?;
                bind(&mut args, e.source.clone())?;
                bind(&mut args, e.amount_fen)?;
                bind(&mut args, e.balance_after_fen)?;
                bind(&mut args, e.party_id)?;
                bind(&mut args, e.party_name.clone())?;
                bind(&mut args, e.reference.clone())?;
                bind(&mut args, e.occurred_on.clone())?;
                bind(&mut args, e.recorded_at)?;
                bind(&mut args, e.recorded_by)?;
                bind(&mut args, e.recorded_by_name.clone())?;
                bind(&mut args, e.second_officer_id)?;
                bind(&mut args, e.disbursement_id)?;
            }
            sqlx::query_with(&sql, args).execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Many accounts in multi-row statements; existing ones are kept.
    pub async fn insert_case_accounts_bulk(&mut self, rows: &[CaseAccountRow]) -> StoreResult<()> {
        const N: usize = 6;
        for chunk in rows.chunks(rows_per_insert(N)) {
            let mut sql = String::from(
                "INSERT INTO case_accounts (case_id, court_id, account_number, account_name, \
                 bank, opened_at) VALUES ",
            );
            let mut args = AnyArguments::default();
            for (i, a) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                push_placeholders(&mut sql, self.engine, i * N, N);
                bind(&mut args, a.case_id)?;
                bind(&mut args, a.court_id)?;
                bind(&mut args, a.account_number.clone())?;
                bind(&mut args, a.account_name.clone())?;
                bind(&mut args, a.bank.clone())?;
                bind(&mut args, a.opened_at)?;
            }
            sql.push_str(" ON CONFLICT (case_id) DO NOTHING");
            sqlx::query_with(&sql, args).execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Whether the case has a proposal waiting.
    pub async fn pending_disbursement_in_tx(&mut self, case_id: i64) -> StoreResult<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM disbursements WHERE case_id = $1 AND status = 'proposed'",
        )
        .bind(case_id)
        .fetch_optional(&mut *self.tx)
        .await?)
    }

    pub async fn insert_disbursement(&mut self, d: &NewDisbursement) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO disbursements (court_id, case_id, status, total_fen, lines_json, \
             approval_level, note, proposed_by, proposed_by_name, proposed_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1) RETURNING id",
        )
        .bind(d.court_id)
        .bind(d.case_id)
        .bind(&d.status)
        .bind(d.total_fen)
        .bind(&d.lines_json)
        .bind(&d.approval_level)
        .bind(&d.note)
        .bind(d.proposed_by)
        .bind(&d.proposed_by_name)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    pub async fn disbursement_in_tx(&mut self, id: i64) -> StoreResult<Option<DisbursementRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {DISBURSEMENT_COLUMNS} FROM disbursements d WHERE d.id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut *self.tx)
        .await?)
    }

    /// Decides a waiting proposal if it is still `proposed` at `version`; false otherwise.
    pub async fn decide_disbursement(
        &mut self,
        id: i64,
        version: i64,
        status: &str,
        decided_by: Option<i64>,
        decided_by_name: &str,
        reason: Option<&str>,
    ) -> StoreResult<bool> {
        let n = sqlx::query(
            "UPDATE disbursements SET status = $1, decided_by = $2, decided_by_name = $3, \
             decided_at = $4, reason = $5, version = version + 1 \
             WHERE id = $6 AND version = $7 AND status = 'proposed'",
        )
        .bind(status)
        .bind(decided_by)
        .bind(decided_by_name)
        .bind(self.now)
        .bind(reason)
        .bind(id)
        .bind(version)
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Marks a proposal paid at once by its proposer (within their own authority).
    pub async fn mark_disbursement_paid(
        &mut self,
        id: i64,
        decided_by: Option<i64>,
        decided_by_name: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE disbursements SET status = 'paid', decided_by = $1, decided_by_name = $2, \
             decided_at = $3, version = version + 1 WHERE id = $4",
        )
        .bind(decided_by)
        .bind(decided_by_name)
        .bind(self.now)
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}
