//! Domain logic, one service struct per domain, each owning its state (its store handle, the
//! publisher, and the other services it needs). Services validate input, check permissions, run
//! one transaction that changes state *and* appends the events announcing it, commit, and only
//! then publish through [`crate::publish::Publisher`] (never holding a transaction while
//! delivering). Nothing above them (the WebSocket and HTTP layers) touches the store.

pub mod accounts;
pub mod chat;
pub mod files;
pub mod friends;
pub mod groups;

use liao_shared::{ErrorCode, EventBody, UserId, limits};

use crate::error::{Error, Result};
use crate::publish::Publisher;
use crate::store::{Tx, events};

/// Append `events` to their users' streams in `tx`, commit, then publish them: the common
/// ending of a change that only users' own streams announce.
pub async fn commit_events(
    mut tx: Tx,
    publisher: &Publisher,
    events: Vec<(UserId, EventBody)>,
) -> Result<()> {
    let appended = events::append(&mut tx, events).await?;
    tx.commit().await?;
    Publisher::log_failure(publisher.events(appended).await);
    Ok(())
}

/// Usernames: 3–32 of `a-z 0-9 _ . -`, starting with a letter or digit. Returns the canonical
/// (lowercase) form.
pub fn canonical_username(name: &str) -> Result<String> {
    let name = name.trim().to_ascii_lowercase();
    let ok_len = (limits::USERNAME_MIN..=limits::USERNAME_MAX).contains(&name.len());
    let ok_chars = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b));
    let ok_start = name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric());
    if ok_len && ok_chars && ok_start {
        Ok(name)
    } else {
        Err(Error::client(
            ErrorCode::InvalidUsername,
            "usernames are 3-32 characters of a-z, 0-9, '_', '.', '-' and start with a letter or digit",
        ))
    }
}

/// Passwords: at least 8 characters, at most 1 KiB.
pub fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < limits::PASSWORD_MIN_CHARS {
        return Err(Error::client(
            ErrorCode::WeakPassword,
            "passwords need at least 8 characters",
        ));
    }
    if password.len() > limits::PASSWORD_MAX_BYTES {
        return Err(Error::client(
            ErrorCode::WeakPassword,
            "passwords are at most 1024 bytes",
        ));
    }
    Ok(())
}

/// Display names: 1–64 characters after trimming, no control characters.
pub fn clean_display_name(name: &str) -> Result<String> {
    let name = name.trim();
    let n = name.chars().count();
    if n == 0 || n > limits::DISPLAY_NAME_MAX_CHARS || name.chars().any(char::is_control) {
        return Err(Error::client(
            ErrorCode::InvalidDisplayName,
            "display names are 1-64 characters without control characters",
        ));
    }
    Ok(name.to_owned())
}

/// Optional free text (friend-request greetings): trimmed, at most `max` characters, `None` when
/// empty.
pub fn clean_note(text: Option<&str>, max: usize) -> Result<Option<String>> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > max {
        return Err(Error::client(
            ErrorCode::BadRequest,
            format!("text is limited to {max} characters"),
        ));
    }
    Ok(Some(text.to_owned()))
}

/// A search query (2–64 characters after trimming) and its page size (default 20, at most 50).
/// One page of a search for `query`: checks the query (2 to 64 characters) and the page size,
/// fetches `limit + 1` rows with `fetch(query, offset, limit + 1)` to learn whether there are more,
/// and returns the page with the next page's offset, if any.
pub async fn search<'q, T, F, Fut>(
    query: &'q str,
    offset: u32,
    limit: Option<u32>,
    fetch: F,
) -> Result<(Vec<T>, Option<u32>)>
where
    F: FnOnce(&'q str, u32, u32) -> Fut,
    Fut: Future<Output = Result<Vec<T>>>,
{
    let query = query.trim();
    if query.chars().count() < limits::SEARCH_MIN_CHARS || query.len() > 64 {
        return Err(Error::client(
            ErrorCode::BadRequest,
            "search needs 2 to 64 characters",
        ));
    }
    let limit = limit.unwrap_or(20).clamp(1, limits::MAX_SEARCH_PAGE);
    let mut items = fetch(query, offset, limit + 1).await?;
    let more = items.len() > limit as usize;
    items.truncate(limit as usize);
    Ok((items, more.then_some(offset + limit)))
}

/// Client-chosen ids: 1–64 bytes.
pub fn check_client_id(id: &str) -> Result<()> {
    if id.is_empty() || id.len() > limits::MAX_CLIENT_ID_BYTES {
        return Err(Error::client(
            ErrorCode::BadRequest,
            "client ids are 1-64 bytes",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(canonical_username(" Alice_1 ").unwrap(), "alice_1");
        for bad in [
            "ab",
            "_abc",
            "a b c",
            "名字名字",
            &"x".repeat(33),
            ".abc",
            "abc/",
        ] {
            assert_eq!(
                canonical_username(bad).unwrap_err().code(),
                ErrorCode::InvalidUsername,
                "{bad}"
            );
        }
    }

    #[test]
    fn passwords_count_characters_not_bytes() {
        assert!(check_password("密码密码密码密码").is_ok());
        assert!(check_password("1234567").is_err());
        assert!(check_password(&"x".repeat(1025)).is_err());
    }

    #[test]
    fn display_names() {
        assert_eq!(clean_display_name("  张三 ").unwrap(), "张三");
        assert!(clean_display_name("   ").is_err());
        assert!(clean_display_name("a\u{0007}b").is_err());
        assert!(clean_display_name(&"名".repeat(65)).is_err());
    }
}
