//! Writing XML request documents: one [`Writer`] escapes every text once, so request
//! bodies are declared element by element instead of assembled as strings.

/// The S3 XML namespace botocore puts on every request document.
pub(crate) const S3_XMLNS: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

/// An XML document being written: its root carries the S3 namespace; elements are
/// opened, filled and closed in order.
#[derive(Debug)]
pub(crate) struct Writer {
    out: String,
    open: Vec<&'static str>,
}

impl Writer {
    /// A document whose root is `root` (`<root xmlns="...">`).
    pub(crate) fn new(root: &'static str) -> Self {
        Self::start(String::new(), root)
    }

    /// The same, after an `<?xml version="1.0" encoding="UTF-8"?>` declaration.
    pub(crate) fn with_declaration(root: &'static str) -> Self {
        Self::start(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>".to_string(),
            root,
        )
    }

    fn start(mut out: String, root: &'static str) -> Self {
        out.push_str(&format!("<{root} xmlns=\"{S3_XMLNS}\">"));
        Writer {
            out,
            open: vec![root],
        }
    }

    /// Open an element; [`Writer::close`] ends it.
    pub(crate) fn open(&mut self, name: &'static str) -> &mut Self {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        self.open.push(name);
        self
    }

    /// Close the element opened last.
    pub(crate) fn close(&mut self) -> &mut Self {
        if let Some(name) = self.open.pop() {
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push('>');
        }
        self
    }

    /// An element holding text, escaped.
    pub(crate) fn leaf(&mut self, name: &'static str, text: &str) -> &mut Self {
        self.open(name);
        self.out.push_str(&escape(text));
        self.close()
    }

    /// The document, every element still open closed.
    pub(crate) fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close();
        }
        self.out
    }
}

/// Escape text for an XML request body.
pub(crate) fn escape(text: &str) -> String {
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
    fn escape_round_trips() {
        let s = "k&<>\"'\r\n\tz";
        let doc = format!("<K>{}</K>", escape(s));
        assert_eq!(super::super::parse(doc.as_bytes()).unwrap().text, s);
    }

    #[test]
    fn elements_nest_and_close_in_order() {
        let mut w = Writer::with_declaration("Root");
        w.open("A").leaf("B", "x<y").close().leaf("C", "");
        assert_eq!(
            w.finish(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
             <Root xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><A><B>x&lt;y</B></A><C></C></Root>"
        );
    }
}
