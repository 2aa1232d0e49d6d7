//! Passwords, sign-in and sessions.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use rand::RngCore;
use sha2::{Digest, Sha256};
use zhixing_domain::role::Role;

use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::views::CurrentUser;
use crate::App;

/// How long a session lasts without signing in again.
pub const SESSION_HOURS: i64 = 12;

pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(e.to_string()))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A password a new user can type, shown once.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 14];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

pub fn password_rules(password: &str) -> AppResult<()> {
    if password.chars().count() < 8 {
        return Err(AppError::invalid(
            "password.too_short",
            "密码至少 8 位",
            "the password must have at least 8 characters",
        ));
    }
    Ok(())
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new session: the token goes into the cookie, the CSRF token into every form.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf: String,
    pub expires_at: i64,
}

/// A resolved session.
#[derive(Debug, Clone)]
pub struct Session {
    pub actor: Actor,
    pub user: CurrentUser,
    pub csrf: String,
}

impl App {
    /// Checks a username and password. Wrong name and wrong password get the same answer.
    pub async fn login(&self, username: &str, password: &str) -> AppResult<NewSession> {
        let wrong = || {
            AppError::invalid(
                "login.failed",
                "用户名或密码错误",
                "wrong username or password",
            )
        };
        let user = self.store.user_by_username(username.trim()).await?;
        let Some(user) = user else {
            // Spend the same time as a real check, so response times do not reveal usernames.
            let _ = verify_password(password, DUMMY_HASH);
            return Err(wrong());
        };
        if user.active == 0 || !verify_password(password, &user.password_hash) {
            return Err(wrong());
        }
        let s = NewSession {
            token: random_token(),
            csrf: random_token(),
            expires_at: zhixing_store::now_ms() + SESSION_HOURS * 3600 * 1000,
        };
        self.store
            .create_session(&token_hash(&s.token), user.id, &s.csrf, s.expires_at)
            .await?;
        Ok(s)
    }

    pub async fn logout(&self, token: &str) -> AppResult<()> {
        self.store.delete_session(&token_hash(token)).await?;
        Ok(())
    }

    /// The session behind a cookie token, or `Unauthenticated` when absent or expired.
    pub async fn session(&self, token: &str) -> AppResult<Session> {
        let row = self
            .store
            .session_user(&token_hash(token))
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if row.expires_at < zhixing_store::now_ms() || row.active == 0 {
            return Err(AppError::Unauthenticated);
        }
        let actor = self
            .actor_of(
                row.id,
                row.court_id,
                &row.role,
                row.username,
                row.display_name,
            )
            .await?;
        let user = self.current_user(&actor)?;
        Ok(Session {
            actor,
            user,
            csrf: row.csrf_token,
        })
    }

    pub async fn actor_for_user(&self, user_id: i64) -> AppResult<Actor> {
        let user = self
            .store
            .user_by_id(user_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if user.active == 0 {
            return Err(AppError::Unauthenticated);
        }
        self.actor_of(
            user.id,
            user.court_id,
            &user.role,
            user.username,
            user.display_name,
        )
        .await
    }

    async fn actor_of(
        &self,
        user_id: i64,
        court_id: i64,
        role: &str,
        username: String,
        display_name: String,
    ) -> AppResult<Actor> {
        let role =
            Role::from_key(role).map_err(|_| AppError::Internal(format!("bad role {role}")))?;
        // A court registered by another instance since this one loaded the tree.
        if self.with_courts(|t| t.get(court_id).is_none()) {
            self.reload_courts().await?;
        }
        Ok(Actor {
            user_id: Some(user_id),
            username,
            display_name,
            role,
            court_id,
            visible_courts: self.with_courts(|t| t.subtree(court_id)),
        })
    }

    pub fn current_user(&self, actor: &Actor) -> AppResult<CurrentUser> {
        let court = self
            .with_courts(|t| t.get(actor.court_id).cloned())
            .ok_or_else(|| AppError::Internal("user's court missing".into()))?;
        Ok(CurrentUser {
            id: actor.user_id.unwrap_or(0),
            username: actor.username.clone(),
            display_name: actor.display_name.clone(),
            role: actor.role,
            court_id: court.id,
            court_name: court.name,
            court_code: court.code,
        })
    }
}

/// A valid argon2 hash of a random string, used to equalise timing for unknown usernames.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0bZbQ1Yx5Cj7Uu3HfC1mVq9m4G8y4r1kq7Gm2o3JmVQ";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("x", "not a hash"));
        assert_eq!(generate_password().len(), 14);
        assert!(password_rules("short").is_err());
    }
}
