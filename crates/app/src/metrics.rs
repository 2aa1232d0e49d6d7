//! The command centre's figures (质效指标, issue 7): a unit's metrics for a period with the
//! previous period beside them, the month-by-month trend, the teams' assessment by kind
//! (繁简分类考核), rankings of the courts below a court, the cases behind any figure, the
//! dashboard, and campaigns (专项行动).
//!
//! The formulas are `zhixing_domain::metrics`; this module turns the store's indexed aggregates
//! into tallies. Nothing is cached, so a figure is always what the cases say now;
//! `recompute_tallies` is the full recomputation the aggregates are tested against.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;
use zhixing_domain::case::{CaseType, ClosingMode};
use zhixing_domain::event::EventKind;
use zhixing_domain::metrics::{
    self as rules, CaseFacts, Definitions, Figure, Metric, StatPeriod, Tally,
};
use zhixing_domain::money::Fen;
use zhixing_domain::role::Role;
use zhixing_domain::team::TeamKind;
use zhixing_store::metrics::{
    CampaignRow, ClosedDayRow, ClosingFacts, CountProbe, DrillQuery, DrillSet, MetricGroup,
    MetricScope, NewCampaign, BEIJING_OFFSET_MS, DAY_MS,
};
use zhixing_store::nodes::NodeRow;
use zhixing_store::rows::{CaseListRow, TeamRow};
use zhixing_store::WriteTx;

use crate::actor::Actor;
use crate::commands::{case_event, court_event, Command, Outcome};
use crate::error::{AppError, AppResult};
use crate::nodes::beijing_date;
use crate::views::Named;
use crate::App;

/// The court setting that holds a court's metric definitions (`Definitions::from_json`).
pub const METRICS_SETTING: &str = "metric_definitions";

/// Who sets up campaigns and tags cases to them.
pub const CAMPAIGN_MANAGERS: &[Role] = &[
    Role::TeamLeader,
    Role::BureauChief,
    Role::Supervisor,
    Role::President,
];

/// Who sees the figures: every member of staff, for the courts they can see. Applicants never.
fn check_viewer(actor: &Actor, court_id: i64) -> AppResult<()> {
    if !actor.can_see_court(court_id) {
        return Err(AppError::forbidden(
            "您无权查看该法院的质效数据",
            "you may not see this court's figures",
        ));
    }
    Ok(())
}

/// Whose figures a view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricsQuery {
    /// The court; its courts below are included (a city's view is the whole city).
    pub court_id: i64,
    pub team_id: Option<i64>,
    pub officer_id: Option<i64>,
    pub campaign_id: Option<i64>,
    pub period: StatPeriod,
}

/// One figure as a page or the API shows it, with the previous period's.
#[derive(Debug, Clone, Serialize)]
pub struct FigureView {
    pub key: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub unit: rules::Unit,
    pub value: Option<f64>,
    pub num: i64,
    pub den: i64,
    pub display_zh: String,
    pub display_en: String,
    pub previous: Option<f64>,
    pub previous_display_zh: String,
    /// This period's value less the previous one's (percentage points, days or cases).
    pub change: Option<f64>,
    /// Whether the change is for the better (`None` when unchanged or unknown).
    pub improved: Option<bool>,
    pub definition_zh: String,
    pub definition_en: String,
}

fn figure_view(f: Figure, prev: Option<Figure>, d: &Definitions) -> FigureView {
    let m = f.metric;
    let change = match (f.value, prev.and_then(|p| p.value)) {
        (Some(a), Some(b)) => Some(a - b),
        _ => None,
    };
    let improved = change.and_then(|c| {
        if c.abs() < 1e-9 {
            None
        } else {
            Some((c > 0.0) == m.higher_is_better())
        }
    });
    FigureView {
        key: m.key(),
        name_zh: m.name_zh(),
        name_en: m.name_en(),
        unit: m.unit(),
        value: f.value,
        num: f.num,
        den: f.den,
        display_zh: f.display_zh(),
        display_en: f.display_en(),
        previous: prev.and_then(|p| p.value),
        previous_display_zh: prev.map_or_else(|| "—".into(), |p| p.display_zh()),
        change,
        improved,
        definition_zh: m.definition_zh(d),
        definition_en: m.definition_en(d),
    }
}

/// One month of the trend.
#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    pub month: String,
    pub label_zh: String,
    pub received: i64,
    pub closed: i64,
    pub closure_rate: Option<f64>,
    pub completion_rate: Option<f64>,
    pub actual_rate: Option<f64>,
    pub recovery_rate: Option<f64>,
    pub average_days: Option<f64>,
}

/// A team's figures on the metrics its kind is assessed on, and its place among teams of that
/// kind in the court.
#[derive(Debug, Clone, Serialize)]
pub struct TeamAssessment {
    pub team_id: i64,
    pub team_name: String,
    pub kind: &'static str,
    pub kind_name_zh: &'static str,
    pub figures: Vec<FigureView>,
    /// On the kind's first metric.
    pub rank: Option<u32>,
    pub of: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct MetricsView {
    pub court_id: i64,
    pub court_code: String,
    pub court_name: String,
    pub subject_zh: String,
    pub subject_en: String,
    pub team_id: Option<i64>,
    pub officer_id: Option<i64>,
    pub campaign_id: Option<i64>,
    pub period: StatPeriod,
    pub period_spec: String,
    pub period_label_zh: String,
    pub period_label_en: String,
    pub previous: StatPeriod,
    pub previous_label_zh: String,
    pub figures: Vec<FigureView>,
    pub trend: Vec<TrendPoint>,
    pub teams: Vec<TeamAssessment>,
    pub tally: Tally,
    pub definitions: Definitions,
}

impl MetricsView {
    pub fn figure(&self, key: &str) -> Option<&FigureView> {
        self.figures.iter().find(|f| f.key == key)
    }
}

/// A court (or city) in a ranking.
#[derive(Debug, Clone, Serialize)]
pub struct RankingRow {
    pub court_id: i64,
    pub court_code: String,
    pub court_name: String,
    pub figure: FigureView,
    pub rank: Option<u32>,
    pub previous_rank: Option<u32>,
    /// Places moved up since the previous period.
    pub moved: Option<i64>,
    /// Every rankable figure of the unit, for the table.
    pub figures: Vec<FigureView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RankingView {
    pub court_id: i64,
    pub court_name: String,
    pub title_zh: String,
    pub title_en: String,
    pub metric: &'static str,
    pub metric_name_zh: &'static str,
    pub definition_zh: String,
    pub definition_en: String,
    pub period: StatPeriod,
    pub period_spec: String,
    pub period_label_zh: String,
    pub previous_label_zh: String,
    pub rows: Vec<RankingRow>,
}

/// A court directly below the ranking court: id, code, name.
type Peer = (i64, String, String);

/// The cases behind a figure, one page.
#[derive(Debug, Clone, Serialize)]
pub struct DrillView {
    pub title_zh: String,
    pub title_en: String,
    pub metric: &'static str,
    pub set: &'static str,
    pub period_label_zh: String,
    pub rows: Vec<DrillRow>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct DrillRow {
    pub id: i64,
    pub case_number: String,
    pub court_name: String,
    pub stage: String,
    pub claim_fen: i64,
    pub applicant_names: String,
    pub debtor_names: String,
    pub team_name: Option<String>,
    pub officer_name: Option<String>,
    pub filed_on: String,
}

pub const DRILL_PAGE: u32 = 50;

/// The command centre's board for one court.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub court_id: i64,
    pub court_name: String,
    pub today: String,
    pub intake_today: i64,
    pub same_day_today: (i64, i64),
    pub same_day_period: (i64, i64),
    pub same_day_rate_period: Option<f64>,
    pub nodes_warning: i64,
    pub nodes_overdue: i64,
    pub locked: i64,
    pub funds_cases: i64,
    pub funds_held_fen: i64,
    pub team_loads: Vec<TeamLoad>,
    pub metrics: MetricsView,
    /// This court's place among the courts of its parent, on the closure rate.
    pub place: Option<(u32, usize, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamLoad {
    pub team_id: i64,
    pub team_name: String,
    /// The team kind's key (fast, ordinary, special), "" when unknown.
    pub kind: &'static str,
    pub kind_name_zh: &'static str,
    pub open_cases: i64,
}

/// What `CreateCampaign` carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignInput {
    pub court_id: i64,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub goal: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CampaignView {
    pub id: i64,
    pub court_id: i64,
    pub court_name: String,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    pub goal: String,
    pub cases: i64,
    pub created_by_name: String,
}

fn campaign_view(app: &App, r: CampaignRow) -> CampaignView {
    CampaignView {
        court_name: app
            .with_courts(|t| t.get(r.court_id).map(|c| c.name.clone()))
            .unwrap_or_default(),
        id: r.id,
        court_id: r.court_id,
        name: r.name,
        starts_on: r.starts_on,
        ends_on: r.ends_on,
        goal: r.goal,
        cases: r.cases,
        created_by_name: r.created_by_name,
    }
}

/// Midnight starting a Beijing date, in UTC ms (the store's day arithmetic assumes the fixed
/// +8 h offset, which Asia/Shanghai has kept since 1991).
fn ms_of(d: NaiveDate) -> i64 {
    day_number(d) * DAY_MS - BEIJING_OFFSET_MS
}

/// A Beijing date's day number (days since 1970-01-01), as the store groups by.
fn day_number(d: NaiveDate) -> i64 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    (d - epoch).num_days()
}

/// The Beijing date of a day number from the store.
fn date_of_day(n: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default() + chrono::Days::new(n.max(0) as u64)
}

fn add_closed(t: &mut Tally, r: &ClosedDayRow) {
    t.closed += r.closed;
    t.completed += r.completed;
    t.dormant += r.dormant;
    t.delivered += r.delivered;
    t.in_time += r.in_time;
    t.days += r.days;
    t.claim_fen += r.claim_fen;
    t.recovered_fen += r.recovered_fen;
}

/// Tallies of each unit over a period, plus each unit's closings and receipts by day (the
/// trend's input).
#[derive(Default)]
struct Tallies {
    by_unit: BTreeMap<i64, Tally>,
    closed_days: Vec<ClosedDayRow>,
    received_days: Vec<(i64, i64, i64)>,
}

impl App {
    /// A court's metric definitions: its setting, else the defaults of RULES.md §5.
    pub async fn metric_definitions(&self, court_id: i64) -> AppResult<Definitions> {
        match self.store.court_setting(court_id, METRICS_SETTING).await? {
            Some((value, _)) => Ok(Definitions::from_json(&value)?),
            None => Ok(Definitions::default()),
        }
    }

    /// The tallies of a scope per unit for each of `periods`, from one reading of three
    /// statements: closings and receipts by unit and day since the earliest start, and the
    /// counts of open cases (and of later closings) that the pending and old-case counts
    /// follow from. Pending at X = open now − filed since X + closed since X, exactly, so the
    /// work follows the open cases and the time since the earliest start, never the history.
    async fn tallies(
        &self,
        scope: &MetricScope,
        group: MetricGroup,
        periods: &[StatPeriod],
        d: &Definitions,
    ) -> AppResult<Vec<Tallies>> {
        let Some(since) = periods.iter().map(|p| p.from).min() else {
            return Ok(Vec::new());
        };
        let now = zhixing_store::now_ms();
        let paid: Vec<String> = d.paid_modes.iter().map(|m| m.key().to_string()).collect();
        // Probe 0: open now. Then per period: open and filed before its cutoff, and (for a
        // period already over) closed since its end and filed before its cutoff.
        let mut probes = vec![CountProbe::Open {
            filed_before_ms: None,
        }];
        let mut probe_of: Vec<(usize, Option<usize>)> = Vec::with_capacity(periods.len());
        for p in periods {
            let end = ms_of(p.to + chrono::Days::new(1));
            let cutoff = Some(ms_of(p.old_cutoff(d.old_pending_months)));
            probes.push(CountProbe::Open {
                filed_before_ms: cutoff,
            });
            let open_old = probes.len() - 1;
            let closed_old = (end <= now).then(|| {
                probes.push(CountProbe::ClosedSince {
                    from_ms: end,
                    filed_before_ms: cutoff,
                });
                probes.len() - 1
            });
            probe_of.push((open_old, closed_old));
        }
        let s = &self.store;
        let (closed, received, counts) = tokio::try_join!(
            s.metric_closed(
                scope,
                group,
                ms_of(since),
                i64::MAX,
                &paid,
                d.deduct_suspension
            ),
            s.metric_received(scope, group, ms_of(since), i64::MAX),
            s.metric_counts(scope, group, &probes),
        )?;
        let count = |probe: usize| -> HashMap<i64, i64> {
            counts
                .iter()
                .filter(|r| r.probe == probe as i64)
                .map(|r| (r.unit, r.n))
                .collect()
        };
        let open = count(0);
        let mut out = Vec::with_capacity(periods.len());
        for (p, (open_old, closed_old)) in periods.iter().zip(probe_of) {
            let (from_day, end_day) = (day_number(p.from), day_number(p.to) + 1);
            let mut by_unit: BTreeMap<i64, Tally> = BTreeMap::new();
            fn entry(m: &mut BTreeMap<i64, Tally>, u: i64) -> &mut Tally {
                m.entry(u).or_insert(Tally {
                    old_pending: Some(0),
                    ..Tally::default()
                })
            }
            for (unit, n) in &open {
                let t = entry(&mut by_unit, *unit);
                t.pending_at_start += n;
                t.pending_at_end += n;
            }
            let mut closed_days = Vec::new();
            for r in &closed {
                if r.day < from_day {
                    continue;
                }
                let t = entry(&mut by_unit, r.unit);
                t.pending_at_start += r.closed;
                if r.day < end_day {
                    add_closed(t, r);
                    closed_days.push(r.clone());
                } else {
                    t.pending_at_end += r.closed;
                }
            }
            let mut received_days = Vec::new();
            for r in &received {
                if r.day < from_day {
                    continue;
                }
                let t = entry(&mut by_unit, r.unit);
                t.pending_at_start -= r.received;
                if r.day < end_day {
                    t.received += r.received;
                    received_days.push((r.unit, r.day, r.received));
                } else {
                    t.pending_at_end -= r.received;
                }
            }
            let old = [Some(open_old), closed_old];
            for (unit, n) in old.into_iter().flatten().flat_map(count) {
                let t = entry(&mut by_unit, unit);
                t.old_pending = t.old_pending.map(|o| o + n);
            }
            out.push(Tallies {
                by_unit,
                closed_days,
                received_days,
            });
        }
        Ok(out)
    }

    /// The full recomputation: every case of the scope read and tallied in Rust by
    /// `Tally::of_cases`, per unit. For tests and `zhixing metrics --verify`; never a page.
    pub async fn recompute_tallies(
        &self,
        q: &MetricsQuery,
        group: MetricGroup,
    ) -> AppResult<BTreeMap<i64, Tally>> {
        let d = self.metric_definitions(q.court_id).await?;
        let scope = self.scope_of(q, &d);
        let rows = self.store.metric_case_facts(&scope).await?;
        let mut per: BTreeMap<i64, Vec<CaseFacts>> = BTreeMap::new();
        for r in rows {
            let unit = match group {
                MetricGroup::Court => r.court_id,
                MetricGroup::Team => r.team_id.unwrap_or(0),
                MetricGroup::Officer => r.officer_id.unwrap_or(0),
                MetricGroup::All => 0,
            };
            per.entry(unit).or_default().push(CaseFacts {
                case_type: CaseType::from_key(&r.case_type)?,
                filed_on: beijing_date(r.filed_at),
                closed_on: r.closed_at.map(beijing_date),
                mode: r
                    .closing_mode
                    .as_deref()
                    .map(ClosingMode::from_key)
                    .transpose()?,
                claim: Fen(r.claim_fen),
                recovered: Fen(r.recovered_fen),
                suspended_days: r.suspended_days,
                in_time: r.closed_in_time.unwrap_or(0) != 0,
            });
        }
        Ok(per
            .into_iter()
            .map(|(u, cases)| (u, Tally::of_cases(&cases, &q.period, &d)))
            .filter(|(_, t)| {
                *t != Tally {
                    old_pending: Some(0),
                    ..Tally::default()
                }
            })
            .collect())
    }

    /// The teams and the case-handling staff (officers, judges, team leaders) of one court,
    /// by name: the units a court's figures can be narrowed to.
    pub async fn metric_units(
        &self,
        actor: &Actor,
        court_id: i64,
    ) -> AppResult<(Vec<Named>, Vec<Named>)> {
        check_viewer(actor, court_id)?;
        let court = [court_id];
        let (teams, users) =
            tokio::try_join!(self.store.teams(&court), self.store.users_of_courts(&court))?;
        let teams = teams
            .into_iter()
            .map(|t| Named {
                id: t.id,
                name: t.name,
            })
            .collect();
        let officers = users
            .into_iter()
            .filter(|u| matches!(u.role.as_str(), "officer" | "judge" | "team_leader"))
            .map(|u| Named {
                id: u.id,
                name: u.display_name,
            })
            .collect();
        Ok((teams, officers))
    }

    /// The same tallies from the indexed aggregates (what every page reads).
    pub async fn aggregate_tallies(
        &self,
        q: &MetricsQuery,
        group: MetricGroup,
    ) -> AppResult<BTreeMap<i64, Tally>> {
        let mut all = self
            .aggregate_tallies_over(q, group, std::slice::from_ref(&q.period))
            .await?;
        Ok(all.pop().unwrap_or_default())
    }

    /// The aggregates of several periods from one reading (as the pages read a period and the
    /// one before it), units with nothing to count left out as the recomputation leaves them.
    pub async fn aggregate_tallies_over(
        &self,
        q: &MetricsQuery,
        group: MetricGroup,
        periods: &[StatPeriod],
    ) -> AppResult<Vec<BTreeMap<i64, Tally>>> {
        let d = self.metric_definitions(q.court_id).await?;
        let scope = self.scope_of(q, &d);
        let zero = Tally {
            old_pending: Some(0),
            ..Tally::default()
        };
        Ok(self
            .tallies(&scope, group, periods, &d)
            .await?
            .into_iter()
            .map(|t| t.by_unit.into_iter().filter(|(_, t)| *t != zero).collect())
            .collect())
    }

    fn scope_of(&self, q: &MetricsQuery, d: &Definitions) -> MetricScope {
        MetricScope {
            court_ids: self.with_courts(|t| t.subtree(q.court_id)),
            case_types: d.case_types.iter().map(|t| t.key().to_string()).collect(),
            team_id: q.team_id,
            officer_id: q.officer_id,
            campaign_id: q.campaign_id,
        }
    }

    /// Checks who may see what the query names, and names the subject.
    async fn subject(&self, actor: &Actor, q: &MetricsQuery) -> AppResult<(String, String)> {
        let court = self
            .with_courts(|t| t.get(q.court_id).cloned())
            .ok_or(AppError::NotFound)?;
        check_viewer(actor, court.id)?;
        if let Some(team_id) = q.team_id {
            let team = self
                .store
                .teams(&[court.id])
                .await?
                .into_iter()
                .find(|t| t.id == team_id)
                .ok_or_else(|| {
                    AppError::invalid(
                        "metrics.team_unknown",
                        "该团队不属于所选法院",
                        "the team does not belong to the court chosen",
                    )
                })?;
            return Ok((
                format!("{}·{}", court.name, team.name),
                format!("{}, {}", court.name, team.name),
            ));
        }
        if let Some(officer_id) = q.officer_id {
            let user = self
                .store
                .users_of_courts(&[court.id])
                .await?
                .into_iter()
                .find(|u| u.id == officer_id)
                .ok_or_else(|| {
                    AppError::invalid(
                        "metrics.officer_unknown",
                        "该承办人不属于所选法院",
                        "the officer does not belong to the court chosen",
                    )
                })?;
            return Ok((
                format!("{}·{}", court.name, user.display_name),
                format!("{}, {}", court.name, user.display_name),
            ));
        }
        if let Some(k) = q.campaign_id {
            let c = self.store.campaign(k).await?.ok_or(AppError::NotFound)?;
            check_viewer(actor, c.court_id)?;
            return Ok((
                format!("专项行动：{}", c.name),
                format!("campaign: {}", c.name),
            ));
        }
        let below = self.with_courts(|t| t.subtree(court.id).len()) > 1;
        Ok(if below {
            (
                format!("{}（含辖区法院）", court.name),
                format!("{} and the courts below", court.name),
            )
        } else {
            (court.name.clone(), court.name.clone())
        })
    }

    /// A unit's figures for the period, the previous period's beside them, the monthly trend
    /// and, for a single court, its teams' assessment by kind.
    pub async fn metrics_view(&self, actor: &Actor, q: &MetricsQuery) -> AppResult<MetricsView> {
        let (subject_zh, subject_en) = self.subject(actor, q).await?;
        let court = self
            .with_courts(|t| t.get(q.court_id).cloned())
            .ok_or(AppError::NotFound)?;
        let d = self.metric_definitions(q.court_id).await?;
        let scope = self.scope_of(q, &d);
        let today = beijing_date(zhixing_store::now_ms());
        let period = q.period.up_to(today);
        let previous = q.period.previous();
        let single = scope.court_ids.len() == 1
            && q.team_id.is_none()
            && q.officer_id.is_none()
            && q.campaign_id.is_none();
        // One reading for both periods; a single court's is by team (the teams' assessment),
        // and the whole is the sum of its units (every case has one unit, team 0 for none).
        let group = if single {
            MetricGroup::Team
        } else {
            MetricGroup::All
        };
        let both_periods = [period, previous];
        let (mut both, team_rows) =
            tokio::try_join!(self.tallies(&scope, group, &both_periods, &d), async {
                if single {
                    Ok(self.store.teams(&scope.court_ids).await?)
                } else {
                    Ok::<_, AppError>(Vec::new())
                }
            })?;
        let before = both.pop().unwrap_or_default();
        let now = both.pop().unwrap_or_default();
        let whole = |t: &Tallies| {
            let mut sum = Tally {
                old_pending: Some(0),
                ..Tally::default()
            };
            for u in t.by_unit.values() {
                sum.add(u);
            }
            sum
        };
        let t = whole(&now);
        let tp = whole(&before);
        let teams = if single {
            team_assessment(&team_rows, &now.by_unit, &d)
        } else {
            Vec::new()
        };
        let figures = Metric::ALL
            .iter()
            .map(|m| figure_view(t.figure(*m, &d), Some(tp.figure(*m, &d)), &d))
            .collect();
        let trend = trend_of(&period, &t, &now, &d);
        Ok(MetricsView {
            court_id: court.id,
            court_code: court.code.clone(),
            court_name: court.name.clone(),
            subject_zh,
            subject_en,
            team_id: q.team_id,
            officer_id: q.officer_id,
            campaign_id: q.campaign_id,
            period_spec: q.period.spec(),
            period_label_zh: period.label_zh(),
            period_label_en: period.label_en(),
            previous_label_zh: previous.label_zh(),
            period,
            previous,
            figures,
            trend,
            teams,
            tally: t,
            definitions: d,
        })
    }

    /// The courts directly below `court_id` (each with its own courts below), ranked on
    /// `metric` by the ranking court's definitions, with their places in the previous period.
    pub async fn ranking(
        &self,
        actor: &Actor,
        court_id: i64,
        metric: Metric,
        period: &StatPeriod,
    ) -> AppResult<RankingView> {
        self.ranking_of(actor, court_id, metric, period, true).await
    }

    /// The ranking, with the previous period's places only when `with_previous` (the
    /// dashboard's place among peers needs today's alone).
    async fn ranking_of(
        &self,
        actor: &Actor,
        court_id: i64,
        metric: Metric,
        period: &StatPeriod,
        with_previous: bool,
    ) -> AppResult<RankingView> {
        let court = self
            .with_courts(|t| t.get(court_id).cloned())
            .ok_or(AppError::NotFound)?;
        check_viewer(actor, court.id)?;
        if !metric.rankable() {
            return Err(AppError::invalid(
                "metrics.not_rankable",
                format!("“{}”随法院规模而变，不作排名", metric.name_zh()),
                format!(
                    "\"{}\" depends on a court's size and is not ranked",
                    metric.name_en()
                ),
            ));
        }
        let (children, owner): (Vec<Peer>, HashMap<i64, i64>) = self.with_courts(|t| {
            let kids: Vec<Peer> = t
                .courts
                .iter()
                .filter(|c| c.parent_id == Some(court.id))
                .map(|c| (c.id, c.code.clone(), c.name.clone()))
                .collect();
            let mut owner = HashMap::new();
            for k in &kids {
                for id in t.subtree(k.0) {
                    owner.insert(id, k.0);
                }
            }
            (kids, owner)
        });
        if children.is_empty() {
            return Err(AppError::invalid(
                "metrics.no_courts_below",
                format!("{}没有下级法院，无可排名", court.name),
                format!("{} has no courts below it to rank", court.name),
            ));
        }
        let d = self.metric_definitions(court.id).await?;
        let mut ids: Vec<i64> = owner.keys().copied().collect();
        ids.sort_unstable();
        let scope = MetricScope {
            court_ids: ids,
            case_types: d.case_types.iter().map(|t| t.key().to_string()).collect(),
            ..MetricScope::default()
        };
        let today = beijing_date(zhixing_store::now_ms());
        let now_p = period.up_to(today);
        let prev_p = period.previous();
        let fold = |by_court: BTreeMap<i64, Tally>| {
            let mut out: HashMap<i64, Tally> = HashMap::new();
            for (court, t) in by_court {
                if let Some(o) = owner.get(&court) {
                    out.entry(*o)
                        .or_insert(Tally {
                            old_pending: Some(0),
                            ..Tally::default()
                        })
                        .add(&t);
                }
            }
            out
        };
        let periods: &[StatPeriod] = if with_previous {
            &[now_p, prev_p]
        } else {
            std::slice::from_ref(&now_p)
        };
        let mut both = self
            .tallies(&scope, MetricGroup::Court, periods, &d)
            .await?
            .into_iter();
        let now = both.next().unwrap_or_default();
        let before = both.next().unwrap_or_default();
        let now = fold(now.by_unit);
        let before = fold(before.by_unit);
        let zero = Tally {
            old_pending: Some(0),
            ..Tally::default()
        };
        let figs_now: Vec<Figure> = children
            .iter()
            .map(|c| now.get(&c.0).unwrap_or(&zero).figure(metric, &d))
            .collect();
        let figs_before: Vec<Figure> = children
            .iter()
            .map(|c| before.get(&c.0).unwrap_or(&zero).figure(metric, &d))
            .collect();
        let ranks = rules::rank(&figs_now);
        let ranks_before = rules::rank(&figs_before);
        let mut rows: Vec<RankingRow> = children
            .iter()
            .enumerate()
            .map(|(i, (id, code, name))| {
                let t = now.get(id).unwrap_or(&zero);
                RankingRow {
                    court_id: *id,
                    court_code: code.clone(),
                    court_name: name.clone(),
                    figure: figure_view(figs_now[i], Some(figs_before[i]), &d),
                    rank: ranks[i],
                    previous_rank: ranks_before[i],
                    moved: rules::rank_change(ranks[i], ranks_before[i]),
                    figures: Metric::ALL
                        .iter()
                        .filter(|m| m.rankable())
                        .map(|m| figure_view(t.figure(*m, &d), None, &d))
                        .collect(),
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            (a.rank.is_none(), a.rank, &a.court_code).cmp(&(
                b.rank.is_none(),
                b.rank,
                &b.court_code,
            ))
        });
        let level_zh = if court.level == "high" {
            "各中级法院辖区"
        } else {
            "辖区基层法院"
        };
        Ok(RankingView {
            court_id: court.id,
            court_name: court.name.clone(),
            title_zh: format!("{}{}“{}”排名", court.name, level_zh, metric.name_zh()),
            title_en: format!(
                "{}: courts below ranked on {}",
                court.name,
                metric.name_en().to_lowercase()
            ),
            metric: metric.key(),
            metric_name_zh: metric.name_zh(),
            definition_zh: metric.definition_zh(&d),
            definition_en: metric.definition_en(&d),
            period: now_p,
            period_spec: period.spec(),
            period_label_zh: now_p.label_zh(),
            previous_label_zh: prev_p.label_zh(),
            rows,
        })
    }

    /// The cases behind a figure: `set` is a metric key, or `closed_late` for the cases closed
    /// after their limit.
    pub async fn metric_cases(
        &self,
        actor: &Actor,
        q: &MetricsQuery,
        set: &str,
        page: u32,
    ) -> AppResult<DrillView> {
        self.subject(actor, q).await?;
        let d = self.metric_definitions(q.court_id).await?;
        let scope = self.scope_of(q, &d);
        let today = beijing_date(zhixing_store::now_ms());
        let p = q.period.up_to(today);
        let start = ms_of(p.from);
        let end = ms_of(p.to + chrono::Days::new(1));
        let (metric, drill, from_ms, to_ms, set_key) = if set == "closed_late" {
            (
                Metric::WithinLimitRate,
                DrillSet::ClosedLate,
                start,
                end,
                "closed_late",
            )
        } else {
            let m = Metric::from_key(set)?;
            let (ds, a, b) = match m {
                Metric::Received => (DrillSet::Received, start, end),
                Metric::PendingAtStart => (DrillSet::PendingAt, start, start),
                Metric::Pending => (DrillSet::PendingAt, end, end),
                Metric::OldPending => (
                    DrillSet::OldPendingAt,
                    ms_of(p.old_cutoff(d.old_pending_months)),
                    end,
                ),
                Metric::CompletionRate => (DrillSet::ClosedCompleted, start, end),
                Metric::DormantRate => (DrillSet::ClosedDormant, start, end),
                Metric::ActualRate => (DrillSet::ClosedDelivered, start, end),
                Metric::WithinLimitRate => (DrillSet::ClosedInTime, start, end),
                Metric::Closed
                | Metric::ClosureRate
                | Metric::RecoveryRate
                | Metric::AverageDays => (DrillSet::Closed, start, end),
            };
            (m, ds, a, b, m.key())
        };
        let page = page.max(1);
        let (rows, total) = self
            .store
            .metric_cases(
                &scope,
                &DrillQuery {
                    set: drill,
                    from_ms,
                    to_ms,
                    paid_modes: d.paid_modes.iter().map(|m| m.key().to_string()).collect(),
                    limit: i64::from(DRILL_PAGE),
                    offset: i64::from(page - 1) * i64::from(DRILL_PAGE),
                },
            )
            .await?;
        let (what_zh, what_en) = match drill {
            DrillSet::Received => ("期内收案", "received in the period"),
            DrillSet::Closed => ("期内结案", "closed in the period"),
            DrillSet::ClosedCompleted => ("期内以执行完毕结案", "closed as completed"),
            DrillSet::ClosedDormant => ("期内以终本结案", "closed as dormant (终本)"),
            DrillSet::ClosedDelivered => ("期内实际执结", "actually enforced"),
            DrillSet::ClosedInTime => ("期内在期限内结案", "closed within the limit"),
            DrillSet::ClosedLate => ("期内超期限结案", "closed after the limit"),
            DrillSet::PendingAt if from_ms == start => ("期初未结（旧存）", "pending at the start"),
            DrillSet::PendingAt => ("期末未结", "pending at the end"),
            DrillSet::OldPendingAt => ("超期未结（长期未结）", "pending over the months set"),
        };
        Ok(DrillView {
            title_zh: format!("{}：{}", metric.name_zh(), what_zh),
            title_en: format!("{}: {}", metric.name_en(), what_en),
            metric: metric.key(),
            set: set_key,
            period_label_zh: p.label_zh(),
            rows: rows.into_iter().map(drill_row).collect(),
            total,
            page,
            pages: u32::try_from((total + i64::from(DRILL_PAGE) - 1) / i64::from(DRILL_PAGE))
                .unwrap_or(u32::MAX)
                .max(1),
        })
    }

    /// The command centre's board for one court: today's work, what needs attention, money
    /// held, team loads, the year's figures and where the court stands among its peers.
    pub async fn dashboard(
        &self,
        actor: &Actor,
        court_id: i64,
        period: &StatPeriod,
    ) -> AppResult<Dashboard> {
        let q = MetricsQuery {
            court_id,
            team_id: None,
            officer_id: None,
            campaign_id: None,
            period: *period,
        };
        // Visibility is checked by `metrics_view`; the counts below only run beside it.
        check_viewer(actor, court_id)?;
        let d = self.metric_definitions(court_id).await?;
        let scope = self.scope_of(&q, &d);
        let now = zhixing_store::now_ms();
        let today = beijing_date(now);
        let t0 = ms_of(today);
        let t1 = ms_of(today + chrono::Days::new(1));
        let p = period.up_to(today);
        // Today's intake is every type of case the court files.
        let all_types = MetricScope {
            case_types: CaseType::ALL.iter().map(|t| t.key().to_string()).collect(),
            ..scope.clone()
        };
        let s = &self.store;
        // Independent reads, side by side on the read pool.
        let (
            metrics,
            place,
            received_today,
            same_day_today,
            same_day_period,
            supervision,
            (funds_cases, funds_held_fen),
            open,
            teams,
        ) = tokio::try_join!(
            self.metrics_view(actor, &q),
            self.place_among_peers(court_id, period),
            async {
                Ok(s.metric_received(&all_types, MetricGroup::All, t0, t1)
                    .await?)
            },
            async { Ok(s.metric_same_day_inquiry(&all_types, t0, t1).await?) },
            async {
                Ok(s.metric_same_day_inquiry(
                    &all_types,
                    ms_of(p.from),
                    ms_of(p.to + chrono::Days::new(1)),
                )
                .await?)
            },
            async {
                Ok(s.supervision_counts(
                    &scope.court_ids,
                    zhixing_store::supervision::GroupBy::Court,
                )
                .await?)
            },
            async { Ok(s.metric_funds_held(&scope.court_ids).await?) },
            async { Ok(s.metric_open_by_team(&scope.court_ids).await?) },
            async { Ok::<_, AppError>(s.teams(&scope.court_ids).await?) },
        )?;
        let intake_today = received_today.iter().map(|r| r.received).sum();
        let mut nodes_warning = 0;
        let mut nodes_overdue = 0;
        let mut locked = 0;
        for r in supervision {
            match r.status.as_str() {
                "warning" => nodes_warning += r.n,
                "overdue" => nodes_overdue += r.n,
                "locked" => locked += r.n,
                _ => {}
            }
        }
        let open: HashMap<i64, i64> = open.into_iter().map(|r| (r.unit, r.n)).collect();
        let team_loads = teams
            .into_iter()
            .map(|t| TeamLoad {
                open_cases: open.get(&t.id).copied().unwrap_or(0),
                kind: TeamKind::from_key(&t.kind).map_or("", |k| k.key()),
                kind_name_zh: TeamKind::from_key(&t.kind).map_or("", |k| k.name_zh()),
                team_id: t.id,
                team_name: t.name,
            })
            .collect();
        Ok(Dashboard {
            court_id,
            court_name: metrics.court_name.clone(),
            today: today.to_string(),
            intake_today,
            same_day_today,
            same_day_rate_period: (same_day_period.0 > 0)
                .then(|| same_day_period.1 as f64 * 100.0 / same_day_period.0 as f64),
            same_day_period,
            nodes_warning,
            nodes_overdue,
            locked,
            funds_cases,
            funds_held_fen,
            team_loads,
            metrics,
            place,
        })
    }

    /// Where a court stands among the courts of its parent on the closure rate (the parent's
    /// definitions), shown to the court even when its staff cannot see the others' figures.
    async fn place_among_peers(
        &self,
        court_id: i64,
        period: &StatPeriod,
    ) -> AppResult<Option<(u32, usize, String)>> {
        let Some(parent) = self.with_courts(|t| t.get(court_id).and_then(|c| c.parent_id)) else {
            return Ok(None);
        };
        let system = Actor::system(self);
        let view = self
            .ranking_of(&system, parent, Metric::ClosureRate, period, false)
            .await?;
        Ok(view
            .rows
            .iter()
            .find(|r| r.court_id == court_id)
            .and_then(|r| r.rank)
            .map(|r| (r, view.rows.len(), view.court_name.clone())))
    }

    /// Records the closing facts of cases closed before they were kept (migration 0020), from
    /// their nodes, in batches; `serve` runs it once at start. Returns how many it recorded.
    pub async fn backfill_closing_facts(&self) -> AppResult<usize> {
        let mut done = 0;
        loop {
            let rows = self.store.cases_missing_closing_facts(500).await?;
            if rows.is_empty() {
                return Ok(done);
            }
            let mut facts = Vec::with_capacity(rows.len());
            for r in &rows {
                let nodes = self.store.case_nodes(r.id).await?;
                facts.push(closing_facts_of(r.id, r.filed_at, r.closed_at, &nodes)?);
            }
            let mut tx = self.store.begin_write().await?;
            tx.set_closing_facts(&facts).await?;
            tx.commit().await?;
            done += rows.len();
        }
    }

    /// Campaigns of the courts the actor can see.
    pub async fn campaigns(&self, actor: &Actor) -> AppResult<Vec<CampaignView>> {
        Ok(self
            .store
            .campaigns(&actor.visible_courts)
            .await?
            .into_iter()
            .map(|r| campaign_view(self, r))
            .collect())
    }

    pub async fn campaign(&self, actor: &Actor, id: i64) -> AppResult<CampaignView> {
        let c = self.store.campaign(id).await?.ok_or(AppError::NotFound)?;
        if !actor.can_see_court(c.court_id) {
            return Err(AppError::NotFound);
        }
        Ok(campaign_view(self, c))
    }

    /// One page of the campaign's cases, latest tagged first.
    pub async fn campaign_cases(&self, actor: &Actor, id: i64, page: u32) -> AppResult<DrillView> {
        let c = self.campaign(actor, id).await?;
        let page = page.max(1);
        let (rows, total) = self
            .store
            .campaign_case_page(
                c.id,
                i64::from(DRILL_PAGE),
                i64::from(page - 1) * i64::from(DRILL_PAGE),
            )
            .await?;
        Ok(DrillView {
            title_zh: format!("专项行动“{}”的案件", c.name),
            title_en: format!("cases of the campaign \"{}\"", c.name),
            metric: "",
            set: "campaign",
            period_label_zh: format!("{} 至 {}", c.starts_on, c.ends_on),
            rows: rows.into_iter().map(drill_row).collect(),
            total,
            page,
            pages: u32::try_from((total + i64::from(DRILL_PAGE) - 1) / i64::from(DRILL_PAGE))
                .unwrap_or(u32::MAX)
                .max(1),
        })
    }

    /// The campaign's figures over its own dates.
    pub async fn campaign_metrics(&self, actor: &Actor, id: i64) -> AppResult<MetricsView> {
        let c = self.campaign(actor, id).await?;
        let from = crate::assets::parse_day(&c.starts_on)?;
        let to = crate::assets::parse_day(&c.ends_on)?;
        self.metrics_view(
            actor,
            &MetricsQuery {
                court_id: c.court_id,
                team_id: None,
                officer_id: None,
                campaign_id: Some(c.id),
                period: StatPeriod::new(from, to)?,
            },
        )
        .await
    }

    pub(crate) async fn campaign_command(
        &self,
        actor: &Actor,
        cmd: &Command,
    ) -> AppResult<Outcome> {
        match cmd {
            Command::CreateCampaign(i) => self.create_campaign(actor, cmd, i).await,
            Command::TagCampaignCases {
                campaign_id,
                case_numbers,
            } => self.tag_campaign(actor, *campaign_id, case_numbers).await,
            Command::UntagCampaignCase {
                campaign_id,
                case_id,
            } => self.untag_campaign(actor, *campaign_id, *case_id).await,
            _ => Err(AppError::Internal("not a campaign command".into())),
        }
    }

    async fn create_campaign(
        &self,
        actor: &Actor,
        cmd: &Command,
        i: &CampaignInput,
    ) -> AppResult<Outcome> {
        self.court_scope(actor, i.court_id, cmd)?;
        let name = i.name.trim();
        if name.is_empty() || name.chars().count() > 40 {
            return Err(AppError::invalid(
                "campaign.name_invalid",
                "专项行动名称须为 1–40 个字",
                "a campaign's name must be 1–40 characters",
            ));
        }
        let goal = i.goal.trim();
        if goal.chars().count() > 500 {
            return Err(AppError::invalid(
                "campaign.goal_too_long",
                "工作目标不能超过 500 字",
                "the goal cannot exceed 500 characters",
            ));
        }
        StatPeriod::new(i.starts_on, i.ends_on).map_err(|_| {
            AppError::invalid(
                "campaign.dates_invalid",
                format!(
                    "结束日 {} 早于开始日 {}，或跨度超过十年",
                    i.ends_on, i.starts_on
                ),
                format!(
                    "the end ({}) is before the start ({}), or the span exceeds ten years",
                    i.ends_on, i.starts_on
                ),
            )
        })?;
        if self
            .store
            .campaigns(&[i.court_id])
            .await?
            .iter()
            .any(|c| c.name == name)
        {
            return Err(AppError::invalid(
                "campaign.duplicate",
                format!("本院已有名为“{name}”的专项行动"),
                format!("the court already has a campaign named \"{name}\""),
            ));
        }
        let mut tx = self.store.begin_write().await?;
        let id = tx
            .insert_campaign(&NewCampaign {
                court_id: i.court_id,
                name: name.to_string(),
                starts_on: i.starts_on.to_string(),
                ends_on: i.ends_on.to_string(),
                goal: goal.to_string(),
                created_by: actor.user_id.unwrap_or(0),
                created_by_name: actor.display_name.clone(),
            })
            .await?;
        let ev = court_event(
            actor,
            i.court_id,
            tx.now,
            EventKind::CampaignCreated,
            json!({
                "campaign_id": id, "name": name, "starts_on": i.starts_on.to_string(),
                "ends_on": i.ends_on.to_string(),
                "summary": format!("设立专项行动“{name}”（{} 至 {}）", i.starts_on, i.ends_on),
                "summary_en": format!("set up the campaign \"{name}\" ({} to {})", i.starts_on, i.ends_on),
            }),
        );
        tx.append_events(&[ev]).await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(id),
            ..Outcome::default()
        })
    }

    /// The campaign a manager may tag: their own court's.
    async fn managed_campaign(&self, actor: &Actor, campaign_id: i64) -> AppResult<CampaignRow> {
        let c = self
            .store
            .campaign(campaign_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !actor.can_see_court(c.court_id) {
            return Err(AppError::NotFound);
        }
        if actor.court_id != c.court_id {
            return Err(AppError::other_court());
        }
        Ok(c)
    }

    /// Tags cases, by number, to a campaign: every number must be a case of the campaign's
    /// court or the courts below it, else nothing is tagged. Returns how many were new.
    async fn tag_campaign(
        &self,
        actor: &Actor,
        campaign_id: i64,
        numbers: &[String],
    ) -> AppResult<Outcome> {
        let c = self.managed_campaign(actor, campaign_id).await?;
        let courts = self.with_courts(|t| t.subtree(c.court_id));
        let mut list: Vec<&str> = numbers
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        list.dedup();
        if list.is_empty() || list.len() > 2_000 {
            return Err(AppError::invalid(
                "campaign.no_cases",
                "请填写要纳入的案号（每行一个，一次最多 2000 个）",
                "enter the case numbers to tag (one per line, at most 2,000 at a time)",
            ));
        }
        let mut cases = Vec::with_capacity(list.len());
        let mut missing = Vec::new();
        for n in &list {
            match self.store.case_by_number(n).await? {
                Some(row) if courts.contains(&row.court_id) => cases.push(row),
                _ => missing.push(*n),
            }
        }
        if !missing.is_empty() {
            let shown: Vec<&str> = missing.iter().take(5).copied().collect();
            return Err(AppError::invalid(
                "campaign.case_unknown",
                format!(
                    "以下案号不是本专项行动所属法院（含辖区）的案件：{}{}；未纳入任何案件",
                    shown.join("、"),
                    if missing.len() > 5 { " 等" } else { "" }
                ),
                format!(
                    "not cases of the campaign's court or the courts below: {}{}; nothing was tagged",
                    shown.join(", "),
                    if missing.len() > 5 { " and more" } else { "" }
                ),
            ));
        }
        let mut tx = self.store.begin_write().await?;
        let pairs: Vec<(i64, i64)> = cases.iter().map(|r| (r.id, r.court_id)).collect();
        let new = tx
            .tag_campaign_cases(c.id, &pairs, actor.user_id.unwrap_or(0))
            .await?;
        let events: Vec<_> = cases
            .iter()
            .filter(|r| new.contains(&r.id))
            .map(|r| {
                case_event(
                    actor,
                    r.court_id,
                    r.id,
                    tx.now,
                    &zhixing_domain::lifecycle::Happened {
                        kind: EventKind::CampaignTagged,
                        payload: json!({
                            "campaign_id": c.id, "campaign": c.name,
                            "summary": format!("纳入专项行动“{}”", c.name),
                            "summary_en": format!("tagged to the campaign \"{}\"", c.name),
                        }),
                    },
                )
            })
            .collect();
        tx.append_events(&events).await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(new.len() as i64),
            ..Outcome::default()
        })
    }

    async fn untag_campaign(
        &self,
        actor: &Actor,
        campaign_id: i64,
        case_id: i64,
    ) -> AppResult<Outcome> {
        let c = self.managed_campaign(actor, campaign_id).await?;
        let case = self
            .store
            .case_by_id(case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut tx = self.store.begin_write().await?;
        if !tx.untag_campaign_case(c.id, case_id).await? {
            return Err(AppError::invalid(
                "campaign.not_tagged",
                format!("{} 不在专项行动“{}”中", case.case_number, c.name),
                format!("{} is not in the campaign \"{}\"", case.case_number, c.name),
            ));
        }
        let ev = case_event(
            actor,
            case.court_id,
            case.id,
            tx.now,
            &zhixing_domain::lifecycle::Happened {
                kind: EventKind::CampaignUntagged,
                payload: json!({
                    "campaign_id": c.id, "campaign": c.name,
                    "summary": format!("移出专项行动“{}”", c.name),
                    "summary_en": format!("taken out of the campaign \"{}\"", c.name),
                }),
            },
        );
        tx.append_events(&[ev]).await?;
        tx.commit().await?;
        Ok(Outcome::default())
    }
}

/// Each team assessed on its kind's metrics (繁简分类考核), ranked within its kind.
fn team_assessment(
    teams: &[TeamRow],
    by_team: &BTreeMap<i64, Tally>,
    d: &Definitions,
) -> Vec<TeamAssessment> {
    let mut out: Vec<TeamAssessment> = Vec::new();
    let mut kinds: BTreeMap<&'static str, Vec<usize>> = BTreeMap::new();
    let mut firsts: Vec<Figure> = Vec::new();
    for team in teams {
        let Ok(kind) = TeamKind::from_key(&team.kind) else {
            continue;
        };
        let t = by_team.get(&team.id).copied().unwrap_or_default();
        let metrics = d.assessed_on(kind);
        let figures: Vec<FigureView> = metrics
            .iter()
            .map(|m| figure_view(t.figure(*m, d), None, d))
            .collect();
        kinds.entry(kind.key()).or_default().push(out.len());
        firsts.push(t.figure(metrics[0], d));
        out.push(TeamAssessment {
            team_id: team.id,
            team_name: team.name.clone(),
            kind: kind.key(),
            kind_name_zh: kind.name_zh(),
            figures,
            rank: None,
            of: 0,
        });
    }
    for idx in kinds.values() {
        let figs: Vec<Figure> = idx.iter().map(|i| firsts[*i]).collect();
        for (i, r) in idx.iter().zip(rules::rank(&figs)) {
            out[*i].rank = r;
            out[*i].of = idx.len();
        }
    }
    out
}

/// Each month's tally from the period's closings and receipts by day; pending at a month's
/// start follows from the period's start by adding receipts and subtracting closings.
fn trend_of(p: &StatPeriod, whole: &Tally, t: &Tallies, d: &Definitions) -> Vec<TrendPoint> {
    let months = p.months();
    let mut tallies: Vec<Tally> = vec![Tally::default(); months.len()];
    let index = |day: i64| {
        let date = date_of_day(day);
        months.iter().position(|m| date >= m.from && date <= m.to)
    };
    for r in &t.closed_days {
        if let Some(i) = index(r.day) {
            add_closed(&mut tallies[i], r);
        }
    }
    for (_, day, n) in &t.received_days {
        if let Some(i) = index(*day) {
            tallies[i].received += n;
        }
    }
    let mut pending = whole.pending_at_start;
    let mut out = Vec::with_capacity(months.len());
    for (m, mut tally) in months.iter().zip(tallies) {
        tally.pending_at_start = pending;
        pending += tally.received - tally.closed;
        tally.pending_at_end = pending;
        out.push(TrendPoint {
            month: m.from.format("%Y-%m").to_string(),
            label_zh: m.from.format("%Y年%-m月").to_string(),
            received: tally.received,
            closed: tally.closed,
            closure_rate: tally.figure(Metric::ClosureRate, d).value,
            completion_rate: tally.figure(Metric::CompletionRate, d).value,
            actual_rate: tally.figure(Metric::ActualRate, d).value,
            recovery_rate: tally.figure(Metric::RecoveryRate, d).value,
            average_days: tally.figure(Metric::AverageDays, d).value,
        });
    }
    out
}

fn drill_row(r: CaseListRow) -> DrillRow {
    DrillRow {
        id: r.id,
        case_number: r.case_number,
        court_name: r.court_name,
        stage: r.stage,
        claim_fen: r.claim_fen,
        applicant_names: r.applicant_names,
        debtor_names: r.debtor_names,
        team_name: r.team_name,
        officer_name: r.officer_name,
        filed_on: beijing_date(r.filed_at).to_string(),
    }
}

/// When a case closes (in the pipeline, after the nodes reacted): what the metrics need from
/// its conclusion node, recorded on the case.
pub(crate) async fn record_closing_in_tx(
    tx: &mut WriteTx,
    case_id: i64,
    filed_at: i64,
    closed_at: i64,
) -> AppResult<()> {
    let nodes = tx.case_nodes(case_id).await?;
    let facts = closing_facts_of(case_id, filed_at, closed_at, &nodes)?;
    tx.set_closing_facts(&[facts]).await?;
    Ok(())
}

/// The closing facts of a case from its node rows (the pipeline's and the demo's one rule).
pub(crate) fn closing_facts_of(
    case_id: i64,
    filed_at: i64,
    closed_at: i64,
    nodes: &[NodeRow],
) -> AppResult<ClosingFacts> {
    let filed_on = beijing_date(filed_at);
    let closed_on = beijing_date(closed_at);
    let node = match nodes.iter().rev().find(|n| n.node_key == "conclude_case") {
        Some(n) => {
            let due = crate::assets::parse_day(&n.due_on)?;
            // Closed while suspended: the pause up to the closing counts too.
            let running = match n.paused_since.as_deref() {
                Some(since) if n.completed_on.is_none() => (closed_on
                    - crate::assets::parse_day(since)?)
                .num_days()
                .max(0),
                _ => 0,
            };
            Some((n.paused_days + running, due))
        }
        None => None,
    };
    let (suspended_days, in_time) = rules::closing_facts(filed_on, closed_on, node);
    Ok(ClosingFacts {
        case_id,
        suspended_days,
        in_time,
    })
}
