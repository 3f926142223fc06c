//! Wildcard matching, the one implementation every service uses: `*` matches any run of
//! characters (none included), `?` exactly one. IAM matches policy actions and resources this
//! way (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html),
//! EC2 its `Filter` values (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Using_Filtering.html).
//!
//! Patterns come from clients (a bucket policy's `Resource`, a filter value), so the match
//! neither recurses nor backtracks more than once per text position: it keeps only the last
//! `*` seen and retries from there, which is exact for these two wildcards. Time is at most
//! pattern length × text length, with no allocation and no stack growth.

/// Whether letters must match in case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Case {
    /// `S3:getobject` matches `s3:GetObject` (ASCII letters only), as IAM compares actions.
    Insensitive,
    /// Exact characters, as EC2 compares filter values.
    Sensitive,
}

/// Whether `text` matches `pattern`.
pub(crate) fn matches(pattern: &str, text: &str, case: Case) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let same = |a: u8, b: u8| match case {
        Case::Insensitive => a.eq_ignore_ascii_case(&b),
        Case::Sensitive => a == b,
    };
    // Both indices stay on character boundaries: literal characters match byte for byte (a
    // valid UTF-8 character's bytes are equal only to the same character's), `?` and a retry
    // after `*` step over one whole character of the text.
    let (mut pi, mut ti) = (0usize, 0usize);
    // The pattern position after the last `*`, and the text position that `*` resumes from.
    let mut retry: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(b'*') => {
                pi += 1;
                retry = Some((pi, ti));
            }
            Some(b'?') => {
                pi += 1;
                ti += char_len(t[ti]);
            }
            Some(&c) if same(c, t[ti]) => {
                pi += 1;
                ti += 1;
            }
            _ => match retry {
                // The last `*` takes one more character of the text, and matching resumes.
                Some((after_star, from)) => {
                    let next = from + char_len(t[from]);
                    retry = Some((after_star, next));
                    pi = after_star;
                    ti = next;
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// The length in bytes of the UTF-8 character that starts with `first`.
fn char_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yes(p: &str, t: &str) -> bool {
        matches(p, t, Case::Sensitive)
    }

    #[test]
    fn stars_and_question_marks() {
        assert!(yes("*", "") && yes("*", "anything") && yes("", ""));
        assert!(!yes("", "a") && !yes("?", ""));
        assert!(yes("vpc-*", "vpc-123") && !yes("vpc-*", "sg-1"));
        assert!(yes("a?c", "abc") && !yes("a?c", "ac") && !yes("a?c", "abbc"));
        assert!(yes("*-1*", "ap-northeast-1a"));
        assert!(yes("arn:aws:s3:::b/AWSLogs/*", "arn:aws:s3:::b/AWSLogs/1/x"));
        assert!(!yes("arn:aws:s3:::b", "arn:aws:s3:::b/x"));
        assert!(yes("a*b*c", "axxbyyc") && !yes("a*b*c", "axxbyy"));
        // The last `*` must retry past a false start.
        assert!(yes("*ab", "aab") && yes("*aab", "aaab") && yes("a*ab", "aaaab"));
        // A literal `*` in the text is matched by the wildcard.
        assert!(yes("a*", "a*b"));
    }

    #[test]
    fn case_is_chosen_by_the_caller() {
        assert!(matches("S3:getobject", "s3:GetObject", Case::Insensitive));
        assert!(!matches("S3:getobject", "s3:GetObject", Case::Sensitive));
        assert!(matches("s3:Get?ucket*", "s3:GetBucketAcl", Case::Insensitive));
    }

    #[test]
    fn question_mark_takes_a_whole_character() {
        assert!(yes("caf?", "café") && yes("?", "é") && yes("??", "日本") && !yes("?", "日本"));
        assert!(yes("*é", "café") && yes("*本", "日本") && !yes("*本?", "日本"));
    }

    #[test]
    fn hostile_patterns_neither_recurse_nor_backtrack_exponentially() {
        // 300,000 stars: the recursive matcher this replaces overflowed the stack on it.
        let stars = "*".repeat(300_000);
        assert!(yes(&stars, "arn:aws:s3:::bucket"));
        assert!(yes(&format!("{stars}t"), "arn:aws:s3:::bucket"));
        // Stars between letters that almost match: exponential for a backtracking matcher.
        let pattern = format!("{}b", "a*".repeat(20));
        assert!(!yes(&pattern, &"a".repeat(40)));
        assert!(yes(&pattern, &format!("{}b", "a".repeat(40))));
    }
}
