//! Reading settings from an environment: each parser names the variable and the value it
//! rejects. The environment is a lookup function, so tests can inject one.

use std::time::Duration;

use super::{Protocol, Retention, Sampling};
use crate::Error;

/// A source of environment variables; empty values count as unset, as the OpenTelemetry
/// specification asks.
pub(crate) struct Env<'a>(pub(crate) &'a dyn Fn(&str) -> Option<String>);

impl Env<'_> {
    pub(crate) fn var(&self, name: &str) -> Option<String> {
        (self.0)(name)
            .map(|value| value.trim().to_string())
            .filter(|value| !value.is_empty())
    }

    /// The first of `names` that is set, with its name.
    pub(crate) fn first(&self, names: &[&'static str]) -> Option<(&'static str, String)> {
        names
            .iter()
            .find_map(|name| self.var(name).map(|value| (*name, value)))
    }

    pub(crate) fn bool(&self, name: &str) -> Result<Option<bool>, Error> {
        self.var(name)
            .map(|value| parse_bool(name, &value))
            .transpose()
    }

    pub(crate) fn number<T>(&self, name: &str, positive: bool) -> Result<Option<T>, Error>
    where
        T: std::str::FromStr + PartialOrd + Default,
    {
        self.var(name)
            .map(|value| parse_number(name, &value, positive))
            .transpose()
    }

    pub(crate) fn millis(&self, name: &str) -> Result<Option<Duration>, Error> {
        Ok(self.number::<u64>(name, true)?.map(Duration::from_millis))
    }
}

pub(crate) fn parse_bool(name: &str, value: &str) -> Result<bool, Error> {
    match value.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(Error::invalid(name, value, "expected true or false")),
    }
}

pub(crate) fn parse_number<T>(name: &str, value: &str, positive: bool) -> Result<T, Error>
where
    T: std::str::FromStr + PartialOrd + Default,
{
    let what = if positive {
        "a positive whole number"
    } else {
        "a whole number"
    };
    match value.parse::<T>() {
        Ok(number) if !positive || number > T::default() => Ok(number),
        _ => Err(Error::invalid(name, value, format!("expected {what}"))),
    }
}

/// A `key=value,key=value` list (`OTEL_RESOURCE_ATTRIBUTES`, `OTEL_EXPORTER_OTLP_HEADERS`),
/// values percent-decoded.
pub(crate) fn parse_key_values(name: &str, value: &str) -> Result<Vec<(String, String)>, Error> {
    let mut pairs = Vec::new();
    for entry in value
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
    {
        let malformed =
            |why: &str| Error::invalid(name, value, format!("expected key=value,key=value; {why}"));
        let (key, val) = entry
            .split_once('=')
            .ok_or_else(|| malformed(&format!("{entry:?} has no '='")))?;
        let key = percent_decode(key.trim()).ok_or_else(|| malformed("bad %-escape"))?;
        if key.is_empty() {
            return Err(malformed(&format!("{entry:?} has an empty key")));
        }
        let val = percent_decode(val.trim()).ok_or_else(|| malformed("bad %-escape"))?;
        pairs.push((key, val));
    }
    Ok(pairs)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

pub(crate) fn parse_protocol(name: &str, value: &str) -> Result<Protocol, Error> {
    match value {
        "http/protobuf" => Ok(Protocol::HttpProtobuf),
        "grpc" => Ok(Protocol::Grpc),
        _ => Err(Error::invalid(
            name,
            value,
            "expected http/protobuf or grpc",
        )),
    }
}

/// The environment form of [`Builder::agent_lightning`](crate::Builder::agent_lightning):
/// the Agent Lightning store's address.
pub(crate) const AGENT_LIGHTNING: &str = "AGENTRACE_AGENT_LIGHTNING";

/// An endpoint must be an `http://` or `https://` URL with a host.
pub(crate) fn check_endpoint(name: &str, value: &str) -> Result<String, Error> {
    let rest = value
        .strip_prefix("http://")
        .or_else(|| value.strip_prefix("https://"));
    let host = rest.map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""));
    match host {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => {
            Ok(value.to_string())
        }
        _ => Err(Error::invalid(
            name,
            value,
            "expected an http:// or https:// URL with a host",
        )),
    }
}

/// The OTLP/HTTP traces URL for a base endpoint: `/v1/traces` appended unless present.
pub(crate) fn http_traces_url(base: &str) -> String {
    let base = base.trim_end_matches('/');
    if base.ends_with("/v1/traces") {
        base.to_string()
    } else {
        format!("{base}/v1/traces")
    }
}

pub(crate) fn parse_sampler(env: &Env<'_>) -> Result<Option<Sampling>, Error> {
    const SAMPLER: &str = "OTEL_TRACES_SAMPLER";
    const ARG: &str = "OTEL_TRACES_SAMPLER_ARG";
    let arg = env.var(ARG);
    let ratio = || -> Result<f64, Error> {
        match &arg {
            None => Ok(1.0),
            Some(text) => match text.parse::<f64>() {
                Ok(ratio) if (0.0..=1.0).contains(&ratio) => Ok(ratio),
                _ => Err(Error::invalid(
                    ARG,
                    text,
                    "expected a number between 0 and 1",
                )),
            },
        }
    };
    let Some(name) = env.var(SAMPLER) else {
        // An argument with no sampler still has to make sense for the default sampler's
        // ratio variant; reject garbage rather than ignore it.
        if arg.is_some() {
            ratio()?;
        }
        return Ok(None);
    };
    let parent_based = |root: Sampling| Sampling::ParentBased(Box::new(root));
    Ok(Some(match name.as_str() {
        "always_on" => Sampling::AlwaysOn,
        "always_off" => Sampling::AlwaysOff,
        "traceidratio" => Sampling::Ratio(ratio()?),
        "parentbased_always_on" => parent_based(Sampling::AlwaysOn),
        "parentbased_always_off" => parent_based(Sampling::AlwaysOff),
        "parentbased_traceidratio" => parent_based(Sampling::Ratio(ratio()?)),
        _ => {
            return Err(Error::invalid(
                SAMPLER,
                &name,
                "expected always_on, always_off, traceidratio, parentbased_always_on, \
                 parentbased_always_off or parentbased_traceidratio",
            ))
        }
    }))
}

/// Content capture: `AGENTRACE_CAPTURE_CONTENT` (true/false) first, else
/// `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` (true, false, NO_CONTENT, SPAN_ONLY,
/// EVENT_ONLY, SPAN_AND_EVENT).
pub(crate) fn parse_capture(env: &Env<'_>) -> Result<Option<bool>, Error> {
    if let Some(capture) = env.bool("AGENTRACE_CAPTURE_CONTENT")? {
        return Ok(Some(capture));
    }
    const GENAI: &str = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";
    let Some(value) = env.var(GENAI) else {
        return Ok(None);
    };
    match value.to_ascii_lowercase().as_str() {
        "true" | "span_only" | "event_only" | "span_and_event" => Ok(Some(true)),
        "false" | "no_content" => Ok(Some(false)),
        _ => Err(Error::invalid(
            GENAI,
            &value,
            "expected true, false, NO_CONTENT, SPAN_ONLY, EVENT_ONLY or SPAN_AND_EVENT",
        )),
    }
}

/// The embedded store's bounds: `AGENTRACE_STORE_MAX_BYTES` (`500MB`, `1GiB`, bytes, or
/// `none`) and `AGENTRACE_STORE_RETENTION` (`7d`, `12h`, or `none`), each defaulting to
/// [`Retention::EMBEDDED_DEFAULT`]'s.
pub(crate) fn parse_retention(env: &Env<'_>) -> Result<Retention, Error> {
    let default = Retention::EMBEDDED_DEFAULT;
    let mut retention = Retention::none();
    retention.max_bytes = match env.var("AGENTRACE_STORE_MAX_BYTES") {
        Some(value) => Retention::parse_bytes(&value)
            .map_err(|reason| Error::invalid("AGENTRACE_STORE_MAX_BYTES", &value, reason))?,
        None => default.max_bytes,
    };
    retention.max_age = match env.var("AGENTRACE_STORE_RETENTION") {
        Some(value) => Retention::parse_age(&value)
            .map_err(|reason| Error::invalid("AGENTRACE_STORE_RETENTION", &value, reason))?,
        None => default.max_age,
    };
    Ok(retention)
}
