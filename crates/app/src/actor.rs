//! Who is acting, and which courts they may see: their own and every court below it.

use std::collections::HashMap;

use zhixing_domain::role::Role;
use zhixing_store::rows::CourtRow;

/// The signed-in user (or the system itself, for scheduled work and demo data).
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub court_id: i64,
    /// The user's court and all courts below it.
    pub visible_courts: Vec<i64>,
}

impl Actor {
    pub fn can_see_court(&self, court_id: i64) -> bool {
        self.visible_courts.contains(&court_id)
    }
}

/// The court hierarchy, loaded once: courts change a few times a year.
#[derive(Debug, Clone, Default)]
pub struct CourtTree {
    pub courts: Vec<CourtRow>,
    by_id: HashMap<i64, usize>,
}

impl CourtTree {
    pub fn new(courts: Vec<CourtRow>) -> Self {
        let by_id = courts.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        CourtTree { courts, by_id }
    }

    pub fn get(&self, id: i64) -> Option<&CourtRow> {
        self.by_id.get(&id).map(|&i| &self.courts[i])
    }

    pub fn by_code(&self, code: &str) -> Option<&CourtRow> {
        self.courts.iter().find(|c| c.code == code)
    }

    /// The court and all its descendants, the court first.
    pub fn subtree(&self, root: i64) -> Vec<i64> {
        let mut out = vec![root];
        let mut i = 0;
        while i < out.len() {
            let parent = out[i];
            out.extend(
                self.courts
                    .iter()
                    .filter(|c| c.parent_id == Some(parent))
                    .map(|c| c.id),
            );
            i += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn court(id: i64, code: &str, parent: Option<i64>) -> CourtRow {
        CourtRow {
            id,
            code: code.into(),
            name: code.into(),
            level: String::new(),
            parent_id: parent,
        }
    }

    #[test]
    fn a_higher_court_sees_the_courts_below() {
        let t = CourtTree::new(vec![
            court(1, "豫", None),
            court(2, "豫08", Some(1)),
            court(3, "豫0883", Some(2)),
            court(4, "豫0811", Some(2)),
            court(5, "豫01", Some(1)),
        ]);
        let mut s = t.subtree(2);
        s.sort();
        assert_eq!(s, vec![2, 3, 4]);
        assert_eq!(t.subtree(3), vec![3]);
        assert_eq!(t.subtree(1).len(), 5);
    }
}
