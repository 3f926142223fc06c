//! Describe* filters (`Filter.N.Name` / `Filter.N.Value.M`) and MaxResults/NextToken paging.

use hubsim_model::ec2::{Filter, Tag};

use super::invalid;
use crate::error::AwsError;

/// The filters of one Describe call, checked against the names the operation supports.
#[derive(Debug, Default)]
pub(crate) struct Filters(Vec<(String, Vec<String>)>);

impl Filters {
    /// Checks every filter name against `allowed`; `tag:<key>`, `tag-key` and `tag-value` are
    /// allowed when `allowed` holds `tag-key`. Unknown names answer `InvalidParameterValue`.
    pub fn parse(filters: Option<Vec<Filter>>, allowed: &[&str]) -> Result<Filters, AwsError> {
        let taggable = allowed.contains(&"tag-key");
        let mut out = Vec::new();
        for f in filters.unwrap_or_default() {
            let name = f.name.unwrap_or_default();
            let known = allowed.contains(&name.as_str())
                || (taggable && (name == "tag-value" || (name.starts_with("tag:") && name.len() > 4)));
            if !known {
                return Err(invalid(format!("The filter '{name}' is invalid")));
            }
            let values = f.values.unwrap_or_default();
            if !values.is_empty() {
                out.push((name, values));
            }
        }
        Ok(Filters(out))
    }

    /// Whether a resource passes every filter. `field(name)` gives the resource's values for
    /// a non-tag filter; tag filters read `tags`. A filter passes when any of its values
    /// matches (with `*` and `?` wildcards) any of the resource's values.
    pub fn matches(&self, tags: &[Tag], field: impl Fn(&str) -> Vec<String>) -> bool {
        self.0.iter().all(|(name, wanted)| {
            let have = match tag_values(name, tags) {
                Some(v) => v,
                None => field(name),
            };
            wanted.iter().any(|w| have.iter().any(|h| glob(w, h)))
        })
    }
}

/// The values tag filters compare: `tag:<k>` the value of key k, `tag-key` the keys,
/// `tag-value` the values. `None` for other names.
fn tag_values(name: &str, tags: &[Tag]) -> Option<Vec<String>> {
    if let Some(key) = name.strip_prefix("tag:") {
        return Some(
            tags.iter()
                .filter(|t| t.key.as_deref() == Some(key))
                .map(|t| t.value.clone().unwrap_or_default())
                .collect(),
        );
    }
    match name {
        "tag-key" => Some(tags.iter().filter_map(|t| t.key.clone()).collect()),
        "tag-value" => Some(tags.iter().map(|t| t.value.clone().unwrap_or_default()).collect()),
        _ => None,
    }
}

/// Matches `value` against `pattern`, where `*` is any run of characters and `?` one (the
/// one wildcard matcher, [`crate::wildcard`]; EC2 compares filter values case-sensitively).
pub(crate) fn glob(pattern: &str, value: &str) -> bool {
    crate::wildcard::matches(pattern, value, crate::wildcard::Case::Sensitive)
}

/// One value as a filter compares it.
pub(crate) fn one(v: impl Into<String>) -> Vec<String> {
    vec![v.into()]
}

/// An optional value as a filter compares it.
pub(crate) fn opt(v: &Option<String>) -> Vec<String> {
    v.iter().cloned().collect()
}

/// A boolean as a filter compares it.
pub(crate) fn flag(v: Option<bool>) -> Vec<String> {
    vec![v.unwrap_or(false).to_string()]
}

/// One page of `items`: the token is the index of the next item.
pub(crate) fn page<T>(
    items: Vec<T>,
    max_results: Option<i32>,
    next_token: Option<&str>,
) -> Result<(Vec<T>, Option<String>), AwsError> {
    let start = match next_token {
        None | Some("") => 0usize,
        Some(t) => t.parse::<usize>().ok().filter(|&i| i <= items.len()).ok_or_else(|| {
            AwsError::bad_request(
                "InvalidPaginationToken",
                format!("The pagination token {t} is not valid or is expired."),
            )
        })?,
    };
    let max = max_results.map(|m| usize::try_from(m.max(1)).unwrap_or(usize::MAX)).unwrap_or(usize::MAX);
    let end = start.saturating_add(max).min(items.len());
    let next = (end < items.len()).then(|| end.to_string());
    Ok((items.into_iter().skip(start).take(end - start).collect(), next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globbing() {
        assert!(glob("*", "") && glob("vpc-*", "vpc-123") && glob("a?c", "abc"));
        assert!(!glob("vpc-*", "sg-1") && !glob("a?c", "ac") && glob("*-1*", "ap-northeast-1a"));
    }

    #[test]
    fn paging() {
        let (p, next) = page(vec![1, 2, 3, 4, 5], Some(2), None).unwrap();
        assert_eq!((p, next.as_deref()), (vec![1, 2], Some("2")));
        let (p, next) = page(vec![1, 2, 3, 4, 5], Some(2), Some("4")).unwrap();
        assert_eq!((p, next), (vec![5], None));
        assert!(page(vec![1], None, Some("x")).is_err());
    }
}
