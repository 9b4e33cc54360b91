//! Operations of a link or file that AWS would refuse (a VPC operation, a Kinesis resharding):
//! the run skips them and this notice lists each with AWS's reason, so nothing invalid is taken
//! in silence.

use leptos::prelude::*;

/// The refused operations, one line each; nothing is shown while there are none.
#[component]
pub fn RefusedNotice(
    /// One line per refused operation: what it was and AWS's error.
    #[prop(into)]
    lines: Signal<Vec<String>>,
    /// `data-testid` of the notice.
    test_id: &'static str,
) -> impl IntoView {
    view! {
        <div class="link-notice" role="status" data-testid=test_id hidden=move || lines.with(Vec::is_empty)>
            <p><strong>"These operations were refused, as AWS would refuse them, and skipped:"</strong></p>
            <ul>{move || lines.get().into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
        </div>
    }
}
