-- Split views: a lender's signed tree heads of the same size with different roots. For each
-- lender and tree size at which the donors' heads (held, conflict, or computed from a donor's
-- own leaves at a size another donor holds a head of) show more than one root, one row per
-- root: how many donors hold it, its heads' timestamps and key ids, and how many of its heads
-- carry the lender's signature (held or conflict; `computed` roots are the donor's own).
WITH roots AS (
  SELECT
    lender,
    tree_size,
    root_hash,
    COUNT(DISTINCT donation_id) AS donors,
    SUM(CASE WHEN kind = 'computed' THEN 0 ELSE 1 END) AS signed_heads,
    MIN(timestamp_ms) AS first_timestamp_ms,
    MAX(timestamp_ms) AS last_timestamp_ms,
    MIN(key_id) AS first_key_id,
    MAX(key_id) AS last_key_id
  FROM tree_heads
  WHERE kind IN ('held', 'conflict', 'computed')
  GROUP BY lender, tree_size, root_hash
),
split AS (
  SELECT lender, tree_size
  FROM roots
  GROUP BY lender, tree_size
  HAVING COUNT(*) > 1
)
SELECT r.lender, r.tree_size, r.root_hash, r.donors, r.signed_heads,
       r.first_timestamp_ms, r.last_timestamp_ms, r.first_key_id, r.last_key_id
FROM roots r
JOIN split s ON s.lender = r.lender AND s.tree_size = r.tree_size
