//! The before/after table the engine suites (distros, podman, lxc) print: one cell per
//! flavour, init and action, recorded as each scenario measures it.

use core::fmt::Write as _;
use core::time::Duration;
use std::sync::Mutex;

use crate::distros::{Flavour, Init};

struct Row {
    flavour: Flavour,
    init: Init,
    action: &'static str,
    cell: String,
}

static ROWS: Mutex<Vec<Row>> = Mutex::new(Vec::new());

/// Records one measurement for the table and prints it at once.
pub fn record(flavour: Flavour, init: Init, action: &'static str, cell: String) {
    eprintln!(
        "distro-time: {:<7} {:<6} {action:<44} {cell}",
        flavour.name(),
        init.name()
    );
    ROWS.lock().unwrap_or_else(|e| e.into_inner()).push(Row {
        flavour,
        init,
        action,
        cell,
    });
}

/// `1.3 s`
pub fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// The table in Markdown, actions in `order`.
pub fn render(order: &[&str]) -> String {
    let rows = ROWS.lock().unwrap_or_else(|e| e.into_inner());
    let mut out = String::new();
    for flavour in Flavour::ALL {
        if !rows.iter().any(|r| r.flavour == flavour) {
            continue;
        }
        let _ = writeln!(out, "\n{}\n", flavour.title());
        let _ = writeln!(out, "| | stock sysvinit 3.06 | vinit |");
        let _ = writeln!(out, "|---|---|---|");
        for action in order {
            let cell = |init| {
                rows.iter()
                    .find(|r| r.flavour == flavour && r.init == init && r.action == *action)
                    .map_or("—", |r| r.cell.as_str())
                    .to_owned()
            };
            let (stock, vinit) = (cell(Init::Stock), cell(Init::Vinit));
            if stock != "—" || vinit != "—" {
                let _ = writeln!(out, "| {action} | {stock} | {vinit} |");
            }
        }
    }
    out
}
