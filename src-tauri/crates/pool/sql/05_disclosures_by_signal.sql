-- Per lender and signal: the disclosures made and the donors they were made about, with the
-- prohibited ones and those after a revocation. From the one scan (`disclosure_cells`, one
-- row per lender, signal and donation), so COUNT(*) counts donors.
SELECT
  lender,
  signal,
  SUM(disclosures) AS disclosures,
  COUNT(*) AS donors,
  SUM(prohibited) AS prohibited,
  SUM(after_revocation) AS after_revocation
FROM disclosure_cells
GROUP BY lender, signal
