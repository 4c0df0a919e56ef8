//! The Content-Type `put-object` sends when none is given: Python's
//! `mimetypes.guess_type(path)[0]`, as the original computes it on a Debian host (Python's
//! built-in table overlaid with /etc/mime.types), for the common web, image, audio,
//! video, archive, document and data types.
//!
//! The lookup follows guess_type step by step, quirks included: `.tgz` and friends are
//! first expanded (`.tar.gz`), then a compression suffix (`.gz`, `.bz2`, `.xz`, `.br`,
//! `.Z`; matched case-sensitively) is taken as an encoding and dropped, so `x.tar.gz` is
//! `application/x-tar` and `x.gz` has no type at all (S3 then stores
//! `binary/octet-stream`), exactly as the original uploads them.

/// Extensions (lower case, without the dot) and their types; sorted for binary search.
/// Generated with Python 3.11 on Debian 12: `mimetypes.types_map["." + ext]`.
const TYPES: &[(&str, &str)] = &[
    ("3g2", "audio/3gpp2"),
    ("3gp", "audio/3gpp"),
    ("3gpp", "audio/3gpp"),
    ("3gpp2", "audio/3gpp2"),
    ("7z", "application/x-7z-compressed"),
    ("a", "text/vnd.a"),
    ("aac", "audio/aac"),
    ("abw", "application/x-abiword"),
    ("adts", "audio/aac"),
    ("ai", "application/postscript"),
    ("aif", "audio/x-aiff"),
    ("aifc", "audio/x-aiff"),
    ("aiff", "audio/x-aiff"),
    ("apk", "application/vnd.android.package-archive"),
    ("apng", "image/apng"),
    ("appcache", "text/cache-manifest"),
    ("arrow", "application/vnd.apache.arrow.file"),
    ("asf", "application/vnd.ms-asf"),
    ("ass", "audio/aac"),
    ("atom", "application/atom+xml"),
    ("au", "audio/basic"),
    ("avi", "video/x-msvideo"),
    ("avif", "image/avif"),
    ("bat", "application/x-msdos-program"),
    ("bcpio", "application/x-bcpio"),
    ("bib", "text/x-bibtex"),
    ("bin", "application/octet-stream"),
    ("bmp", "image/bmp"),
    ("c", "text/x-csrc"),
    ("cab", "application/vnd.ms-cab-compressed"),
    ("cbr", "application/vnd.comicbook-rar"),
    ("cbz", "application/vnd.comicbook+zip"),
    ("cdf", "application/x-cdf"),
    ("cer", "application/pkix-cert"),
    ("chm", "chemical/x-chemdraw"),
    ("coffee", "application/vnd.coffeescript"),
    ("cpio", "application/x-cpio"),
    ("cpp", "text/x-c++src"),
    ("cr2", "image/x-canon-cr2"),
    ("crt", "application/x-x509-ca-cert"),
    ("csh", "text/x-csh"),
    ("css", "text/css"),
    ("csv", "text/csv"),
    ("d", "text/x-dsrc"),
    ("dae", "model/vnd.collada+xml"),
    ("dart", "application/vnd.dart"),
    ("deb", "application/vnd.debian.binary-package"),
    ("diff", "text/x-diff"),
    ("djvu", "image/vnd.djvu"),
    ("dll", "application/x-msdos-program"),
    ("dmg", "application/x-apple-diskimage"),
    ("doc", "application/msword"),
    ("docm", "application/vnd.ms-word.document.macroEnabled.12"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("dot", "text/vnd.graphviz"),
    (
        "dotx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template",
    ),
    ("dtd", "application/xml-dtd"),
    ("dvi", "application/x-dvi"),
    ("emf", "image/emf"),
    ("eml", "message/rfc822"),
    ("eot", "application/vnd.ms-fontobject"),
    ("eps", "application/postscript"),
    ("epub", "application/epub+zip"),
    ("etx", "text/x-setext"),
    ("exe", "application/x-msdos-program"),
    ("flac", "audio/flac"),
    ("flv", "video/x-flv"),
    ("geojson", "application/geo+json"),
    ("gif", "image/gif"),
    ("glb", "model/gltf-binary"),
    ("gltf", "model/gltf+json"),
    ("gnumeric", "application/x-gnumeric"),
    ("gtar", "application/x-gtar"),
    ("gz", "application/gzip"),
    ("h", "text/x-chdr"),
    ("h5", "application/x-hdf5"),
    ("hdf", "application/x-hdf"),
    ("heic", "image/heic"),
    ("heif", "image/heif"),
    ("hs", "text/x-haskell"),
    ("htm", "text/html"),
    ("html", "text/html"),
    ("ico", "image/vnd.microsoft.icon"),
    ("ics", "text/calendar"),
    ("ief", "image/ief"),
    ("iso", "application/x-iso9660-image"),
    ("jar", "application/java-archive"),
    ("java", "text/x-java"),
    ("jfif", "image/jpeg"),
    ("jp2", "image/jp2"),
    ("jpe", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("jpg", "image/jpeg"),
    ("js", "text/javascript"),
    ("json", "application/json"),
    ("jsonld", "application/ld+json"),
    ("jxl", "image/jxl"),
    ("key", "application/pgp-keys"),
    ("kml", "application/vnd.google-earth.kml+xml"),
    ("kmz", "application/vnd.google-earth.kmz"),
    ("ksh", "text/plain"),
    ("latex", "application/x-latex"),
    ("loas", "audio/usac"),
    ("lyx", "application/x-lyx"),
    ("m", "application/vnd.wolfram.mathematica.package"),
    ("m1v", "video/mpeg"),
    ("m3u", "audio/mpegurl"),
    ("m3u8", "application/vnd.apple.mpegurl"),
    ("m4a", "audio/mp4"),
    ("m4v", "video/mp4"),
    ("man", "application/x-troff-man"),
    ("markdown", "text/markdown"),
    ("md", "text/markdown"),
    ("me", "application/x-troff-me"),
    ("mht", "message/rfc822"),
    ("mhtml", "message/rfc822"),
    ("mid", "audio/sp-midi"),
    ("mif", "application/vnd.mif"),
    ("mjs", "text/javascript"),
    ("mkv", "video/x-matroska"),
    ("mm", "application/x-freemind"),
    ("mov", "video/quicktime"),
    ("movie", "video/x-sgi-movie"),
    ("mp2", "audio/mpeg"),
    ("mp3", "audio/mpeg"),
    ("mp4", "video/mp4"),
    ("mpa", "video/mpeg"),
    ("mpe", "video/mpeg"),
    ("mpeg", "video/mpeg"),
    ("mpg", "video/mpeg"),
    ("mpga", "audio/mpeg"),
    ("ms", "application/x-troff-ms"),
    ("msi", "application/x-msi"),
    ("mts", "model/vnd.mts"),
    ("mxf", "application/mxf"),
    ("n3", "text/n3"),
    ("nc", "application/x-netcdf"),
    ("nef", "image/x-nikon-nef"),
    ("nim", "video/vnd.nokia.interleaved-multimedia"),
    ("nq", "application/n-quads"),
    ("nt", "application/n-triples"),
    ("numbers", "application/vnd.apple.numbers"),
    ("nws", "message/rfc822"),
    ("o", "application/x-object"),
    ("obj", "model/obj"),
    ("oda", "application/ODA"),
    ("odb", "application/vnd.oasis.opendocument.base"),
    ("odc", "application/vnd.oasis.opendocument.chart"),
    ("odf", "application/vnd.oasis.opendocument.formula"),
    ("odg", "application/vnd.oasis.opendocument.graphics"),
    ("odp", "application/vnd.oasis.opendocument.presentation"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("oga", "audio/ogg"),
    ("ogg", "audio/ogg"),
    ("ogv", "video/ogg"),
    ("ogx", "application/ogg"),
    ("opus", "audio/ogg"),
    ("otc", "application/vnd.oasis.opendocument.chart-template"),
    ("otf", "font/otf"),
    ("oxps", "application/oxps"),
    ("p12", "application/pkcs12"),
    ("p7c", "application/pkcs7-mime"),
    ("pages", "application/vnd.apple.pages"),
    ("pas", "text/x-pascal"),
    ("patch", "text/x-diff"),
    ("pbm", "image/x-portable-bitmap"),
    ("pcf", "application/x-font-pcf"),
    ("pdf", "application/pdf"),
    ("pem", "application/pem-certificate-chain"),
    ("pfa", "application/x-font"),
    ("pfb", "application/x-font"),
    ("pfx", "application/pkcs12"),
    ("pgm", "image/x-portable-graymap"),
    ("pkg", "application/vnd.apple.installer+xml"),
    ("pl", "text/x-perl"),
    ("png", "image/png"),
    ("pnm", "image/x-portable-anymap"),
    ("pot", "text/plain"),
    ("ppa", "application/vnd.ms-powerpoint"),
    ("ppm", "image/x-portable-pixmap"),
    ("pps", "application/vnd.ms-powerpoint"),
    ("ppt", "application/vnd.ms-powerpoint"),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("ps", "application/postscript"),
    ("psd", "image/vnd.adobe.photoshop"),
    ("pwz", "application/vnd.ms-powerpoint"),
    ("py", "text/x-python"),
    ("pyc", "application/x-python-code"),
    ("pyo", "application/x-python-code"),
    ("qt", "video/quicktime"),
    ("ra", "audio/x-pn-realaudio"),
    ("ram", "audio/x-pn-realaudio"),
    ("rar", "application/vnd.rar"),
    ("ras", "image/x-cmu-raster"),
    ("rb", "application/x-ruby"),
    ("rdf", "application/rdf+xml"),
    ("rgb", "image/x-rgb"),
    ("roff", "text/troff"),
    ("rpm", "application/x-redhat-package-manager"),
    ("rs", "application/rls-services+xml"),
    ("rss", "application/x-rss+xml"),
    ("rtf", "application/rtf"),
    ("rtx", "text/richtext"),
    ("scm", "application/vnd.lotus-screencam"),
    ("sfd", "application/vnd.font-fontforge-sfd"),
    ("sgm", "text/SGML"),
    ("sgml", "text/SGML"),
    ("sh", "text/x-sh"),
    ("shar", "application/x-shar"),
    ("snd", "audio/basic"),
    ("so", "application/octet-stream"),
    ("spx", "audio/ogg"),
    ("sql", "application/sql"),
    ("sqlite", "application/vnd.sqlite3"),
    ("src", "application/x-wais-source"),
    ("srt", "text/plain"),
    ("stl", "model/stl"),
    ("sv4cpio", "application/x-sv4cpio"),
    ("sv4crc", "application/x-sv4crc"),
    ("svg", "image/svg+xml"),
    ("svgz", "image/svg+xml"),
    ("swf", "application/vnd.adobe.flash.movie"),
    ("sxw", "application/vnd.sun.xml.writer"),
    ("t", "text/troff"),
    ("tar", "application/x-tar"),
    ("tcl", "text/x-tcl"),
    ("tex", "text/x-tex"),
    ("texi", "application/x-texinfo"),
    ("texinfo", "application/x-texinfo"),
    ("tgz", "application/x-gtar-compressed"),
    ("tif", "image/tiff"),
    ("tiff", "image/tiff"),
    ("torrent", "application/x-bittorrent"),
    ("tr", "text/troff"),
    ("trig", "application/trig"),
    ("ts", "text/vnd.trolltech.linguist"),
    ("tsv", "text/tab-separated-values"),
    ("ttc", "font/collection"),
    ("ttf", "font/ttf"),
    ("txt", "text/plain"),
    ("ustar", "application/x-ustar"),
    ("vcf", "text/vcard"),
    ("vtt", "text/vtt"),
    ("wasm", "application/wasm"),
    ("wav", "audio/x-wav"),
    ("webm", "video/webm"),
    ("webmanifest", "application/manifest+json"),
    ("webp", "image/webp"),
    ("wiz", "application/msword"),
    ("wma", "audio/x-ms-wma"),
    ("wmf", "image/wmf"),
    ("wmv", "video/x-ms-wmv"),
    ("woff", "font/woff"),
    ("woff2", "font/woff2"),
    ("wpd", "application/vnd.wordperfect"),
    ("wsdl", "application/wsdl+xml"),
    ("xbm", "image/x-xbitmap"),
    ("xhtml", "application/xhtml+xml"),
    ("xlb", "application/vnd.ms-excel"),
    ("xls", "application/vnd.ms-excel"),
    ("xlsm", "application/vnd.ms-excel.sheet.macroEnabled.12"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("xml", "application/xml"),
    ("xpdl", "application/xml"),
    ("xpi", "application/x-xpinstall"),
    ("xpm", "image/x-xpixmap"),
    ("xps", "application/vnd.ms-xpsdocument"),
    ("xsl", "application/xslt+xml"),
    ("xslt", "application/xslt+xml"),
    ("xul", "application/vnd.mozilla.xul+xml"),
    ("xwd", "image/x-xwindowdump"),
    ("xz", "application/x-xz"),
    ("zip", "application/zip"),
    ("zst", "application/zstd"),
];

/// mimetypes.suffix_map: suffixes that stand for two (matched in lower case).
const SUFFIXES: &[(&str, &str)] = &[
    (".svgz", ".svg.gz"),
    (".tgz", ".tar.gz"),
    (".taz", ".tar.gz"),
    (".tz", ".tar.gz"),
    (".tbz2", ".tar.bz2"),
    (".txz", ".tar.xz"),
];

/// mimetypes.encodings_map: compression suffixes (matched case-sensitively).
const ENCODINGS: &[&str] = &[".gz", ".Z", ".bz2", ".xz", ".br"];

/// `posixpath.splitext`: the extension of the last path component, ignoring the
/// leading dots of a name like `.bashrc`.
fn splitext(path: &str) -> (&str, &str) {
    let name_start = path.rfind('/').map_or(0, |i| i + 1);
    let name = &path[name_start..];
    let leading = name.len() - name.trim_start_matches('.').len();
    match name[leading..].rfind('.') {
        Some(dot) => path.split_at(name_start + leading + dot),
        None => (path, ""),
    }
}

/// The type Python's `mimetypes.guess_type(path)[0]` gives on Debian, if any.
pub(crate) fn guess_type(path: &str) -> Option<&'static str> {
    let (base, ext) = splitext(path);
    // Python loops over suffix_map, but no expansion yields another expandable suffix.
    let expanded;
    let (base, ext) = match SUFFIXES
        .iter()
        .find(|(from, _)| from.eq_ignore_ascii_case(ext))
    {
        Some((_, to)) => {
            expanded = format!("{base}{to}");
            splitext(&expanded)
        }
        None => (base, ext),
    };
    let ext = if ENCODINGS.contains(&ext) {
        splitext(base).1
    } else {
        ext
    };
    lookup(ext)
}

fn lookup(ext: &str) -> Option<&'static str> {
    let ext = ext.strip_prefix('.')?.to_ascii_lowercase();
    TYPES
        .binary_search_by(|(e, _)| (*e).cmp(ext.as_str()))
        .ok()
        .map(|i| TYPES[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(TYPES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    /// Expected values from Python 3.11 on Debian 12: mimetypes.guess_type(name)[0].
    #[test]
    fn matches_python_guess_type() {
        let cases: &[(&str, Option<&str>)] = &[
            ("a.txt", Some("text/plain")),
            ("a.tar.gz", Some("application/x-tar")),
            ("a.gz", None),
            ("a.tgz", Some("application/x-tar")),
            ("a.JPG", Some("image/jpeg")),
            ("a.json", Some("application/json")),
            ("a.webp", Some("image/webp")),
            ("a.md", Some("text/markdown")),
            ("a.svgz", Some("image/svg+xml")),
            ("a.bz2", None),
            ("a.zip", Some("application/zip")),
            ("a.wasm", Some("application/wasm")),
            ("a.mjs", Some("text/javascript")),
            ("a.7z", Some("application/x-7z-compressed")),
            ("a.mkv", Some("video/x-matroska")),
            ("a.yaml", None),
            ("a.woff2", Some("font/woff2")),
            ("a.Z", None),
            ("a.z", None),
            ("x.TAR.GZ", Some("application/gzip")),
            ("x.Gz", Some("application/gzip")),
            ("x.TGZ", Some("application/x-tar")),
            ("noext", None),
            ("dir.d/x", None),
            (".bashrc", None),
            ("dir/.hidden.html", Some("text/html")),
            ("a.js", Some("text/javascript")),
            ("/path/to/file.txt", Some("text/plain")),
        ];
        for (name, want) in cases {
            assert_eq!(guess_type(name), *want, "{name}");
        }
    }
}
