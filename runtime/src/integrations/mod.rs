//! Ready-made extractors for third-party client libraries, each behind its cargo feature.

#[cfg(feature = "async-openai")]
mod async_openai;
