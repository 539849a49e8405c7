#!/usr/bin/env python3
"""The pool's standard report on Apache Spark: the same SQL files `khata-pool report` runs with
its embedded engine, over the same Parquet dataset, with the raw results in the same JSON shape,
so `compare.py` can check that both engines give the same figures (docs/pool.md, "On Apache
Spark").

    python3 run_sql.py POOL SQL_DIR OUT.json                  pyspark in local mode
    spark-submit run_sql.py POOL SQL_DIR OUT.json             on a cluster (POOL may be s3a://…)

Each table of `src/schema.rs` is registered as a view over `POOL/<table>`, its partition
columns `lender` and `month` read from the Hive-style paths as strings; a table with no files
is registered empty, with its columns. The files `NN_name.sql` of SQL_DIR then run in file-name
order, each result registered as the view `name` for the files after it. OUT.json is
`{"name": {"columns": [...], "rows": [[...], ...]}}`, rows sorted by their JSON text, integers
as integers, floats as floats (one that is not finite as null), nulls as null: what
`khata-pool report --raw` writes.
"""

import argparse
import json
import math
import os
import re
import shutil
import sys
import tempfile
from decimal import Decimal

# The tables' stored columns, as `schema::file_schema` declares them (check.sh holds the two
# together with schema_sync.py). Spark types by name: string, long, int, boolean, double.
TABLES = {
    "donations": [
        ("donation_id", "string"),
        ("month", "string"),
        ("added_at_ms", "long"),
        ("export_sha256", "string"),
        ("export_bytes", "long"),
        ("lenders", "int"),
        ("disclosures", "long"),
        ("phone_observations", "long"),
        ("withheld", "string"),
    ],
    "disclosures": [
        ("donation_id", "string"),
        ("signal", "string"),
        ("dpv_category", "string"),
        ("prohibited", "boolean"),
        ("kyc_only", "boolean"),
        ("collected_at_ms", "long"),
        ("consent_state", "string"),
        ("after_revocation", "boolean"),
        ("onward_recipient", "string"),
    ],
    "phone_observations": [
        ("donation_id", "string"),
        ("resource", "string"),
        ("rbi_category", "string"),
        ("observed_at_ms", "long"),
        ("source_kind", "string"),
        ("declared", "boolean"),
        ("after_revocation", "boolean"),
    ],
    "findings": [
        ("donation_id", "string"),
        ("rule", "string"),
        ("severity", "string"),
        ("occurrences", "long"),
        ("first_at_ms", "long"),
    ],
    "consents": [
        ("donation_id", "string"),
        ("consent_ref", "string"),
        ("granted_at_ms", "long"),
        ("revoked_at_ms", "long"),
        ("signals_granted", "int"),
        ("signals_denied", "int"),
        ("frequency", "string"),
        ("purpose", "string"),
    ],
    "offers": [
        ("donation_id", "string"),
        ("decision", "string"),
        ("amount_band", "string"),
        ("apr_stated", "double"),
        ("apr_computed", "double"),
        ("offered_at_ms", "long"),
    ],
    "tree_heads": [
        ("donation_id", "string"),
        ("tree_size", "long"),
        ("root_hash", "string"),
        ("timestamp_ms", "long"),
        ("key_id", "string"),
        ("kind", "string"),
    ],
}
# Every table but `donations` sits under `lender=<id>/month=<YYYY-MM>/` (schema::is_partitioned).
PARTITION_COLUMNS = ["lender", "month"]
UNPARTITIONED = {"donations"}

# `NN_name.sql`: the view's name is the part after the number.
SQL_FILE = re.compile(r"^[0-9]+_([a-z][a-z0-9_]*)\.sql$")


# Spark's log in local mode: errors only (the default prints a page of warnings per run).
QUIET_LOG4J2 = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = stderr
appender.console.type = Console
appender.console.name = stderr
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
# pyspark's gateway counts as a shell, which would print its own "default log level" notice.
logger.gateway.name = org.apache.spark.api.python.PythonGatewayServer
logger.gateway.level = error
"""


class RunError(Exception):
    """A failure with a message naming what is wrong; printed without a traceback."""


def table_schema(table):
    """The table's columns as Spark sees them: the stored ones, then the partition columns."""
    from pyspark.sql import types as T

    kinds = {
        "string": T.StringType(),
        "long": T.LongType(),
        "int": T.IntegerType(),
        "boolean": T.BooleanType(),
        "double": T.DoubleType(),
    }
    columns = list(TABLES[table])
    if table not in UNPARTITIONED:
        columns += [(name, "string") for name in PARTITION_COLUMNS]
    return T.StructType([T.StructField(name, kinds[kind], True) for name, kind in columns])


def started_by_spark_submit():
    # spark-submit starts the JVM first and hands the Python driver its gateway; plain
    # `python3 run_sql.py` has none, and pyspark starts a local JVM of its own.
    return "PYSPARK_GATEWAY_PORT" in os.environ


def open_session(scratch):
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("khata-pool-report")
    # What the results depend on, set in every mode: `lender` "007" and `month` "2026-01"
    # stay strings; ANSI mode off, as in Spark 3.5 by default (Spark 4 turns it on), so a
    # division by zero gives NULL where the embedded engine gives a float that is not finite,
    # which the raw results write as null too; times shown in UTC.
    builder = (
        builder.config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
    )
    if not started_by_spark_submit():
        # Local mode for this machine: two cores, loopback only, no web UI, few shuffle
        # partitions (the report's groups are small), errors only in the log, and Spark's
        # warehouse, Derby and scratch files in a temporary directory instead of the working
        # directory.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.makedirs(scratch, exist_ok=True)
        log_config = os.path.join(scratch, "log4j2.properties")
        with open(log_config, "w", encoding="utf-8") as f:
            f.write(QUIET_LOG4J2)
        java_options = f"-Dderby.system.home={os.path.join(scratch, 'derby')} " + (
            f"-Dlog4j2.configurationFile=file:{log_config}"
        )
        builder = (
            builder.master("local[2]")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.default.parallelism", "2")
            .config("spark.sql.warehouse.dir", os.path.join(scratch, "warehouse"))
            .config("spark.local.dir", os.path.join(scratch, "local"))
            .config("spark.driver.extraJavaOptions", java_options)
        )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def hadoop_path(spark, path):
    """A Hadoop `Path` and its file system, so `s3a://`, `gs://`, `abfss://` and local paths
    are all read the way Spark reads them."""
    jvm = spark.sparkContext._jvm
    hpath = jvm.org.apache.hadoop.fs.Path(path)
    fs = hpath.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    return hpath, fs


def has_parquet_files(spark, directory):
    """Whether a table's directory holds any Parquet file, at any depth (Spark cannot read an
    empty or missing directory, and the pool leaves a table absent until it has rows)."""
    hpath, fs = hadoop_path(spark, directory)
    if not fs.exists(hpath):
        return False
    files = fs.listFiles(hpath, True)
    while files.hasNext():
        name = files.next().getPath().getName()
        if name.endswith(".parquet") and not name.startswith(("_", ".")):
            return True
    return False


def register_tables(spark, pool):
    """One view per table, over `POOL/<table>`; each view's columns in the schema's order."""
    pool = pool.rstrip("/")
    for table in TABLES:
        schema = table_schema(table)
        directory = f"{pool}/{table}"
        if has_parquet_files(spark, directory):
            reader = spark.read.schema(schema)
            if table not in UNPARTITIONED:
                reader = reader.option("basePath", directory)
            frame = reader.parquet(directory).select(*[f"`{f.name}`" for f in schema.fields])
        else:
            frame = spark.createDataFrame([], schema)
        frame.createOrReplaceTempView(table)


def read_sql_files(spark, sql_dir):
    """The report's SQL files in file-name order, as (view name, text); from a local directory,
    or through Hadoop's file systems when SQL_DIR is a URI (say `s3a://…/sql`)."""
    if os.path.isdir(sql_dir):
        entries = {}
        for name in os.listdir(sql_dir):
            if name.endswith(".sql"):
                with open(os.path.join(sql_dir, name), encoding="utf-8") as f:
                    entries[name] = f.read()
    elif "://" in sql_dir and spark is not None:
        hpath, fs = hadoop_path(spark, sql_dir)
        if not fs.isDirectory(hpath):
            raise RunError(f"{sql_dir}: not a directory")
        entries = {}
        jvm = spark.sparkContext._jvm
        for status in fs.listStatus(hpath):
            name = status.getPath().getName()
            if name.endswith(".sql"):
                stream = fs.open(status.getPath())
                try:
                    text = jvm.org.apache.commons.io.IOUtils.toString(stream, "UTF-8")
                finally:
                    stream.close()
                entries[name] = text
    else:
        raise RunError(f"{sql_dir}: not a directory")

    files, views = [], {}
    for name in sorted(entries):
        match = SQL_FILE.match(name)
        if not match:
            raise RunError(f"{sql_dir}/{name}: an SQL file is named NN_name.sql (lower case)")
        view = match.group(1)
        if view in TABLES:
            raise RunError(f"{sql_dir}/{name}: `{view}` is a table's name")
        if view in views:
            raise RunError(f"{sql_dir}/{name}: `{view}` is also the view of {views[view]}")
        views[view] = name
        files.append((name, view, entries[name]))
    if not files:
        raise RunError(f"{sql_dir}: no NN_name.sql files")
    return files


def json_value(value, kind, where):
    """One result cell as the raw results hold it; anything the two engines would not write
    alike is refused, naming the column."""
    from pyspark.sql import types as T

    if value is None:
        return None
    if isinstance(kind, (T.ByteType, T.ShortType, T.IntegerType, T.LongType)):
        return int(value)
    if isinstance(kind, (T.FloatType, T.DoubleType)):
        # NaN and infinities have no JSON form: null, as `khata-pool report --raw` writes them.
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(kind, T.DecimalType):
        # Spark reads a literal such as 0.5 as a decimal where the embedded engine reads a
        # double; a whole-number decimal (a SUM of integers, say) is an integer.
        if kind.scale == 0:
            return int(value)
        return float(Decimal(value))
    if isinstance(kind, T.BooleanType):
        return bool(value)
    if isinstance(kind, T.StringType):
        return str(value)
    raise RunError(
        f"{where}: type {kind.simpleString()} is not in the report's dialect "
        "(strings, integers, doubles, booleans)"
    )


def row_text(row):
    """A row's JSON text, as the sort key the raw results are ordered by."""
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def run_report(spark, files):
    results = {}
    for name, view, text in files:
        try:
            frame = spark.sql(text)
            columns = frame.schema.fields
            # Kept for the files after this one, which read the view instead of the tables.
            frame = frame.cache()
            rows = frame.collect()
        except Exception as error:  # Spark's own errors: AnalysisException, Py4JJavaError…
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            raise RunError(f"{name}: {first_line}") from error
        names = [field.name for field in columns]
        if len(set(names)) != len(names):
            raise RunError(f"{name}: two result columns share a name: {names}")
        values = [
            [
                json_value(cell, field.dataType, f"{name}, column {field.name}")
                for cell, field in zip(row, columns)
            ]
            for row in rows
        ]
        values.sort(key=row_text)
        results[view] = {"columns": names, "rows": values}
        frame.createOrReplaceTempView(view)
    return results


def results_text(results):
    """The raw results as JSON, one row a line, so two files diff line by line."""

    def dump(value):
        return json.dumps(value, ensure_ascii=False, allow_nan=False)

    parts = []
    for view, result in results.items():
        rows = ",\n    ".join(row_text(row) for row in result["rows"])
        rows = f"[\n    {rows}\n  ]" if rows else "[]"
        parts.append(f'{dump(view)}: {{\n  "columns": {dump(result["columns"])},\n  "rows": {rows}\n}}')
    return "{\n" + ",\n".join(parts) + "\n}\n"


def write_results(spark, out, results):
    text = results_text(results)
    if "://" in out:
        hpath, fs = hadoop_path(spark, out)
        stream = fs.create(hpath, True)
        try:
            stream.write(bytearray(text.encode("utf-8")))
        finally:
            stream.close()
        return
    temporary = f"{out}.tmp-{os.getpid()}"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temporary, out)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Run the pool's standard report SQL files on Apache Spark; write the raw results."
    )
    parser.add_argument("pool", help="the pool directory (a path or a URI such as s3a://bucket/pool)")
    parser.add_argument("sql_dir", help="the directory of NN_name.sql files")
    parser.add_argument("out", help="where to write the raw results (JSON)")
    args = parser.parse_args(argv)

    scratch = tempfile.mkdtemp(prefix="khata-spark-")
    spark = None
    try:
        # A local SQL directory is read before Spark starts, so a misnamed file fails at once;
        # a URI (hdfs://, s3a://…) is read through Spark's Hadoop file systems.
        is_uri = "://" in args.sql_dir and not os.path.isdir(args.sql_dir)
        files = None if is_uri else read_sql_files(None, args.sql_dir)
        spark = open_session(scratch)
        files = files or read_sql_files(spark, args.sql_dir)
        register_tables(spark, args.pool)
        results = run_report(spark, files)
        write_results(spark, args.out, results)
        rows = sum(len(r["rows"]) for r in results.values())
        print(f"run_sql.py: {len(results)} results, {rows} rows -> {args.out}")
        return 0
    except RunError as error:
        print(f"run_sql.py: {error}", file=sys.stderr)
        return 1
    finally:
        if spark is not None:
            spark.stop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
