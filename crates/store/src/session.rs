//! Login sessions. They are not case history, so they live outside the command pipeline; only a
//! SHA-256 of the token is stored.

use crate::db::{Store, StoreResult};
use crate::rows::SessionUserRow;

impl Store {
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        expires_at: i64,
    ) -> StoreResult<()> {
        let now = crate::now_ms();
        let mut tx = self.write.begin().await?;
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash)
            .bind(user_id)
            .bind(csrf)
            .bind(now)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn session_user(&self, token_hash: &str) -> StoreResult<Option<SessionUserRow>> {
        Ok(sqlx::query_as(
            "SELECT s.csrf_token, s.expires_at, u.id, u.court_id, u.team_id, u.username, u.display_name, u.role, u.active \
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.read)
        .await?)
    }

    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.write)
            .await?;
        Ok(())
    }
}

impl Store {
    /// Runs one statement as given. Only for tests and maintenance scripts that must reach
    /// under the write path on purpose (for example, to prove tampering is detected).
    #[doc(hidden)]
    pub async fn execute_unchecked(&self, sql: &str) -> StoreResult<u64> {
        use sqlx::Executor;
        Ok(self.write.execute(sql).await?.rows_affected())
    }
}
