-- One row per lender and donation that names it anywhere in the pool (a disclosure, a phone
-- observation, a finding, a consent, an offer or a tree head), with one 0/1 flag per
-- standard question. A donor is one donation: `pool add` refuses a second donation sharing a
-- consent with one already kept (`same-donor`).
-- Holds donation ids: an intermediate result, never published.
WITH donor_ids AS (
  SELECT lender, donation_id FROM disclosure_cells
  UNION SELECT lender, donation_id FROM phone_observations
  UNION SELECT lender, donation_id FROM findings
  UNION SELECT lender, donation_id FROM consents
  UNION SELECT lender, donation_id FROM offers
  UNION SELECT lender, donation_id FROM tree_heads
),
collected AS (
  SELECT lender, donation_id,
         SUM(prohibited) AS prohibited,
         SUM(after_revocation) AS after_revocation
  FROM disclosure_cells
  GROUP BY lender, donation_id
),
found AS (
  SELECT lender, donation_id,
         SUM(CASE WHEN rule = 'prohibited-signal' THEN 1 ELSE 0 END) AS prohibited,
         SUM(CASE WHEN rule IN ('collected-after-revocation', 'collected-after-signal-revocation')
                  THEN 1 ELSE 0 END) AS after_revocation,
         SUM(CASE WHEN rule = 'observed-undeclared' THEN 1 ELSE 0 END) AS observed_undeclared,
         SUM(CASE WHEN rule = 'above-frequency' THEN 1 ELSE 0 END) AS above_frequency
  FROM findings
  GROUP BY lender, donation_id
)
SELECT
  d.lender,
  d.donation_id,
  CASE WHEN COALESCE(c.prohibited, 0) > 0 OR COALESCE(f.prohibited, 0) > 0
       THEN 1 ELSE 0 END AS prohibited,
  CASE WHEN COALESCE(c.after_revocation, 0) > 0 OR COALESCE(f.after_revocation, 0) > 0
       THEN 1 ELSE 0 END AS after_revocation,
  CASE WHEN COALESCE(f.observed_undeclared, 0) > 0 THEN 1 ELSE 0 END AS observed_undeclared,
  CASE WHEN COALESCE(f.above_frequency, 0) > 0 THEN 1 ELSE 0 END AS above_frequency
FROM donor_ids d
LEFT JOIN collected c ON c.lender = d.lender AND c.donation_id = d.donation_id
LEFT JOIN found f ON f.lender = d.lender AND f.donation_id = d.donation_id
