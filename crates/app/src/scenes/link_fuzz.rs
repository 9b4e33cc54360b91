//! Fuzzing what a link reaches: any query, and any value for every setting of every playground,
//! is read without a panic — applied, or refused with a notice — and what a link carries reads
//! back as the same scenario.

use proptest::prelude::*;

use crate::share::{apply_params, parse, LinkParams};

/// Keys a link may carry: the settings of every playground, the page's own, and noise.
fn arb_key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "p",
            "v",
            "seed",
            "speed",
            "t",
            "embed",
            "controls",
            "theme",
            "bg",
            "rate",
            "consumers",
            "visibility",
            "type",
            "groups",
            "processing",
            "topic",
            "s1.filter",
            "s2.health",
            "s3.raw",
            "s1.scope",
            "s4.consumers",
            "shards",
            "efo",
            "reshards",
            "size",
            "keys",
            "clients",
            "client-rate",
            "stage-burst",
            "retry",
            "ops",
            "packet",
        ])
        .prop_map(str::to_owned),
        "[a-z0-9.\\-]{1,10}",
    ]
}

fn arb_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "-?[0-9]{0,12}(\\.[0-9]{0,6})?",
        prop::sample::select(vec![
            "NaN",
            "inf",
            "-0",
            "1e309",
            "0x10",
            "fifo",
            "standard",
            "5xx",
            "body",
            "{\"a\":[\"b\"]}",
            "split:0@1;merge:0+1@2;count:8@3",
            "count:10000@0",
            "merge:1+1@5",
            "split:0:-5@1",
        ])
        .prop_map(str::to_owned),
        ".{0,40}",
    ]
}

/// Applies `params` to each playground's default scenario; whatever it yields reads back from
/// its own link as the same scenario.
fn every_playground(params: &[(String, String)]) {
    fn check<S: LinkParams + Clone + PartialEq + Default + std::fmt::Debug>(params: &[(String, String)]) {
        let base = S::default();
        let mut notices = Vec::new();
        let next = apply_params(base.clone(), params, &mut notices);
        let link: Vec<(String, String)> = next.link_params(&base).into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let mut again_notices = Vec::new();
        assert_eq!(apply_params(base, &link, &mut again_notices), next, "{link:?}");
        assert!(again_notices.is_empty(), "a link the page wrote is refused: {again_notices:?}");
    }
    check::<engine::sqs::SqsScenario>(params);
    check::<engine::sns::SnsScenario>(params);
    check::<engine::kinesis::KinesisScenario>(params);
    check::<engine::apigw::ApigwScenario>(params);
    check::<engine::vpc::VpcScenario>(params);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, rng_seed: proptest::test_runner::RngSeed::Fixed(18), ..ProptestConfig::default() })]

    #[test]
    fn any_query_is_read_without_a_panic(query in ".{0,300}") {
        let (link, notices) = parse(&query);
        prop_assert!(notices.len() <= query.len() + 1);
        every_playground(&link.params);
    }

    #[test]
    fn any_setting_of_any_playground_is_applied_or_refused(params in prop::collection::vec((arb_key(), arb_value()), 0..8)) {
        every_playground(&params);
    }
}
