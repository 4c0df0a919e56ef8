//! Python's `fnmatch.fnmatch` on POSIX (case-sensitive), for `get-objects --pattern`:
//! `*` matches anything including `/`, `?` one character, `[seq]` and `[!seq]` sets with
//! ranges; a `[` without its `]` is a literal; there is no backslash escaping. Sets are
//! read exactly as Python 3.11's `fnmatch.translate` reads them (its chunking of `-`,
//! and reversed ranges dropped).

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Star,
    Any,
    Lit(char),
    Set {
        negate: bool,
        items: Vec<(char, char)>,
    },
    /// A set that can match nothing (`[z-a]`).
    Never,
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub(crate) struct Pattern(Vec<Token>);

impl Pattern {
    pub(crate) fn new(pattern: &str) -> Pattern {
        Pattern(compile(pattern))
    }

    /// Does the whole of `name` match?
    pub(crate) fn matches(&self, name: &str) -> bool {
        let text: Vec<char> = name.chars().collect();
        let tokens = &self.0;
        // Greedy matching with backtracking to the last star: linear for patterns whose
        // other tokens each match exactly one character.
        let (mut t, mut p) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while t < text.len() {
            if p < tokens.len() && tokens[p] == Token::Star {
                star = Some((p, t));
                p += 1;
            } else if p < tokens.len() && one(&tokens[p], text[t]) {
                p += 1;
                t += 1;
            } else if let Some((sp, st)) = star {
                p = sp + 1;
                t = st + 1;
                star = Some((sp, st + 1));
            } else {
                return false;
            }
        }
        tokens[p..].iter().all(|tok| *tok == Token::Star)
    }
}

fn one(token: &Token, c: char) -> bool {
    match token {
        Token::Any => true,
        Token::Lit(l) => *l == c,
        Token::Set { negate, items } => items.iter().any(|(a, b)| *a <= c && c <= *b) != *negate,
        Token::Star | Token::Never => false,
    }
}

fn compile(pattern: &str) -> Vec<Token> {
    let pat: Vec<char> = pattern.chars().collect();
    let n = pat.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let c = pat[i];
        i += 1;
        match c {
            '*' => {
                if out.last() != Some(&Token::Star) {
                    out.push(Token::Star);
                }
            }
            '?' => out.push(Token::Any),
            '[' => {
                let mut j = i;
                if j < n && pat[j] == '!' {
                    j += 1;
                }
                if j < n && pat[j] == ']' {
                    j += 1;
                }
                while j < n && pat[j] != ']' {
                    j += 1;
                }
                if j >= n {
                    out.push(Token::Lit('['));
                } else {
                    out.push(set(&pat, i, j));
                    i = j + 1;
                }
            }
            c => out.push(Token::Lit(c)),
        }
    }
    out
}

/// The set `pat[start..end]` (between `[` and `]`), as fnmatch.translate builds it.
fn set(pat: &[char], start: usize, end: usize) -> Token {
    let stuff = &pat[start..end];
    // Chunks are separated by range dashes; a dash inside a chunk is a literal.
    let mut chunks: Vec<Vec<char>> = Vec::new();
    if !stuff.contains(&'-') {
        chunks.push(stuff.to_vec());
    } else {
        let mut i = start;
        let mut k = if pat[start] == '!' {
            start + 2
        } else {
            start + 1
        };
        while let Some(dash) = (k..end).find(|&x| pat[x] == '-') {
            chunks.push(pat[i..dash].to_vec());
            i = dash + 1;
            k = dash + 3;
        }
        let last = pat[i..end].to_vec();
        if last.is_empty() {
            if let Some(prev) = chunks.last_mut() {
                prev.push('-');
            }
        } else {
            chunks.push(last);
        }
        // Remove empty ranges (a > b): join the chunks around them.
        let mut k = chunks.len().saturating_sub(1);
        while k > 0 {
            let (a, b) = (chunks[k - 1].last().copied(), chunks[k].first().copied());
            if let (Some(a), Some(b)) = (a, b) {
                if a > b {
                    let tail: Vec<char> = chunks[k][1..].to_vec();
                    chunks[k - 1].pop();
                    chunks[k - 1].extend(tail);
                    chunks.remove(k);
                }
            }
            k -= 1;
        }
    }
    // The regex set: literals, with a range between the chunks on each side of a join.
    let mut atoms: Vec<(char, bool)> = Vec::new(); // (char, followed by a range join)
    for (n, chunk) in chunks.iter().enumerate() {
        for (m, ch) in chunk.iter().enumerate() {
            let join = m + 1 == chunk.len() && n + 1 < chunks.len();
            atoms.push((*ch, join));
        }
        if chunk.is_empty() && n + 1 < chunks.len() {
            // An emptied chunk leaves a bare '-' that the regex reads as a literal.
            atoms.push(('-', false));
        }
    }
    if atoms.is_empty() {
        return Token::Never;
    }
    let negate = atoms[0].0 == '!';
    let atoms = if negate { &atoms[1..] } else { &atoms[..] };
    if negate && atoms.is_empty() {
        return Token::Any; // "[!]" after ranges were dropped: any character
    }
    let mut items = Vec::new();
    let mut x = 0;
    while x < atoms.len() {
        let (a, join) = atoms[x];
        if join && x + 1 < atoms.len() {
            items.push((a, atoms[x + 1].0));
            x += 2;
        } else {
            items.push((a, a));
            if join {
                items.push(('-', '-'));
            }
            x += 1;
        }
    }
    Token::Set { negate, items }
}

/// `fnmatch.fnmatch(name, pattern)` on POSIX (the reference the tests hold the
/// matcher to).
#[cfg(test)]
pub(crate) fn fnmatch(name: &str, pattern: &str) -> bool {
    Pattern::new(pattern).matches(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected results from Python 3.11: fnmatch.fnmatch(name, pattern) on Linux.
    #[test]
    fn agrees_with_python() {
        let cases: &[(&str, &str, bool)] = &[
            ("files/sub/page.html", "*.html", true),
            ("a/b.js", "*/*.js", true),
            ("a/b/c.js", "*/*.js", true),
            ("b.js", "*/*.js", false),
            ("File.TXT", "*.txt", false),
            ("abc", "a?c", true),
            ("ac", "a?c", false),
            ("a\nc", "a?c", true),
            ("b", "[abc]", true),
            ("d", "[abc]", false),
            ("d", "[!abc]", true),
            ("a", "[!abc]", false),
            ("]", "[]]", true),
            ("]", "[!]]", false),
            ("x", "[!]]", true),
            ("[", "[", true),
            ("[a", "[a", true),
            ("m", "[a-z]", true),
            ("-", "[a-]", true),
            ("m", "[z-a]", false),
            ("m", "[!z-a]", true),
            ("-", "[a-c-e]", true),
            ("d", "[a-c-e]", false),
            ("e", "[a-c-e]", true),
            ("^", "[^a]", true),
            ("b", "[^a]", false),
            ("\\", "[\\]", true),
            ("a\\b", "a\\b", true),
            ("", "*", true),
            ("", "", true),
            ("x", "", false),
            ("abcabd", "*ab?", true),
            ("aaa", "a*a*a", true),
            ("ü+ x", "ü+ *", true),
            ("-", "[!-a]", false),
            ("b", "[!-a]", true),
        ];
        for (name, pattern, want) in cases {
            assert_eq!(
                fnmatch(name, pattern),
                *want,
                "fnmatch({name:?}, {pattern:?})"
            );
        }
    }
}
