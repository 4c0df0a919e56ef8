//! A small element tree over quick-xml, enough for AWS responses.
//!
//! AWS documents are small (a ListObjectsV2 page is at most a few hundred KiB), so
//! parsing into a tree and walking it keeps every client's parsing code short. Names
//! are local names (namespace prefixes dropped); text has entities and character
//! references resolved, and `&#13;` stays a carriage return (S3 keys may hold one).

use quick_xml::Reader;
use quick_xml::events::Event;

/// One element: its local name, its own text, its child elements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    pub name: String,
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
}

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError(pub String);

impl std::fmt::Display for XmlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "malformed XML: {}", self.0)
    }
}

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

/// Parse a whole document and return its root element.
pub fn parse(bytes: &[u8]) -> Result<Element, XmlError> {
    let text = std::str::from_utf8(bytes).map_err(|_| XmlError("not UTF-8".into()))?;
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let event = reader.read_event().map_err(|e| XmlError(e.to_string()))?;
        match event {
            Event::Start(start) => stack.push(Element {
                name: local(start.name().as_ref()),
                ..Element::default()
            }),
            Event::Empty(start) => {
                let el = Element {
                    name: local(start.name().as_ref()),
                    ..Element::default()
                };
                attach(&mut stack, &mut root, el)?;
            }
            Event::End(_) => {
                let el = stack
                    .pop()
                    .ok_or_else(|| XmlError("unbalanced end tag".into()))?;
                attach(&mut stack, &mut root, el)?;
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
