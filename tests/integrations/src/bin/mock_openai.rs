//! The local OpenAI-compatible server as a process, for `.ci/run`'s run of the
//! `openai_agent` example: listens on 127.0.0.1:`MOCK_OPENAI_PORT` (default 18089) until
//! killed, and prints its base URL once it accepts connections.

use std::net::SocketAddr;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let port = match std::env::var("MOCK_OPENAI_PORT") {
        Ok(port) => port.parse().map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("MOCK_OPENAI_PORT={port:?} is not a port number"),
            )
        })?,
        Err(_) => 18089,
    };
    let server =
        agentrace_integration_tests::MockOpenAi::start_on(SocketAddr::from(([127, 0, 0, 1], port)))
            .await?;
    println!("{}", server.base_url);
    std::future::pending::<()>().await;
    Ok(())
}
