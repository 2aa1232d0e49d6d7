//! The electronic dossier's catalogue and its access log (卷宗保密). The files live in the
//! app's blob store under their SHA-256; these rows say which case they belong to and where.

use crate::db::{Store, StoreResult};
use crate::write::WriteTx;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDossierItem {
    pub court_id: i64,
    pub case_id: i64,
    pub volume: String,
    pub kind: String,
    pub title: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub media_type: String,
    pub filename: String,
    pub uploaded_by: Option<i64>,
    pub uploaded_by_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DossierItemRow {
    pub id: i64,
    pub court_id: i64,
    pub case_id: i64,
    pub volume: String,
    pub kind: String,
    pub title: String,
    pub position: i64,
    pub sha256: String,
    pub size_bytes: i64,
    pub media_type: String,
    pub filename: String,
    pub uploaded_by: Option<i64>,
    pub uploaded_by_name: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DossierAccessRow {
    pub id: i64,
    pub item_id: i64,
    pub case_id: i64,
    pub user_id: Option<i64>,
    pub user_name: String,
    pub action: String,
    pub at: i64,
    pub title: String,
}

const COLUMNS: &str = "id, court_id, case_id, volume, kind, title, position, sha256, size_bytes, \
     media_type, filename, uploaded_by, uploaded_by_name, created_at";

impl Store {
    /// A case's catalogue: the main volume first, each in its order.
    pub async fn dossier_items(&self, case_id: i64) -> StoreResult<Vec<DossierItemRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM dossier_items WHERE case_id = $1 \
             ORDER BY CASE volume WHEN 'main' THEN 0 ELSE 1 END, position, id"
        ))
        .bind(case_id)
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn dossier_item(&self, id: i64) -> StoreResult<Option<DossierItemRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM dossier_items WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?)
    }

    /// Whether any catalogue row names this content.
    pub async fn dossier_blob_referenced(&self, sha256: &str) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dossier_items WHERE sha256 = $1")
            .bind(sha256)
            .fetch_one(&self.read)
            .await?;
        Ok(n > 0)
    }

    /// Logs a view or a download of an item (its own small transaction).
    pub async fn log_dossier_access(
        &self,
        item_id: i64,
        case_id: i64,
        user_id: Option<i64>,
        user_name: &str,
        action: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO dossier_access (item_id, case_id, user_id, user_name, action, at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(item_id)
        .bind(case_id)
        .bind(user_id)
        .bind(user_name)
        .bind(action)
        .bind(crate::now_ms())
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// A case's access log, newest first.
    pub async fn dossier_access(
        &self,
        case_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<DossierAccessRow>> {
        Ok(sqlx::query_as(
            "SELECT a.id, a.item_id, a.case_id, a.user_id, a.user_name, a.action, a.at, i.title \
             FROM dossier_access a JOIN dossier_items i ON i.id = a.item_id \
             WHERE a.case_id = $1 ORDER BY a.at DESC, a.id DESC LIMIT $2",
        )
        .bind(case_id)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }
}

impl WriteTx {
    /// Adds an item at the end of its volume; returns its id and position.
    pub async fn insert_dossier_item(&mut self, n: &NewDossierItem) -> StoreResult<(i64, i64)> {
        let position: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(MAX(position), 0) + 1 AS BIGINT) FROM dossier_items \
             WHERE case_id = $1 AND volume = $2",
        )
        .bind(n.case_id)
        .bind(&n.volume)
        .fetch_one(&mut *self.tx)
        .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO dossier_items (court_id, case_id, volume, kind, title, position, sha256, \
             size_bytes, media_type, filename, uploaded_by, uploaded_by_name, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(n.court_id)
        .bind(n.case_id)
        .bind(&n.volume)
        .bind(&n.kind)
        .bind(&n.title)
        .bind(position)
        .bind(&n.sha256)
        .bind(n.size_bytes)
        .bind(&n.media_type)
        .bind(&n.filename)
        .bind(n.uploaded_by)
        .bind(&n.uploaded_by_name)
        .bind(self.now)
        .fetch_one(&mut *self.tx)
        .await?;
        Ok((id, position))
    }

    /// A case's items of one volume in their order, read in the transaction.
    pub async fn dossier_volume_ids(
        &mut self,
        case_id: i64,
        volume: &str,
    ) -> StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM dossier_items WHERE case_id = $1 AND volume = $2 ORDER BY position, id",
        )
        .bind(case_id)
        .bind(volume)
        .fetch_all(&mut *self.tx)
        .await?)
    }

    /// Numbers the given items 1, 2, 3 … in the order given.
    pub async fn set_dossier_order(&mut self, ids: &[i64]) -> StoreResult<()> {
        for (i, id) in ids.iter().enumerate() {
            sqlx::query("UPDATE dossier_items SET position = $1 WHERE id = $2")
                .bind(i as i64 + 1)
                .bind(*id)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }
}
