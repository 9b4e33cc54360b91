//! Entry point: installs the panic panel hook, then mounts the app on `<body>`.

fn main() {
    // The hook goes first so that a panic while mounting still shows the panel.
    app::install_panic_hook();
    leptos::mount::mount_to_body(app::App);
}
