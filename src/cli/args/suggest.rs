//! "Did you mean": Python's difflib, as click uses it to suggest an option.

use super::py_str;

/// click's `_format_possibilities`.
pub fn format_possibilities(mut close: Vec<String>) -> String {
    close.sort();
    let quoted: Vec<String> = close.iter().map(|p| py_str(p)).collect();
    if quoted.len() == 1 {
        format!("Did you mean {}?", quoted[0])
    } else {
        format!("(Did you mean one of: {}?)", quoted.join(", "))
    }
}

/// Python's `difflib.get_close_matches(word, possibilities)` (n=3, cutoff=0.6).
pub fn close_matches(word: &str, possibilities: &[String]) -> Vec<String> {
    let w: Vec<char> = word.chars().collect();
    let mut scored: Vec<(f64, &String)> = possibilities
        .iter()
        .filter_map(|p| {
            let pc: Vec<char> = p.chars().collect();
            let r = ratio(&pc, &w);
            (r >= 0.6).then_some((r, p))
        })
        .collect();
    // heapq.nlargest over (score, word): highest score first, ties by larger word.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| b.1.cmp(a.1)));
    scored.into_iter().take(3).map(|(_, p)| p.clone()).collect()
}

/// SequenceMatcher(None, a, b).ratio() for short strings (no junk heuristics apply
/// below 200 characters).
fn ratio(a: &[char], b: &[char]) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    2.0 * matching(a, b) as f64 / total as f64
}

/// Sum of matching blocks, found as difflib does: the longest match (earliest in a,
/// then in b), then recursively left and right of it.
fn matching(a: &[char], b: &[char]) -> usize {
    let (mut best_i, mut best_j, mut best) = (0, 0, 0);
    for i in 0..a.len() {
        for j in 0..b.len() {
            let mut k = 0;
            while i + k < a.len() && j + k < b.len() && a[i + k] == b[j + k] {
                k += 1;
            }
            if k > best {
                (best_i, best_j, best) = (i, j, k);
            }
        }
    }
    if best == 0 {
        return 0;
    }
    best + matching(&a[..best_i], &b[..best_j]) + matching(&a[best_i + best..], &b[best_j + best..])
}
