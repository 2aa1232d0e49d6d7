//! Kinds of enforcement team (执行团队), after the reformed courts in the seed.

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TeamKind {
    /// 速执/快执团队: simple cases, small amounts, preservation.
    Fast,
    /// 普执团队
    Ordinary,
    /// 特执团队: major, difficult, organised-crime, government-platform cases.
    Special,
    /// 执警联动团队
    PoliceLinkage,
    /// 执行110
    RapidResponse,
    /// 终本管理团队
    Dormant,
    /// 事务集约团队 (command centre routine work)
    Routine,
}

impl TeamKind {
    pub const ALL: [TeamKind; 7] = [
        TeamKind::Fast,
        TeamKind::Ordinary,
        TeamKind::Special,
        TeamKind::PoliceLinkage,
        TeamKind::RapidResponse,
        TeamKind::Dormant,
        TeamKind::Routine,
    ];

    pub fn key(self) -> &'static str {
        match self {
            TeamKind::Fast => "fast",
            TeamKind::Ordinary => "ordinary",
            TeamKind::Special => "special",
            TeamKind::PoliceLinkage => "police_linkage",
            TeamKind::RapidResponse => "rapid_response",
            TeamKind::Dormant => "dormant",
            TeamKind::Routine => "routine",
        }
    }

    pub fn from_key(key: &str) -> DomainResult<TeamKind> {
        TeamKind::ALL
            .into_iter()
            .find(|k| k.key() == key)
            .ok_or_else(|| {
                DomainError::new(
                    "team.kind_unknown",
                    format!("未知的团队类型：{key}"),
                    format!("unknown team kind: {key}"),
                )
            })
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            TeamKind::Fast => "速执团队",
            TeamKind::Ordinary => "普执团队",
            TeamKind::Special => "特执团队",
            TeamKind::PoliceLinkage => "执警联动团队",
            TeamKind::RapidResponse => "执行110",
            TeamKind::Dormant => "终本管理团队",
            TeamKind::Routine => "事务集约团队",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            TeamKind::Fast => "fast team",
            TeamKind::Ordinary => "ordinary team",
            TeamKind::Special => "special team",
            TeamKind::PoliceLinkage => "police-linkage team",
            TeamKind::RapidResponse => "rapid-response team",
            TeamKind::Dormant => "dormant-case team",
            TeamKind::Routine => "routine-work team",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for k in TeamKind::ALL {
            assert_eq!(TeamKind::from_key(k.key()).unwrap(), k);
        }
        assert_eq!(
            TeamKind::from_key("x").unwrap_err().code,
            "team.kind_unknown"
        );
    }
}
