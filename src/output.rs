//! TEMPORARY stand-in until the output branch lands (same signatures).
use serde_json::Value;
pub fn dumps(value: &Value, indent: Option<usize>) -> String {
    match indent {
        Some(_) => serde_json::to_string_pretty(value).unwrap_or_default(),
        None => serde_json::to_string(value).unwrap_or_default(),
    }
}
pub fn py_repr(value: &Value) -> String {
    match value {
        Value::String(s) => format!("'{s}'"),
        other => other.to_string(),
    }
}
