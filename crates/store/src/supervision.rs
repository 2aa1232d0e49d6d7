//! What the supervision scheduler and its views read and write beyond single node rows: the
//! cases and people a batch of due nodes concerns (loaded with a few `IN (…)` queries), the
//! compare-and-set that advances a node only as it was read, bulletins in bulk, the counts and
//! lists of the supervision page, the bulletin of a period, and the read part of an inbox.

use sqlx::any::AnyArguments;

use crate::db::{Engine, Store, StoreResult};
use crate::nodes::NodeRow;
use crate::notifications::NotificationRow;
use crate::write::{bind, push_placeholders, rows_per_insert, WriteTx};

/// Ids per `IN (…)` list.
const IN_CHUNK: usize = 500;

/// What the scheduler needs of a case.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseBriefRow {
    pub id: i64,
    pub court_id: i64,
    pub case_number: String,
    pub team_id: Option<i64>,
    pub officer_id: Option<i64>,
    pub stage: String,
    pub locked: i64,
}

/// An active member of staff who may receive a supervision notice.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StaffBriefRow {
    pub id: i64,
    pub court_id: i64,
    pub team_id: Option<i64>,
    pub role: String,
}

/// A bulletin entry to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBulletin {
    pub court_id: i64,
    pub case_id: i64,
    pub node_key: String,
    /// `warning`, `overdue` or `locked`.
    pub kind: String,
    pub due_on: String,
}

/// A node to move to `status` with its next check, if it is still as `before` was read.
#[derive(Debug, Clone, Copy)]
pub struct NodeAdvance<'a> {
    pub before: &'a NodeRow,
    pub status: &'a str,
    pub next_check_on: Option<&'a str>,
}

/// How the supervision summary groups its counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Court,
    Team,
    Officer,
}

/// One count of the summary: in `court_id`, for the group (`None`: no team / no officer),
/// `status` is `warning`, `overdue` (open nodes) or `locked` (locked open cases).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct GroupCountRow {
    pub court_id: i64,
    pub group_id: Option<i64>,
    pub group_name: Option<String>,
    pub status: String,
    pub n: i64,
}

/// Which nodes a supervision list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SupervisedQuery {
    pub court_ids: Vec<i64>,
    /// `warning`, `overdue` or `locked` (locked open cases, each with the node whose overdue
    /// locked it).
    pub status: String,
    /// `Some(None)`: cases without a team.
    pub team_id: Option<Option<i64>>,
    /// `Some(None)`: cases without an officer.
    pub officer_id: Option<Option<i64>>,
    pub limit: i64,
    pub offset: i64,
}

/// One line of a supervision list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SupervisedRow {
    pub case_id: i64,
    pub case_number: String,
    pub court_id: i64,
    /// `None` for a case locked by hand (no lock bulletin).
    pub node_key: Option<String>,
    pub due_on: Option<String>,
    pub team_name: Option<String>,
    pub officer_name: Option<String>,
}

/// One bulletin entry with the case's number and its current team and officer.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BulletinEntryRow {
    pub id: i64,
    pub court_id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub node_key: String,
    pub kind: String,
    pub due_on: String,
    pub created_at: i64,
    pub team_name: Option<String>,
    pub officer_name: Option<String>,
}

enum Val {
    I(i64),
    S(String),
}

/// SQL with `$n` placeholders and the values to bind, built condition by condition.
struct Sql {
    text: String,
    values: Vec<Val>,
}

impl Sql {
    fn new(text: &str) -> Sql {
        Sql {
            text: text.to_string(),
            values: Vec::new(),
        }
    }

    fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    fn val(&mut self, v: Val) -> &mut Self {
        self.values.push(v);
        self.text.push_str(&format!("${}", self.values.len()));
        self
    }

    fn ids(&mut self, ids: &[i64]) -> &mut Self {
        self.text.push('(');
        if ids.is_empty() {
            self.text.push_str("NULL");
        }
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.val(Val::I(*id));
        }
        self.text.push(')');
        self
    }

    fn args(&self) -> StoreResult<AnyArguments<'static>> {
        let mut args = AnyArguments::default();
        for v in &self.values {
            match v {
                Val::I(i) => bind(&mut args, *i)?,
                Val::S(s) => bind(&mut args, s.clone())?,
            }
        }
        Ok(args)
    }
}

/// `AND <column> = $n`, or `IS NULL` for `Some(None)`.
fn eq_or_null(q: &mut Sql, column: &str, v: Option<Option<i64>>) {
    match v {
        None => {}
        Some(None) => {
            q.push(&format!(" AND {column} IS NULL"));
        }
        Some(Some(id)) => {
            q.push(&format!(" AND {column} = ")).val(Val::I(id));
        }
    }
}

const BRIEF_JOINS: &str =
    "LEFT JOIN teams t ON t.id = c.team_id LEFT JOIN users u ON u.id = c.officer_id";

impl Store {
    /// The cases of `ids` (in any order; missing ids are left out).
    pub async fn cases_brief(&self, ids: &[i64]) -> StoreResult<Vec<CaseBriefRow>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(IN_CHUNK) {
            let mut q = Sql::new(
                "SELECT id, court_id, case_number, team_id, officer_id, stage, locked FROM cases WHERE id IN ",
            );
            q.ids(chunk);
            out.extend(
                sqlx::query_as_with::<_, CaseBriefRow, _>(&q.text, q.args()?)
                    .fetch_all(&self.read)
                    .await?,
            );
        }
        Ok(out)
    }

    /// Active users among `ids`.
    pub async fn active_staff(&self, ids: &[i64]) -> StoreResult<Vec<StaffBriefRow>> {
        self.staff_where("id", ids, &[]).await
    }

    /// Active users with one of `roles` in the teams `team_ids`.
    pub async fn active_staff_of_teams(
        &self,
        team_ids: &[i64],
        roles: &[&str],
    ) -> StoreResult<Vec<StaffBriefRow>> {
        self.staff_where("team_id", team_ids, roles).await
    }

    /// Active users with one of `roles` in the courts `court_ids`.
    pub async fn active_staff_of_courts(
        &self,
        court_ids: &[i64],
        roles: &[&str],
    ) -> StoreResult<Vec<StaffBriefRow>> {
        self.staff_where("court_id", court_ids, roles).await
    }

    async fn staff_where(
        &self,
        column: &str,
        ids: &[i64],
        roles: &[&str],
    ) -> StoreResult<Vec<StaffBriefRow>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(IN_CHUNK) {
            let mut q =
                Sql::new("SELECT id, court_id, team_id, role FROM users WHERE active = 1 AND ");
            q.push(column).push(" IN ").ids(chunk);
            if !roles.is_empty() {
                q.push(" AND role IN (");
                for (i, r) in roles.iter().enumerate() {
                    if i > 0 {
                        q.push(", ");
                    }
                    q.val(Val::S((*r).to_string()));
                }
                q.push(")");
            }
            q.push(" ORDER BY id");
            out.extend(
                sqlx::query_as_with::<_, StaffBriefRow, _>(&q.text, q.args()?)
                    .fetch_all(&self.read)
                    .await?,
            );
        }
        Ok(out)
    }

    /// Counts of open nodes in warning and overdue, and of locked open cases, in `court_ids`,
    /// grouped by court, team or officer.
    pub async fn supervision_counts(
        &self,
        court_ids: &[i64],
        group: GroupBy,
    ) -> StoreResult<Vec<GroupCountRow>> {
        if court_ids.is_empty() {
            return Ok(Vec::new());
        }
        let (gid, gname, by) = match group {
            GroupBy::Court => ("c.court_id", "CAST(NULL AS TEXT)", "c.court_id"),
            GroupBy::Team => ("c.team_id", "t.name", "c.court_id, c.team_id, t.name"),
            GroupBy::Officer => (
                "c.officer_id",
                "u.display_name",
                "c.court_id, c.officer_id, u.display_name",
            ),
        };
        let mut q = Sql::new(&format!(
            "SELECT c.court_id AS court_id, {gid} AS group_id, {gname} AS group_name, n.status AS status, COUNT(*) AS n \
             FROM node_instances n JOIN cases c ON c.id = n.case_id {BRIEF_JOINS} \
             WHERE n.court_id IN "
        ));
        q.ids(court_ids).push(&format!(
            " AND n.status IN ('warning', 'overdue') GROUP BY {by}, n.status"
        ));
        let mut rows: Vec<GroupCountRow> = sqlx::query_as_with(&q.text, q.args()?)
            .fetch_all(&self.read)
            .await?;
        let mut q = Sql::new(&format!(
            "SELECT c.court_id AS court_id, {gid} AS group_id, {gname} AS group_name, CAST('locked' AS TEXT) AS status, \
             COUNT(*) AS n FROM cases c {BRIEF_JOINS} WHERE c.court_id IN "
        ));
        q.ids(court_ids).push(&format!(
            " AND c.locked = 1 AND c.stage NOT IN ('closed', 'archived') GROUP BY {by}"
        ));
        rows.extend(
            sqlx::query_as_with::<_, GroupCountRow, _>(&q.text, q.args()?)
                .fetch_all(&self.read)
                .await?,
        );
        Ok(rows)
    }

    /// A page of a supervision list, oldest due date first, and how many lines it has in all.
    pub async fn supervised_nodes(
        &self,
        f: &SupervisedQuery,
    ) -> StoreResult<(Vec<SupervisedRow>, i64)> {
        if f.court_ids.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let locked = f.status == "locked";
        let mut cond = Sql::new("");
        if locked {
            cond.push("c.court_id IN ")
                .ids(&f.court_ids)
                .push(" AND c.locked = 1 AND c.stage NOT IN ('closed', 'archived')");
        } else {
            cond.push("n.court_id IN ")
                .ids(&f.court_ids)
                .push(" AND n.status = ")
                .val(Val::S(f.status.clone()));
        }
        eq_or_null(&mut cond, "c.team_id", f.team_id);
        eq_or_null(&mut cond, "c.officer_id", f.officer_id);
        let from = if locked {
            "FROM cases c".to_string()
        } else {
            "FROM node_instances n JOIN cases c ON c.id = n.case_id".to_string()
        };
        let total: i64 = sqlx::query_scalar_with(
            &format!("SELECT COUNT(*) {from} WHERE {}", cond.text),
            cond.args()?,
        )
        .fetch_one(&self.read)
        .await?;
        // The node whose overdue locked the case: its latest lock bulletin (none when the
        // case was locked by hand).
        let lock_bulletin = |col: &str| {
            format!(
                "(SELECT b.{col} FROM node_bulletins b WHERE b.case_id = c.id AND b.kind = 'locked' \
                 ORDER BY b.created_at DESC, b.id DESC LIMIT 1)"
            )
        };
        let (node_key, due_on, order) = if locked {
            let due = lock_bulletin("due_on");
            (
                lock_bulletin("node_key"),
                due.clone(),
                format!("COALESCE({due}, '9999-12-31'), c.id"),
            )
        } else {
            (
                "n.node_key".into(),
                "n.due_on".into(),
                "n.due_on, n.id".into(),
            )
        };
        let n = cond.values.len();
        let sql = format!(
            "SELECT c.id AS case_id, c.case_number, c.court_id, {node_key} AS node_key, {due_on} AS due_on, \
             t.name AS team_name, u.display_name AS officer_name \
             {from} {BRIEF_JOINS} WHERE {} ORDER BY {order} LIMIT ${} OFFSET ${}",
            cond.text,
            n + 1,
            n + 2
        );
        let mut args = cond.args()?;
        bind(&mut args, f.limit)?;
        bind(&mut args, f.offset)?;
        let rows = sqlx::query_as_with(&sql, args)
            .fetch_all(&self.read)
            .await?;
        Ok((rows, total))
    }

    /// Bulletin entries of `court_ids` written in `[from_ms, to_ms)`, in the order written, a
    /// page of them and how many there are.
    pub async fn bulletin_entries(
        &self,
        court_ids: &[i64],
        from_ms: i64,
        to_ms: i64,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(Vec<BulletinEntryRow>, i64)> {
        if court_ids.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let mut cond = Sql::new("b.court_id IN ");
        cond.ids(court_ids)
            .push(" AND b.created_at >= ")
            .val(Val::I(from_ms))
            .push(" AND b.created_at < ")
            .val(Val::I(to_ms));
        let total: i64 = sqlx::query_scalar_with(
            &format!("SELECT COUNT(*) FROM node_bulletins b WHERE {}", cond.text),
            cond.args()?,
        )
        .fetch_one(&self.read)
        .await?;
        let n = cond.values.len();
        let sql = format!(
            "SELECT b.id, b.court_id, b.case_id, c.case_number, b.node_key, b.kind, b.due_on, b.created_at, \
             t.name AS team_name, u.display_name AS officer_name \
             FROM node_bulletins b JOIN cases c ON c.id = b.case_id {BRIEF_JOINS} \
             WHERE {} ORDER BY b.created_at, b.id LIMIT ${} OFFSET ${}",
            cond.text,
            n + 1,
            n + 2
        );
        let mut args = cond.args()?;
        bind(&mut args, limit)?;
        bind(&mut args, offset)?;
        let rows = sqlx::query_as_with(&sql, args)
            .fetch_all(&self.read)
            .await?;
        Ok((rows, total))
    }

    /// How many bulletin entries of each kind `court_ids` have in `[from_ms, to_ms)`.
    pub async fn bulletin_kind_counts(
        &self,
        court_ids: &[i64],
        from_ms: i64,
        to_ms: i64,
    ) -> StoreResult<Vec<(String, i64)>> {
        if court_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = Sql::new("SELECT kind, COUNT(*) FROM node_bulletins WHERE court_id IN ");
        q.ids(court_ids)
            .push(" AND created_at >= ")
            .val(Val::I(from_ms))
            .push(" AND created_at < ")
            .val(Val::I(to_ms))
            .push(" GROUP BY kind");
        Ok(sqlx::query_as_with(&q.text, q.args()?)
            .fetch_all(&self.read)
            .await?)
    }

    /// A user's notifications already read, newest first.
    pub async fn read_notifications(
        &self,
        user_id: i64,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<NotificationRow>> {
        Ok(sqlx::query_as(
            "SELECT id, user_id, court_id, case_id, kind, title_zh, title_en, created_at, read_at \
             FROM notifications WHERE user_id = $1 AND read_at IS NOT NULL \
             ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
        )
        .bind(user_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.read)
        .await?)
    }

    /// How many notifications a user has in all.
    pub async fn count_notifications(&self, user_id: i64) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1")
                .bind(user_id)
                .fetch_one(&self.read)
                .await?,
        )
    }
}

impl WriteTx {
    /// Takes the row locks of cases about to be changed by the scheduler (by the primary key
    /// index, so in id order), before their node rows: the order a case command takes them in (case, then its nodes, then the
    /// chain head), so that a tick and a command never wait for each other in a circle. On
    /// SQLite the transaction holds the whole database anyway.
    pub async fn claim_cases(&mut self, ids: &[i64]) -> StoreResult<()> {
        if self.engine == Engine::Sqlite {
            return Ok(());
        }
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        for chunk in ids.chunks(IN_CHUNK) {
            let mut q = Sql::new("UPDATE cases SET locked = locked WHERE id IN ");
            q.ids(chunk);
            sqlx::query_with(&q.text, q.args()?)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    /// Moves a node to `status` with its next check, only if the row is still as `before` was
    /// read (compare-and-set): a command or another scheduler that changed it meanwhile wins,
    /// and this returns false having changed nothing.
    pub async fn advance_node(
        &mut self,
        before: &NodeRow,
        status: &str,
        next_check_on: Option<&str>,
    ) -> StoreResult<bool> {
        let mut q = Sql::new("UPDATE node_instances SET status = ");
        q.val(Val::S(status.to_string())).push(", next_check_on = ");
        match next_check_on {
            Some(d) => {
                q.val(Val::S(d.to_string()));
            }
            None => {
                q.push("NULL");
            }
        }
        q.push(", updated_at = ")
            .val(Val::I(self.now))
            .push(" WHERE id = ")
            .val(Val::I(before.id))
            .push(" AND status = ")
            .val(Val::S(before.status.clone()))
            .push(" AND due_on = ")
            .val(Val::S(before.due_on.clone()))
            .push(" AND warn_on = ")
            .val(Val::S(before.warn_on.clone()))
            .push(" AND paused_days = ")
            .val(Val::I(before.paused_days));
        for (column, v) in [
            ("next_check_on", &before.next_check_on),
            ("paused_since", &before.paused_since),
            ("completed_on", &before.completed_on),
            ("cancelled_on", &before.cancelled_on),
        ] {
            match v {
                Some(s) => {
                    q.push(&format!(" AND {column} = ")).val(Val::S(s.clone()));
                }
                None => {
                    q.push(&format!(" AND {column} IS NULL"));
                }
            }
        }
        let done = sqlx::query_with(&q.text, q.args()?)
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
        Ok(done == 1)
    }

    /// [`WriteTx::advance_node`] for many rows, a statement per few hundred (an `UPDATE … FROM
    /// (VALUES …)` returning the rows it changed). Returns the ids advanced; the others were
    /// changed since they were read.
    pub async fn advance_nodes(&mut self, items: &[NodeAdvance<'_>]) -> StoreResult<Vec<i64>> {
        const N: usize = 8;
        let mut done = Vec::with_capacity(items.len());
        // The due rows are open and running; anything else is compared one by one.
        let (plain, odd): (Vec<&NodeAdvance>, Vec<&NodeAdvance>) = items.iter().partition(|a| {
            a.before.next_check_on.is_some()
                && a.before.paused_since.is_none()
                && a.before.completed_on.is_none()
                && a.before.cancelled_on.is_none()
        });
        for a in odd {
            if self
                .advance_node(a.before, a.status, a.next_check_on)
                .await?
            {
                done.push(a.before.id);
            }
        }
        for chunk in plain.chunks(500) {
            let mut sql = String::from(
                "UPDATE node_instances SET status = v.column2, next_check_on = v.column3, updated_at = ",
            );
            sql.push_str(match self.engine {
                Engine::Sqlite => "?",
                Engine::Postgres => "$1",
            });
            sql.push_str(" FROM (VALUES ");
            let mut args = AnyArguments::default();
            bind(&mut args, self.now)?;
            for (i, a) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                push_placeholders(&mut sql, self.engine, 1 + i * N, N);
                bind(&mut args, a.before.id)?;
                bind(&mut args, a.status.to_string())?;
                bind(&mut args, a.next_check_on.map(str::to_string))?;
                bind(&mut args, a.before.status.clone())?;
                bind(&mut args, a.before.next_check_on.clone())?;
                bind(&mut args, a.before.due_on.clone())?;
                bind(&mut args, a.before.warn_on.clone())?;
                bind(&mut args, a.before.paused_days)?;
            }
            // The id list lets PostgreSQL find the rows by the primary key whatever its
            // statistics say (without it, it may scan the table for the join).
            sql.push_str(") AS v WHERE node_instances.id IN ");
            let first = 1 + chunk.len() * N;
            push_placeholders(&mut sql, self.engine, first, chunk.len());
            for a in chunk {
                bind(&mut args, a.before.id)?;
            }
            sql.push_str(
                " AND node_instances.id = v.column1 AND node_instances.status = v.column4 \
                 AND node_instances.next_check_on = v.column5 AND node_instances.due_on = v.column6 \
                 AND node_instances.warn_on = v.column7 AND node_instances.paused_days = v.column8 \
                 AND node_instances.paused_since IS NULL AND node_instances.completed_on IS NULL \
                 AND node_instances.cancelled_on IS NULL RETURNING id",
            );
            let ids: Vec<i64> = sqlx::query_scalar_with(&sql, args)
                .fetch_all(&mut *self.tx)
                .await?;
            done.extend(ids);
        }
        Ok(done)
    }

    /// Writes bulletin entries in multi-row statements.
    pub async fn insert_bulletins(&mut self, items: &[NewBulletin]) -> StoreResult<()> {
        const N: usize = 6;
        for chunk in items.chunks(rows_per_insert(N)) {
            let mut sql = String::from(
                "INSERT INTO node_bulletins (court_id, case_id, node_key, kind, due_on, created_at) VALUES ",
            );
            let mut args = AnyArguments::default();
            for (i, b) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                push_placeholders(&mut sql, self.engine, i * N, N);
                bind(&mut args, b.court_id)?;
                bind(&mut args, b.case_id)?;
                bind(&mut args, b.node_key.clone())?;
                bind(&mut args, b.kind.clone())?;
                bind(&mut args, b.due_on.clone())?;
                bind(&mut args, self.now)?;
            }
            sqlx::query_with(&sql, args).execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Writes bulletin entries, each with its own moment (UTC milliseconds), in multi-row
    /// statements: demo data, whose history the scheduler would have written day by day.
    pub async fn insert_bulletins_at(&mut self, items: &[(NewBulletin, i64)]) -> StoreResult<()> {
        const N: usize = 6;
        for chunk in items.chunks(rows_per_insert(N)) {
            let mut sql = String::from(
                "INSERT INTO node_bulletins (court_id, case_id, node_key, kind, due_on, created_at) VALUES ",
            );
            let mut args = AnyArguments::default();
            for (i, (b, at)) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                push_placeholders(&mut sql, self.engine, i * N, N);
                bind(&mut args, b.court_id)?;
                bind(&mut args, b.case_id)?;
                bind(&mut args, b.node_key.clone())?;
                bind(&mut args, b.kind.clone())?;
                bind(&mut args, b.due_on.clone())?;
                bind(&mut args, *at)?;
            }
            sqlx::query_with(&sql, args).execute(&mut *self.tx).await?;
        }
        Ok(())
    }
}
