//! The member tables and builders IAM's and STS's parsers still use (`Field`/`Kind`,
//! `Members`). S3's responses are declared once with `shape!` (aws/shape.rs); these go
//! once the query-protocol clients move onto it too.

use super::{Element, decode_policy};

/// How one member of a response structure becomes JSON, as botocore parses it.
/// These tables sit next to each client's parsers and list members in the order
/// of botocore's output shape, which is the order the original prints them in.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Str,
    Int,
    Bool,
    /// A timestamp, printed as Python prints a UTC datetime.
    Time,
    /// An IAM policy document: URL-encoded JSON, decoded and parsed (botocore's
    /// `json_decode_policies` handler does the same).
    Policy,
    Struct(&'static [Field]),
    /// A wrapped list: `<Name><item>..</item><item>..</item></Name>`.
    List(&'static str, &'static Kind),
    /// A flattened list: the member element itself repeats in its parent.
    Flat(&'static Kind),
}

/// A member name and how to convert it.
#[derive(Debug, Clone, Copy)]
pub struct Field(pub &'static str, pub Kind);

/// Convert a structure element using a member table; members absent from the
/// document are absent from the result.
pub fn to_json(el: &Element, fields: &[Field]) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for Field(name, kind) in fields {
        if let Kind::Flat(item) = kind {
            let items: Vec<serde_json::Value> = el.children(name).map(|c| value(c, item)).collect();
            if !items.is_empty() {
                map.insert((*name).to_string(), serde_json::Value::Array(items));
            }
        } else if let Some(child) = el.child(name) {
            map.insert((*name).to_string(), value(child, kind));
        }
    }
    serde_json::Value::Object(map)
}

fn value(el: &Element, kind: &Kind) -> serde_json::Value {
    use serde_json::Value;
    match kind {
        Kind::Str => Value::String(el.text.clone()),
        Kind::Int => el
            .text
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(el.text.clone())),
        Kind::Bool => Value::Bool(el.text.trim().eq_ignore_ascii_case("true")),
        Kind::Time => time_json(&el.text),
        Kind::Policy => decode_policy(&el.text),
        Kind::Struct(fields) => to_json(el, fields),
        Kind::List(item_name, item) => {
            Value::Array(el.children(item_name).map(|c| value(c, item)).collect())
        }
        Kind::Flat(item) => value(el, item),
    }
}

/// A timestamp as botocore's parser and Python's `str(datetime)` print it; text that
/// is no timestamp stays as it is.
fn time_json(text: &str) -> serde_json::Value {
    serde_json::Value::String(match crate::output::parse_aws_timestamp(text) {
        Some(t) => crate::output::py_datetime(t),
        None => text.to_string(),
    })
}

/// A typed response written back as the JSON botocore returns: each `to_json` adds
/// its members in the order of botocore's output shape, and an absent member
/// (`None`) is left out, as botocore leaves it out.
#[derive(Debug, Default)]
pub struct Members(serde_json::Map<String, serde_json::Value>);

impl Members {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn str(self, name: &str, value: &Option<String>) -> Self {
        self.value(name, value.clone().map(serde_json::Value::String))
    }

    pub fn bool(self, name: &str, value: Option<bool>) -> Self {
        self.value(name, value.map(serde_json::Value::Bool))
    }

    pub fn int(self, name: &str, value: Option<i64>) -> Self {
        self.value(name, value.map(serde_json::Value::from))
    }

    /// A timestamp kept as sent, printed as `str(datetime)`.
    pub fn time(self, name: &str, value: &Option<String>) -> Self {
        self.value(name, value.as_deref().map(time_json))
    }

    /// A list, each item converted by `item`.
    pub fn list<T>(
        self,
        name: &str,
        value: &Option<Vec<T>>,
        item: impl Fn(&T) -> serde_json::Value,
    ) -> Self {
        self.value(
            name,
            value.as_ref().map(|items| items.iter().map(item).collect()),
        )
    }

    /// Any other member already in JSON (a structure, a policy document).
    pub fn value(mut self, name: &str, value: Option<serde_json::Value>) -> Self {
        if let Some(v) = value {
            self.0.insert(name.to_string(), v);
        }
        self
    }

    pub fn into_map(self) -> serde_json::Map<String, serde_json::Value> {
        self.0
    }

    pub fn done(self) -> serde_json::Value {
        serde_json::Value::Object(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::xml::parse;

    const TAG: &[Field] = &[Field("Key", Kind::Str), Field("Value", Kind::Str)];
    const THING: &[Field] = &[
        Field("Name", Kind::Str),
        Field("Size", Kind::Int),
        Field("On", Kind::Bool),
        Field("When", Kind::Time),
        Field("Doc", Kind::Policy),
        Field("Tags", Kind::List("member", &Kind::Struct(TAG))),
        Field("Alg", Kind::Flat(&Kind::Str)),
        Field("Missing", Kind::Str),
    ];

    #[test]
    fn members_in_table_order_absent_ones_skipped() {
        let el = parse(
            b"<T><Alg>CRC32</Alg><When>2026-11-28T22:57:20.370918Z</When><Size>12</Size><Name>n</Name>\
              <On>true</On><Doc>%7B%22b%22%3A1%2C%22a%22%3A%22x+y%22%7D</Doc>\
              <Tags><member><Value>v</Value><Key>k</Key></member></Tags><Alg>SHA1</Alg></T>",
        )
        .unwrap();
        let json = to_json(&el, THING);
        assert_eq!(
            crate::output::dumps(&json, None),
            r#"{"Name": "n", "Size": 12, "On": true, "When": "2026-11-28 22:57:20.370918+00:00", "Doc": {"b": 1, "a": "x+y"}, "Tags": [{"Key": "k", "Value": "v"}], "Alg": ["CRC32", "SHA1"]}"#
        );
    }

    #[test]
    fn typed_members_read_as_botocore_does() {
        let el = parse(
            b"<T><S>x</S><B>TRUE</B><F>no</F><I> 12 </I><Bad>twelve</Bad>\
              <Doc>%7B%22a%22%3A1%7D</Doc><L><member>1</member><member>2</member></L><E/>\
              <R>a</R><R>b</R></T>",
        )
        .unwrap();
        assert_eq!(el.string("S").as_deref(), Some("x"));
        assert_eq!(el.string("Missing"), None);
        assert_eq!(
            (el.boolean("B"), el.boolean("F")),
            (Some(true), Some(false))
        );
        assert_eq!((el.integer("I"), el.integer("Bad")), (Some(12), None));
        assert_eq!(el.policy("Doc"), Some(serde_json::json!({"a": 1})));
        let text = |e: &Element| e.text.clone();
        assert_eq!(
            el.list("L", "member", text),
            Some(vec!["1".into(), "2".into()])
        );
        assert_eq!(el.list("E", "member", text), Some(vec![]));
        assert_eq!(el.list("Missing", "member", text), None);
        assert_eq!(el.flat_list("R", text), Some(vec!["a".into(), "b".into()]));
        assert_eq!(el.flat_list("Missing", text), None);
    }

    #[test]
    fn members_in_the_order_written_absent_ones_left_out() {
        let json = Members::new()
            .time("When", &Some("2026-11-28T22:57:20Z".into()))
            .str("Gone", &None)
            .time("Odd", &Some("yesterday".into()))
            .int("N", Some(3))
            .bool("B", None)
            .list("L", &Some(vec![1, 2]), |n| serde_json::Value::from(*n))
            .done();
        assert_eq!(
            crate::output::dumps(&json, None),
            r#"{"When": "2026-11-28 22:57:20+00:00", "Odd": "yesterday", "N": 3, "L": [1, 2]}"#
        );
    }
}
