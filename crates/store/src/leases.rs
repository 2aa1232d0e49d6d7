//! Leases on scheduled jobs (调度租约): of several processes serving one database, only the
//! holder of a job's lease runs it. A lease is one row of `scheduler_leases`, taken and renewed
//! by a conditional UPDATE (or, the first time, an INSERT that does nothing on conflict), so it
//! works the same on SQLite and PostgreSQL without `FOR UPDATE`.

use crate::db::{Store, StoreResult};
use crate::write::WriteTx;

const TAKE: &str = "UPDATE scheduler_leases SET holder = $1, expires_at = $2 \
                    WHERE name = $3 AND (holder = $1 OR expires_at < $4)";
const CREATE: &str = "INSERT INTO scheduler_leases (name, holder, expires_at) VALUES ($1, $2, $3) \
                      ON CONFLICT (name) DO NOTHING";

impl Store {
    /// Takes the lease `name` for `holder` until `now + ttl_ms`, or renews it if `holder` has
    /// it. Returns false while another holder's lease has not expired.
    pub async fn acquire_lease(&self, name: &str, holder: &str, ttl_ms: i64) -> StoreResult<bool> {
        let now = crate::now_ms();
        let taken = sqlx::query(TAKE)
            .bind(holder)
            .bind(now + ttl_ms)
            .bind(name)
            .bind(now)
            .execute(&self.write)
            .await?
            .rows_affected();
        if taken == 1 {
            return Ok(true);
        }
        let created = sqlx::query(CREATE)
            .bind(name)
            .bind(holder)
            .bind(now + ttl_ms)
            .execute(&self.write)
            .await?
            .rows_affected();
        Ok(created == 1)
    }

    /// Gives the lease up if `holder` still has it (expiring it now), so another process need
    /// not wait for the time-out.
    pub async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<()> {
        sqlx::query("UPDATE scheduler_leases SET expires_at = 0 WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(holder)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Who holds the lease and until when (UTC milliseconds), if anyone ever took it.
    pub async fn lease(&self, name: &str) -> StoreResult<Option<(String, i64)>> {
        Ok(
            sqlx::query_as("SELECT holder, expires_at FROM scheduler_leases WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.read)
                .await?,
        )
    }
}

impl WriteTx {
    /// Renews `holder`'s lease inside the transaction, as its first write: the transaction
    /// commits its work only while the lease is held, and on PostgreSQL the row stays locked
    /// until the commit, so nobody can take the lease over in between. Returns false (and
    /// changes nothing) when the lease was lost.
    pub async fn renew_lease(
        &mut self,
        name: &str,
        holder: &str,
        ttl_ms: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE scheduler_leases SET expires_at = $1 WHERE name = $2 AND holder = $3 AND expires_at >= $4",
        )
        .bind(self.now + ttl_ms)
        .bind(name)
        .bind(holder)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        Ok(done == 1)
    }
}
