//! The sandbox lender's words for its signals in each language it speaks (English and Hindi):
//! name, description, what each bin means and the sentence for each reason code an offer can
//! carry. A real lender publishes these with its catalogue (`Signal.texts`), so a borrower reads
//! the lender's own words in the app's language; the sandbox does the same, kept here so the
//! scorecard stays about scoring. The Hindi follows `docs/glossary.md`.

use std::collections::BTreeMap;

use khata_lending::types::SignalText;

use crate::scorecard::{SignalDef, reason_code};

/// What "missing" (withheld, refused, unknown) is called, as a bin.
const MISSING_EN: &str = "Not shared";
const MISSING_HI: &str = "नहीं दी गई";

/// One signal's words beyond what the scorecard holds in English: English bin labels, and
/// everything in Hindi.
struct Words {
    id: &'static str,
    /// Bin id → English label.
    bins_en: &'static [(&'static str, &'static str)],
    name_hi: &'static str,
    description_hi: &'static str,
    /// Bin id → Hindi label.
    bins_hi: &'static [(&'static str, &'static str)],
    /// The reason when a bin costs points, in Hindi (the English is the scorecard's).
    adverse_hi: &'static str,
}

static WORDS: &[Words] = &[
    Words {
        id: "kyc_verified",
        bins_en: &[("unverified", "Not verified"), ("verified", "Verified")],
        name_hi: "पहचान की जाँच (KYC)",
        description_hi: "आपका पहचान पत्र (जैसे आधार या PAN) जाँचा गया या नहीं।",
        bins_hi: &[("unverified", "जाँच नहीं हुई"), ("verified", "जाँच हो गई")],
        adverse_hi: "आपकी पहचान की जाँच नहीं हो सकी।",
    },
    Words {
        id: "device_age",
        bins_en: &[
            ("under_6_months", "Under 6 months"),
            ("6_to_24_months", "6 to 24 months"),
            ("over_24_months", "Over 24 months"),
        ],
        name_hi: "फ़ोन कितना पुराना है",
        description_hi: "आप यह फ़ोन कितने महीनों से इस्तेमाल कर रहे हैं।",
        bins_hi: &[
            ("under_6_months", "6 महीने से कम"),
            ("6_to_24_months", "6 से 24 महीने"),
            ("over_24_months", "24 महीने से ज़्यादा"),
        ],
        adverse_hi: "आपका फ़ोन हमारे लिए नया है।",
    },
    Words {
        id: "sim_age",
        bins_en: &[
            ("under_6_months", "Under 6 months"),
            ("6_to_36_months", "6 to 36 months"),
            ("over_36_months", "Over 36 months"),
        ],
        name_hi: "सिम कितना पुराना है",
        description_hi: "आपका मोबाइल नंबर कितने महीनों से चालू है।",
        bins_hi: &[
            ("under_6_months", "6 महीने से कम"),
            ("6_to_36_months", "6 से 36 महीने"),
            ("over_36_months", "36 महीने से ज़्यादा"),
        ],
        adverse_hi: "आपका मोबाइल नंबर नया है।",
    },
    Words {
        id: "sms_income",
        bins_en: &[
            ("under_10k", "Under ₹10,000 a month"),
            ("10k_to_25k", "₹10,000 to ₹25,000 a month"),
            ("25k_to_50k", "₹25,000 to ₹50,000 a month"),
            ("over_50k", "Over ₹50,000 a month"),
        ],
        name_hi: "SMS से पता चली आमदनी",
        description_hi: "आपकी महीने की आमदनी, बैंक के तनख़्वाह जमा होने वाले SMS से अंदाज़ा लगाकर।",
        bins_hi: &[
            ("under_10k", "महीने में ₹10,000 से कम"),
            ("10k_to_25k", "महीने में ₹10,000 से ₹25,000"),
            ("25k_to_50k", "महीने में ₹25,000 से ₹50,000"),
            ("over_50k", "महीने में ₹50,000 से ज़्यादा"),
        ],
        adverse_hi: "आपकी आमदनी कम है या उसका अंदाज़ा नहीं लग सका।",
    },
    Words {
        id: "emi_bounces",
        bins_en: &[
            ("none", "None"),
            ("one_or_two", "One or two"),
            ("three_or_more", "Three or more"),
        ],
        name_hi: "छूटी हुई किस्तें (EMI बाउंस)",
        description_hi: "पिछले छह महीनों में कितनी किस्तें बाउंस हुईं, बैंक के SMS से पढ़कर।",
        bins_hi: &[
            ("none", "एक भी नहीं"),
            ("one_or_two", "एक या दो"),
            ("three_or_more", "तीन या ज़्यादा"),
        ],
        adverse_hi: "हाल में आपकी किस्तें बाउंस हुईं।",
    },
    Words {
        id: "gambling_apps",
        bins_en: &[
            ("none", "None"),
            ("one_or_two", "One or two"),
            ("three_or_more", "Three or more"),
        ],
        name_hi: "जुए वाले ऐप",
        description_hi: "आपके फ़ोन पर सट्टे या जुए के कितने ऐप हैं।",
        bins_hi: &[
            ("none", "एक भी नहीं"),
            ("one_or_two", "एक या दो"),
            ("three_or_more", "तीन या ज़्यादा"),
        ],
        adverse_hi: "आपके फ़ोन पर जुए वाले ऐप हैं।",
    },
    Words {
        id: "lender_apps",
        bins_en: &[
            ("zero_or_one", "None or one"),
            ("two_to_four", "Two to four"),
            ("five_or_more", "Five or more"),
        ],
        name_hi: "दूसरे लोन ऐप",
        description_hi: "आपके फ़ोन पर दूसरे लोन देने वाले कितने ऐप हैं।",
        bins_hi: &[
            ("zero_or_one", "एक भी नहीं या एक"),
            ("two_to_four", "दो से चार"),
            ("five_or_more", "पाँच या ज़्यादा"),
        ],
        adverse_hi: "आपके फ़ोन पर दूसरे लोन ऐप बहुत हैं।",
    },
    Words {
        id: "location_stability",
        bins_en: &[
            (
                "unstable",
                "Often elsewhere (40 % of nights or fewer in one place)",
            ),
            ("moderate", "Mostly in one place (41 to 75 % of nights)"),
            ("stable", "Almost always in one place (over 75 % of nights)"),
        ],
        name_hi: "आप एक जगह कितना टिकते हैं",
        description_hi: "पिछले 90 दिनों में कितनी रातें (प्रतिशत में) आपका फ़ोन एक ही जगह रहा।",
        bins_hi: &[
            ("unstable", "अक्सर अलग जगह (40% या कम रातें एक जगह)"),
            ("moderate", "ज़्यादातर एक जगह (41 से 75% रातें)"),
            ("stable", "लगभग हमेशा एक जगह (75% से ज़्यादा रातें)"),
        ],
        adverse_hi: "आपकी जगह अक्सर बदलती रहती है।",
    },
    Words {
        id: "contacts_network",
        bins_en: &[
            ("small", "Small (50 or fewer)"),
            ("medium", "Medium (51 to 300)"),
            ("large", "Large (over 300)"),
        ],
        name_hi: "संपर्क सूची",
        description_hi: "आपके फ़ोन में कितने नंबर सहेजे हैं और वे किसके हैं।",
        bins_hi: &[
            ("small", "छोटी (50 या कम)"),
            ("medium", "मध्यम (51 से 300)"),
            ("large", "बड़ी (300 से ज़्यादा)"),
        ],
        adverse_hi: "आपकी संपर्क सूची छोटी है।",
    },
    Words {
        id: "call_log_pattern",
        bins_en: &[
            ("irregular", "Irregular (calls on 30 % of days or fewer)"),
            ("moderate", "Moderate (31 to 70 % of days)"),
            ("regular", "Regular (over 70 % of days)"),
        ],
        name_hi: "कॉल का इतिहास",
        description_hi: "आप कितनी नियमितता से कॉल करते और पाते हैं (कितने प्रतिशत दिन कॉल हुई), आपके कॉल लॉग से।",
        bins_hi: &[
            ("irregular", "कभी-कभार (30% या कम दिन)"),
            ("moderate", "बीच का (31 से 70% दिन)"),
            ("regular", "नियमित (70% से ज़्यादा दिन)"),
        ],
        adverse_hi: "आपके कॉल करने का तरीका अनियमित है।",
    },
    Words {
        id: "account_age",
        bins_en: &[
            ("under_6_months", "Under 6 months"),
            ("6_to_36_months", "6 to 36 months"),
            ("over_36_months", "Over 36 months"),
        ],
        name_hi: "फ़ोन कंपनी वाला खाता कितना पुराना है",
        description_hi: "फ़ोन बनाने वाली कंपनी के साथ आपका खाता कितने महीनों से है।",
        bins_hi: &[
            ("under_6_months", "6 महीने से कम"),
            ("6_to_36_months", "6 से 36 महीने"),
            ("over_36_months", "36 महीने से ज़्यादा"),
        ],
        adverse_hi: "फ़ोन कंपनी के साथ आपका खाता नया है।",
    },
    Words {
        id: "device_purchases",
        bins_en: &[
            ("none", "None"),
            ("one_or_two", "One or two"),
            ("three_or_more", "Three or more"),
        ],
        name_hi: "फ़ोन कंपनी से ख़रीदे उपकरण",
        description_hi: "आपने फ़ोन बनाने वाली कंपनी के स्टोर से कितने उपकरण ख़रीदे।",
        bins_hi: &[
            ("none", "एक भी नहीं"),
            ("one_or_two", "एक या दो"),
            ("three_or_more", "तीन या ज़्यादा"),
        ],
        adverse_hi: "आपने फ़ोन कंपनी से कोई उपकरण नहीं ख़रीदा।",
    },
    Words {
        id: "wallet_txns",
        bins_en: &[
            ("few", "Few (5 or fewer a month)"),
            ("some", "Some (6 to 40 a month)"),
            ("many", "Many (over 40 a month)"),
        ],
        name_hi: "वॉलेट से भुगतान",
        description_hi: "आप फ़ोन कंपनी के वॉलेट से महीने में कितने भुगतान करते हैं।",
        bins_hi: &[
            ("few", "कम (महीने में 5 या कम)"),
            ("some", "कुछ (महीने में 6 से 40)"),
            ("many", "बहुत (महीने में 40 से ज़्यादा)"),
        ],
        adverse_hi: "आप वॉलेट का इस्तेमाल कम ही करते हैं।",
    },
    Words {
        id: "life_events",
        bins_en: &[
            ("none", "None"),
            ("positive", "A change for the better"),
            ("adverse", "A change for the worse"),
        ],
        name_hi: "ज़िंदगी की बड़ी घटनाएँ",
        description_hi: "आपके फ़ोन से अंदाज़ा लगाए गए बदलाव, जैसे नई नौकरी, तरक्की, शादी या तलाक।",
        bins_hi: &[
            ("none", "कोई नहीं"),
            ("positive", "अच्छा बदलाव"),
            ("adverse", "बुरा बदलाव"),
        ],
        adverse_hi: "हाल की किसी घटना को आपके ख़िलाफ़ माना गया।",
    },
];

/// The English reason when a withheld signal costs points (as the offer's reason text says it).
pub fn missing_reason_en(name: &str) -> String {
    format!("{name} was not available to us.")
}

fn missing_reason_hi(name: &str) -> String {
    format!("“{name}” की जानकारी हमें नहीं मिली।")
}

/// `def`'s words in English and Hindi, keyed by language tag, with a label for every bin
/// (and `missing`) and a sentence for every reason code its score can carry.
pub fn texts(def: &SignalDef) -> BTreeMap<String, SignalText> {
    let words = WORDS
        .iter()
        .find(|w| w.id == def.id)
        .expect("every scorecard signal has words");
    let labels = |pairs: &[(&str, &str)], missing: &str| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(bin, label)| (bin.to_string(), label.to_string()))
            .chain([("missing".to_string(), missing.to_string())])
            .collect()
    };
    let reasons = |adverse: &str, missing: String| -> BTreeMap<String, String> {
        let mut out: BTreeMap<String, String> = def
            .bins
            .iter()
            .filter(|b| b.points < 0)
            .map(|b| (reason_code(def.id, b.label), adverse.to_string()))
            .collect();
        if def.missing < 0 {
            out.insert(reason_code(def.id, "missing"), missing);
        }
        out
    };
    BTreeMap::from([
        (
            "en".to_string(),
            SignalText {
                name: def.name.into(),
                description: def.description.into(),
                bins: labels(words.bins_en, MISSING_EN),
                reasons: reasons(def.adverse_text, missing_reason_en(def.name)),
            },
        ),
        (
            "hi".to_string(),
            SignalText {
                name: words.name_hi.into(),
                description: words.description_hi.into(),
                bins: labels(words.bins_hi, MISSING_HI),
                reasons: reasons(words.adverse_hi, missing_reason_hi(words.name_hi)),
            },
        ),
    ])
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::scorecard::{SIGNALS, score};

    #[test]
    fn every_bin_has_a_label_in_both_languages() {
        for def in SIGNALS {
            let texts = texts(def);
            for lang in ["en", "hi"] {
                let t = &texts[lang];
                let mut expected: Vec<&str> = def.bins.iter().map(|b| b.label).collect();
                expected.push("missing");
                expected.sort();
                let got: Vec<&str> = t.bins.keys().map(String::as_str).collect();
                assert_eq!(got, expected, "{} {lang}", def.id);
                assert!(!t.name.is_empty() && !t.description.is_empty());
            }
        }
    }

    /// Every reason code an offer can carry has a sentence in both languages, and the English
    /// one is the very text the offer carries.
    #[test]
    fn every_reason_an_offer_carries_is_worded_in_both_languages() {
        // Each signal at each of its bins (one value per bin), and withheld.
        let mut cases: Vec<BTreeMap<String, i64>> = vec![BTreeMap::new()];
        for def in SIGNALS {
            let mut lower = i64::MIN / 2;
            for b in def.bins {
                let v = b.upper.unwrap_or(lower + 1).max(lower + 1);
                cases.push(BTreeMap::from([(def.id.to_string(), v)]));
                lower = b.upper.unwrap_or(lower);
            }
        }
        let mut seen = 0;
        for values in cases {
            let scored = score(&values, &|_| true);
            for r in scored.explanation.reason_codes {
                let def = SIGNALS.iter().find(|d| d.id == r.signal).unwrap();
                let texts = texts(def);
                assert_eq!(
                    texts["en"].reasons.get(&r.code),
                    Some(&r.text),
                    "{}",
                    r.code
                );
                assert!(texts["hi"].reasons.contains_key(&r.code), "{}", r.code);
                seen += 1;
            }
        }
        assert!(seen > SIGNALS.len());
    }

    #[test]
    fn the_hindi_has_no_latin_words_but_abbreviations() {
        const ALLOWED: &[&str] = &["KYC", "PAN", "SMS", "EMI"];
        for def in SIGNALS {
            let hi = &texts(def)["hi"];
            let all = [hi.name.as_str(), hi.description.as_str()]
                .into_iter()
                .chain(hi.bins.values().map(String::as_str))
                .chain(hi.reasons.values().map(String::as_str));
            for text in all {
                for word in text.split(|c: char| !c.is_ascii_alphabetic()) {
                    assert!(
                        word.is_empty() || ALLOWED.contains(&word),
                        "{}: {word:?} in {text:?}",
                        def.id
                    );
                }
            }
        }
    }
}
