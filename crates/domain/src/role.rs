//! Staff roles. Permissions are decided elsewhere; this is only the vocabulary, kept stable
//! because role keys are stored with every user and every audit record.

use serde::{Deserialize, Serialize};

use crate::{DomainError, DomainResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Administrator,
    ReceptionOfficer,
    Clerk,
    Officer,
    Judge,
    TeamLeader,
    BureauChief,
    Supervisor,
    /// The court's president (院长): approves the first extension of the six-month limit.
    President,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Administrator,
        Role::ReceptionOfficer,
        Role::Clerk,
        Role::Officer,
        Role::Judge,
        Role::TeamLeader,
        Role::BureauChief,
        Role::Supervisor,
        Role::President,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::ReceptionOfficer => "reception_officer",
            Role::Clerk => "clerk",
            Role::Officer => "officer",
            Role::Judge => "judge",
            Role::TeamLeader => "team_leader",
            Role::BureauChief => "bureau_chief",
            Role::Supervisor => "supervisor",
            Role::President => "president",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<Role> {
        Self::ALL
            .into_iter()
            .find(|r| r.key() == key)
            .ok_or_else(|| {
                DomainError::new(
                    "role.unknown",
                    format!("未知的角色“{key}”"),
                    format!("unknown role \"{key}\""),
                )
            })
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Role::Administrator => "系统管理员",
            Role::ReceptionOfficer => "接待员",
            Role::Clerk => "书记员",
            Role::Officer => "执行员",
            Role::Judge => "员额法官",
            Role::TeamLeader => "团队长",
            Role::BureauChief => "执行局长",
            Role::Supervisor => "监督员",
            Role::President => "院长",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Role::Administrator => "Administrator",
            Role::ReceptionOfficer => "Reception officer",
            Role::Clerk => "Clerk",
            Role::Officer => "Enforcement officer",
            Role::Judge => "Judge",
            Role::TeamLeader => "Team leader",
            Role::BureauChief => "Bureau chief",
            Role::Supervisor => "Supervisor",
            Role::President => "Court president",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_names_and_serde_agree() {
        let keys: Vec<&str> = Role::ALL.iter().map(|r| r.key()).collect();
        assert_eq!(
            keys,
            [
                "administrator",
                "reception_officer",
                "clerk",
                "officer",
                "judge",
                "team_leader",
                "bureau_chief",
                "supervisor",
                "president"
            ]
        );
        for r in Role::ALL {
            assert_eq!(Role::from_key(r.key()).unwrap(), r);
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.key())
            );
            assert!(!r.name_zh().is_empty() && !r.name_en().is_empty());
        }
        assert_eq!(Role::Judge.name_zh(), "员额法官");
        assert_eq!(Role::BureauChief.name_zh(), "执行局长");
        let e = Role::from_key("root").unwrap_err();
        assert_eq!(e.code, "role.unknown");
        assert!(e.zh.contains("root"));
    }
}
