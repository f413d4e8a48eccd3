//! A line diff between two exports of the same artifact, for the "changes since the previous
//! export" view.

use serde::{Deserialize, Serialize};

/// One line of a diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", content = "line", rename_all = "snake_case")]
pub enum Line {
    /// In both.
    Same(String),
    /// Only in the new text.
    Added(String),
    /// Only in the old text.
    Removed(String),
}

/// Largest `old × new` middle section diffed line by line; beyond it the middle is shown as
/// removed then added (exports are far smaller).
const MAX_CELLS: usize = 4_000_000;

/// The line diff from `old` to `new`: the common head and tail, and a longest-common-
/// subsequence diff of the middle.
pub fn lines(old: &str, new: &str) -> Vec<Line> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut out: Vec<Line> = a[..head]
        .iter()
        .map(|l| Line::Same((*l).to_owned()))
        .collect();
    if ma.len().saturating_mul(mb.len()) > MAX_CELLS {
        out.extend(ma.iter().map(|l| Line::Removed((*l).to_owned())));
        out.extend(mb.iter().map(|l| Line::Added((*l).to_owned())));
    } else {
        out.extend(middle(ma, mb));
    }
    out.extend(
        a[a.len() - tail..]
            .iter()
            .map(|l| Line::Same((*l).to_owned())),
    );
    out
}

fn middle(a: &[&str], b: &[&str]) -> Vec<Line> {
    let (n, m) = (a.len(), b.len());
    // lcs[i][j]: longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[at(i, j)] = if a[i] == b[j] {
                lcs[at(i + 1, j + 1)] + 1
            } else {
                lcs[at(i + 1, j)].max(lcs[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            out.push(Line::Same(a[i].to_owned()));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[at(i, j + 1)] >= lcs[at(i + 1, j)]) {
            out.push(Line::Added(b[j].to_owned()));
            j += 1;
        } else {
            out.push(Line::Removed(a[i].to_owned()));
            i += 1;
        }
    }
    out
}

/// Whether a diff changes anything.
pub fn changed(diff: &[Line]) -> bool {
    diff.iter().any(|l| !matches!(l, Line::Same(_)))
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::*;

    fn same(l: &str) -> Line {
        Line::Same(l.to_owned())
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn equal_texts_have_no_changes() {
        let d = lines("a\nb\n", "a\nb\n");
        assert_eq!(d, vec![same("a"), same("b")]);
        assert!(!changed(&d));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn a_changed_line_is_removed_then_added_between_common_lines() {
        let d = lines("a\nb\nc\n", "a\nB\nc\nd\n");
        assert_eq!(
            d,
            vec![
                same("a"),
                Line::Added("B".to_owned()),
                Line::Removed("b".to_owned()),
                same("c"),
                Line::Added("d".to_owned()),
            ]
        );
        assert!(changed(&d));
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn the_diff_rebuilds_both_texts() {
        let (old, new) = ("x\ny\nz\nw\n", "y\nq\nw\nx\n");
        let d = lines(old, new);
        let rebuilt = |keep: fn(&Line) -> Option<&String>| {
            d.iter()
                .filter_map(keep)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
                + "\n"
        };
        assert_eq!(
            rebuilt(|l| match l {
                Line::Same(s) | Line::Removed(s) => Some(s),
                Line::Added(_) => None,
            }),
            old
        );
        assert_eq!(
            rebuilt(|l| match l {
                Line::Same(s) | Line::Added(s) => Some(s),
                Line::Removed(_) => None,
            }),
            new
        );
    }
}
