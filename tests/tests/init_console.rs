//! With `OTEL_TRACES_EXPORTER=console`, each finished trace is printed on standard output as
//! a tree when its root ends.

use agentrace_tests::otlp_receiver::{agent, child};

#[test]
fn console_prints_each_trace_as_a_tree() {
    const NAME: &str = "console_prints_each_trace_as_a_tree";
    if child::is_child(NAME) {
        let _guard = agentrace::init().expect("init");
        agent::turn("weather?").expect("turn");
        // The tree is printed when the root ends, long before the 60 s batch delay.
        std::thread::sleep(std::time::Duration::from_millis(500));
        println!("END OF PROGRAM");
        return;
    }
    {
        let env = [
            ("OTEL_TRACES_EXPORTER", "console"),
            ("OTEL_BSP_SCHEDULE_DELAY", "60000"),
        ];
        let output = child::run(NAME, &env);
        assert!(output.status.success(), "{}", child::describe(&output));
        let stdout = String::from_utf8_lossy(&output.stdout);
        let start = stdout
            .find("trace ")
            .unwrap_or_else(|| panic!("no trace printed: {stdout}"));
        let end = stdout
            .find("END OF PROGRAM")
            .expect("the program's last line");
        assert!(
            start < end,
            "the tree came when the root ended, not at exit: {stdout}"
        );
        let tree: Vec<&str> = stdout[start..end].lines().collect();
        assert!(tree[1].starts_with("invoke_agent assistant ("), "{stdout}");
        assert!(tree[2].starts_with("  chat tiny-1 ("), "{stdout}");
        assert!(tree[3].starts_with("  execute_tool weather ("), "{stdout}");
        assert!(
            tree[4].starts_with("  execute_tool tides (") && tree[4].contains("ERROR"),
            "{stdout}"
        );
    }
}
