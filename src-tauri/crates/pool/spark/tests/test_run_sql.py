"""run_sql.py on a fixture pool written with pyspark (tests/fixture_pool.py), with sample SQL
files in a temporary directory: the raw results' exact contents, and clear refusals."""

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, ".."))
sys.path.insert(0, here)
import fixture_pool  # noqa: E402
import run_sql  # noqa: E402

D1, D2, D3 = fixture_pool.D1, fixture_pool.D2, fixture_pool.D3

SQL = {
    "01_donors.sql": "SELECT lender, COUNT(DISTINCT donation_id) AS donors FROM disclosures GROUP BY lender",
    # Builds on the view of 01, as the report's later files do.
    "02_prohibited.sql": """
        -- the share of each lender's donors with a prohibited signal collected
        SELECT d.lender,
               CAST(COUNT(DISTINCT CASE WHEN d.prohibited THEN d.donation_id END) AS DOUBLE)
                 / MAX(n.donors) AS share
        FROM disclosures d JOIN donors n ON d.lender = n.lender
        GROUP BY d.lender;
    """,
    "03_phone.sql": "SELECT lender, COUNT(*) AS observations FROM phone_observations GROUP BY lender",
    "04_rules.sql": "SELECT COUNT(*) AS findings, MAX(rule) AS rule FROM findings",
    "05_apr.sql": """SELECT lender, month, AVG(apr_stated) AS stated, MAX(apr_computed) AS computed,
                            COUNT(*) AS offers FROM offers GROUP BY lender, month""",
    "06_months.sql": "SELECT month, COUNT(*) AS donations, SUM(export_bytes) AS bytes FROM donations GROUP BY month",
    "07_split.sql": """SELECT lender, tree_size, COUNT(DISTINCT root_hash) AS roots FROM tree_heads
                       GROUP BY lender, tree_size HAVING COUNT(DISTINCT root_hash) > 1""",
    "08_granted.sql": """SELECT lender, SUM(signals_granted) AS granted, COUNT(revoked_at_ms) AS revoked
                          FROM consents GROUP BY lender""",
    "09_heads.sql": "SELECT * FROM tree_heads WHERE lender = '007' AND month = '2026-01'",
    "10_after.sql": """SELECT lender, COUNT(*) AS collected_after, MIN(onward_recipient) AS onward
                       FROM disclosures WHERE after_revocation GROUP BY lender""",
    # A division by zero, and a float with no JSON form: null, as the embedded engine writes them.
    "11_undefined.sql": """SELECT CAST(1 AS DOUBLE) / SUM(signals_denied) AS per_denied,
                                  CAST('NaN' AS DOUBLE) AS nan, CAST('-Infinity' AS DOUBLE) AS low
                           FROM consents WHERE lender = 'lender-1'""",
}

EXPECTED = {
    "donors": {"columns": ["lender", "donors"], "rows": [["007", 2], ["acme.in", 1], ["lender-1", 1]]},
    "prohibited": {"columns": ["lender", "share"], "rows": [["007", 1.0], ["acme.in", 0.0], ["lender-1", 0.0]]},
    "phone": {"columns": ["lender", "observations"], "rows": []},
    "rules": {"columns": ["findings", "rule"], "rows": [[0, None]]},
    "apr": {
        "columns": ["lender", "month", "stated", "computed", "offers"],
        "rows": [
            ["007", "2026-01", 24.0, 31.456789012345, 1],
            ["007", "2026-02", None, 36.5, 1],
            ["lender-1", "2026-02", None, None, 1],
        ],
    },
    "months": {"columns": ["month", "donations", "bytes"], "rows": [["2026-01", 1, 12345], ["2026-02", 2, 26912]]},
    "split": {"columns": ["lender", "tree_size", "roots"], "rows": [["007", 2, 2]]},
    "granted": {"columns": ["lender", "granted", "revoked"], "rows": [["007", 3, 1], ["lender-1", 2, 0]]},
    "heads": {
        "columns": ["donation_id", "tree_size", "root_hash", "timestamp_ms", "key_id", "kind", "lender", "month"],
        "rows": [[D1, 2, "11" * 32, 1_767_225_600_500, "k1", "held", "007", "2026-01"]],
    },
    "after": {"columns": ["lender", "collected_after", "onward"], "rows": [["007", 1, "bureau-x"]]},
    "undefined": {"columns": ["per_denied", "nan", "low"], "rows": [[None, None, None]]},
}


def write_sql(directory, files):
    os.makedirs(directory)
    for name, text in files.items():
        with open(os.path.join(directory, name), "w") as f:
            f.write(text)


class RunSqlTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="khata-spark-test-")
        # Removed even when writing the fixture fails (tearDownClass would not run then).
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
        cls.pool = os.path.join(cls.tmp, "pool")
        spark = run_sql.open_session(os.path.join(cls.tmp, "scratch"))
        try:
            fixture_pool.write(spark, cls.pool)
        finally:
            spark.stop()

    def run_files(self, name, files):
        sql = os.path.join(self.tmp, name)
        if files is not None:
            write_sql(sql, files)
        out = os.path.join(self.tmp, f"{name}.json")
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = run_sql.main([self.pool, sql, out])
        return code, out, stderr.getvalue()

    def test_the_raw_results_of_the_fixture_pool(self):
        code, out, err = self.run_files("report", SQL)
        self.assertEqual(code, 0, err)
        with open(out) as f:
            results = json.load(f)
        self.assertEqual(set(results), set(EXPECTED))
        for name, expected in EXPECTED.items():
            with self.subTest(result=name):
                self.assertEqual(results[name]["columns"], expected["columns"])
                self.assertEqual(results[name]["rows"], expected["rows"])
                # JSON types as well as values: 1.0 stays a float, 1 an integer.
                for got_row, want_row in zip(results[name]["rows"], expected["rows"]):
                    self.assertEqual([type(v) for v in got_row], [type(v) for v in want_row])
        # Rows sorted by their JSON text.
        for name, result in results.items():
            texts = [run_sql.row_text(r) for r in result["rows"]]
            self.assertEqual(texts, sorted(texts), name)

    def test_the_same_under_spark_submit(self):
        # As on a cluster: spark-submit starts the JVM and the driver, and the runner leaves
        # the master and the resources to it (here a local master of one core). The pool, the
        # SQL directory and the output are URIs, read and written through Hadoop's file
        # systems as s3a:// or hdfs:// ones would be.
        import pyspark

        sql = os.path.join(self.tmp, "submitted")
        write_sql(sql, {k: SQL[k] for k in ("01_donors.sql", "02_prohibited.sql", "09_heads.sql")})
        out = os.path.join(self.tmp, "submitted.json")
        uri = lambda path: "file://" + path  # noqa: E731
        submit = os.path.join(os.path.dirname(pyspark.__file__), "bin", "spark-submit")
        runner = os.path.join(here, "..", "run_sql.py")
        env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1", PYSPARK_PYTHON=sys.executable)
        done = subprocess.run(
            [
                submit, "--master", "local[1]", "--conf", "spark.ui.enabled=false",
                runner, uri(self.pool), uri(sql), uri(out),
            ],
            env=env, capture_output=True, text=True, check=False,
        )
        self.assertEqual(done.returncode, 0, done.stderr[-3000:])
        with open(out) as f:
            results = json.load(f)
        self.assertEqual(results, {k: EXPECTED[k] for k in ("donors", "prohibited", "heads")})

    def test_an_sql_error_names_its_file(self):
        code, _, err = self.run_files("broken", {"01_ok.sql": "SELECT 1 AS one", "02_bad.sql": "SELECT nope FROM donors"})
        self.assertEqual(code, 1)
        self.assertIn("02_bad.sql", err)

    def test_types_outside_the_dialect_are_refused(self):
        code, _, err = self.run_files("array", {"01_list.sql": "SELECT array(1, 2) AS list"})
        self.assertEqual(code, 1)
        self.assertIn("01_list.sql, column list: type array<int>", err)

    def test_misnamed_and_clashing_files_are_refused_before_spark_starts(self):
        code, _, err = self.run_files("absent", None)
        self.assertEqual(code, 1)
        self.assertIn("absent: not a directory", err)
        for name, files, message in (
            ("misnamed", {"donors.sql": "SELECT 1 AS one"}, "donors.sql: an SQL file is named NN_name.sql"),
            ("table", {"01_offers.sql": "SELECT 1 AS one"}, "`offers` is a table's name"),
            ("twice", {"01_a.sql": "SELECT 1 AS one", "02_a.sql": "SELECT 2 AS two"}, "`a` is also the view of 01_a.sql"),
            ("empty", {}, "no NN_name.sql files"),
        ):
            with self.subTest(name):
                code, _, err = self.run_files(name, files)
                self.assertEqual(code, 1)
                self.assertIn(message, err)


if __name__ == "__main__":
    unittest.main()
