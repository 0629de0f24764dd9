//! `agentrace export --format html`: one self-contained page (no external resources) that
//! draws a waterfall of the spans and shows a span's attributes on click.

/// The page around the data: styles and script inline.
const TEMPLATE: &str = include_str!("page.html");

/// The page for `spans`.
pub(crate) fn page(spans: &[agentrace_store::SpanRecord]) -> serde_json::Result<String> {
    // Inside <script>, "</" could end the element early: JSON allows "<\/" instead.
    let data = serde_json::to_string(spans)?
        .replace("</", "<\\/")
        .replace("<!--", "<\\!--");
    let title = spans
        .iter()
        .find(|span| span.is_root())
        .or(spans.first())
        .map_or("trace", |span| span.name.as_str());
    let (head, tail) = TEMPLATE.split_once("{{DATA}}").unwrap_or((TEMPLATE, ""));
    Ok(format!(
        "{}{data}{tail}",
        head.replacen("{{TITLE}}", &escape(title), 1)
    ))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn data_cannot_close_the_script_element() {
        let span: agentrace_store::SpanRecord = serde_json::from_value(serde_json::json!({
            "trace_id": "01", "span_id": "02", "name": "</script><b>", "start_time": 1, "end_time": 2,
        }))
        .unwrap();
        let page = super::page(&[span]).unwrap();
        assert_eq!(
            page.matches("</script>").count(),
            2,
            "only the page's own two scripts close"
        );
        assert!(page.contains("<title>&lt;/script&gt;&lt;b&gt; · agentrace</title>"));
    }
}
