-- Per lender: its donors, and how many of them show each kind of collection.
--   prohibited            a prohibited signal disclosed, or a `prohibited-signal` finding
--   after_revocation      a disclosure flagged after a revocation, or a
--                         `collected-after-revocation` / `collected-after-signal-revocation` finding
--   observed_undeclared   an `observed-undeclared` finding (the donor's phone saw an access the
--                         lender never declared)
--   above_frequency       an `above-frequency` finding
SELECT
  lender,
  COUNT(*) AS donors,
  SUM(prohibited) AS prohibited,
  SUM(after_revocation) AS after_revocation,
  SUM(observed_undeclared) AS observed_undeclared,
  SUM(above_frequency) AS above_frequency
FROM donor_facts
GROUP BY lender
