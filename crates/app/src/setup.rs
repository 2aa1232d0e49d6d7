//! The courts, teams and users of a city, created through the command pipeline. Used by demo
//! data and by tests; a real court registers itself the same way from the CLI.

use zhixing_domain::court::CourtCode;
use zhixing_domain::role::Role;
use zhixing_domain::team::TeamKind;

use crate::actor::Actor;
use crate::commands::Command;
use crate::error::AppResult;
use crate::App;

impl Actor {
    /// The system itself: scheduled work, set-up and demo data. It sees every court.
    pub fn system(app: &App) -> Actor {
        Actor {
            user_id: None,
            username: "system".into(),
            display_name: "系统".into(),
            role: Role::Administrator,
            court_id: 0,
            visible_courts: app.court_tree().courts.iter().map(|c| c.id).collect(),
        }
    }
}

/// One basic court of the demo city: code, name, teams, and its share of the caseload.
pub struct CourtPlan {
    pub code: &'static str,
    pub name: &'static str,
    pub short: &'static str,
    pub teams: &'static [(TeamKind, &'static str)],
    pub weight: u32,
}

const THREE_TEAMS: &[(TeamKind, &str)] = &[
    (TeamKind::Fast, "速执团队"),
    (TeamKind::Ordinary, "普执团队"),
    (TeamKind::Special, "特执团队"),
    (TeamKind::Routine, "事务集约团队"),
];

const SIX_TEAMS: &[(TeamKind, &str)] = &[
    (TeamKind::Fast, "速执团队"),
    (TeamKind::Ordinary, "普执团队"),
    (TeamKind::Special, "特执团队"),
    (TeamKind::PoliceLinkage, "执警联动团队"),
    (TeamKind::RapidResponse, "执行110"),
    (TeamKind::Dormant, "终本管理团队"),
    (TeamKind::Routine, "事务集约团队"),
];

const DEFAULT_TEAMS: &[(TeamKind, &str)] = &[
    (TeamKind::Fast, "快执团队"),
    (TeamKind::Ordinary, "普执团队"),
    (TeamKind::Special, "特执团队"),
    (TeamKind::Dormant, "终本管理团队"),
    (TeamKind::Routine, "事务集约团队"),
];

/// 焦作: the intermediate court and its ten basic courts (court codes follow the
/// administrative division codes, as the SPC rules do).
pub const JIAOZUO: &[CourtPlan] = &[
    CourtPlan {
        code: "豫0802",
        name: "焦作市解放区人民法院",
        short: "jf",
        teams: DEFAULT_TEAMS,
        weight: 12,
    },
    CourtPlan {
        code: "豫0803",
        name: "焦作市中站区人民法院",
        short: "zz",
        teams: DEFAULT_TEAMS,
        weight: 6,
    },
    CourtPlan {
        code: "豫0804",
        name: "焦作市马村区人民法院",
        short: "mc",
        teams: DEFAULT_TEAMS,
        weight: 6,
    },
    CourtPlan {
        code: "豫0811",
        name: "焦作市山阳区人民法院",
        short: "sy",
        teams: SIX_TEAMS,
        weight: 14,
    },
    CourtPlan {
        code: "豫0821",
        name: "修武县人民法院",
        short: "xw",
        teams: DEFAULT_TEAMS,
        weight: 8,
    },
    CourtPlan {
        code: "豫0822",
        name: "博爱县人民法院",
        short: "ba",
        teams: DEFAULT_TEAMS,
        weight: 8,
    },
    CourtPlan {
        code: "豫0823",
        name: "武陟县人民法院",
        short: "wz",
        teams: DEFAULT_TEAMS,
        weight: 11,
    },
    CourtPlan {
        code: "豫0825",
        name: "温县人民法院",
        short: "wx",
        teams: DEFAULT_TEAMS,
        weight: 9,
    },
    CourtPlan {
        code: "豫0882",
        name: "沁阳市人民法院",
        short: "qy",
        teams: DEFAULT_TEAMS,
        weight: 10,
    },
    CourtPlan {
        code: "豫0883",
        name: "孟州市人民法院",
        short: "mz",
        teams: THREE_TEAMS,
        weight: 10,
    },
];

/// The password of every demo user (the README lists the logins).
pub const DEMO_PASSWORD: &str = "zhixing123";

/// A member of a demo court's staff.
#[derive(Debug, Clone)]
pub struct Staff {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    pub team_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct CityTeam {
    pub id: i64,
    pub kind: TeamKind,
    pub name: String,
    pub members: Vec<Staff>,
}

#[derive(Debug, Clone)]
pub struct CityCourt {
    pub court_id: i64,
    pub code: String,
    pub name: String,
    pub weight: u32,
    pub teams: Vec<CityTeam>,
    pub clerks: Vec<Staff>,
    pub chief: Staff,
}

/// Creates 河南省高级人民法院 → 焦作市中级人民法院 → the ten basic courts, with teams and users,
/// unless they exist. Returns the basic courts with their staff.
pub async fn ensure_city(app: &App, given_names: &[&str]) -> AppResult<Vec<CityCourt>> {
    let password_hash = crate::auth::hash_password(DEMO_PASSWORD)?;
    let mut sys = Actor::system(app);
    let (high, high_created) = ensure_court(app, &mut sys, "豫", "河南省高级人民法院").await?;
    if high_created {
        // The high court decides further extensions of the six-month limit.
        for (username, name, role) in [
            ("hn_supervisor", "孙监督", Role::Supervisor),
            ("hn_yz", "钱院长", Role::President),
        ] {
            add_user(app, &sys, high, None, username, name, role, &password_hash).await?;
        }
    }
    let (mid, created) = ensure_court(app, &mut sys, "豫08", "焦作市中级人民法院").await?;
    let mut name_i = 0usize;
    let mut next_name = || {
        let n = given_names[name_i % given_names.len()].to_string();
        name_i += 1;
        n
    };
    if created {
        for (username, name, role) in [
            ("admin", "管理员", Role::Administrator),
            ("jz_supervisor", "冯监督", Role::Supervisor),
            ("jz_chief", "王局长", Role::BureauChief),
            ("jz_yz", "赵院长", Role::President),
        ] {
            add_user(app, &sys, mid, None, username, name, role, &password_hash).await?;
        }
    }
    let mut out = Vec::new();
    for plan in JIAOZUO {
        let (court_id, created) = ensure_court(app, &mut sys, plan.code, plan.name).await?;
        if created {
            seed_court_staff(app, &sys, court_id, plan, &password_hash, &mut next_name).await?;
        }
        ensure_supervisor(app, &sys, court_id, plan, &password_hash).await?;
        out.push(load_city_court(app, court_id, plan).await?);
    }
    Ok(out)
}

async fn ensure_court(
    app: &App,
    sys: &mut Actor,
    code: &str,
    name: &str,
) -> AppResult<(i64, bool)> {
    if let Some(c) = app.court_tree().by_code(code) {
        return Ok((c.id, false));
    }
    let out = app
        .execute(
            sys,
            Command::RegisterCourt {
                code: CourtCode::parse(code)?,
                name: name.to_string(),
            },
        )
        .await?;
    // The system actor sees every court, including the one just registered.
    *sys = Actor::system(app);
    Ok((out.id.unwrap_or_default(), true))
}

#[allow(clippy::too_many_arguments)]
async fn add_user(
    app: &App,
    sys: &Actor,
    court_id: i64,
    team_id: Option<i64>,
    username: &str,
    name: &str,
    role: Role,
    password_hash: &str,
) -> AppResult<i64> {
    let out = app
        .execute(
            sys,
            Command::CreateUser {
                court_id,
                team_id,
                username: username.into(),
                display_name: name.into(),
                role,
                password_hash: password_hash.into(),
            },
        )
        .await?;
    Ok(out.id.unwrap_or_default())
}

async fn seed_court_staff(
    app: &App,
    sys: &Actor,
    court_id: i64,
    plan: &CourtPlan,
    password_hash: &str,
    next_name: &mut impl FnMut() -> String,
) -> AppResult<()> {
    let s = plan.short;
    for (username, role) in [
        (format!("{s}_admin"), Role::Administrator),
        (format!("{s}_chief"), Role::BureauChief),
        (format!("{s}_reception"), Role::ReceptionOfficer),
        (format!("{s}_clerk"), Role::Clerk),
        (format!("{s}_clerk2"), Role::Clerk),
    ] {
        add_user(
            app,
            sys,
            court_id,
            None,
            &username,
            &next_name(),
            role,
            password_hash,
        )
        .await?;
    }
    // The court president (院长) approves the first extension of the six-month limit; named
    // apart from the drawn names so that the other staff keep theirs.
    const PRESIDENTS: [&str; 5] = ["周院长", "吴院长", "郑院长", "陈院长", "褚院长"];
    let n = JIAOZUO
        .iter()
        .position(|p| p.code == plan.code)
        .unwrap_or(0);
    add_user(
        app,
        sys,
        court_id,
        None,
        &format!("{s}_yz"),
        PRESIDENTS[n % PRESIDENTS.len()],
        Role::President,
        password_hash,
    )
    .await?;
    for (i, (kind, team_name)) in plan.teams.iter().enumerate() {
        let team = app
            .execute(
                sys,
                Command::CreateTeam {
                    court_id,
                    kind: *kind,
                    name: team_name.to_string(),
                },
            )
            .await?
            .id
            .unwrap_or_default();
        let t = i + 1;
        add_user(
            app,
            sys,
            court_id,
            Some(team),
            &format!("{s}_t{t}_judge"),
            &next_name(),
            Role::Judge,
            password_hash,
        )
        .await?;
        add_user(
            app,
            sys,
            court_id,
            Some(team),
            &format!("{s}_t{t}_lead"),
            &next_name(),
            Role::TeamLeader,
            password_hash,
        )
        .await?;
        let officers = if matches!(kind, TeamKind::Routine | TeamKind::Dormant) {
            1
        } else {
            3
        };
        for k in 1..=officers {
            add_user(
                app,
                sys,
                court_id,
                Some(team),
                &format!("{s}_t{t}_officer{k}"),
                &next_name(),
                Role::Officer,
                password_hash,
            )
            .await?;
        }
    }
    Ok(())
}

/// The court's command-centre supervisor (指挥中心监督员), who hears of its process nodes'
/// warnings and overdue cases: `{prefix}_supervisor`, added to a city made before there was one
/// too. Named apart from the drawn names, so that the other staff keep theirs.
async fn ensure_supervisor(
    app: &App,
    sys: &Actor,
    court_id: i64,
    plan: &CourtPlan,
    password_hash: &str,
) -> AppResult<()> {
    const SUPERVISORS: [&str; 10] = [
        "蒋监督",
        "沈监督",
        "韩监督",
        "杨监督",
        "秦监督",
        "尤监督",
        "许监督",
        "何监督",
        "吕监督",
        "施监督",
    ];
    let username = format!("{}_supervisor", plan.short);
    if app.store.user_by_username(&username).await?.is_some() {
        return Ok(());
    }
    let n = JIAOZUO
        .iter()
        .position(|p| p.code == plan.code)
        .unwrap_or(0);
    add_user(
        app,
        sys,
        court_id,
        None,
        &username,
        SUPERVISORS[n % SUPERVISORS.len()],
        Role::Supervisor,
        password_hash,
    )
    .await?;
    Ok(())
}

async fn load_city_court(app: &App, court_id: i64, plan: &CourtPlan) -> AppResult<CityCourt> {
    let users = app.store.users_of_courts(&[court_id]).await?;
    let staff = |u: &zhixing_store::rows::UserRow| Staff {
        user_id: u.id,
        name: u.display_name.clone(),
        role: Role::from_key(&u.role).unwrap_or(Role::Officer),
        team_id: u.team_id,
    };
    let teams = app
        .store
        .teams(&[court_id])
        .await?
        .into_iter()
        .filter_map(|t| {
            let kind = TeamKind::from_key(&t.kind).ok()?;
            let members = users
                .iter()
                .filter(|u| u.team_id == Some(t.id))
                .map(staff)
                .collect();
            Some(CityTeam {
                id: t.id,
                kind,
                name: t.name,
                members,
            })
        })
        .collect();
    let clerks = users
        .iter()
        .filter(|u| u.role == "clerk")
        .map(staff)
        .collect();
    let chief = users
        .iter()
        .find(|u| u.role == "bureau_chief")
        .map(staff)
        .ok_or_else(|| crate::AppError::Internal("demo court has no bureau chief".into()))?;
    Ok(CityCourt {
        court_id,
        code: plan.code.into(),
        name: plan.name.into(),
        weight: plan.weight,
        teams,
        clerks,
        chief,
    })
}
