//! Which GenAI provider a client talks to, inferred from its base URL.

/// The `gen_ai.provider.name` of a client's base URL, when it is a known provider.
///
/// ```
/// use agentrace::genai::provider_from_base_url;
/// assert_eq!(provider_from_base_url("https://api.openai.com/v1"), Some("openai"));
/// assert_eq!(provider_from_base_url("https://my-res.openai.azure.com/openai"), Some("azure.ai.openai"));
/// assert_eq!(provider_from_base_url("http://localhost:11434/v1"), Some("ollama"));
/// assert_eq!(provider_from_base_url("https://example.com"), None);
/// ```
pub fn provider_from_base_url(base_url: &str) -> Option<&'static str> {
    let rest = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
        .to_ascii_lowercase();
    let host = host_port.split(':').next().unwrap_or(&host_port);
    const BY_SUFFIX: &[(&str, &str)] = &[
        ("api.openai.com", "openai"),
        ("openai.azure.com", "azure.ai.openai"),
        ("services.ai.azure.com", "azure.ai.inference"),
        ("api.deepseek.com", "deepseek"),
        ("api.moonshot.cn", "moonshot"),
        ("api.moonshot.ai", "moonshot"),
        ("dashscope.aliyuncs.com", "dashscope"),
        ("dashscope-intl.aliyuncs.com", "dashscope"),
        ("api.anthropic.com", "anthropic"),
        ("generativelanguage.googleapis.com", "gcp.gemini"),
        ("aiplatform.googleapis.com", "gcp.vertex_ai"),
        ("amazonaws.com", "aws.bedrock"),
        ("api.mistral.ai", "mistral_ai"),
        ("api.groq.com", "groq"),
        ("api.x.ai", "x_ai"),
        ("api.perplexity.ai", "perplexity"),
        ("api.cohere.com", "cohere"),
        ("api.cohere.ai", "cohere"),
    ];
    if host_port.ends_with(":11434") || host == "ollama" {
        return Some("ollama");
    }
    if host.contains("bedrock") && host.ends_with("amazonaws.com") {
        return Some("aws.bedrock");
    }
    BY_SUFFIX
        .iter()
        .find(|(suffix, _)| {
            *suffix != "amazonaws.com" && (host == *suffix || host.ends_with(&format!(".{suffix}")))
        })
        .map(|(_, provider)| *provider)
}
