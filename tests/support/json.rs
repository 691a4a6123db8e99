//! Reading feedctl's `--json` reports in tests: the parsed stdout (with both streams shown
//! when it is not JSON) and `doctor`'s checks by id.

use std::process::Output;

use serde_json::Value;

/// stdout parsed as JSON; panics showing stdout and stderr if it is not.
pub fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The first check with this `id` in a `doctor --json` report; panics showing the report.
pub fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
    checks(report)
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no {id} check: {report:#}"))
}

/// Every check of a `doctor --json` report, in order.
pub fn checks(report: &Value) -> &[Value] {
    report["checks"]
        .as_array()
        .unwrap_or_else(|| panic!("no checks: {report:#}"))
}

/// The keys of a JSON object, in the order serde_json keeps them (sorted).
pub fn keys(object: &Value) -> Vec<&str> {
    object
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {object}"))
        .keys()
        .map(String::as_str)
        .collect()
}
