//! A flow in a link: the edits that turn its preset into it (`edit=add sqs_queue buffer;…`).
//! A flow edits cannot rebuild (an imported file with its nodes in another order) has no
//! link of its own: the page says to share the file.

use engine::flow::FlowScenario;

use super::edit::{apply_all, check, diff, join, split};
use crate::share::{LinkParams, MAX_QUERY_BYTES};

impl LinkParams for FlowScenario {
    fn link_params(&self, base: &Self) -> Vec<(&'static str, String)> {
        match diff(base, self) {
            Some(edits) if !edits.is_empty() => vec![("edit", join(&edits))],
            _ => Vec::new(),
        }
    }

    fn param_rank(key: &str) -> Option<usize> {
        (key == "edit").then_some(0)
    }

    fn apply_param(&self, key: &str, value: &str) -> Result<Self, String> {
        if key != "edit" {
            return Err("not a setting of this playground (a changed flow travels as edit=…).".to_owned());
        }
        let next = apply_all(self, &split(value)?)?;
        check(&next).map_err(|e| format!("the edited flow would not run: {e}."))?;
        Ok(next)
    }
}

/// Why `flow` has no link of its own, if it has none: edits cannot rebuild it from `base`, or
/// they make a link longer than a link may be.
pub fn unlinkable(base: &FlowScenario, flow: &FlowScenario) -> Option<String> {
    match diff(base, flow) {
        None => Some("Links carry a flow as the changes made to its preset, and this one (an imported file) cannot be written that way: share it as a file (Export JSON).".to_owned()),
        Some(edits) => {
            let n = form_urlencoded::byte_serialize(join(&edits).as_bytes()).map(str::len).sum::<usize>();
            (n > MAX_QUERY_BYTES - 200).then(|| {
                format!("This flow's changes take {n} characters, more than a link carries ({MAX_QUERY_BYTES}): share it as a file (Export JSON).")
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenes::flow::presets::PRESETS;
    use crate::share::apply_params;

    #[test]
    fn a_changed_flow_round_trips_through_its_link() {
        let base = (PRESETS[0].scenario)();
        let edits = split(
            "add sqs_queue orders-dlq;con orders orders-dlq redrive;set process-order function.reserved_concurrency=20",
        )
        .expect("valid");
        let changed = apply_all(&base, &edits).expect("applies");
        let params: Vec<(String, String)> =
            changed.link_params(&base).into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        assert_eq!(params.len(), 1);
        let mut notices = Vec::new();
        assert_eq!(apply_params(base.clone(), &params, &mut notices), changed);
        assert!(notices.is_empty(), "{notices:?}");
        assert!(unlinkable(&base, &changed).is_none());
    }

    #[test]
    fn a_link_whose_edits_break_the_flow_is_explained_and_ignored() {
        let base = (PRESETS[0].scenario)();
        let mut notices = Vec::new();
        let params = vec![("edit".to_owned(), "del orders".to_owned())];
        assert_eq!(apply_params(base.clone(), &params, &mut notices), base);
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert!(notices[0].contains("gets nothing"), "{notices:?}");
    }

    #[test]
    fn a_flow_in_another_order_is_shared_as_a_file() {
        let base = (PRESETS[0].scenario)();
        let mut turned = base.clone();
        turned.nodes.reverse();
        assert!(unlinkable(&base, &turned).is_some_and(|why| why.contains("file")));
    }
}
