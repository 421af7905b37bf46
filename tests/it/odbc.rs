//! Database sources over ODBC (`sources.TABLE.odbc`) against a real PostgreSQL server through
//! Debian's psqlODBC driver: the sample region generated from the database gives the figures
//! its CSV files give, each failure has its message, and `--if-changed` sees the rows.
//!
//! They need the server `.ci/odbc-server.sh` starts (it exports `UPPFOLJ_TEST_ODBC`), so they
//! are ignored by a plain `cargo test`; `.ci/run` starts the server and runs them with
//! `--include-ignored`, where a missing server fails them.

use std::path::Path;
use std::process::{Command, Output};

use super::{copy_dir, root, stderr, stdout};

/// The connection string of the test server; a missing one fails the test.
fn server() -> String {
    std::env::var("UPPFOLJ_TEST_ODBC").expect(
        "UPPFOLJ_TEST_ODBC is not set: start the test server first (source .ci/odbc-server.sh)",
    )
}

/// The test server's password (`PWD=` of its connection string).
fn password() -> String {
    let s = server();
    s.split(';')
        .find_map(|a| a.strip_prefix("PWD="))
        .expect("PWD= in UPPFOLJ_TEST_ODBC")
        .to_string()
}

/// The connection string a config writes: the password from `DW_PASSWORD`.
fn config_dsn() -> String {
    server().replace(&format!("PWD={}", password()), "PWD=${DW_PASSWORD}")
}

/// Runs SQL statements on the test server.
fn sql(statements: &str) {
    let env = odbc_api::environment().unwrap();
    let conn = env
        .connect_with_connection_string(&server(), odbc_api::ConnectionOptions::default())
        .unwrap();
    conn.execute(statements, (), None)
        .unwrap_or_else(|e| panic!("{e}\n{statements:.300}"));
}

/// The first value of the first row a query gives on the test server, as text.
fn sql_value(query: &str) -> String {
    use odbc_api::Cursor;
    let env = odbc_api::environment().unwrap();
    let conn = env
        .connect_with_connection_string(&server(), odbc_api::ConnectionOptions::default())
        .unwrap();
    let mut cursor = conn.execute(query, (), None).unwrap().expect("a result");
    let mut row = cursor.next_row().unwrap().expect("a row");
    let mut value = Vec::new();
    row.get_text(1, &mut value).unwrap();
    String::from_utf8(value).unwrap()
}

/// A table of the sample as SQL: its columns (the `numeric` ones as NUMERIC(18,2), the others
/// text) and its rows, the Swedish amounts (`1 234,50`) written with a point.
fn sample_table(schema: &str, table: &str, numeric: &[&str]) -> String {
    table_sql(&root().join("data/sample"), schema, table, numeric)
}

/// A table of a data folder as SQL (see [`sample_table`]).
fn table_sql(dir: &Path, schema: &str, table: &str, numeric: &[&str]) -> String {
    let bytes = std::fs::read(dir.join(format!("{table}.csv"))).unwrap();
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.to_string(),
    };
    let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
    let header = lines.next().unwrap();
    let sep = [';', '\t', ',']
        .into_iter()
        .find(|c| header.contains(*c))
        .unwrap();
    let names: Vec<&str> = header.split(sep).collect();
    let columns: Vec<String> = names
        .iter()
        .map(|n| {
            let kind = if numeric.contains(n) {
                "numeric(18,2)"
            } else {
                "text"
            };
            format!("\"{n}\" {kind}")
        })
        .collect();
    // `n` keeps the file's order for the queries' `order by`.
    let mut out = format!(
        "create table {schema}.{table} (n serial, {});\n",
        columns.join(", ")
    );
    let list: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    let rows: Vec<String> = lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cells: Vec<String> = l
                .split(sep)
                .zip(&names)
                .map(|(v, n)| {
                    let v = v.trim();
                    if v.is_empty() {
                        "null".to_string()
                    } else if numeric.contains(n) {
                        v.replace([' ', '\u{a0}'], "").replace(',', ".")
                    } else {
                        format!("'{}'", v.replace('\'', "''"))
                    }
                })
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect();
    out.push_str(&format!(
        "insert into {schema}.{table} ({}) values {};\n",
        list.join(", "),
        rows.join(",\n")
    ));
    out
}

/// A fresh schema holding the sample's ledger, units, accounts and approved results.
fn load_sample(schema: &str) {
    let mut statements =
        format!("drop schema if exists {schema} cascade; create schema {schema};\n");
    statements.push_str(&sample_table(schema, "ledger", &["actual", "budget"]));
    statements.push_str(&sample_table(schema, "units", &[]));
    statements.push_str(&sample_table(schema, "accounts", &[]));
    statements.push_str(&sample_table(schema, "approved", &["result", "equity"]));
    sql(&statements);
}

/// The sample folder without the tables the database gives, and its config with `sources:`
/// for them (`extra` is added to the ledger's source).
fn sample_from(schema: &str, dir: &Path, ledger_query: &str, extra: &str) -> std::path::PathBuf {
    copy_dir(&root().join("data/sample"), dir);
    for t in ["ledger", "units", "accounts", "approved"] {
        std::fs::remove_file(dir.join(format!("{t}.csv"))).unwrap();
    }
    let dsn = config_dsn();
    let mut config = std::fs::read_to_string(root().join("data/sample/uppfolj.yaml")).unwrap();
    config.push_str(&format!(
        r#"
sources:
  ledger:
    odbc: "{dsn}"
    query: "{ledger_query}"
{extra}  units:
    odbc: "{dsn}"
    query: "select unit, name, parent from {schema}.units order by n"
  accounts:
    odbc: "{dsn}"
    query: "select account, name, category from {schema}.accounts order by n"
  approved:
    odbc: "{dsn}"
    query: "select year, unit, result, equity from {schema}.approved order by n"
"#
    ));
    let path = dir.join("uppfolj.yaml");
    std::fs::write(&path, config).unwrap();
    path
}

/// `uppfolj generate` of `data` with `config` for 2020-09, the password in `DW_PASSWORD`.
fn generate(data: &Path, config: &Path, out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_uppfolj"))
        .args(["generate", "--data"])
        .arg(data)
        .arg("--config")
        .arg(config)
        .args(["--period", "2020-09", "--format", "html", "--out"])
        .arg(out)
        .args(extra)
        .env("SOURCE_DATE_EPOCH", "1600000000")
        .env("DW_PASSWORD", password())
        .output()
        .unwrap()
}

/// The ledger query of the sample: the year to the report month and the year before, its
/// bounds bound as parameters.
const LEDGER: &str = "select period, unit, account, actual, budget from S.ledger where cast(substr(period, 1, 4) as integer) between :year - 1 and :year order by n";

#[test]
#[ignore = "needs the PostgreSQL server of .ci/odbc-server.sh"]
fn the_sample_from_the_database_gives_the_figures_of_its_csv_files() {
    load_sample("s_same");
    let dir = tempfile::tempdir().unwrap();
    let config = sample_from("s_same", dir.path(), &LEDGER.replace("S.", "s_same."), "");
    let out = tempfile::tempdir().unwrap();
    let o = generate(dir.path(), &config, out.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv_out = tempfile::tempdir().unwrap();
    let c = generate(
        &root().join("data/sample"),
        &root().join("data/sample/uppfolj.yaml"),
        csv_out.path(),
        &[],
    );
    assert_eq!(c.status.code(), Some(0), "{}", stderr(&c));
    let figures = |d: &Path| std::fs::read_to_string(d.join("2020-09/figures.json")).unwrap();
    assert!(
        figures(out.path()) == figures(csv_out.path()),
        "figures.json differs between the database and the CSV files"
    );
    // The manifest lists each query with its rows and their hash, no credentials.
    let manifest = std::fs::read_to_string(out.path().join("2020-09/manifest.json")).unwrap();
    let m: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let ledger = m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["table"] == "ledger")
        .unwrap();
    assert_eq!(ledger["query"], LEDGER.replace("S.", "s_same."));
    assert_eq!(ledger["rows"], 10306);
    assert_eq!(ledger["sha256"].as_str().unwrap().len(), 64);
    assert!(ledger.get("file").is_none());
    assert!(!manifest.contains(&password()));
    assert!(!stderr(&o).contains(&password()) && !stdout(&o).contains(&password()));
}

#[test]
#[ignore = "needs the PostgreSQL server of .ci/odbc-server.sh"]
fn the_parameters_are_bound_for_the_month_asked_for() {
    load_sample("s_param");
    let dir = tempfile::tempdir().unwrap();
    // Only the rows up to the report month: `:period` is bound as text, `:month` as a number.
    let query = "select period, unit, account, actual, budget from s_param.ledger where period <= :period and cast(substr(period, 6, 2) as integer) >= :month - 99";
    let config = sample_from("s_param", dir.path(), query, "");
    let out = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_uppfolj"))
        .args(["generate", "--data"])
        .arg(dir.path())
        .arg("--config")
        .arg(&config)
        .args(["--period", "2020-06", "--format", "html", "--out"])
        .arg(out.path())
        .env("SOURCE_DATE_EPOCH", "1600000000")
        .env("DW_PASSWORD", password())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let manifest = std::fs::read_to_string(out.path().join("2020-06/manifest.json")).unwrap();
    let m: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let rows = m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["table"] == "ledger")
        .unwrap()["rows"]
        .as_u64()
        .unwrap();
    let csv = std::fs::read_to_string(root().join("data/sample/ledger.csv")).unwrap();
    let expected = csv
        .lines()
        .skip(1)
        .filter(|l| l.get(..7).is_some_and(|p| p <= "2020-06"))
        .count() as u64;
    assert_eq!(rows, expected);
}

/// The stderr of a run of the sample from the database whose ledger source is changed by
/// `ledger_query` and `extra`, which must fail (exit 1, an error in the data) and leave `out` as it was.
fn failing(schema: &str, ledger_query: &str, extra: &str) -> String {
    failing_with(schema, ledger_query, extra, &config_dsn())
}

/// [`failing`] with the ledger's source connecting by `connection`.
fn failing_with(schema: &str, ledger_query: &str, extra: &str, connection: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let config = sample_from(schema, dir.path(), ledger_query, extra);
    let text = std::fs::read_to_string(&config).unwrap();
    let at = text.find("  ledger:").unwrap();
    let (head, tail) = text.split_at(at);
    std::fs::write(
        &config,
        format!("{head}{}", tail.replacen(&config_dsn(), connection, 1)),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(out.path().join("2020-09")).unwrap();
    std::fs::write(out.path().join("2020-09/figures.json"), "good").unwrap();
    let o = generate(dir.path(), &config, out.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(out.path().join("2020-09/figures.json")).unwrap(),
        "good"
    );
    let e = stderr(&o);
    assert!(!e.contains(&password()), "{e}");
    e
}

#[test]
#[ignore = "needs the PostgreSQL server of .ci/odbc-server.sh"]
fn each_failure_is_named_and_changes_nothing() {
    load_sample("s_fail");
    let dsn = config_dsn();
    let shown = |conn: &str, query: &str| {
        format!(
            "odbc \"{}\" query \"{query}\"",
            conn.replace("PWD=${DW_PASSWORD}", "PWD=***")
        )
    };
    let plain = "select period, unit, account, actual, budget from s_fail.ledger";

    // A dropped table: the database's own message.
    let e = failing(
        "s_fail",
        "select period, unit, account, actual, budget from s_fail.gone",
        "",
    );
    let q = "select period, unit, account, actual, budget from s_fail.gone";
    assert!(
        e.contains(&format!(
            "error: {}: the query failed: ERROR: relation \"s_fail.gone\" does not exist;",
            shown(&dsn, q)
        )),
        "{e}"
    );

    // A mistyped column, named as for a file.
    let e = failing("s_fail", plain, "    columns: { actual: utfall }\n");
    assert!(
        e.contains(&format!(
            "error: {}: the config names the header \"utfall\" for column \"actual\" (sources.ledger.columns.actual)",
            shown(&dsn, plain)
        )),
        "{e}"
    );

    // A login refused: the password masked.
    let wrong = dsn.replace("${DW_PASSWORD}", "wrong");
    let e = failing_with("s_fail", plain, "", &wrong);
    assert!(
        e.contains(&format!(
            "error: {}: the login was refused: ",
            shown(&wrong.replace("PWD=wrong", "PWD=${DW_PASSWORD}"), plain)
        )) && e.contains("password authentication failed for user \"uppfolj\""),
        "{e}"
    );
    assert!(!e.contains("wrong"), "the password is masked: {e}");
}

#[test]
#[ignore = "needs the PostgreSQL server of .ci/odbc-server.sh"]
fn a_server_that_cannot_be_reached_a_missing_driver_and_a_timeout_are_named() {
    load_sample("s_reach");
    let plain = "select period, unit, account, actual, budget from s_reach.ledger";
    // No server on that socket.
    let nowhere = "Driver={PostgreSQL Unicode};Servername=/nonexistent;Port=5432;Database=uppfolj;UID=uppfolj;PWD=${DW_PASSWORD}";
    let e = failing_with("s_reach", plain, "", nowhere);
    assert!(
        e.contains(&format!(
            "error: odbc \"{}\" query \"{plain}\": cannot connect to the database: ",
            nowhere.replace("${DW_PASSWORD}", "***")
        )) && e.contains("/nonexistent"),
        "{e}"
    );
    // No such driver.
    let no_driver = "Driver={No Such Driver};Server=dw;PWD=${DW_PASSWORD}";
    let e = failing_with("s_reach", plain, "", no_driver);
    assert!(
        e.contains(&format!(
            "error: odbc \"Driver={{No Such Driver}};Server=dw;PWD=***\" query \"{plain}\": no ODBC driver or data source for this connection string: "
        )),
        "{e}"
    );
    // A query that runs past timeout_seconds.
    let slow = "select period, unit, account, actual, budget from s_reach.ledger, pg_sleep(5)";
    let e = failing("s_reach", slow, "    timeout_seconds: 1\n");
    assert!(
        e.contains("the query did not finish within timeout_seconds (1 s): "),
        "{e}"
    );
}

#[test]
#[ignore = "needs the PostgreSQL server of .ci/odbc-server.sh"]
fn config_mistakes_are_named_before_anything_is_read() {
    load_sample("s_conf");
    let dir = tempfile::tempdir().unwrap();
    let config = sample_from(
        "s_conf",
        dir.path(),
        "select period, unit, account, actual, budget from s_conf.ledger where period = :perod",
        "",
    );
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replacen("${DW_PASSWORD}", "${UPPFOLJ_NOT_SET}", 1),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = generate(dir.path(), &config, out.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("sources.ledger.odbc: the environment variable UPPFOLJ_NOT_SET is not set (the connection string names it as ${UPPFOLJ_NOT_SET})"),
        "{e}"
    );
    assert!(
        e.contains("sources.ledger.query: \":perod\" is not a parameter (expected one of :year, :month, :period, :fiscal_start)"),
        "{e}"
    );
}

#[test]
#[ignore = "needs the PostgreSQL server of .ci/odbc-server.sh"]
fn a_third_decimal_and_a_float_column_are_rounded_with_a_warning() {
    load_sample("s_round");
    sql(
        "alter table s_round.ledger alter column actual type numeric(18,3);
         update s_round.ledger set actual = actual + 0.004 where n = 1;
         alter table s_round.ledger alter column budget type double precision;",
    );
    let dir = tempfile::tempdir().unwrap();
    let q = "select period, unit, account, actual, budget from s_round.ledger order by n";
    let config = sample_from("s_round", dir.path(), q, "");
    let out = tempfile::tempdir().unwrap();
    let o = generate(dir.path(), &config, out.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let shown = format!(
        "odbc \"{}\" query \"{q}\"",
        config_dsn().replace("${DW_PASSWORD}", "***")
    );
    let e = stderr(&o);
    assert!(
        e.contains(&format!(
            "warning: {shown}, row 1, column \"actual\": 1 amount had more than two decimals and was rounded to whole öre (at this row)"
        )),
        "{e}"
    );
    assert!(
        e.contains(&format!(
            "warning: {shown}, column \"budget\": a floating-point column: its amounts are binary numbers, rounded to öre as in an Excel file"
        )),
        "{e}"
    );
}

#[test]
#[ignore = "needs the PostgreSQL server of .ci/odbc-server.sh"]
fn if_changed_sees_the_rows_of_the_database() {
    load_sample("s_changed");
    let dir = tempfile::tempdir().unwrap();
    let config = sample_from(
        "s_changed",
        dir.path(),
        &LEDGER.replace("S.", "s_changed."),
        "",
    );
    let out = tempfile::tempdir().unwrap();
    let run = || generate(dir.path(), &config, out.path(), &["--if-changed"]);
    let first = run();
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(stdout(&first).contains("46 reports"), "{}", stdout(&first));
    let second = run();
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert_eq!(
        stdout(&second),
        format!(
            "uppfolj: inputs unchanged since the run that wrote {}; nothing to do\n",
            out.path().join("2020-09").display()
        )
    );
    sql("update s_changed.ledger set actual = actual + 1 where n = 10000");
    let third = run();
    assert_eq!(third.status.code(), Some(0), "{}", stderr(&third));
    assert!(stdout(&third).contains("46 reports"), "{}", stdout(&third));
}

#[test]
#[ignore = "needs the PostgreSQL server of .ci/odbc-server.sh"]
fn transactions_from_the_database_are_summed_batch_by_batch_as_from_their_file() {
    let data = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_uppfolj"))
        .args([
            "synth",
            "--leaves",
            "6",
            "--accounts",
            "5",
            "--transactions",
            "25000",
            "--out",
        ])
        .arg(data.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The query counts its runs: a sequence drawn from once per run.
    let mut statements =
        "drop schema if exists s_trans cascade; create schema s_trans; create sequence s_trans.runs;\n"
            .to_string();
    statements.push_str(&table_sql(
        data.path(),
        "s_trans",
        "transactions",
        &["amount"],
    ));
    sql(&statements);
    let config = |dir: &Path, query: bool| {
        let path = dir.join("uppfolj.yaml");
        let source = if query {
            format!(
                "sources:\n  transactions:\n    odbc: \"{}\"\n    query: \"select t.date, t.unit, t.account, t.amount, t.text from s_trans.transactions t cross join (select nextval('s_trans.runs') as run) r order by t.n\"\n",
                config_dsn()
            )
        } else {
            String::new()
        };
        std::fs::write(&path, format!("transactions: {{ largest: 3 }}\n{source}")).unwrap();
        path
    };
    let db = tempfile::tempdir().unwrap();
    copy_dir(data.path(), db.path());
    std::fs::remove_file(db.path().join("transactions.csv")).unwrap();
    let (db_out, csv_out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = generate(db.path(), &config(db.path(), true), db_out.path(), &[]);
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    // Run once: the sums, the account view's largest transactions and the fingerprint all
    // come from one reading of the rows.
    assert_eq!(sql_value("select last_value from s_trans.runs"), "1");
    let b = generate(
        data.path(),
        &config(data.path(), false),
        csv_out.path(),
        &[],
    );
    assert_eq!(b.status.code(), Some(0), "{}", stderr(&b));
    let read = |d: &Path, f: &str| std::fs::read_to_string(d.join("2020-09").join(f)).unwrap();
    assert!(
        read(db_out.path(), "figures.json") == read(csv_out.path(), "figures.json"),
        "figures.json differs between the database and the CSV file"
    );
    // The account view's largest transactions, kept while the rows were summed.
    let leaf = "10000.html";
    assert!(read(db_out.path(), leaf).contains("Verifikation"));
    assert!(
        read(db_out.path(), leaf) == read(csv_out.path(), leaf),
        "the leaf's page differs between the database and the CSV file"
    );
    let m: serde_json::Value = serde_json::from_str(&read(db_out.path(), "manifest.json")).unwrap();
    let t = m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["table"] == "transactions")
        .unwrap();
    assert_eq!(t["rows"], 25000);
}
