//! Response shapes declared once. [`shape!`](crate::aws::shape) writes a struct whose
//! fields are botocore's members in botocore's order; from that one declaration come
//! both its reading from the response XML ([`FromXml`]) and the JSON the commands print
//! (serde's `Serialize`: struct field order is member order, absent members are left
//! out, timestamps print as Python's `str(datetime)`).
//!
//! Reading goes through the small element tree of `xml.rs` rather than quick-xml's
//! serde deserializer: measured on the glibc release binary, one quick-xml-deserialized
//! type cost 51,848 B, `derive(Serialize)` alone 3,136 B, against a 60 KB budget for the
//! whole redesign (the static musl build must stay under 2.5 MiB).
//!
//! Member values are read as botocore reads them: a boolean is `true` in any case, an
//! integer that is not a number is left out, a policy document is URL-decoded JSON.

use super::xml::Element;

/// A value read from an element; `None` leaves the member out (botocore's parser leaves
/// out what it cannot read, whatever the model requires).
pub(crate) trait FromXml: Sized {
    fn from_xml(el: &Element) -> Option<Self>;
}

impl FromXml for String {
    fn from_xml(el: &Element) -> Option<Self> {
        Some(el.text.clone())
    }
}

impl FromXml for bool {
    /// `true` in any case is true, anything else false.
    fn from_xml(el: &Element) -> Option<Self> {
        Some(read_bool(&el.text))
    }
}

impl FromXml for i64 {
    /// A number that is not one (never seen from a server; botocore would raise) is
    /// left out.
    fn from_xml(el: &Element) -> Option<Self> {
        read_int(&el.text)
    }
}

/// botocore's boolean: `true` in any case.
pub(crate) fn read_bool(text: &str) -> bool {
    text.trim().eq_ignore_ascii_case("true")
}

/// botocore's integer, surrounding blanks allowed.
pub(crate) fn read_int(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

/// Is a member absent, and so left out of the JSON? Options are absent when `None`;
/// structures that are always there (a payload member) never are.
pub(crate) trait Absent {
    fn absent(&self) -> bool;
}

impl<T> Absent for Option<T> {
    fn absent(&self) -> bool {
        self.is_none()
    }
}

/// A timestamp member: kept as sent, printed as Python prints a UTC datetime
/// (`2026-11-28 22:57:20.370918+00:00`); text that is no timestamp prints as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Timestamp(pub(crate) String);

impl FromXml for Timestamp {
    fn from_xml(el: &Element) -> Option<Self> {
        Some(Timestamp(el.text.clone()))
    }
}

impl Timestamp {
    /// The Python form of the timestamp (what the JSON holds).
    pub(crate) fn python(&self) -> String {
        match crate::output::parse_aws_timestamp(&self.0) {
            Some(t) => crate::output::py_datetime(t),
            None => self.0.clone(),
        }
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.python())
    }
}

/// An IAM policy document member: URL-encoded JSON, decoded and parsed as botocore's
/// `json_decode_policies` handler does; text that is not JSON stays a string.
// IAM's responses use it once they move onto `shape!` (S3 has no policy members).
#[allow(dead_code)]
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub(crate) struct PolicyDocument(pub(crate) serde_json::Value);

impl FromXml for PolicyDocument {
    fn from_xml(el: &Element) -> Option<Self> {
        Some(PolicyDocument(decode_policy(&el.text)))
    }
}

/// IAM returns policy documents URL-encoded; decode and parse them, keeping the text as
/// a string when it is not JSON (as botocore does).
pub(crate) fn decode_policy(text: &str) -> serde_json::Value {
    let decoded = percent_decode(text);
    serde_json::from_str(&decoded).unwrap_or(serde_json::Value::String(decoded))
}

/// `urllib.parse.unquote`: %XX sequences decoded as UTF-8, everything else kept (a `+`
/// stays a `+`).
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex_val(bytes[i + 1]), hex_val(bytes[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_val(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// How a member is found in its parent element (the `read` of a [`shape!`] field).
pub(crate) mod read {
    use super::{Element, FromXml};

    /// The child element of this name.
    pub(crate) fn member<T: FromXml>(el: &Element, name: &str) -> Option<T> {
        el.child(name).and_then(T::from_xml)
    }

    /// A wrapped list (`<Name><item/>...</Name>`): present and empty when the wrapper is
    /// there without items, as botocore has it.
    pub(crate) fn list<T: FromXml>(el: &Element, name: &str, item: &str) -> Option<Vec<T>> {
        el.child(name)
            .map(|list| list.children(item).filter_map(T::from_xml).collect())
    }

    /// A flattened list (the item element repeats in the parent): absent when there are
    /// no items, as botocore has it.
    pub(crate) fn flat<T: FromXml>(el: &Element, item: &str) -> Option<Vec<T>> {
        let items: Vec<T> = el.children(item).filter_map(T::from_xml).collect();
        (!items.is_empty()).then_some(items)
    }

    /// An attribute, by local name (`xsi:type` is `type`).
    pub(crate) fn attr(el: &Element, name: &str) -> Option<String> {
        el.attr(name).map(str::to_string)
    }

    /// The element itself (an output whose one member is the whole document, botocore's
    /// `payload`): there even when the document is empty.
    pub(crate) fn whole<T: FromXml + Default>(el: &Element) -> T {
        T::from_xml(el).unwrap_or_default()
    }
}

/// Declare a response shape once:
///
/// ```ignore
/// shape! {
///     /// botocore's Owner.
///     pub(crate) struct Owner {
///         display_name: Option<String> = "DisplayName" <- member("DisplayName"),
///         id: Option<String> = "ID" <- member("ID"),
///     }
/// }
/// ```
///
/// Each field: its type, its JSON name (botocore's member name) and how it is read from
/// the element ([`read`]'s functions, with their names). The struct derives `Serialize`
/// (fields in order, absent ones skipped) and gets a [`FromXml`].
macro_rules! shape {
    ($(#[$meta:meta])* $vis:vis struct $name:ident {
        $($(#[$fmeta:meta])* $field:ident : $ty:ty = $json:literal <- $how:ident ( $($arg:literal),* )),* $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
        $vis struct $name {
            $(
                $(#[$fmeta])*
                #[serde(rename = $json, skip_serializing_if = "crate::aws::shape::Absent::absent")]
                pub(crate) $field: $ty,
            )*
        }

        impl crate::aws::shape::FromXml for $name {
            fn from_xml(el: &crate::aws::xml::Element) -> Option<Self> {
                Some($name {
                    $($field: crate::aws::shape::read::$how(el $(, $arg)*),)*
                })
            }
        }

        impl crate::aws::shape::Absent for $name {
            fn absent(&self) -> bool {
                false
            }
        }
    };
}
pub(crate) use shape;

/// A shape as botocore's JSON value (for outputs printed whole or merged).
pub(crate) fn to_value(shape: &impl serde::Serialize) -> serde_json::Value {
    // Serializing plain structs of strings, numbers and JSON values cannot fail.
    serde_json::to_value(shape).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::xml::parse;
    use crate::output::dumps;

    shape! {
        struct Tag {
            key: Option<String> = "Key" <- member("Key"),
            value: Option<String> = "Value" <- member("Value"),
        }
    }

    shape! {
        struct Thing {
            name: Option<String> = "Name" <- member("Name"),
            size: Option<i64> = "Size" <- member("Size"),
            on: Option<bool> = "On" <- member("On"),
            when: Option<Timestamp> = "When" <- member("When"),
            doc: Option<PolicyDocument> = "Doc" <- member("Doc"),
            kind: Option<String> = "Type" <- attr("type"),
            tags: Option<Vec<Tag>> = "Tags" <- list("Tags", "member"),
            alg: Option<Vec<String>> = "Alg" <- flat("Alg"),
            missing: Option<String> = "Missing" <- member("Missing"),
        }
    }

    #[test]
    fn members_in_declared_order_absent_ones_skipped() {
        let el = parse(
            b"<T xmlns:xsi='x' xsi:type='Odd'><Alg>CRC32</Alg><When>2026-11-28T22:57:20.370918Z</When>\
              <Size> 12 </Size><Name>n</Name><On>TRUE</On>\
              <Doc>%7B%22b%22%3A1%2C%22a%22%3A%22x+y%22%7D</Doc>\
              <Tags><member><Value>v</Value><Key>k</Key></member></Tags><Alg>SHA1</Alg></T>",
        )
        .unwrap();
        let thing = Thing::from_xml(&el).unwrap();
        assert_eq!(thing.size, Some(12));
        assert_eq!(
            dumps(&to_value(&thing), None),
            r#"{"Name": "n", "Size": 12, "On": true, "When": "2026-11-28 22:57:20.370918+00:00", "Doc": {"b": 1, "a": "x+y"}, "Type": "Odd", "Tags": [{"Key": "k", "Value": "v"}], "Alg": ["CRC32", "SHA1"]}"#
        );
    }

    #[test]
    fn values_read_as_botocore_reads_them() {
        let el =
            parse(b"<T><Size>twelve</Size><On>yes</On><When>yesterday</When><Tags/></T>").unwrap();
        let thing = Thing::from_xml(&el).unwrap();
        assert_eq!(thing.size, None, "a number that is not one is left out");
        assert_eq!(thing.on, Some(false));
        // An empty wrapped list is there and empty; an absent flat list is absent.
        assert_eq!(thing.tags, Some(vec![]));
        assert_eq!(thing.alg, None);
        assert_eq!(
            dumps(&to_value(&thing), None),
            r#"{"On": false, "When": "yesterday", "Tags": []}"#
        );
        assert_eq!(
            dumps(&to_value(&Thing::default()), None),
            "{}",
            "nothing read, nothing printed"
        );
    }

    #[test]
    fn timestamps_print_as_python_does() {
        let t = |s: &str| Timestamp(s.into()).python();
        assert_eq!(t("2026-11-28T22:57:20Z"), "2026-11-28 22:57:20+00:00");
        assert_eq!(
            t("2026-11-28T22:57:20.370Z"),
            "2026-11-28 22:57:20.370000+00:00"
        );
        assert_eq!(t("not a time"), "not a time");
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b%2"), "a b%2");
        assert_eq!(percent_decode("%E2%9C%93%zz"), "✓%zz");
        assert_eq!(
            decode_policy("not json"),
            serde_json::Value::String("not json".into())
        );
        assert_eq!(
            decode_policy("%7B%22a%22%3A1%7D"),
            serde_json::json!({"a": 1})
        );
    }
}
