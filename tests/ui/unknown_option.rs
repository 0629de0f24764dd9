use agentrace::trace_tool;

#[trace_tool(nmae = "search")]
fn search(query: &str) -> usize {
    query.len()
}

fn main() {}
