"""compare.py: what counts as equal, and that every kind of difference fails with a diff."""

import contextlib
import io
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import compare  # noqa: E402


def result(columns, rows):
    return {"columns": columns, "rows": rows}


BASE = {
    "donors": result(["lender", "donors"], [["007", 2], ["acme.in", 1]]),
    "share": result(["lender", "share", "flag"], [["007", 0.3333333333333333, True], ["acme.in", None, False]]),
}


def changed(**results):
    data = json.loads(json.dumps(BASE))
    data.update(results)
    return data


class CompareTest(unittest.TestCase):
    def test_equal_whatever_the_row_order_and_float_noise(self):
        other = changed(
            share=result(
                ["lender", "share", "flag"],
                [["acme.in", None, False], ["007", 0.3333333333333333 * (1 + 1e-12), True]],
            )
        )
        self.assertEqual(compare.compare(BASE, other), [])

    def test_float_beyond_the_tolerance_differs(self):
        other = changed(
            share=result(["lender", "share", "flag"], [["007", 0.33333334, True], ["acme.in", None, False]])
        )
        problems = compare.compare(BASE, other, "E", "S")
        self.assertEqual(len(problems), 1)
        self.assertIn("result 'share'", problems[0])
        self.assertIn('only in E: ["007", 0.3333333333333333, true]', problems[0])
        self.assertIn('only in S: ["007", 0.33333334, true]', problems[0])

    def test_types_must_agree(self):
        for a, b in ((2, 2.0), (1, True), (None, 0), ("2", 2), (0.0, None)):
            with self.subTest(a=a, b=b):
                x = {"r": result(["v"], [[a]])}
                y = {"r": result(["v"], [[b]])}
                self.assertNotEqual(compare.compare(x, y), [])

    def test_missing_and_extra_results(self):
        other = json.loads(json.dumps(BASE))
        del other["share"]
        other["extra"] = result(["n"], [[1]])
        problems = compare.compare(BASE, other, "E", "S")
        self.assertIn("result 'extra': only in S", problems)
        self.assertIn("result 'share': only in E", problems)

    def test_columns_names_and_order(self):
        for columns in (["donors", "lender"], ["lender", "Donors"], ["lender"]):
            with self.subTest(columns=columns):
                rows = [r[: len(columns)] for r in BASE["donors"]["rows"]]
                problems = compare.compare(BASE, changed(donors=result(columns, rows)))
                self.assertEqual(len(problems), 1)
                self.assertIn("columns differ", problems[0])

    def test_rows_are_a_multiset(self):
        twice = changed(donors=result(["lender", "donors"], [["007", 2], ["007", 2], ["acme.in", 1]]))
        problems = compare.compare(BASE, twice, "E", "S")
        self.assertEqual(len(problems), 1)
        self.assertIn("2 rows in E, 3 in S; 0 only in E, 1 only in S", problems[0])
        self.assertNotEqual(compare.compare(BASE, changed(donors=result(["lender", "donors"], []))), [])

    def test_floats_near_a_rounding_boundary_still_meet(self):
        # Both round to different six-digit keys, yet are within 1e-9 of each other.
        a = {"r": result(["v", "w"], [[1.0000005, 1], [2.0, 2]])}
        b = {"r": result(["v", "w"], [[2.0, 2], [1.0000004999999, 1]])}
        self.assertEqual(compare.compare(a, b), [])

    def run_main(self, a, b):
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for name, data in (("a.json", a), ("b.json", b)):
                path = os.path.join(tmp, name)
                with open(path, "w") as f:
                    f.write(data if isinstance(data, str) else json.dumps(data))
                paths.append(path)
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = compare.main(paths)
            return code, out.getvalue(), err.getvalue()

    def test_exit_codes(self):
        code, out, _ = self.run_main(BASE, BASE)
        self.assertEqual(code, 0)
        self.assertIn("equal: 2 results, 4 rows", out)

        code, _, err = self.run_main(BASE, changed(donors=result(["lender", "donors"], [["007", 3], ["acme.in", 1]])))
        self.assertEqual(code, 1)
        self.assertIn('only in', err)

        code, _, err = self.run_main({}, {})
        self.assertEqual(code, 1)
        self.assertIn("nothing was compared", err)

        for broken in ("{", "[]", '{"r": {"columns": ["a"], "rows": [[1, 2]]}}', '{"r": {"columns": ["a"], "rows": [[NaN]]}}'):
            with self.subTest(broken=broken):
                code, _, err = self.run_main(BASE, broken)
                self.assertEqual(code, 2)
                self.assertIn("b.json", err)


if __name__ == "__main__":
    unittest.main()
