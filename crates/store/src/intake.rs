//! Reception records, inquiry tasks and duplicate look-ups.

use sqlx::any::AnyArguments;

use crate::assets::InquiryTarget;
use crate::db::{Store, StoreError, StoreResult};
use crate::rows::{DuplicateRow, InquiryTaskRow, ReceptionRow};
use crate::write::{bind, WriteTx};

const RECEPTION_COLUMNS: &str =
    "id, court_id, officer_id, officer_name, applicant_name, record, binding_code, case_id, created_at";

impl WriteTx {
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_reception(
        &mut self,
        court_id: i64,
        officer_id: Option<i64>,
        officer_name: &str,
        applicant_name: &str,
        record: &str,
        binding_code: &str,
    ) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO receptions (court_id, officer_id, officer_name, applicant_name, record, binding_code, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(court_id)
        .bind(officer_id)
        .bind(officer_name)
        .bind(applicant_name)
        .bind(record)
        .bind(binding_code)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await?)
    }

    /// Loads a reception inside the transaction, for filing from it.
    pub async fn reception_for_update(&mut self, id: i64) -> StoreResult<Option<ReceptionRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {RECEPTION_COLUMNS} FROM receptions WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut *self.tx)
        .await?)
    }

    /// Links a reception to its case; refuses a reception that was filed already (two clerks
    /// filing the same record at once).
    pub async fn link_reception(&mut self, reception_id: i64, case_id: i64) -> StoreResult<()> {
        let done =
            sqlx::query("UPDATE receptions SET case_id = $1 WHERE id = $2 AND case_id IS NULL")
                .bind(case_id)
                .bind(reception_id)
                .execute(&mut *self.tx)
                .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(
                "该接待笔录已立案，不能重复立案 / this reception record was filed already".into(),
            ));
        }
        Ok(())
    }

    pub async fn insert_inquiry_task(
        &mut self,
        target: &InquiryTarget,
        due_on: &str,
    ) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO inquiry_tasks (court_id, case_id, party_id, debtor_name, status, due_on, \
             created_at, next_poll_at, id_number, case_number) \
             VALUES ($1, $2, $3, $4, 'pending', $5, $6, $6, $7, $8) RETURNING id",
        )
        .bind(target.court_id)
        .bind(target.case_id)
        .bind(target.party_id)
        .bind(&target.debtor_name)
        .bind(due_on)
        .bind(self.now)
        .bind(&target.id_number)
        .bind(&target.case_number)
        .fetch_one(&mut *self.tx)
        .await?)
    }
}

impl Store {
    pub async fn reception(&self, id: i64) -> StoreResult<Option<ReceptionRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {RECEPTION_COLUMNS} FROM receptions WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?)
    }

    pub async fn reception_by_code(&self, code: &str) -> StoreResult<Option<ReceptionRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {RECEPTION_COLUMNS} FROM receptions WHERE binding_code = $1"
        ))
        .bind(code)
        .fetch_optional(&self.read)
        .await?)
    }

    pub async fn inquiry_tasks(&self, case_id: i64) -> StoreResult<Vec<InquiryTaskRow>> {
        Ok(sqlx::query_as(
            "SELECT id, case_id, party_id, debtor_name, status, due_on, created_at, completed_at \
             FROM inquiry_tasks WHERE case_id = $1 ORDER BY id",
        )
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }

    /// Open or closed cases on the same instrument, or naming one of these parties, in the given
    /// courts: shown to the clerk before filing.
    pub async fn possible_duplicates(
        &self,
        court_ids: &[i64],
        basis_number: &str,
        id_numbers: &[String],
    ) -> StoreResult<Vec<DuplicateRow>> {
        if court_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut args = AnyArguments::default();
        let mut sql = String::from(
            "SELECT c.id, c.case_number, c.court_id, c.stage, c.applicant_names, c.debtor_names, c.filed_at FROM cases c \
             WHERE c.basis_number = $1 AND c.court_id IN (",
        );
        bind(&mut args, basis_number.to_string())?;
        let mut n = 1;
        for (i, id) in court_ids.iter().enumerate() {
            n += 1;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${n}"));
            bind(&mut args, *id)?;
        }
        sql.push(')');
        if !id_numbers.is_empty() {
            sql.push_str(
                " AND EXISTS (SELECT 1 FROM case_parties cp JOIN parties p ON p.id = cp.party_id \
                 WHERE cp.case_id = c.id AND p.id_number IN (",
            );
            for (i, idn) in id_numbers.iter().enumerate() {
                n += 1;
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("${n}"));
                bind(&mut args, idn.clone())?;
            }
            sql.push_str("))");
        }
        sql.push_str(" ORDER BY c.filed_at DESC LIMIT 20");
        Ok(sqlx::query_as_with(&sql, args)
            .fetch_all(&self.read)
            .await?)
    }
}
