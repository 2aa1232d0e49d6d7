//! The tamper-evident trail (全程留痕). Each court keeps one hash chain: every event stores the
//! previous event's hash and its own SHA-256 over a canonical encoding of its fields. Verifying
//! needs nothing but the stored events, so a supervising court holding an old head hash can tell
//! whether history was rewritten.

use sha2::{Digest, Sha256};

/// The hash that starts every court's chain.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of one event that the hash covers, exactly as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainedFields<'a> {
    pub court_code: &'a str,
    pub seq: i64,
    pub case_id: Option<i64>,
    pub occurred_at_ms: i64,
    pub recorded_at_ms: i64,
    pub actor_id: Option<i64>,
    /// Name and role as shown on the timeline are covered too, so what users read is what was signed.
    pub actor_name: &'a str,
    pub actor_role: &'a str,
    pub kind: &'a str,
    /// The payload text as stored (canonical JSON: serde_json's sorted object keys).
    pub payload: &'a str,
    pub prev_hash: &'a str,
}

impl ChainedFields<'_> {
    /// Canonical encoding: a version tag, then each field length-prefixed in a fixed order, so no
    /// two different events can encode to the same bytes.
    pub fn hash_hex(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"zhixing-event-v1");
        let mut field = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_be_bytes());
            h.update(bytes);
        };
        field(self.court_code.as_bytes());
        field(&self.seq.to_be_bytes());
        match self.case_id {
            Some(id) => field(&id.to_be_bytes()),
            None => field(b""),
        }
        field(&self.occurred_at_ms.to_be_bytes());
        field(&self.recorded_at_ms.to_be_bytes());
        match self.actor_id {
            Some(id) => field(&id.to_be_bytes()),
            None => field(b""),
        }
        field(self.actor_name.as_bytes());
        field(self.actor_role.as_bytes());
        field(self.kind.as_bytes());
        field(self.payload.as_bytes());
        field(self.prev_hash.as_bytes());
        hex::encode(h.finalize())
    }
}

/// Canonical payload text: serde_json without `preserve_order` writes object keys sorted.
pub fn canonical_payload(value: &serde_json::Value) -> String {
    value.to_string()
}

/// What is wrong with one stored event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The stored hash does not match the fields: an event was edited.
    HashMismatch { stored: String, computed: String },
    /// The event does not point at its predecessor: an event was removed, inserted or reordered.
    PrevMismatch { stored: String, expected: String },
    /// Sequence numbers must run 1, 2, 3… per court.
    SeqGap { expected: i64, found: i64 },
}

impl ChainBreak {
    pub fn describe(&self) -> String {
        match self {
            ChainBreak::HashMismatch { stored, computed } => format!(
                "内容被改动：存储的哈希 {stored} 与重新计算的 {computed} 不一致 (content altered: stored hash differs from recomputed)"
            ),
            ChainBreak::PrevMismatch { stored, expected } => format!(
                "链接断开：前一哈希应为 {expected}，存储为 {stored} (chain link broken)"
            ),
            ChainBreak::SeqGap { expected, found } => {
                format!("序号不连续：应为 {expected}，实为 {found} (sequence gap)")
            }
        }
    }
}

/// Walks one court's chain in sequence order. Feed events with `check`; it remembers the head.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    next_seq: i64,
    head: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            next_seq: 1,
            head: GENESIS_HASH.to_string(),
        }
    }
}

impl ChainVerifier {
    pub fn check(
        &mut self,
        fields: &ChainedFields<'_>,
        stored_hash: &str,
    ) -> Result<(), ChainBreak> {
        if fields.seq != self.next_seq {
            return Err(ChainBreak::SeqGap {
                expected: self.next_seq,
                found: fields.seq,
            });
        }
        if fields.prev_hash != self.head {
            return Err(ChainBreak::PrevMismatch {
                stored: fields.prev_hash.to_string(),
                expected: self.head.clone(),
            });
        }
        let computed = fields.hash_hex();
        if computed != stored_hash {
            return Err(ChainBreak::HashMismatch {
                stored: stored_hash.to_string(),
                computed,
            });
        }
        self.next_seq += 1;
        self.head = computed;
        Ok(())
    }

    pub fn head(&self) -> &str {
        &self.head
    }

    /// How many events have been verified (the last good sequence number).
    pub fn verified(&self) -> i64 {
        self.next_seq - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev<'a>(seq: i64, prev: &'a str, payload: &'a str) -> ChainedFields<'a> {
        ChainedFields {
            court_code: "豫0883",
            seq,
            case_id: Some(7),
            occurred_at_ms: 1_700_000_000_000,
            recorded_at_ms: 1_700_000_000_001,
            actor_id: Some(3),
            actor_name: "李某",
            actor_role: "clerk",
            kind: "case_filed",
            payload,
            prev_hash: prev,
        }
    }

    #[test]
    fn a_valid_chain_verifies_and_an_edit_is_named() {
        let e1 = ev(1, GENESIS_HASH, "{}");
        let h1 = e1.hash_hex();
        let e2 = ev(2, &h1, r#"{"a":1}"#);
        let h2 = e2.hash_hex();
        let mut v = ChainVerifier::default();
        v.check(&e1, &h1).unwrap();
        v.check(&e2, &h2).unwrap();
        assert_eq!(v.head(), h2);

        let tampered = ev(2, &h1, r#"{"a":2}"#);
        let mut v = ChainVerifier::default();
        v.check(&e1, &h1).unwrap();
        assert!(matches!(
            v.check(&tampered, &h2),
            Err(ChainBreak::HashMismatch { .. })
        ));
    }

    #[test]
    fn a_removed_event_breaks_the_link() {
        let e1 = ev(1, GENESIS_HASH, "{}");
        let h1 = e1.hash_hex();
        let e2 = ev(2, &h1, "{}");
        let h2 = e2.hash_hex();
        let e3 = ev(3, &h2, "{}");
        let h3 = e3.hash_hex();
        let mut v = ChainVerifier::default();
        v.check(&e1, &h1).unwrap();
        assert!(matches!(v.check(&e3, &h3), Err(ChainBreak::SeqGap { .. })));
        let relabelled = ev(2, &h2, "{}");
        let mut v = ChainVerifier::default();
        v.check(&e1, &h1).unwrap();
        assert!(matches!(
            v.check(&relabelled, &relabelled.hash_hex()),
            Err(ChainBreak::PrevMismatch { .. })
        ));
    }

    #[test]
    fn fields_are_separated_in_the_encoding() {
        let a = ChainedFields {
            kind: "ab",
            payload: "c",
            ..ev(1, GENESIS_HASH, "")
        };
        let b = ChainedFields {
            kind: "a",
            payload: "bc",
            ..ev(1, GENESIS_HASH, "")
        };
        assert_ne!(a.hash_hex(), b.hash_hex());
    }

    #[test]
    fn canonical_payload_sorts_keys() {
        let v: serde_json::Value = serde_json::from_str(r#"{"b":1,"a":{"d":2,"c":3}}"#).unwrap();
        assert_eq!(canonical_payload(&v), r#"{"a":{"c":3,"d":2},"b":1}"#);
    }
}
