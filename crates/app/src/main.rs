//! Entry point: installs the panic panel hook, then mounts the app on `<body>`.

fn main() {
    // The hook goes first so that a panic while mounting still shows the panel.
    app::install_panic_hook();
    // The page's static first paint (web/page.html) goes in the same task as the mount, so the
    // reader never sees an empty page between the two.
    if let Some(first_paint) = leptos::prelude::document().get_element_by_id("first-paint") {
        first_paint.remove();
    }
    leptos::mount::mount_to_body(app::App);
}
