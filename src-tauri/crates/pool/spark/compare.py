#!/usr/bin/env python3
"""Checks that two raw results of the pool's standard report are equal: the embedded engine's
(`khata-pool report --raw`) and Spark's (`run_sql.py`). Equal means the same result names, the
same columns in the same order, and the same rows (as a multiset): strings, integers, booleans
and nulls exactly, floats to 1e-9 relative. An integer never equals a float: the two engines
must agree on the types too, or the published report could format a figure differently.

    python3 compare.py A.json B.json      exit 0 equal, 1 different (with a diff), 2 unreadable
"""

import json
import math
import sys

RELATIVE_TOLERANCE = 1e-9
# How many differing rows of one result the diff shows.
SHOWN = 10


class Unreadable(Exception):
    pass


def load(path):
    """A raw results file, checked for the shape both runners write."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f, parse_constant=_refuse_constant)
    except (OSError, ValueError) as error:
        raise Unreadable(f"{path}: {error}") from error
    if not isinstance(data, dict):
        raise Unreadable(f"{path}: not an object of results")
    for name, result in data.items():
        where = f"{path}: result {name!r}"
        if not isinstance(result, dict) or set(result) != {"columns", "rows"}:
            raise Unreadable(f"{where}: not {{\"columns\": [...], \"rows\": [...]}}")
        columns, rows = result["columns"], result["rows"]
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise Unreadable(f"{where}: columns are not a list of names")
        if not isinstance(rows, list):
            raise Unreadable(f"{where}: rows are not a list")
        for i, row in enumerate(rows):
            if not isinstance(row, list) or len(row) != len(columns):
                raise Unreadable(f"{where}: row {i} does not have {len(columns)} values")
            for value in row:
                if isinstance(value, (dict, list)):
                    raise Unreadable(f"{where}: row {i} holds a nested value")
    return data


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def kind(value):
    # bool before int: in Python, True is an int.
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    return "string"


def values_equal(a, b):
    if kind(a) != kind(b):
        return False
    if isinstance(a, float):
        return math.isclose(a, b, rel_tol=RELATIVE_TOLERANCE, abs_tol=0.0)
    return a == b


def rows_equal(a, b):
    return len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b))


def sort_key(row):
    # Floats rounded for the order only (compared to the tolerance afterwards), so two rows
    # that differ in a float's last bits still meet.
    def cell(value):
        if isinstance(value, float):
            return (kind(value), f"{value:.6e}")
        return (kind(value), json.dumps(value, ensure_ascii=False))

    return [cell(v) for v in row]


def unmatched_rows(rows_a, rows_b):
    """The rows of each side with no equal row on the other, as a multiset: sorted walk, then a
    pairwise search among what is left (rows rounding to different keys)."""
    a = sorted(rows_a, key=sort_key)
    b = sorted(rows_b, key=sort_key)
    left_a, left_b = [], []
    i = j = 0
    while i < len(a) and j < len(b):
        if rows_equal(a[i], b[j]):
            i += 1
            j += 1
        elif sort_key(a[i]) <= sort_key(b[j]):
            left_a.append(a[i])
            i += 1
        else:
            left_b.append(b[j])
            j += 1
    left_a += a[i:]
    left_b += b[j:]
    only_a = []
    for row in left_a:
        match = next((k for k, other in enumerate(left_b) if rows_equal(row, other)), None)
        if match is None:
            only_a.append(row)
        else:
            del left_b[match]
    return only_a, left_b


def compare(a, b, name_a="A", name_b="B"):
    """The differences between two raw results, as lines of text; empty when equal."""
    problems = []
    for name in sorted(set(a) - set(b)):
        problems.append(f"result {name!r}: only in {name_a}")
    for name in sorted(set(b) - set(a)):
        problems.append(f"result {name!r}: only in {name_b}")
    for name in sorted(set(a) & set(b)):
        ra, rb = a[name], b[name]
        if ra["columns"] != rb["columns"]:
            problems.append(
                f"result {name!r}: columns differ\n  {name_a}: {ra['columns']}\n  {name_b}: {rb['columns']}"
            )
            continue
        only_a, only_b = unmatched_rows(ra["rows"], rb["rows"])
        if not only_a and not only_b:
            continue
        lines = [
            f"result {name!r}: {len(ra['rows'])} rows in {name_a}, {len(rb['rows'])} in {name_b}; "
            f"{len(only_a)} only in {name_a}, {len(only_b)} only in {name_b}",
            f"  columns: {ra['columns']}",
        ]
        for side, rows in ((name_a, only_a), (name_b, only_b)):
            for row in rows[:SHOWN]:
                lines.append(f"  only in {side}: {json.dumps(row, ensure_ascii=False)}")
            if len(rows) > SHOWN:
                lines.append(f"  … and {len(rows) - SHOWN} more only in {side}")
        problems.append("\n".join(lines))
    return problems


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: compare.py A.json B.json", file=sys.stderr)
        return 2
    path_a, path_b = argv
    try:
        a, b = load(path_a), load(path_b)
    except Unreadable as error:
        print(f"compare.py: {error}", file=sys.stderr)
        return 2
    if not a and not b:
        print(f"compare.py: {path_a} and {path_b} hold no results: nothing was compared", file=sys.stderr)
        return 1
    problems = compare(a, b, path_a, path_b)
    if problems:
        print(f"compare.py: {path_a} and {path_b} differ:", file=sys.stderr)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    rows = sum(len(r["rows"]) for r in a.values())
    print(f"compare.py: equal: {len(a)} results, {rows} rows ({path_a}, {path_b})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
