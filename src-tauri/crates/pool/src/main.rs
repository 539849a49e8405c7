//! `khata-pool`: the advocates' pool (docs/pool.md). `khata pool …` hands over to this binary.

fn main() -> anyhow::Result<()> {
    anyhow::bail!("khata-pool: no command yet")
}
