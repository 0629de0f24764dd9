//! Tracing is set up once per process: a second `init`, with or without a provider of the
//! application's own, is a clear error, and the first guard keeps working. (One test: this binary is one
//! process.)

use agentrace::Error;
use opentelemetry_sdk::trace::SdkTracerProvider;

#[agentrace::trace]
fn work() -> u8 {
    7
}

#[test]
fn a_second_setup_is_an_error_and_the_first_keeps_working() {
    let guard = agentrace::builder()
        .no_export()
        .init()
        .expect("the first init");
    let second = agentrace::init().unwrap_err();
    assert_eq!(second, Error::AlreadyInitialized);
    assert!(
        second.to_string().contains("already initialized"),
        "{second}"
    );
    let provider = SdkTracerProvider::builder().build();
    assert_eq!(
        agentrace::builder()
            .provider(provider.clone())
            .init()
            .unwrap_err(),
        Error::AlreadyInitialized
    );

    let (_, spans) = agentrace::testing::capture(work);
    assert_eq!(spans.len(), 1, "the first pipeline still records");
    guard.flush().expect("flush");
    guard.shutdown().expect("shutdown");
    assert_eq!(agentrace::init().unwrap_err(), Error::AlreadyInitialized);
}
