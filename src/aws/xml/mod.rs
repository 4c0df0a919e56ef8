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

mod write;

pub(crate) use crate::aws::shape::decode_policy;
pub(crate) use write::Writer;

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

    /// A string member.
    pub fn string(&self, name: &str) -> Option<String> {
        self.text_of(name).map(str::to_string)
    }

    /// A boolean member, read as botocore reads it ([`crate::aws::shape::read_bool`]).
    pub fn boolean(&self, name: &str) -> Option<bool> {
        self.text_of(name).map(crate::aws::shape::read_bool)
    }

    /// An integer member ([`crate::aws::shape::read_int`]): one that is not a number is
    /// left out.
    pub fn integer(&self, name: &str) -> Option<i64> {
        self.text_of(name).and_then(crate::aws::shape::read_int)
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
pub(crate) struct XmlError(pub String);

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
pub(crate) fn parse(bytes: &[u8]) -> Result<Element, XmlError> {
    build(bytes, None)
}

/// Parse a document whose root holds a long run of children (a listing page), handing
/// each child of the root to `each` as soon as it is complete instead of keeping it:
/// only one child's tree exists at a time. Returns the root without those children
/// (its name, attributes and own text).
pub(crate) fn parse_children(
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
    fn nesting_is_bounded() {
        // A million nested elements would overflow the stack when the tree is dropped.
        let depth = 1_000_000;
        let doc = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
        let err = parse(doc.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("nested deeper"), "{err}");
        let ok = format!("{}{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
        assert!(parse(ok.as_bytes()).is_ok());
    }

    #[test]
    fn attributes_by_local_name() {
        let el = parse(br#"<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>abc</ID></Grantee>"#).unwrap();
        assert_eq!(el.attr("type"), Some("CanonicalUser"));
        // Names are local: the prefixed name is not looked up.
        assert_eq!(el.attr("xsi:type"), None);
    }
}
