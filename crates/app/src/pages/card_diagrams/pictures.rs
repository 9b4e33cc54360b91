//! The card pictures as SVG markup: plain strings with no dependencies, so that `cargo xtask`
//! reads the same pictures (`#[path]`) for each page's static first paint.

/// The diagram for the playground with this slug; an empty string for an unknown slug.
pub fn card_diagram(slug: &str) -> &'static str {
    match slug {
        "sqs" => SQS,
        "sns" => SNS,
        "kinesis" => KINESIS,
        "vpc" => VPC,
        "apigw" => APIGW,
        "flow" => FLOW,
        _ => "",
    }
}

const SQS: &str = r##"<svg class="card-svg" viewBox="0 0 200 90" role="img" aria-labelledby="dg-sqs"><title id="dg-sqs">A producer sends messages into a queue; a consumer holds one in flight.</title>
<circle class="d-node" cx="18" cy="45" r="11"/><text class="d-label" x="18" y="72" text-anchor="middle">send</text>
<path class="d-line" d="M31 45h16"/><path class="d-line" d="M43 41l5 4-5 4"/>
<rect class="d-box" x="52" y="28" width="96" height="34" rx="6"/>
<rect class="d-token" x="58" y="36" width="16" height="18" rx="3"/><rect class="d-token" x="78" y="36" width="16" height="18" rx="3"/><rect class="d-token" x="98" y="36" width="16" height="18" rx="3"/>
<rect class="d-token d-ghost" x="122" y="36" width="16" height="18" rx="3"/>
<path class="d-line" d="M150 45h16"/><path class="d-line" d="M162 41l5 4-5 4"/>
<circle class="d-node" cx="182" cy="45" r="11"/><rect class="d-token d-accent" x="176" y="39" width="12" height="12" rx="2"/>
<rect class="d-token d-accent d-loop" style="--dx:16px" x="30" y="41" width="8" height="8" rx="2"/><rect class="d-token d-loop" style="--dx:14px;animation-delay:-1.2s" x="150" y="41" width="8" height="8" rx="2"/>
<text class="d-label" x="182" y="72" text-anchor="middle">receive</text><text class="d-label" x="100" y="20" text-anchor="middle">queue</text>
</svg>"##;

const SNS: &str = r##"<svg class="card-svg" viewBox="0 0 200 90" role="img" aria-labelledby="dg-sns"><title id="dg-sns">One topic fans a message out to three subscribers; a filter policy blocks one.</title>
<circle class="d-node d-accent-fill" cx="34" cy="45" r="16"/><text class="d-label d-on-accent" x="34" y="49" text-anchor="middle">topic</text>
<path class="d-line" d="M50 45C90 45 100 15 140 15"/><path class="d-line" d="M50 45H140"/><path class="d-line d-dashed" d="M50 45C90 45 100 75 128 75"/>
<rect class="d-box" x="142" y="5" width="44" height="20" rx="4"/><rect class="d-box" x="142" y="35" width="44" height="20" rx="4"/><rect class="d-box d-muted" x="142" y="65" width="44" height="20" rx="4"/>
<circle class="d-token" cx="104" cy="22" r="4"/><circle class="d-token" cx="104" cy="45" r="4"/>
<path class="d-stop" d="M131 70l8 10M139 70l-8 10"/>
<circle class="d-token d-loop" style="--dx:78px" cx="56" cy="45" r="4"/>
</svg>"##;

const KINESIS: &str = r##"<svg class="card-svg" viewBox="0 0 200 90" role="img" aria-labelledby="dg-kinesis"><title id="dg-kinesis">Three shards as lanes; a hot shard carries most of the records.</title>
<rect class="d-box" x="8" y="8" width="184" height="20" rx="4"/><rect class="d-box d-hot" x="8" y="35" width="184" height="20" rx="4"/><rect class="d-box" x="8" y="62" width="184" height="20" rx="4"/>
<rect class="d-token" x="40" y="13" width="10" height="10" rx="2"/><rect class="d-token" x="120" y="13" width="10" height="10" rx="2"/>
<g class="d-loop d-loop-steady" style="--dx:20px"><rect class="d-token d-accent" x="24" y="40" width="10" height="10" rx="2"/><rect class="d-token d-accent" x="44" y="40" width="10" height="10" rx="2"/><rect class="d-token d-accent" x="64" y="40" width="10" height="10" rx="2"/><rect class="d-token d-accent" x="84" y="40" width="10" height="10" rx="2"/><rect class="d-token d-accent" x="104" y="40" width="10" height="10" rx="2"/><rect class="d-token d-accent" x="124" y="40" width="10" height="10" rx="2"/></g>
<rect class="d-token" x="90" y="67" width="10" height="10" rx="2"/>
<text class="d-label" x="186" y="49" text-anchor="end">hot</text>
</svg>"##;

const VPC: &str = r##"<svg class="card-svg" viewBox="0 0 200 90" role="img" aria-labelledby="dg-vpc"><title id="dg-vpc">Two VPCs joined by a peering connection, each with its own CIDR block.</title>
<rect class="d-box" x="6" y="12" width="70" height="66" rx="8"/><rect class="d-box" x="124" y="12" width="70" height="66" rx="8"/>
<text class="d-label" x="41" y="28" text-anchor="middle">10.0.0.0/16</text><text class="d-label" x="159" y="28" text-anchor="middle">10.1.0.0/16</text>
<rect class="d-node" x="28" y="42" width="26" height="20" rx="3"/><rect class="d-node" x="146" y="42" width="26" height="20" rx="3"/>
<path class="d-line d-peering" d="M76 52H124"/><circle class="d-token d-accent d-loop" style="--dx:40px" cx="80" cy="52" r="5"/>
<text class="d-label" x="100" y="72" text-anchor="middle">peering</text>
</svg>"##;

const APIGW: &str = r##"<svg class="card-svg" viewBox="0 0 200 90" role="img" aria-labelledby="dg-apigw"><title id="dg-apigw">A token bucket refills at a steady rate; requests take tokens, and one without a token gets 429.</title>
<path class="d-line" d="M70 4v10"/><path class="d-line" d="M66 10l4 5 4-5"/>
<path class="d-box" d="M44 18h52l-6 62H50z"/>
<circle class="d-token d-accent" cx="60" cy="68" r="5"/><circle class="d-token d-accent" cx="72" cy="68" r="5"/><circle class="d-token d-accent" cx="84" cy="68" r="5"/><circle class="d-token d-accent" cx="66" cy="57" r="5"/><circle class="d-token d-accent" cx="78" cy="57" r="5"/>
<path class="d-line" d="M100 40h40"/><path class="d-line" d="M136 36l5 4-5 4"/><text class="d-label" x="170" y="44" text-anchor="middle">200 OK</text>
<path class="d-line d-dashed" d="M100 62h40"/><path class="d-line" d="M136 58l5 4-5 4"/><text class="d-label d-stop-text" x="170" y="66" text-anchor="middle">429</text>
<circle class="d-token d-accent d-loop" style="--dy:22px" cx="70" cy="22" r="4"/><circle class="d-token d-loop" style="--dx:30px;animation-delay:-1.2s" cx="104" cy="40" r="4"/>
</svg>"##;

const FLOW: &str = r##"<svg class="card-svg" viewBox="0 0 200 90" role="img" aria-labelledby="dg-flow"><title id="dg-flow">An API hands a message to a topic, a queue and a function; a throttled function sends some to a dead-letter queue.</title>
<rect class="d-box" x="4" y="30" width="34" height="24" rx="5"/><text class="d-label" x="21" y="66" text-anchor="middle">API</text>
<circle class="d-node d-accent-fill" cx="66" cy="42" r="12"/><text class="d-label" x="66" y="66" text-anchor="middle">topic</text>
<rect class="d-box" x="96" y="30" width="44" height="24" rx="5"/><text class="d-label" x="118" y="66" text-anchor="middle">queue</text>
<circle class="d-node" cx="178" cy="42" r="12"/><text class="d-label" x="178" y="66" text-anchor="middle">λ</text>
<path class="d-line" d="M38 42h16"/><path class="d-line" d="M78 42h18"/><path class="d-line" d="M140 42h26"/>
<rect class="d-box d-muted" x="96" y="74" width="44" height="14" rx="4"/><path class="d-line d-dashed" d="M137 54v20"/>
<rect class="d-token" x="101" y="37" width="9" height="10" rx="2"/><rect class="d-token" x="113" y="37" width="9" height="10" rx="2"/>
<circle class="d-token d-loop" style="--dx:22px" cx="40" cy="42" r="4"/><circle class="d-token d-accent d-loop" style="--dx:22px;animation-delay:-0.8s" cx="142" cy="42" r="4"/>
<path class="d-stop" d="M188 24l6 6M194 24l-6 6"/>
</svg>"##;
