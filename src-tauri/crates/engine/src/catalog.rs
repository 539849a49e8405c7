//! The lenders' signal catalogues as the app shows them, each lender's under that lender.
//! A catalogue is the lender's unsigned word: it names and describes signals, but whether one
//! is prohibited is Khata's built-in regulatory table's call.

use std::collections::HashMap;

use khata_lending::types as wire;
use khata_vault as vault;
use khata_vault::Vault;

use crate::audit::{PROHIBITED_FLAG, regulatory};
use crate::error::Result;
use crate::views::{SensitivityView, SignalInfo, SignalTextView, SignalTextsView};

/// The lenders' signal catalogues as the UI shows them: each lender's own signals (vault
/// rows plus the descriptions from its catalogue statements), keyed (lender, signal id), so one
/// lender's catalogue never describes another's signals. Whether a signal is prohibited is the
/// built-in regulatory table's call (`khata_evidence::audit::regulatory`), whatever its flags.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    signals: HashMap<(String, String), SignalInfo>,
}

/// Prohibited by the RBI's rules as Khata's own table reads them, or by the lender's own flag.
fn prohibited(category: &str, id: &str, name: &str, flags: &[String]) -> bool {
    let category = Some(category).filter(|c| !c.is_empty() && *c != "unknown");
    regulatory::classify(category, id, Some(name))
        .is_some_and(|c| c.restriction() == regulatory::Restriction::Prohibited)
        || flags.iter().any(|f| f == PROHIBITED_FLAG)
}

/// The languages the app shows out of a catalogue's words, cleaned again: a catalogue kept by
/// an older client was stored before its words were bounded on receipt.
fn texts_view(texts: std::collections::BTreeMap<String, wire::SignalText>) -> SignalTextsView {
    let mut texts = khata_lending::lender_text::signal_texts(texts);
    let mut take = |lang: &str| {
        texts.remove(lang).map(|t| SignalTextView {
            name: t.name,
            description: t.description,
            bins: t.bins,
            reasons: t.reasons,
        })
    };
    SignalTextsView {
        en: take("en"),
        hi: take("hi"),
    }
}

impl Catalog {
    pub fn load(v: &Vault) -> Result<Catalog> {
        let mut descriptions: HashMap<(String, String), (String, SignalTextsView)> = HashMap::new();
        // Newest catalogue statements first; the first description seen wins.
        for st in v.statements_of_kind("catalog", None)? {
            if let Ok(c) = serde_json::from_slice::<wire::SignalCatalog>(&st.json) {
                for s in c.signals {
                    descriptions
                        .entry((st.lender_id.clone(), s.id))
                        .or_insert_with(|| (s.description, texts_view(s.texts)));
                }
            }
        }
        let signals = v
            .lender_signals(None)?
            .into_iter()
            .map(|ls| {
                let (lender, s) = (ls.lender_id, ls.signal);
                let key = (lender, s.id.clone());
                let (description, texts) = descriptions.get(&key).cloned().unwrap_or_default();
                let info = SignalInfo {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    description,
                    texts,
                    dpv_category: s.category.clone(),
                    sensitivity: match s.sensitivity {
                        vault::Sensitivity::Low => SensitivityView::Low,
                        vault::Sensitivity::Medium => SensitivityView::Medium,
                        vault::Sensitivity::High => SensitivityView::High,
                        vault::Sensitivity::Special => SensitivityView::Special,
                    },
                    prohibited: prohibited(&s.category, &s.id, &s.name, &s.regulatory_flags),
                    regulatory_flags: s.regulatory_flags,
                };
                (key, info)
            })
            .collect();
        Ok(Catalog { signals })
    }

    /// `id` as `lender_id`'s catalogue describes it; a bare entry when it does not.
    pub fn info(&self, lender_id: &str, id: &str) -> SignalInfo {
        self.signals
            .get(&(lender_id.to_owned(), id.to_owned()))
            .cloned()
            .unwrap_or_else(|| SignalInfo {
                id: id.into(),
                name: id.into(),
                description: String::new(),
                texts: SignalTextsView::default(),
                dpv_category: "unknown".into(),
                sensitivity: SensitivityView::High,
                regulatory_flags: vec![],
                prohibited: prohibited("", id, id, &[]),
            })
    }

    /// The signal's name in `lender_id`'s catalogue, or its id.
    pub fn name(&self, lender_id: &str, id: &str) -> String {
        self.signals
            .get(&(lender_id.to_owned(), id.to_owned()))
            .map(|s| s.name.clone())
            .unwrap_or_else(|| id.to_string())
    }

    /// The signal's words per language in `lender_id`'s catalogue (none when it gives none).
    pub fn texts(&self, lender_id: &str, id: &str) -> SignalTextsView {
        self.signals
            .get(&(lender_id.to_owned(), id.to_owned()))
            .map(|s| s.texts.clone())
            .unwrap_or_default()
    }

    /// Every lender's signals, lender by lender, each in id order.
    pub fn all(&self) -> Vec<(String, SignalInfo)> {
        let mut all: Vec<(String, SignalInfo)> = self
            .signals
            .iter()
            .map(|((lender, _), info)| (lender.clone(), info.clone()))
            .collect();
        all.sort_by(|a, b| (&a.0, &a.1.id).cmp(&(&b.0, &b.1.id)));
        all
    }

    /// The ids any lender files under `category`.
    pub fn signals_in(&self, category: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .signals
            .values()
            .filter(|s| s.dpv_category == category)
            .map(|s| s.id.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    }
}
