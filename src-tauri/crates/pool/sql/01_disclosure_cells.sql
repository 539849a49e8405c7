-- The one scan of `disclosures`: one row per lender, signal and donation, with how many
-- disclosures it holds and how many of them were prohibited or made after a revocation.
-- Every later question about disclosures reads this (small) result, never the big table.
-- Holds donation ids: an intermediate result, never published.
SELECT
  lender,
  signal,
  donation_id,
  COUNT(*) AS disclosures,
  SUM(CASE WHEN prohibited THEN 1 ELSE 0 END) AS prohibited,
  SUM(CASE WHEN after_revocation THEN 1 ELSE 0 END) AS after_revocation
FROM disclosures
GROUP BY lender, signal, donation_id
