//! `sources.TABLE.odbc` and `query`: a table read from a database query over ODBC. The
//! connection string may name environment variables (`${DW_PASSWORD}`), expanded only when
//! the connection is made and never shown; the query's named parameters (`:year`, `:month`,
//! `:period`, `:fiscal_start`) are sent as ODBC `?` parameters, never pasted into its text.

use super::raw::RawSource;

/// How long a query may run, by default, in seconds.
pub(crate) const DEFAULT_TIMEOUT: u64 = 300;

/// How long logging in may take, by default, in seconds.
pub(crate) const DEFAULT_LOGIN_TIMEOUT: u64 = 30;

/// The longest timeout the config may set, in seconds (a day).
const MAX_TIMEOUT: u64 = 86_400;

/// A named parameter of a query: what the report's month gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Param {
    /// `:year`, the report month's year (an integer, e.g. 2020).
    Year,
    /// `:month`, the report month's number, 1–12.
    Month,
    /// `:period`, the report month as text, `YYYY-MM`.
    Period,
    /// `:fiscal_start`, the first month of the fiscal year, 1–12.
    FiscalStart,
}

impl Param {
    /// Every parameter with its name in a query.
    pub(crate) const ALL: [(&'static str, Param); 4] = [
        ("year", Param::Year),
        ("month", Param::Month),
        ("period", Param::Period),
        ("fiscal_start", Param::FiscalStart),
    ];
}

/// A table read from a database query.
#[derive(Clone, PartialEq)]
pub(crate) struct Database {
    /// The connection string as written: `${VAR}` not expanded.
    pub connection: String,
    /// The query as written, with its named parameters.
    pub query: String,
    /// The query as sent: each named parameter replaced by `?`.
    pub sql: String,
    /// The named parameters, in the order of the `?` that stand for them.
    pub params: Vec<Param>,
    /// How long the query may run, in seconds.
    pub timeout_seconds: u64,
    /// How long logging in may take, in seconds.
    pub login_timeout_seconds: u64,
}

impl std::fmt::Debug for Database {
    /// The connection string masked, as messages show it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("connection", &masked(&self.connection))
            .field("query", &self.query)
            .field("params", &self.params)
            .field("timeout_seconds", &self.timeout_seconds)
            .finish_non_exhaustive()
    }
}

impl Database {
    /// The source as messages name it: the connection string with its password masked, and
    /// the query.
    pub(crate) fn shown(&self) -> String {
        format!(
            "odbc \"{}\" query \"{}\"",
            masked(&self.connection),
            self.query.split_whitespace().collect::<Vec<_>>().join(" ")
        )
    }

    /// The connection string with every `${VAR}` replaced by the variable's value; an unset
    /// variable is an error naming it.
    pub(crate) fn expanded_connection(&self) -> Result<String, String> {
        expand(&self.connection, |name| std::env::var(name).ok())
    }
}

/// The database source of a `sources:` entry, when it gives `odbc` or `query`; the problems
/// are pushed under `key`.
pub(crate) fn resolve(r: &RawSource, key: &str, problems: &mut Vec<String>) -> Option<Database> {
    if r.odbc.is_none() && r.query.is_none() {
        for (given, what) in [
            (r.timeout_seconds.is_some(), "timeout_seconds"),
            (r.login_timeout_seconds.is_some(), "login_timeout_seconds"),
        ] {
            if given {
                problems.push(format!(
                    "{key}.{what}: is for a database source (expected `odbc` and `query` beside it)"
                ));
            }
        }
        return None;
    }
    let (Some(connection), Some(query)) = (&r.odbc, &r.query) else {
        let missing = if r.odbc.is_none() { "odbc" } else { "query" };
        problems.push(format!(
            "{key}: a database source gives both `odbc` (the connection string) and `query`; `{missing}` is missing"
        ));
        return None;
    };
    let file_only = [
        (r.file.is_some(), "file"),
        (r.sheet.is_some(), "sheet"),
        (r.skip_rows.is_some(), "skip_rows"),
        (r.period_from_file_name.is_some(), "period_from_file_name"),
    ];
    for (_, what) in file_only.iter().filter(|(given, _)| *given) {
        problems.push(format!(
            "{key}.{what}: is for a file source, not a database query (`odbc`)"
        ));
    }
    if connection.trim().is_empty() {
        problems.push(format!(
            "{key}.odbc: the connection string is empty (expected e.g. \"DSN=warehouse\")"
        ));
    }
    if let Err(e) = expand(connection, |name| std::env::var(name).ok()) {
        problems.push(format!("{key}.odbc: {e}"));
    }
    let (sql, params) = match named_params(query) {
        Ok(p) => p,
        Err(e) => {
            problems.push(format!("{key}.query: {e}"));
            return None;
        }
    };
    if sql.trim().is_empty() {
        problems.push(format!("{key}.query: the query is empty"));
    }
    let mut timeout = |given: Option<u64>, what: &str, default: u64| match given {
        Some(s) if s == 0 || s > MAX_TIMEOUT => {
            problems.push(format!(
                "{key}.{what}: {s} is out of range (expected 1 to {MAX_TIMEOUT} seconds)"
            ));
            default
        }
        Some(s) => s,
        None => default,
    };
    let timeout_seconds = timeout(r.timeout_seconds, "timeout_seconds", DEFAULT_TIMEOUT);
    let login_timeout_seconds = timeout(
        r.login_timeout_seconds,
        "login_timeout_seconds",
        DEFAULT_LOGIN_TIMEOUT,
    );
    Some(Database {
        connection: connection.clone(),
        query: query.clone(),
        sql,
        params,
        timeout_seconds,
        login_timeout_seconds,
    })
}

/// The connection string with the value of every `PWD` and `Password` attribute masked.
pub(crate) fn masked(connection: &str) -> String {
    let mut out = String::new();
    for (i, attribute) in attributes(connection).into_iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        match attribute.split_once('=') {
            Some((k, _)) if ["pwd", "password"].contains(&k.trim().to_lowercase().as_str()) => {
                out.push_str(k);
                out.push_str("=***");
            }
            _ => out.push_str(attribute),
        }
    }
    out
}

/// The `key=value` attributes of a connection string, split at `;` outside `{…}`.
fn attributes(connection: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut braced) = (0, false);
    for (i, c) in connection.char_indices() {
        match c {
            '{' => braced = true,
            '}' => braced = false,
            ';' if !braced => {
                parts.push(&connection[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&connection[start..]);
    parts
}

/// `text` with each `${NAME}` replaced by `lookup(NAME)`; an unset variable or a `${` left
/// open is an error naming it.
fn expand(text: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let Some(end) = after.find('}') else {
            return Err("\"${\" is not closed (expected ${NAME}, e.g. ${DW_PASSWORD})".to_string());
        };
        let name = &after[..end];
        let valid = !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit());
        if !valid {
            return Err(format!(
                "\"${{{name}}}\" is not an environment variable's name (expected letters, digits and _)"
            ));
        }
        match lookup(name) {
            Some(value) => out.push_str(&value),
            None => {
                return Err(format!(
                    "the environment variable {name} is not set (the connection string names it as ${{{name}}})"
                ));
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The query with each named parameter (`:name` outside string literals, quoted names and
/// comments; `::` is a cast) replaced by `?`, and the parameters in order. An unknown name
/// is an error naming it.
pub(crate) fn named_params(query: &str) -> Result<(String, Vec<Param>), String> {
    let b = query.as_bytes();
    let (mut sql, mut params) = (String::with_capacity(query.len()), Vec::new());
    let mut i = 0;
    let mut copied = 0;
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"' | b'`') => i = closing(b, i + 1, q),
            b'[' => i = closing(b, i + 1, b']'),
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = b[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |p| i + p);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = query[i + 2..].find("*/").map_or(b.len(), |p| i + 2 + p + 2);
            }
            b':' if b.get(i + 1) == Some(&b':') => i += 2,
            b':' if b
                .get(i + 1)
                .is_some_and(|&c| c.is_ascii_alphabetic() || c == b'_')
                && (i == 0 || !word(b[i - 1])) =>
            {
                let end = (i + 1..b.len()).find(|&j| !word(b[j])).unwrap_or(b.len());
                let name = &query[i + 1..end];
                let Some((_, param)) = Param::ALL.iter().find(|(n, _)| *n == name) else {
                    let known: Vec<String> =
                        Param::ALL.iter().map(|(n, _)| format!(":{n}")).collect();
                    return Err(format!(
                        "\":{name}\" is not a parameter (expected one of {})",
                        known.join(", ")
                    ));
                };
                sql.push_str(&query[copied..i]);
                sql.push('?');
                params.push(*param);
                copied = end;
                i = end;
            }
            _ => i += 1,
        }
    }
    sql.push_str(&query[copied..]);
    Ok((sql, params))
}

/// The index after the quote `q` that closes a literal opened before `from` (a doubled
/// quote stays inside); the end when it is not closed.
fn closing(b: &[u8], mut from: usize, q: u8) -> usize {
    while from < b.len() {
        if b[from] == q {
            if b.get(from + 1) == Some(&q) && q != b']' {
                from += 2;
                continue;
            }
            return from + 1;
        }
        from += 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_parameters_become_question_marks_outside_literals_and_comments() {
        let (sql, params) = named_params(
            "select a, ':year' as t, \"x:month\" from t -- :period\nwhere y = :year and m <= :month and p = :period::text /* :nope */ and f = :fiscal_start",
        )
        .unwrap();
        assert_eq!(
            sql,
            "select a, ':year' as t, \"x:month\" from t -- :period\nwhere y = ? and m <= ? and p = ?::text /* :nope */ and f = ?"
        );
        assert_eq!(
            params,
            [Param::Year, Param::Month, Param::Period, Param::FiscalStart]
        );
        let (sql, params) = named_params("select 'it''s :year' from t where a = :year").unwrap();
        assert_eq!(sql, "select 'it''s :year' from t where a = ?");
        assert_eq!(params, [Param::Year]);
    }

    #[test]
    fn an_unknown_parameter_is_named() {
        assert_eq!(
            named_params("select * from t where y = :yeer").unwrap_err(),
            "\":yeer\" is not a parameter (expected one of :year, :month, :period, :fiscal_start)"
        );
    }

    #[test]
    fn passwords_are_masked() {
        assert_eq!(
            masked(
                "Driver={ODBC Driver 18 for SQL Server};Server=dw;UID=${DW_USER};PWD=${DW_PASSWORD};Encrypt=yes"
            ),
            "Driver={ODBC Driver 18 for SQL Server};Server=dw;UID=${DW_USER};PWD=***;Encrypt=yes"
        );
        assert_eq!(masked("DSN=dw;password={a;b}"), "DSN=dw;password=***");
    }

    #[test]
    fn variables_expand_and_an_unset_one_is_named() {
        let env = |n: &str| (n == "DW_USER").then(|| "anna".to_string());
        assert_eq!(
            expand("DSN=dw;UID=${DW_USER}", env).unwrap(),
            "DSN=dw;UID=anna"
        );
        assert_eq!(
            expand("DSN=dw;PWD=${DW_PASSWORD}", env).unwrap_err(),
            "the environment variable DW_PASSWORD is not set (the connection string names it as ${DW_PASSWORD})"
        );
        assert!(expand("PWD=${X", env).is_err());
    }
}
