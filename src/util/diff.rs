//! The unified diff between two versions of a text, exactly as the `similar` crate writes it
//! from whole lines, but quick on a big file with a small change (`connect --dry-run` on a
//! config of thousands of registries): the lines before the change, but for the context the
//! diff shows, are neither split nor compared, and the hunk headers count them back in.

/// The lines of context around each change, `similar`'s default.
const CONTEXT: usize = 3;

/// `similar::TextDiff::from_lines(before, after).unified_diff().header(old, new)`, written
/// out. Empty when the texts are equal.
pub fn unified(before: &str, after: &str, old: &str, new: &str) -> String {
    let start = context_start(before, after);
    let (skipped, returns) = count_line_ends(&before.as_bytes()[..start]);
    // `similar` also ends a line at a `\r` alone; such a text is left to it.
    if returns > 0 && has_lone_cr(&before[..start])
        || has_lone_cr(&before[start..])
        || has_lone_cr(&after[start..])
    {
        return similar::TextDiff::from_lines(before, after)
            .unified_diff()
            .header(old, new)
            .to_string();
    }
    let before_lines: Vec<&str> = before[start..].split_inclusive('\n').collect();
    let after_lines: Vec<&str> = after[start..].split_inclusive('\n').collect();
    let diff = similar::TextDiff::configure()
        .newline_terminated(true)
        .diff_slices(&before_lines, &after_lines);
    let text = diff.unified_diff().header(old, new).to_string();
    if skipped == 0 {
        return text;
    }
    // Only hunk headers start with `@@`: every other line starts with its marker.
    text.split_inclusive('\n')
        .map(|line| match line.strip_prefix("@@ -") {
            Some(ranges) => shifted_header(ranges, skipped).unwrap_or_else(|| line.to_string()),
            None => line.to_string(),
        })
        .collect()
}

/// Where the lines that both texts share start to matter: [`CONTEXT`] lines before the first
/// line in which they differ (a byte offset at a line start in both).
fn context_start(before: &str, after: &str) -> usize {
    let (a, b) = (before.as_bytes(), after.as_bytes());
    // Compared a block at a time: on a big file, byte by byte was most of the work.
    const BLOCK: usize = 256;
    let shorter = a.len().min(b.len());
    let mut same = 0;
    while same + BLOCK <= shorter && a[same..same + BLOCK] == b[same..same + BLOCK] {
        same += BLOCK;
    }
    same += a[same..shorter]
        .iter()
        .zip(&b[same..shorter])
        .take_while(|(x, y)| x == y)
        .count();
    let line_start = |end: usize| {
        a[..end]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |at| at + 1)
    };
    let mut start = line_start(same);
    for _ in 0..CONTEXT {
        if start == 0 {
            break;
        }
        start = line_start(start - 1);
    }
    start
}

/// `@@ -A[,B] +C[,D] @@` (given after its `@@ -`) with `skipped` added to both starts.
fn shifted_header(ranges: &str, skipped: usize) -> Option<String> {
    let (old, rest) = ranges.split_once(" +")?;
    let (new, end) = rest.split_once(' ')?;
    let shift = |range: &str| -> Option<String> {
        let (start, len) = match range.split_once(',') {
            Some((start, len)) => (start, Some(len)),
            None => (range, None),
        };
        let start = start.parse::<usize>().ok()? + skipped;
        Some(match len {
            Some(len) => format!("{start},{len}"),
            None => start.to_string(),
        })
    };
    Some(format!("@@ -{} +{} {end}", shift(old)?, shift(new)?))
}

/// How many `\n` and `\r` `bytes` holds, counted in blocks the compiler turns into loops
/// over many bytes at once (a byte at a time was a twentieth of a dry run on a big config).
fn count_line_ends(bytes: &[u8]) -> (usize, usize) {
    bytes.chunks(255).fold((0, 0), |(lf, cr), block| {
        let (l, c) = block.iter().fold((0u8, 0u8), |(l, c), &b| {
            (l + u8::from(b == b'\n'), c + u8::from(b == b'\r'))
        });
        (lf + usize::from(l), cr + usize::from(c))
    })
}

/// Whether `text` has a `\r` that does not start a `\r\n`.
fn has_lone_cr(text: &str) -> bool {
    text.match_indices('\r')
        .any(|(at, _)| text.as_bytes().get(at + 1) != Some(&b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The diff is `similar`'s own for every kind of line end and a missing final one, for a
    /// change at the start, in the middle (two hunks) and at the end of a long text.
    #[test]
    fn diffs_are_those_similar_writes() {
        let long: String = (0..40).map(|i| format!("line {i}\n")).collect();
        let middle = long
            .replace("line 17\n", "line 17\nnew\n")
            .replace("line 30\n", "");
        let start = long.replacen("line 0\n", "", 1);
        let end = format!("{long}more");
        let crlf = [&long, &middle].map(|t| t.replace('\n', "\r\n"));
        let lone_cr = [&long, &middle].map(|t| t.replacen("line 2\n", "line 2\r", 1));
        let texts = [
            "",
            "\n",
            "\r",
            "a",
            "a\n",
            "a\nb\n",
            "a\r\nb\r\n",
            "a\r\nb",
            "a\rb\n",
            "a\r\n\r\nc\n",
            "x\n\n\ny",
            &long,
            &middle,
            &start,
            &end,
            long.trim_end(),
            &crlf[0],
            &crlf[1],
            &lone_cr[0],
            &lone_cr[1],
        ];
        for before in texts {
            for after in texts {
                let theirs = similar::TextDiff::from_lines(before, after)
                    .unified_diff()
                    .header("a", "b")
                    .to_string();
                assert_eq!(
                    unified(before, after, "a", "b"),
                    theirs,
                    "{before:?} -> {after:?}"
                );
            }
        }
    }
}
