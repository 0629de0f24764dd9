use agentrace::trace_tool;

trait Tool {
    #[trace_tool]
    fn run(&self, input: &str) -> String;
}

fn main() {}
