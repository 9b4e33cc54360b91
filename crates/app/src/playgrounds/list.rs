//! The site's and the playgrounds' names, promises and embed heights: plain data with no dependencies, so that
//! `cargo xtask` reads the same list (`#[path]`) to write each page's title, description, social
//! card and static first paint.

/// The landing page's title (also the site's name in link previews).
pub const SITE_TITLE: &str = "Nimbus — AWS messaging and networking, animated";
/// The landing page's heading and the paragraph under it.
pub const LANDING_HEADING: &str = "See how AWS queues, streams and networks really behave.";
pub const LANDING_LEDE: &str = "Nimbus runs SQS, SNS, Kinesis, VPC peering and API Gateway throttling as small deterministic simulations in your browser, alone or wired together into event-driven flows. Open one, change one setting, and watch the reason for every outcome.";

/// One playground: its route, its names and what it promises.
#[derive(Debug)]
pub struct Playground {
    /// The route segment and the `data-playground` hook: `sqs` serves `/sqs`.
    pub slug: &'static str,
    /// The full name, used as the page heading and in the page title.
    pub name: &'static str,
    /// A short name for the navigation bar.
    pub nav_label: &'static str,
    /// The one-line promise on the card: what the reader will see happen.
    pub promise: &'static str,
    /// A short description of what is simulated.
    pub description: &'static str,
    /// What the finished playground will show, one item per line.
    pub will_show: &'static [&'static str],
    /// The frame height (CSS px) an embed of the default preset needs at 360 px wide, its
    /// controls included: the embed code's height, and the README's (a browser test checks it
    /// at 360 and 576 px wide). Wider frames need less; other presets may need more.
    pub embed_height: u32,
}

/// All playgrounds, in the order the landing page presents them.
pub const PLAYGROUNDS: [Playground; 6] = [
    Playground {
        slug: "sqs",
        name: "SQS queues",
        nav_label: "SQS",
        promise: "Watch a message come back when its consumer outlasts the visibility timeout.",
        description: "Producers and consumers around a standard or FIFO queue, with visibility timeouts, retries and a dead-letter queue.",
        will_show: &[
            "each message moving between delayed, visible, in flight and deleted",
            "redelivery when processing takes longer than the visibility timeout",
            "a poison message landing in the dead-letter queue after maxReceiveCount receives",
            "FIFO message groups keeping their order while other groups move on",
        ],
        embed_height: 1040,
    },
    Playground {
        slug: "sns",
        name: "SNS fan-out",
        nav_label: "SNS",
        promise: "See one publish reach every subscriber, and a filter policy drop the rest.",
        description: "A topic fanning out to queues, functions and HTTP endpoints, with filter policies and delivery retries.",
        will_show: &[
            "one published message copied to each matching subscription",
            "filter policies deciding, per subscriber, which messages get through",
            "retries and backoff when an endpoint fails, and where failed deliveries end up",
        ],
        embed_height: 2330,
    },
    Playground {
        slug: "kinesis",
        name: "Kinesis shards",
        nav_label: "Kinesis",
        promise: "Find the hot shard a skewed partition key creates, then split it.",
        description: "A stream of shards as lanes: partition keys hashed onto shards, per-shard write limits and consumers reading in order.",
        will_show: &[
            "records landing on the shard their partition key hashes to",
            "a hot shard throttling writes while its neighbours idle",
            "splitting a shard and watching the load spread",
        ],
        embed_height: 1240,
    },
    Playground {
        slug: "vpc",
        name: "VPC peering",
        nav_label: "VPC",
        promise: "Trace why a packet cannot cross two peering connections: peering is not transitive.",
        description: "VPCs with CIDR blocks, route tables and peering connections, and packets that either arrive or stop with a reason.",
        will_show: &[
            "a packet following route tables hop by hop",
            "the packet that stops at the middle VPC because peering is not transitive",
            "overlapping CIDR blocks that make a peering impossible",
        ],
        embed_height: 1240,
    },
    Playground {
        slug: "apigw",
        name: "API Gateway throttling",
        nav_label: "API Gateway",
        promise: "Watch a token bucket absorb a burst, then answer 429 when it runs dry.",
        description: "Clients calling an API through account, stage and usage-plan limits, each a token bucket with a rate and a burst.",
        will_show: &[
            "tokens refilling at the rate and capping at the burst",
            "a traffic spike served from the bucket until it empties",
            "which limit answered 429 Too Many Requests, and why",
        ],
        embed_height: 1060,
    },
    Playground {
        slug: "flow",
        name: "Event-driven flows",
        nav_label: "Flows",
        promise: "Follow one message from an API through a topic, a queue and a function, and see where AWS's rules lose it.",
        description: "API Gateway, SNS, SQS, Kinesis and Lambda wired together, each with its own AWS rules, in one run you can compose.",
        will_show: &[
            "a Lambda concurrency limit that pushes good messages into a dead-letter queue",
            "a poison record that blocks a Kinesis shard until it expires",
            "a webhook's 403 that SNS counts as delivered",
            "every hop of one message, with the time it spent at each",
        ],
        embed_height: 1000,
    },
];
