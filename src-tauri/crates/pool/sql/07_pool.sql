-- The pool's size: donations kept, lenders named, disclosures held. One row.
SELECT
  (SELECT COUNT(*) FROM donations) AS donations,
  (SELECT COUNT(DISTINCT lender) FROM donor_facts) AS lenders,
  (SELECT COALESCE(SUM(disclosures), 0) FROM disclosure_cells) AS disclosures
