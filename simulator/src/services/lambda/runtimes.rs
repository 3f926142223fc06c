//! Lambda's managed runtimes and their deprecation dates, as
//! <https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html> lists them ("Supported
//! runtimes" and "Deprecated runtimes"). Lambda refuses to create a function on a runtime once
//! its "block function create" date has passed, and to update one once its "block function
//! update" date has; hubsim compares both with the scenario clock. A runtime without a block
//! date in the table is never refused (the page gives none, or it lies in the future).

/// One runtime identifier and its dates (`YYYY-MM-DD`, UTC midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Runtime {
    /// The identifier (`python3.12`).
    pub id: &'static str,
    /// When Lambda stops applying security patches to it.
    pub deprecated: &'static str,
    /// When Lambda stops creating functions on it, if the page gives the date.
    pub block_create: Option<&'static str>,
    /// When Lambda stops updating functions on it, if the page gives the date.
    pub block_update: Option<&'static str>,
    /// The runtime Lambda's refusal recommends instead.
    pub successor: &'static str,
}

const fn rt(
    id: &'static str,
    deprecated: &'static str,
    block_create: Option<&'static str>,
    block_update: Option<&'static str>,
    successor: &'static str,
) -> Runtime {
    Runtime { id, deprecated, block_create, block_update, successor }
}

/// The table (from the page named above, as read in 2026).
pub const RUNTIMES: &[Runtime] = &[
    rt("nodejs24.x", "2028-04-30", None, None, "nodejs24.x"),
    rt("nodejs22.x", "2027-04-30", None, None, "nodejs24.x"),
    rt("nodejs20.x", "2026-04-30", None, None, "nodejs22.x"),
    rt("nodejs18.x", "2025-09-01", Some("2026-02-03"), Some("2026-03-09"), "nodejs22.x"),
    rt("nodejs16.x", "2024-06-12", Some("2025-02-28"), Some("2025-03-31"), "nodejs22.x"),
    rt("nodejs14.x", "2023-12-04", Some("2024-01-09"), Some("2025-02-28"), "nodejs22.x"),
    rt("nodejs12.x", "2023-03-31", Some("2023-03-31"), Some("2023-04-30"), "nodejs22.x"),
    rt("nodejs10.x", "2021-07-30", Some("2021-07-30"), Some("2022-02-14"), "nodejs22.x"),
    rt("python3.14", "2029-06-30", None, None, "python3.14"),
    rt("python3.13", "2029-06-30", None, None, "python3.14"),
    rt("python3.12", "2028-10-31", None, None, "python3.13"),
    rt("python3.11", "2027-06-30", None, None, "python3.13"),
    rt("python3.10", "2026-06-30", None, None, "python3.13"),
    rt("python3.9", "2025-12-15", None, None, "python3.13"),
    rt("python3.8", "2024-10-14", Some("2025-02-28"), Some("2025-03-31"), "python3.13"),
    rt("python3.7", "2023-12-04", Some("2024-01-09"), Some("2025-02-28"), "python3.13"),
    rt("python3.6", "2022-07-18", Some("2022-07-18"), Some("2022-08-29"), "python3.13"),
    rt("python2.7", "2021-07-15", Some("2021-07-15"), Some("2022-05-30"), "python3.13"),
    rt("java25", "2031-06-30", None, None, "java25"),
    rt("java21", "2029-06-30", None, None, "java25"),
    rt("java17", "2026-06-30", None, None, "java21"),
    rt("java11", "2026-06-30", None, None, "java21"),
    rt("java8.al2", "2026-06-30", None, None, "java21"),
    rt("java8", "2024-01-08", Some("2024-02-08"), Some("2025-02-28"), "java21"),
    rt("dotnet10", "2028-11-14", None, None, "dotnet10"),
    rt("dotnet8", "2026-11-10", None, None, "dotnet10"),
    rt("dotnet6", "2024-12-20", Some("2025-02-28"), Some("2025-03-31"), "dotnet8"),
    rt("dotnetcore3.1", "2023-04-03", Some("2023-04-03"), Some("2023-05-03"), "dotnet8"),
    rt("dotnetcore2.1", "2022-01-05", Some("2022-01-05"), Some("2022-04-13"), "dotnet8"),
    rt("ruby3.4", "2028-03-31", None, None, "ruby3.4"),
    rt("ruby3.3", "2027-03-31", None, None, "ruby3.4"),
    rt("ruby3.2", "2026-03-31", None, None, "ruby3.4"),
    rt("ruby2.7", "2023-12-07", Some("2024-01-09"), Some("2025-02-28"), "ruby3.4"),
    rt("ruby2.5", "2021-07-30", Some("2021-07-30"), Some("2022-03-31"), "ruby3.4"),
    rt("go1.x", "2024-01-08", Some("2024-02-08"), Some("2025-02-28"), "provided.al2023"),
    rt("provided.al2023", "2029-06-30", None, None, "provided.al2023"),
    rt("provided.al2", "2026-06-30", None, None, "provided.al2023"),
    rt("provided", "2024-01-08", Some("2024-02-08"), Some("2025-02-28"), "provided.al2023"),
];

/// The table's entry for `id`.
pub fn runtime(id: &str) -> Option<&'static Runtime> {
    RUNTIMES.iter().find(|r| r.id == id)
}

/// Milliseconds since the epoch of a `YYYY-MM-DD` date of the table (0 for a malformed one,
/// which the table's test rules out).
pub fn date_ms(date: &str) -> i64 {
    hubsim_model::Timestamp::parse_iso8601(&format!("{date}T00:00:00Z")).map_or(0, |t| t.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_date_parses_and_blocks_follow_deprecation() {
        for r in RUNTIMES {
            assert!(date_ms(r.deprecated) > 0, "{}", r.id);
            let create = r.block_create.map(date_ms);
            let update = r.block_update.map(date_ms);
            if let Some(c) = create {
                assert!(c >= date_ms(r.deprecated), "{}", r.id);
            }
            if let (Some(c), Some(u)) = (create, update) {
                assert!(u >= c, "{}", r.id);
            }
            assert!(runtime(r.successor).is_some(), "{}", r.id);
        }
    }
}
