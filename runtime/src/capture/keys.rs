//! Key patterns: whether a map key, field name, argument name or `key=` in free text names a
//! secret.
//!
//! A key is first normalised: ASCII letters lowercased, separators (`_`, `-`, `.`, spaces,
//! anything not alphanumeric) dropped, and word starts remembered (after a separator, and at
//! camelCase humps), so `api_key`, `apiKey`, `API-KEY` and `x-api-key` all read `apikey`.
//! The built-in list is Pydantic Logfire's: password, passwd, mysql_pwd, secret, auth (not
//! author, authors, authored, authority), credential, private key, api key, session, cookie,
//! social security, credit card; csrf, xsrf, jwt and ssn as whole words; and `token` after
//! `access`, `refresh`, `id`, `bearer` or `client` (so `max_tokens` or `tokenizer` never
//! match). The scan dispatches on each letter once, so a key costs a few nanoseconds.

/// Keys longer than this (after normalisation) are matched on their first part only.
const MAX_KEY: usize = 128;

/// A key after normalisation: lowercase alphanumerics and the positions where words start.
pub(crate) struct NormalKey {
    bytes: [u8; MAX_KEY],
    len: usize,
    /// Bit `i` set: a word starts at byte `i`.
    starts: u128,
}

impl NormalKey {
    pub(crate) fn new(key: &str) -> Self {
        let raw = key.as_bytes();
        let mut out = NormalKey {
            bytes: [0; MAX_KEY],
            len: 0,
            starts: 0,
        };
        let mut separated = true;
        for (index, &byte) in raw.iter().enumerate() {
            if out.len == MAX_KEY {
                break;
            }
            if !byte.is_ascii_alphanumeric() {
                separated = true;
                continue;
            }
            let hump = byte.is_ascii_uppercase()
                && index > 0
                && (raw[index - 1].is_ascii_lowercase()
                    || raw[index - 1].is_ascii_digit()
                    || (raw[index - 1].is_ascii_uppercase()
                        && raw.get(index + 1).is_some_and(u8::is_ascii_lowercase)));
            if separated || hump {
                out.starts |= 1 << out.len;
            }
            separated = false;
            out.bytes[out.len] = byte.to_ascii_lowercase();
            out.len += 1;
        }
        out
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    fn word_start(&self, at: usize) -> bool {
        at >= self.len || self.starts & (1 << at) != 0
    }

    /// The end of the word that contains `at`.
    fn word_end(&self, at: usize) -> usize {
        (at + 1..self.len)
            .find(|&i| self.word_start(i))
            .unwrap_or(self.len)
    }

    fn has_at(&self, at: usize, pattern: &[u8]) -> bool {
        self.as_bytes()[at..].starts_with(pattern)
    }

    fn whole_word_at(&self, at: usize, pattern: &[u8]) -> bool {
        self.word_start(at) && self.has_at(at, pattern) && self.word_start(at + pattern.len())
    }

    /// `auth` at `at`, unless the word goes on as `author...` (other than `authoriz...` /
    /// `authoris...`): `author`, `authors`, `authored`, `authority` stay readable.
    fn auth_at(&self, at: usize) -> bool {
        if !self.has_at(at, b"auth") {
            return false;
        }
        let rest = &self.as_bytes()[at + 4..self.word_end(at).max(at + 4)];
        !rest.starts_with(b"or") || rest.starts_with(b"oriz") || rest.starts_with(b"oris")
    }

    /// `token` as a whole word right after one of `qualifier` (itself a whole word).
    fn qualified_token_at(&self, at: usize, qualifier: &[u8]) -> bool {
        self.whole_word_at(at, qualifier) && self.whole_word_at(at + qualifier.len(), b"token")
    }
}

/// The built-in rule a normalised key matches, if any.
pub(crate) fn builtin_rule(key: &NormalKey) -> Option<&'static str> {
    let bytes = key.as_bytes();
    for (at, &byte) in bytes.iter().enumerate() {
        let rule = match byte {
            b'p' if key.has_at(at, b"password") || key.has_at(at, b"passwd") => "password",
            b'p' if key.has_at(at, b"privatekey") => "private_key",
            b'm' if key.has_at(at, b"mysqlpwd") => "password",
            b's' if key.has_at(at, b"secret") => "secret",
            b's' if key.has_at(at, b"session") => "session",
            b's' if key.has_at(at, b"socialsecurity") => "social_security",
            b's' if key.whole_word_at(at, b"ssn") => "ssn",
            b'c' if key.has_at(at, b"credential") => "credential",
            b'c' if key.has_at(at, b"cookie") => "cookie",
            b'c' if key.has_at(at, b"creditcard") => "credit_card",
            b'c' if key.whole_word_at(at, b"csrf") => "csrf",
            b'c' if key.qualified_token_at(at, b"client") => "token",
            b'a' if key.has_at(at, b"apikey") => "api_key",
            b'a' if key.auth_at(at) => "auth",
            b'a' if key.qualified_token_at(at, b"access") => "token",
            b'x' if key.whole_word_at(at, b"xsrf") => "xsrf",
            b'j' if key.whole_word_at(at, b"jwt") => "jwt",
            b'r' if key.qualified_token_at(at, b"refresh") => "token",
            b'i' if key.qualified_token_at(at, b"id") => "token",
            b'b' if key.qualified_token_at(at, b"bearer") => "token",
            _ => continue,
        };
        return Some(rule);
    }
    None
}

/// What the built-in rules say of a struct field name: the rule hiding its value, and
/// whether the name itself is free of secrets; and whether it needs JSON escapes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct FieldFacts {
    pub(crate) rule: Option<&'static str>,
    pub(crate) clean: bool,
    /// Whether the name needs JSON escapes.
    pub(crate) escape: bool,
}

/// The [`FieldFacts`] of the field names met while writing one value: a struct's field
/// names come back with every element of a list, and a `'static` name's text never
/// changes, so its facts are worked out once per capture.
#[derive(Default)]
pub(crate) struct FieldCache {
    /// (address, length, facts) of the names seen, searched in order.
    names: [(usize, usize, FieldFacts); FieldCache::NAMES],
    len: usize,
    /// When all entries are taken, the one a new name replaces.
    next: usize,
}

impl FieldCache {
    const NAMES: usize = 16;

    pub(crate) fn facts(
        &mut self,
        name: &'static str,
        compute: impl FnOnce() -> FieldFacts,
    ) -> FieldFacts {
        let address = name.as_ptr() as usize;
        let key = (address, name.len());
        if let Some(entry) = self.names[..self.len]
            .iter()
            .find(|entry| (entry.0, entry.1) == key)
        {
            return entry.2;
        }
        let facts = compute();
        let slot = if self.len < Self::NAMES {
            self.len += 1;
            self.len - 1
        } else {
            self.next = (self.next + 1) % Self::NAMES;
            self.next
        };
        self.names[slot] = (address, name.len(), facts);
        facts
    }
}

/// Whether a normalised key contains a custom pattern (itself normalised).
pub(crate) fn contains(key: &NormalKey, pattern: &[u8]) -> bool {
    !pattern.is_empty()
        && key
            .as_bytes()
            .windows(pattern.len())
            .any(|window| window == pattern)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(key: &str) -> Option<&'static str> {
        builtin_rule(&NormalKey::new(key))
    }

    #[test]
    fn separators_and_case_are_normalised() {
        for key in [
            "api_key",
            "apiKey",
            "API-KEY",
            "x-api-key",
            "ApiKey",
            "OPENAI_API_KEY",
        ] {
            assert_eq!(rule(key), Some("api_key"), "{key}");
        }
        assert_eq!(rule("mysql_pwd"), Some("password"));
        assert_eq!(rule("PrivateKey"), Some("private_key"));
        assert_eq!(rule("X-CSRF-Token"), Some("csrf"));
        assert_eq!(rule("JWT"), Some("jwt"));
        assert_eq!(rule("user_ssn"), Some("ssn"));
        assert_eq!(rule("accessToken"), Some("token"));
        assert_eq!(rule("Authorization"), Some("auth"));
        assert_eq!(rule("oauth2"), Some("auth"));
    }

    #[test]
    fn field_facts_are_computed_once_per_name() {
        let mut cache = FieldCache::default();
        let computed = std::cell::Cell::new(0);
        let facts = || {
            computed.set(computed.get() + 1);
            FieldFacts {
                rule: builtin_rule(&NormalKey::new("password")),
                clean: true,
                escape: false,
            }
        };
        let first = cache.facts("password", facts);
        assert_eq!(first.rule, Some("password"));
        assert_eq!(cache.facts("password", facts), first);
        assert_eq!(computed.get(), 1);
        let other = cache.facts("model", FieldFacts::default);
        assert_eq!(other, FieldFacts::default());
        // Another name with the same text elsewhere in memory is its own entry.
        let leaked: &'static str = Box::leak(String::from("model").into_boxed_str());
        let clean = FieldFacts {
            rule: None,
            clean: true,
            escape: false,
        };
        assert_eq!(cache.facts(leaked, || clean), clean);
        // Past its capacity it keeps working, forgetting older names.
        for index in 0..40 {
            let name: &'static str = Box::leak(format!("field{index}").into_boxed_str());
            assert_eq!(cache.facts(name, || clean), clean);
            assert_eq!(
                cache.facts(name, || unreachable!("{name} is cached")),
                clean
            );
        }
    }

    #[test]
    fn token_counts_and_authors_are_not_secrets() {
        for key in [
            "max_tokens",
            "input_tokens",
            "output_tokens",
            "total_tokens",
            "tokenizer",
            "author",
            "authors",
            "authority",
            "authored_by",
            "classname",
            "jwtish",
            "token",
            "role",
            "content",
            "model",
            "temperature",
            "passage",
            "messages",
        ] {
            assert_eq!(rule(key), None, "{key}");
        }
    }
}
