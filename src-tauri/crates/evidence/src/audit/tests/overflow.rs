//! Lender numbers at the ends of their ranges: scores, points and data lives near `i64::MAX` /
//! `u32::MAX` never panic or wrap, and a sum past `i64` cannot hide a mismatch.

use super::*;

fn offer_and_quote(offer_x: Explanation, quote_x: Explanation) -> AuditInput {
    let mut i = AuditInput::default();
    i.add_statement("offer", serde_json::to_value(offer(offer_x)).unwrap(), None);
    i.add_statement(
        "quote",
        serde_json::to_value(quote("a", quote_x)).unwrap(),
        None,
    );
    i
}

#[test]
fn a_sum_past_i64_is_found_not_wrapped_or_saturated() {
    // baseline + 1 is one past i64::MAX; a saturating sum would equal the score and hide it.
    let mut x = expl(i64::MAX, &[("a", 1, 0)]);
    x.baseline = i64::MAX;
    let mut q = expl(i64::MAX, &[("a", 1, 0)]);
    q.baseline = i64::MAX;
    let f = audit(&offer_and_quote(x, q)).findings;
    let sum = f
        .iter()
        .find(|f| f.rule == Rule::ContributionsDoNotAddUp)
        .expect("the lie is found");
    assert!(matches!(
        sum.facts,
        FindingFacts::Sum {
            sum: i64::MAX,
            score: i64::MAX,
            ..
        }
    ));

    // Opposite ends: the difference itself is beyond i64.
    let mut x = expl(i64::MIN, &[("a", i64::MAX, i64::MIN)]);
    x.baseline = i64::MAX;
    let q = expl(i64::MAX, &[("a", i64::MIN, i64::MIN)]);
    let f = audit(&offer_and_quote(x, q)).findings;
    assert!(rules(&f).contains(&"contributions-do-not-add-up"));
    let cf = f
        .iter()
        .find(|f| f.rule == Rule::CounterfactualMismatch)
        .expect("withholding `a` moves the score by more than i64 holds");
    let FindingFacts::Counterfactual {
        changes, expected, ..
    } = &cf.facts
    else {
        panic!("counterfactual facts");
    };
    assert_eq!(
        changes[0].points,
        i64::MIN,
        "pinned to the range, not wrapped"
    );
    assert_eq!(*expected, i64::MIN);
}

#[test]
fn a_data_life_of_u32_max_years_runs_out_never_and_does_not_overflow() {
    let mut c = consent();
    c.data_life = DataLife {
        unit: DataLifeUnit::Year,
        value: u32::MAX,
    };
    let i = input(vec![disc(1, "sms_income", "2026-01-20T00:00:00Z")], vec![c]);
    assert!(!rules(&audit(&i).findings).contains(&"data-life-exceeded"));
    let mut c = consent();
    c.data_life = DataLife {
        unit: DataLifeUnit::Day,
        value: u32::MAX,
    };
    let i = input(vec![disc(1, "sms_income", "2026-01-20T00:00:00Z")], vec![c]);
    assert!(!rules(&audit(&i).findings).contains(&"data-life-exceeded"));
}
