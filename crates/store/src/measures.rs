//! Coercive measures (强制措施: 限高, 失信, 悬赏, 律师调查令, 拒执罪移送, 罚款, 拘留) and settlement
//! agreements (执行和解) with their payments. A measure changes only by compare-and-set on its
//! version; the public list reads the partial column set through `coercive_measures_public`.

use crate::db::{Store, StoreResult};
use crate::write::WriteTx;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MeasureRow {
    pub id: i64,
    pub court_id: i64,
    pub case_id: i64,
    pub party_id: i64,
    pub party_name: String,
    /// `zhixing_domain::coercive::MeasureKind` key.
    pub kind: String,
    /// `in_force` or `revoked`.
    pub status: String,
    pub public: i64,
    pub grounds: String,
    pub extension_years: i64,
    pub amount_fen: Option<i64>,
    pub days: Option<i64>,
    pub holder: String,
    pub facts: String,
    pub document_id: Option<i64>,
    pub start_on: String,
    pub end_on: Option<String>,
    pub revoked_on: Option<String>,
    pub revoke_reason: Option<String>,
    pub created_by: Option<i64>,
    pub created_by_name: String,
    pub created_at: i64,
    pub version: i64,
}

const MEASURE_COLUMNS: &str = "id, court_id, case_id, party_id, party_name, kind, status, public, \
     grounds, extension_years, amount_fen, days, holder, facts, document_id, start_on, end_on, \
     revoked_on, revoke_reason, created_by, created_by_name, created_at, version";

/// A measure to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeasure {
    pub court_id: i64,
    pub case_id: i64,
    pub party_id: i64,
    pub party_name: String,
    pub kind: String,
    pub public: bool,
    pub grounds: String,
    pub extension_years: i64,
    pub amount_fen: Option<i64>,
    pub days: Option<i64>,
    pub holder: String,
    pub facts: String,
    pub document_id: Option<i64>,
    pub start_on: String,
    pub end_on: Option<String>,
    pub created_by: Option<i64>,
    pub created_by_name: String,
}

/// A published measure with the case it belongs to, for the public list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PublicMeasureRow {
    pub id: i64,
    pub case_number: String,
    pub party_name: String,
    pub kind: String,
    pub grounds: String,
    pub amount_fen: Option<i64>,
    pub start_on: String,
    pub end_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SettlementRow {
    pub id: i64,
    pub court_id: i64,
    pub case_id: i64,
    pub signed_on: String,
    pub total_fen: i64,
    pub grace_days: i64,
    pub instalments: String,
    pub terms: String,
    /// `active` or `superseded`.
    pub status: String,
    pub created_by: Option<i64>,
    pub created_by_name: String,
    pub created_at: i64,
    pub version: i64,
}

const SETTLEMENT_COLUMNS: &str = "id, court_id, case_id, signed_on, total_fen, grace_days, \
     instalments, terms, status, created_by, created_by_name, created_at, version";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSettlement {
    pub court_id: i64,
    pub case_id: i64,
    pub signed_on: String,
    pub total_fen: i64,
    pub grace_days: i64,
    pub instalments: String,
    pub terms: String,
    pub created_by: Option<i64>,
    pub created_by_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SettlementPaymentRow {
    pub id: i64,
    pub settlement_id: i64,
    pub case_id: i64,
    pub paid_on: String,
    pub amount_fen: i64,
    pub note: String,
    pub recorded_by_name: String,
    pub created_at: i64,
}

impl Store {
    /// A case's measures, oldest first.
    pub async fn case_measures(&self, case_id: i64) -> StoreResult<Vec<MeasureRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {MEASURE_COLUMNS} FROM coercive_measures WHERE case_id = $1 ORDER BY id"
        ))
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn measure(&self, id: i64) -> StoreResult<Option<MeasureRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {MEASURE_COLUMNS} FROM coercive_measures WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?)
    }

    /// A court's published measures in force, newest first, after `before_id` (keyset paging).
    pub async fn public_measures(
        &self,
        court_id: i64,
        before_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<PublicMeasureRow>> {
        Ok(sqlx::query_as(
            "SELECT m.id, c.case_number, m.party_name, m.kind, m.grounds, m.amount_fen, \
             m.start_on, m.end_on FROM coercive_measures m JOIN cases c ON c.id = m.case_id \
             WHERE m.court_id = $1 AND m.public = 1 AND m.status = 'in_force' AND m.id < $2 \
             ORDER BY m.id DESC LIMIT $3",
        )
        .bind(court_id)
        .bind(before_id)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn settlement(&self, id: i64) -> StoreResult<Option<SettlementRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {SETTLEMENT_COLUMNS} FROM settlements WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?)
    }

    /// A case's agreements, newest first.
    pub async fn case_settlements(&self, case_id: i64) -> StoreResult<Vec<SettlementRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {SETTLEMENT_COLUMNS} FROM settlements WHERE case_id = $1 ORDER BY id DESC"
        ))
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn settlement_payments(
        &self,
        settlement_id: i64,
    ) -> StoreResult<Vec<SettlementPaymentRow>> {
        Ok(sqlx::query_as(
            "SELECT id, settlement_id, case_id, paid_on, amount_fen, note, recorded_by_name, \
             created_at FROM settlement_payments WHERE settlement_id = $1 ORDER BY paid_on, id",
        )
        .bind(settlement_id)
        .fetch_all(&self.read)
        .await?)
    }
}

impl WriteTx {
    pub async fn insert_measure(&mut self, m: &NewMeasure) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO coercive_measures (court_id, case_id, party_id, party_name, kind, status, \
             public, grounds, extension_years, amount_fen, days, holder, facts, document_id, \
             start_on, end_on, created_by, created_by_name, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'in_force', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
             $16, $17, $18) RETURNING id",
        )
        .bind(m.court_id)
        .bind(m.case_id)
        .bind(m.party_id)
        .bind(&m.party_name)
        .bind(&m.kind)
        .bind(i64::from(m.public))
        .bind(&m.grounds)
        .bind(m.extension_years)
        .bind(m.amount_fen)
        .bind(m.days)
        .bind(&m.holder)
        .bind(&m.facts)
        .bind(m.document_id)
        .bind(&m.start_on)
        .bind(&m.end_on)
        .bind(m.created_by)
        .bind(&m.created_by_name)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    pub async fn measure_in_tx(&mut self, id: i64) -> StoreResult<Option<MeasureRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {MEASURE_COLUMNS} FROM coercive_measures WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut *self.tx)
        .await?)
    }

    /// A case's measures of a kind in force on a party (at most one should be).
    pub async fn measures_in_force_in_tx(
        &mut self,
        case_id: i64,
        party_id: i64,
        kind: &str,
    ) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM coercive_measures WHERE case_id = $1 AND party_id = $2 \
             AND kind = $3 AND status = 'in_force'",
        )
        .bind(case_id)
        .bind(party_id)
        .bind(kind)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    /// Revokes a measure still at `version` and in force; false when someone was first.
    pub async fn revoke_measure(
        &mut self,
        id: i64,
        version: i64,
        on: &str,
        reason: &str,
    ) -> StoreResult<bool> {
        let r = sqlx::query(
            "UPDATE coercive_measures SET status = 'revoked', revoked_on = $1, revoke_reason = $2, \
             version = version + 1 WHERE id = $3 AND version = $4 AND status = 'in_force'",
        )
        .bind(on)
        .bind(reason)
        .bind(id)
        .bind(version)
        .execute(&mut *self.tx)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Records a new agreement; the case's earlier active one is superseded.
    pub async fn insert_settlement(&mut self, s: &NewSettlement) -> StoreResult<i64> {
        sqlx::query(
            "UPDATE settlements SET status = 'superseded', version = version + 1 \
             WHERE case_id = $1 AND status = 'active'",
        )
        .bind(s.case_id)
        .execute(&mut *self.tx)
        .await?;
        Ok(sqlx::query_scalar(
            "INSERT INTO settlements (court_id, case_id, signed_on, total_fen, grace_days, \
             instalments, terms, status, created_by, created_by_name, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, $10) RETURNING id",
        )
        .bind(s.court_id)
        .bind(s.case_id)
        .bind(&s.signed_on)
        .bind(s.total_fen)
        .bind(s.grace_days)
        .bind(&s.instalments)
        .bind(&s.terms)
        .bind(s.created_by)
        .bind(&s.created_by_name)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    pub async fn settlement_in_tx(&mut self, id: i64) -> StoreResult<Option<SettlementRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {SETTLEMENT_COLUMNS} FROM settlements WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut *self.tx)
        .await?)
    }

    /// Adds a payment to an agreement still at `version` (bumped, so two clerks recording the
    /// same payment at once cannot both succeed); false when someone was first.
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_settlement_payment(
        &mut self,
        settlement_id: i64,
        version: i64,
        case_id: i64,
        paid_on: &str,
        amount_fen: i64,
        note: &str,
        recorded_by: Option<i64>,
        recorded_by_name: &str,
    ) -> StoreResult<bool> {
        let r = sqlx::query(
            "UPDATE settlements SET version = version + 1 WHERE id = $1 AND version = $2 \
             AND status = 'active'",
        )
        .bind(settlement_id)
        .bind(version)
        .execute(&mut *self.tx)
        .await?;
        if r.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO settlement_payments (settlement_id, case_id, paid_on, amount_fen, note, \
             recorded_by, recorded_by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(settlement_id)
        .bind(case_id)
        .bind(paid_on)
        .bind(amount_fen)
        .bind(note)
        .bind(recorded_by)
        .bind(recorded_by_name)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(true)
    }

    /// The sum paid under an agreement.
    pub async fn settlement_paid_in_tx(&mut self, settlement_id: i64) -> StoreResult<i64> {
        // PostgreSQL sums BIGINT as NUMERIC: cast back so both engines decode an i64.
        let v: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(SUM(amount_fen) AS BIGINT) FROM settlement_payments \
             WHERE settlement_id = $1",
        )
        .bind(settlement_id)
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(v.unwrap_or(0))
    }
}
