#!/usr/bin/env python3
"""Checks that run_sql.py declares the tables exactly as `src/schema.rs` does: the same tables,
the same columns in the same order, the same types, and the same partitioned tables. run_sql.py
carries its own copy because it must run alone on a cluster, where the Rust source is not; this
check, run by check.sh, keeps the copy from drifting. Reads schema.rs as text: no build needed.

    python3 schema_sync.py [path/to/schema.rs]
"""

import os
import re
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import run_sql  # noqa: E402

# schema.rs's field helpers and the Spark type each one stands for.
HELPERS = {"utf8": "string", "int64": "long", "int32": "int", "boolean": "boolean", "float64": "double"}


def parse_schema_rs(text):
    """(tables in `TABLES` order with their columns, the unpartitioned tables) from schema.rs."""
    constants = dict(re.findall(r'pub const (\w+): &str = "(\w+)";', text))
    order = re.search(r"pub const TABLES: \[&str; \d+\] = \[([^\]]*)\]", text)
    if not order:
        raise ValueError("schema.rs: no `TABLES` list")
    tables = [constants[c] for c in re.findall(r"\w+", order.group(1))]

    body = re.search(r"pub fn file_schema\(.*?\n\}\n", text, re.S)
    if not body:
        raise ValueError("schema.rs: no `file_schema` function")
    columns = {}
    for constant, fields in re.findall(r"(\w+) => vec!\[(.*?)\n\s*\],", body.group(0), re.S):
        fields = re.sub(r"//[^\n]*", "", fields)
        columns[constants[constant]] = [
            (name, HELPERS[helper]) for helper, name in re.findall(r'(\w+)\("(\w+)"', fields)
        ]

    partitioned = re.search(r"pub fn is_partitioned\(table: &str\) -> bool \{\s*table != (\w+)\s*\}", text)
    if not partitioned:
        raise ValueError("schema.rs: `is_partitioned` is no longer `table != <one table>`")
    return [(t, columns.get(t)) for t in tables], {constants[partitioned.group(1)]}


def differences(schema_rs_text):
    tables, unpartitioned = parse_schema_rs(schema_rs_text)
    problems = []
    if [t for t, _ in tables] != list(run_sql.TABLES):
        problems.append(f"tables: schema.rs {[t for t, _ in tables]}, run_sql.py {list(run_sql.TABLES)}")
    for table, columns in tables:
        mine = run_sql.TABLES.get(table)
        if columns is None:
            problems.append(f"{table}: no columns found in schema.rs's file_schema")
        elif mine != columns:
            problems.append(f"{table}: schema.rs {columns}\n    run_sql.py {mine}")
    if unpartitioned != run_sql.UNPARTITIONED:
        problems.append(f"unpartitioned: schema.rs {unpartitioned}, run_sql.py {run_sql.UNPARTITIONED}")
    partition = re.search(r'PARTITION_COLUMNS: \[&str; 2\] = \["(\w+)", "(\w+)"\]', schema_rs_text)
    if not partition or list(partition.groups()) != run_sql.PARTITION_COLUMNS:
        problems.append(f"partition columns: run_sql.py {run_sql.PARTITION_COLUMNS}, not schema.rs's")
    return problems


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    path = argv[0] if argv else os.path.join(here, "..", "src", "schema.rs")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        problems = differences(text)
    except (ValueError, KeyError) as error:
        print(f"schema_sync.py: cannot read {path}: {error}", file=sys.stderr)
        return 1
    if problems:
        print(f"schema_sync.py: run_sql.py's tables differ from {path}:", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    count = sum(len(c) for c in run_sql.TABLES.values())
    print(f"schema_sync.py: run_sql.py matches schema.rs ({len(run_sql.TABLES)} tables, {count} columns)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
