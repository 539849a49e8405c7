"""A small pool written with pyspark in the layout of `src/schema.rs` (Hive-style
`lender=…/month=…/` directories, the same column types), for the tests of run_sql.py. It holds
what the runner must get right: a lender id that looks like a number (`007`), months that look
like dates, nulls, doubles with whole values, a table with no files (`phone_observations`) and
one whose directory is empty (`findings`)."""

import os

D1, D2, D3 = "d-0001", "d-0002", "d-0003"

DONATIONS = [
    # donation_id, month, added_at_ms, export_sha256, export_bytes, lenders, disclosures, phone_observations, withheld
    (D1, "2026-01", 1_767_225_600_000, "aa" * 32, 12_345, 2, 3, 0, "[]"),
    (D2, "2026-02", 1_769_904_000_000, "bb" * 32, 23_456, 1, 2, 0, '[{"path":"profile","count":1}]'),
    (D3, "2026-02", 1_769_904_000_001, "cc" * 32, 3_456, 1, 1, 0, "[]"),
]

# (lender, month, donation_id, signal, dpv_category, prohibited, kyc_only, collected_at_ms,
#  consent_state, after_revocation, onward_recipient)
DISCLOSURES = [
    ("007", "2026-01", D1, "contacts", "dpv:Contact", True, False, 1_767_225_600_100, "granted", False, None),
    ("007", "2026-01", D1, "sms", None, False, False, 1_767_225_600_200, "revoked", True, "bureau-x"),
    ("acme.in", "2026-01", D1, "location", "dpv:Location", False, True, 1_767_225_600_300, "granted", False, None),
    ("007", "2026-02", D2, "contacts", "dpv:Contact", True, False, 1_769_904_000_100, "granted", False, None),
    ("007", "2026-02", D2, "apps", None, False, False, 1_769_904_000_200, "none", False, None),
    ("lender-1", "2026-02", D3, "sms", None, False, False, 1_769_904_000_300, "granted", False, None),
]

# (lender, month, donation_id, decision, amount_band, apr_stated, apr_computed, offered_at_ms)
OFFERS = [
    ("007", "2026-01", D1, "approved", "10k-50k", 24.0, 31.456789012345, 1_767_225_600_400),
    ("007", "2026-02", D2, "approved", "<10k", None, 36.5, 1_769_904_000_400),
    ("lender-1", "2026-02", D3, "declined", None, None, None, 1_769_904_000_500),
]

# (lender, month, donation_id, consent_ref, granted_at_ms, revoked_at_ms, signals_granted,
#  signals_denied, frequency, purpose)
CONSENTS = [
    ("007", "2026-01", D1, "r1" * 32, 1_767_225_600_000, 1_767_225_600_150, 3, 1, "daily", "credit"),
    ("lender-1", "2026-02", D3, "r3" * 32, 1_769_904_000_000, None, 2, 0, None, None),
]

# (lender, month, donation_id, tree_size, root_hash, timestamp_ms, key_id, kind)
TREE_HEADS = [
    ("007", "2026-01", D1, 2, "11" * 32, 1_767_225_600_500, "k1", "held"),
    ("007", "2026-02", D2, 2, "22" * 32, 1_769_904_000_600, "k1", "held"),
]


def write(spark, pool):
    """Writes the fixture pool under `pool` (which must not exist)."""
    import run_sql

    def frame(table, rows):
        # The stored columns (as the files hold them), then lender and month for partitionBy.
        stored = run_sql.table_schema(table)
        if table in run_sql.UNPARTITIONED:
            return spark.createDataFrame(rows, stored)
        from pyspark.sql.types import StructType

        fields = stored.fields
        reordered = StructType(fields[-2:] + fields[:-2])
        return spark.createDataFrame(rows, reordered).select(*[f.name for f in fields])

    frame("donations", DONATIONS).coalesce(1).write.parquet(os.path.join(pool, "donations"))
    for table, rows in (
        ("disclosures", DISCLOSURES),
        ("offers", OFFERS),
        ("consents", CONSENTS),
        ("tree_heads", TREE_HEADS),
    ):
        frame(table, rows).write.partitionBy("lender", "month").parquet(os.path.join(pool, table))
    # `findings`: a directory with no Parquet file in it; `phone_observations`: no directory.
    os.makedirs(os.path.join(pool, "findings", "lender=007", "month=2026-01"))
    os.makedirs(os.path.join(pool, "_khata"))
    with open(os.path.join(pool, "_khata", "pool.json"), "w") as f:
        f.write('{"format":"khata-pool","version":1}')
