//! Native checks of the playground list.

use super::*;

#[test]
fn slugs_are_unique_route_segments() {
    for (idx, playground) in PLAYGROUNDS.iter().enumerate() {
        assert!(playground.slug.bytes().all(|b| b.is_ascii_lowercase()), "{}", playground.slug);
        assert!(PLAYGROUNDS[idx + 1..].iter().all(|other| other.slug != playground.slug));
        assert_eq!(find(playground.slug).map(|p| p.name), Some(playground.name));
    }
    assert!(find("s3").is_none());
}

#[test]
fn every_playground_makes_a_promise() {
    for playground in &PLAYGROUNDS {
        assert!(playground.promise.ends_with('.'), "{}", playground.slug);
        assert!(!playground.will_show.is_empty(), "{}", playground.slug);
    }
}

#[test]
fn every_scene_finds_its_playground_by_its_service_name() {
    for service in ["SQS", "SNS", "Kinesis", "API Gateway", "VPC", "Flows"] {
        let found = by_label(service).map(|p| p.embed_height);
        assert!(found.is_some_and(|h| h >= 600), "{service}: {found:?}");
    }
}
