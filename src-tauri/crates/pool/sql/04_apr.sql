-- Per lender, the offers whose Key Fact Statement states an APR that Khata could also
-- recompute from the schedule: how many, from how many donors, how many differ by more than
-- the KFS tolerance (0.1 percentage point: `khata_evidence::kfs::APR_TOLERANCE_BPS`, without the
-- per-offer rounding band the audit adds) and the mean difference, stated minus computed, in
-- percentage points (negative: the lender states less than it charges).
SELECT
  lender,
  COUNT(*) AS offers,
  COUNT(DISTINCT donation_id) AS donors,
  SUM(CASE WHEN ABS(apr_stated - apr_computed) > 0.1 THEN 1 ELSE 0 END) AS offers_differing,
  COUNT(DISTINCT CASE WHEN ABS(apr_stated - apr_computed) > 0.1 THEN donation_id END)
    AS donors_differing,
  AVG(apr_stated - apr_computed) AS mean_difference,
  AVG(ABS(apr_stated - apr_computed)) AS mean_abs_difference
FROM offers
WHERE apr_stated IS NOT NULL AND apr_computed IS NOT NULL
GROUP BY lender
