//! The PostgreSQL schema (`migrations/postgres/`) has the same shape as the one the SQLite
//! migrations (`migrations/`) arrive at: the same tables, columns, nullability, primary keys,
//! unique keys and foreign keys. Column types differ by design (BIGINT/BOOLEAN/BYTEA for
//! SQLite's INTEGER/BLOB) and are not compared. Runs when the suite runs on PostgreSQL.

use std::{collections::BTreeMap, process::Command};

use integration_tests::{Console, database_url_for, on_postgres};
use serde_json::Value;

/// `{table: {"columns": [[name, not_null]], "pk": [...], "unique": [[...]], "fk": [[cols, table, ref_cols]]}}`
type Shape = BTreeMap<String, Value>;

fn sqlite_shape(dir: &std::path::Path) -> Shape {
    let db = dir.join("schema.db");
    let output = Command::new("python3")
        .arg("-c")
        .arg(
            r#"
import json, pathlib, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
for path in sorted(pathlib.Path(sys.argv[2]).glob("*.sql")):
    con.executescript(path.read_text())
shape = {}
for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx_%'"):
    info = con.execute(f"PRAGMA table_info({table})").fetchall()
    columns = sorted([name, bool(notnull) or pk > 0] for (_, name, _, notnull, _, pk) in info)
    pk = [name for (_, name, _, _, _, pk) in sorted(info, key=lambda r: r[5]) if pk > 0]
    unique = []
    for (_, index, is_unique, origin, _) in con.execute(f"PRAGMA index_list({table})"):
        if is_unique and origin == "u":
            unique.append([r[2] for r in con.execute(f"PRAGMA index_info({index})")])
    fks = {}
    for (fk_id, seq, ref, col, ref_col, *_rest) in con.execute(f"PRAGMA foreign_key_list({table})"):
        fks.setdefault(fk_id, [[], ref, []])
        fks[fk_id][0].append(col)
        fks[fk_id][2].append(ref_col if ref_col else "id")
    shape[table] = {"columns": columns, "pk": pk, "unique": sorted(unique), "fk": sorted(fks.values())}
print(json.dumps(shape))
"#,
        )
        .arg(&db)
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations"))
        .output()
        .expect("run python3");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn postgres_shape(url: &str) -> Shape {
    let query = r#"
WITH tables AS (
  SELECT table_name AS t FROM information_schema.tables
  WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE '\_sqlx\_%'
),
cons AS (
  SELECT c.conrelid::regclass::text AS t, c.contype, c.confrelid::regclass::text AS ref,
         (SELECT json_agg(a.attname ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n) AS cols,
         (SELECT json_agg(a.attname ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
            JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n) AS ref_cols
  FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
  WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f')
)
SELECT json_object_agg(t, json_build_object(
  'columns', (SELECT json_agg(json_build_array(column_name, is_nullable = 'NO') ORDER BY column_name)
              FROM information_schema.columns WHERE table_schema = 'public' AND table_name = tables.t),
  'pk', COALESCE((SELECT cols FROM cons WHERE cons.t = tables.t AND contype = 'p'), '[]'::json),
  'unique', COALESCE((SELECT json_agg(cols ORDER BY cols::text) FROM cons WHERE cons.t = tables.t AND contype = 'u'), '[]'::json),
  'fk', COALESCE((SELECT json_agg(json_build_array(cols, ref, ref_cols) ORDER BY cols::text) FROM cons WHERE cons.t = tables.t AND contype = 'f'), '[]'::json)
)) FROM tables"#;
    let output = Command::new("psql")
        .arg(url)
        .args(["-v", "ON_ERROR_STOP=1", "-qAtc", query])
        .output()
        .expect("run psql");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Sorts what both sides list in no particular order (columns by name, keys).
fn normalized(shape: Shape) -> Shape {
    shape
        .into_iter()
        .map(|(table, mut value)| {
            for key in ["columns", "unique", "fk"] {
                if let Some(Value::Array(items)) = value.get_mut(key) {
                    items.sort_by_key(ToString::to_string);
                }
            }
            (table, value)
        })
        .collect()
}

#[tokio::test]
async fn both_backends_have_the_same_schema_shape() {
    if !on_postgres() {
        eprintln!("skipped on SQLite: the comparison needs PostgreSQL (scripts/test runs it)");
        return;
    }
    let console = Console::start();
    let dir = console.data_dir();
    let url = database_url_for(dir.path()).expect("on PostgreSQL");
    let sqlite = normalized(sqlite_shape(dir.path()));
    let postgres = normalized(postgres_shape(&url));
    assert_eq!(
        sqlite.keys().collect::<Vec<_>>(),
        postgres.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    for (table, shape) in &sqlite {
        assert_eq!(Some(shape), postgres.get(table), "table {table}");
    }
}
