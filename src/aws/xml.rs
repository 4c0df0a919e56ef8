//! A small element tree over quick-xml, enough for AWS responses.
//!
//! AWS documents are small (a ListObjectsV2 page is at most a few hundred KiB), so
//! parsing into a tree and walking it keeps every client's parsing code short; listing
//! pages are read entry by entry ([`parse_children`]), so that a page costs little more
//! than its bytes. Names
//! are local names (namespace prefixes dropped); text has entities and character
//! references resolved, and `&#13;` stays a carriage return (S3 keys may hold one).

use quick_xml::Reader;
use quick_xml::events::Event;

/// The S3 XML namespace botocore puts on every request document.
pub const S3_XMLNS: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

/// One element: its local name, its own text, its child elements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    /// Attributes by local name (`xsi:type` is `type`), values unescaped.
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    /// The first child with this name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child with this name, in document order.
    pub fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The value of an attribute, by local name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The text of the first child with this name.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }

    /// Follow a path of child names: `root.path(&["Credentials", "AccessKeyId"])`.
    pub fn path(&self, names: &[&str]) -> Option<&Element> {
        names.iter().try_fold(self, |el, name| el.child(name))
    }

    /// Text at a path of child names.
    pub fn path_text(&self, names: &[&str]) -> Option<&str> {
        self.path(names).map(|e| e.text.as_str())
    }

    // Typed members, read as botocore reads them; `None` when the member is absent,
    // since botocore's parser leaves absent members out whatever the model requires.

    /// A string member (timestamps too: kept as sent, [`Members::time`] prints them).
    pub fn string(&self, name: &str) -> Option<String> {
        self.text_of(name).map(str::to_string)
    }

    /// A boolean member: `true` in any case is true, anything else false.
    pub fn boolean(&self, name: &str) -> Option<bool> {
        self.text_of(name)
            .map(|t| t.trim().eq_ignore_ascii_case("true"))
    }

    /// An integer member. One that is not a number (never seen from a server; botocore
    /// would raise) is left out.
    pub fn integer(&self, name: &str) -> Option<i64> {
        self.text_of(name).and_then(|t| t.trim().parse().ok())
    }

    /// An IAM policy document member, decoded (see [`decode_policy`]).
    pub fn policy(&self, name: &str) -> Option<serde_json::Value> {
        self.text_of(name).map(decode_policy)
    }

    /// A structure member converted by `parse`.
    pub fn structure<T>(&self, name: &str, parse: impl Fn(&Element) -> T) -> Option<T> {
        self.child(name).map(parse)
    }

    /// A wrapped list member (`<Name><item/>...</Name>`), each item converted by `parse`;
    /// present and empty when the wrapper is there without items, as botocore has it.
    pub fn list<T>(&self, name: &str, item: &str, parse: impl Fn(&Element) -> T) -> Option<Vec<T>> {
        self.child(name)
            .map(|list| list.children(item).map(&parse).collect())
    }

    /// A flattened list member (the item element repeats in this one); absent when
    /// there are no items, as botocore has it.
    pub fn flat_list<T>(&self, item: &str, parse: impl Fn(&Element) -> T) -> Option<Vec<T>> {
        let items: Vec<T> = self.children(item).map(parse).collect();
        (!items.is_empty()).then_some(items)
    }
}

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError(pub String);

impl std::fmt::Display for XmlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "malformed XML: {}", self.0)
    }
}

impl std::error::Error for XmlError {}

fn local(name: &str) -> String {
    match name.rfind(':') {
        Some(i) => name[i + 1..].to_string(),
        None => name.to_string(),
    }
}

fn entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => return None,
    })
}

/// How deep elements may nest. AWS documents nest a handful of levels; the tree is
/// dropped, cloned and compared recursively, so a hostile or broken server sending
/// millions of nested elements would otherwise overflow the stack.
const MAX_DEPTH: usize = 100;

/// Parse a whole document and return its root element.
pub fn parse(bytes: &[u8]) -> Result<Element, XmlError> {
    build(bytes, None)
}

/// Parse a document whose root holds a long run of children (a listing page), handing
/// each child of the root to `each` as soon as it is complete instead of keeping it:
/// only one child's tree exists at a time. Returns the root without those children
/// (its name, attributes and own text).
pub fn parse_children(
    bytes: &[u8],
    mut each: impl FnMut(Element) -> Result<(), XmlError>,
) -> Result<Element, XmlError> {
    build(bytes, Some(&mut each))
}

type Emit<'e> = &'e mut dyn FnMut(Element) -> Result<(), XmlError>;

fn build(bytes: &[u8], mut emit: Option<Emit<'_>>) -> Result<Element, XmlError> {
    let text = std::str::from_utf8(bytes).map_err(|_| XmlError("not UTF-8".into()))?;
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let event = reader.read_event().map_err(|e| XmlError(e.to_string()))?;
        match event {
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(XmlError(format!("elements nested deeper than {MAX_DEPTH}")));
                }
                stack.push(element(&start)?);
            }
            Event::Empty(start) => {
                let el = element(&start)?;
                finish(&mut stack, &mut root, el, &mut emit)?;
            }
            Event::End(_) => {
                let el = stack
                    .pop()
                    .ok_or_else(|| XmlError("unbalanced end tag".into()))?;
                finish(&mut stack, &mut root, el, &mut emit)?;
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(c) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&c.into_inner());
                }
            }
            Event::GeneralRef(r) => {
                let ch = match r.resolve_char_ref() {
                    Ok(Some(ch)) => ch,
                    Ok(None) => {
                        let name: &str = r.as_ref();
                        entity(name).ok_or_else(|| XmlError(format!("unknown entity &{name};")))?
                    }
                    Err(e) => return Err(XmlError(e.to_string())),
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push(ch);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(XmlError("document ended inside an element".into()));
    }
    root.ok_or_else(|| XmlError("empty document".into()))
}

fn element(start: &quick_xml::events::BytesStart<'_>) -> Result<Element, XmlError> {
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| XmlError(e.to_string()))?;
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| XmlError(e.to_string()))?
            .into_owned();
        attrs.push((local(attr.key.as_ref()), value));
    }
    Ok(Element {
        name: local(start.name().as_ref()),
        attrs,
        ..Element::default()
    })
}

/// A complete element goes to `emit` when it is a child of the root and the caller
/// streams, into its parent otherwise.
fn finish(
    stack: &mut [Element],
    root: &mut Option<Element>,
    el: Element,
    emit: &mut Option<Emit<'_>>,
) -> Result<(), XmlError> {
    match emit {
        Some(each) if stack.len() == 1 => each(el),
        _ => attach(stack, root, el),
    }
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, el: Element) -> Result<(), XmlError> {
    match stack.last_mut() {
        Some(parent) => {
            parent.children.push(el);
            Ok(())
        }
        None if root.is_none() => {
            *root = Some(el);
            Ok(())
        }
        None => Err(XmlError("more than one root element".into())),
    }
}

/// Escape text for an XML request body.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Line ends and tabs would be normalised away by the server's parser.
            '\r' => out.push_str("&#13;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_entities_and_keeps_char_refs() {
        let doc = br#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Contents><Key>a &amp; b &lt;c&gt; caf&#233; line&#13;end &#x1F600;</Key></Contents></ListBucketResult>"#;
        let root = parse(doc).unwrap();
        assert_eq!(root.name, "ListBucketResult");
        assert_eq!(
            root.path_text(&["Contents", "Key"]),
            Some("a & b <c> café line\rend 😀")
        );
    }

    #[test]
    fn empty_elements_and_namespaces() {
        let root = parse(b"<a:Root xmlns:a='x'><a:Empty/><B>1</B><B>2</B></a:Root>").unwrap();
        assert_eq!(root.name, "Root");
        assert_eq!(root.text_of("Empty"), Some(""));
        let bs: Vec<&str> = root.children("B").map(|b| b.text.as_str()).collect();
        assert_eq!(bs, ["1", "2"]);
    }

    #[test]
    fn malformed_documents_are_errors() {
        assert!(parse(b"").is_err());
        assert!(parse(b"<a><b></a>").is_err());
        assert!(parse(b"<a>").is_err());
        assert!(parse(b"<a>&bogus;</a>").is_err());
        assert!(parse(&[0xff, 0xfe]).is_err());
        assert!(parse(b"<a/><b/>").is_err());
    }

    #[test]
    fn escape_round_trips() {
        let s = "k&<>\"'\r\n\tz";
        let doc = format!("<K>{}</K>", escape(s));
        assert_eq!(parse(doc.as_bytes()).unwrap().text, s);
    }
}

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

/// IAM returns policy documents URL-encoded; decode and parse them, keeping the
/// text as a string when it is not JSON (as botocore does).
pub fn decode_policy(text: &str) -> serde_json::Value {
    let decoded = percent_decode(text);
    serde_json::from_str(&decoded).unwrap_or(serde_json::Value::String(decoded))
}

/// `urllib.parse.unquote`: %XX sequences decoded as UTF-8, everything else kept
/// (a `+` stays a `+`).
pub fn percent_decode(text: &str) -> String {
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

#[cfg(test)]
mod shape_tests {
    use super::*;

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
    fn attributes_by_local_name() {
        let el = parse(br#"<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>abc</ID></Grantee>"#).unwrap();
        assert_eq!(el.attr("type"), Some("CanonicalUser"));
        // Names are local: the prefixed name is not looked up.
        assert_eq!(el.attr("xsi:type"), None);
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

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b%2"), "a b%2");
        assert_eq!(percent_decode("%E2%9C%93%zz"), "✓%zz");
        assert_eq!(
            decode_policy("not json"),
            serde_json::Value::String("not json".into())
        );
    }

    #[test]
    fn nesting_is_bounded() {
        // A million nested elements would overflow the stack when the tree is dropped.
        let depth = 1_000_000;
        let doc = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
        let err = parse(doc.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("nested deeper"), "{err}");
        let ok = format!("{}{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
        assert!(parse(ok.as_bytes()).is_ok());
    }
}
