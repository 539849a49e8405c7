//! Whose is a domain the phone saw the lender's app contact: the lender's own (under the host
//! of its API base, or named after the lender's id), a recipient its consents name (by the
//! recipient's id as a domain, or by a word of its id or name being the domain's own name), or
//! no one the borrower agreed to. Without the public-suffix list the registrable part of a
//! domain is its last two labels, three under a two-letter country code's common second level
//! (`co.in`, `org.uk`); a heuristic, said so in docs/phone-evidence.md.

/// Second-level labels under which a country's domains are registered (`example.co.in`).
const SECOND_LEVEL: &[&str] = &["co", "com", "org", "net", "gov", "ac", "edu", "ltd", "res"];

/// Words too common to tie a domain to a party (`api.credit.com` is not "Credit Bureau").
const TOO_COMMON: &[&str] = &[
    "api", "www", "app", "com", "net", "org", "the", "and", "ltd", "pvt", "private", "limited",
    "india", "services", "service", "credit", "bureau", "bank", "finance", "data", "tech",
];

/// `host` lower-cased without a trailing dot.
fn norm(host: &str) -> String {
    host.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// The registrable part of `host` (`api.lender.co.in` → `lender.co.in`); an IP address or a
/// single label is its own.
pub(crate) fn registrable(host: &str) -> String {
    let host = norm(host);
    if host.parse::<std::net::IpAddr>().is_ok() {
        return host;
    }
    let labels: Vec<&str> = host.split('.').collect();
    let n = labels.len();
    let keep = if n >= 3 && labels[n - 1].len() == 2 && SECOND_LEVEL.contains(&labels[n - 2]) {
        3
    } else {
        2
    };
    labels[n.saturating_sub(keep)..].join(".")
}

/// `domain` is `base` or under it.
pub(crate) fn under(domain: &str, base: &str) -> bool {
    let (d, b) = (norm(domain), norm(base));
    !b.is_empty() && (d == b || d.ends_with(&format!(".{b}")))
}

/// The host of a URL (`https://api.lender.in:8443/v1` → `api.lender.in`).
pub(crate) fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or_default()
    };
    norm(host)
}

/// The words of a name or id, lower-cased, each run of letters and digits one word, with the
/// whole run joined as one more (`TransUnion CIBIL` → `transunion`, `cibil`,
/// `transunioncibil`).
fn words(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut out: Vec<String> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    if out.len() > 1 {
        out.push(out.concat());
    }
    out
}

/// A party the borrower knows of: the lender itself or a recipient its consents name.
pub(crate) struct Party<'a> {
    pub(crate) id: &'a str,
    pub(crate) name: &'a str,
}

/// Whether `domain` belongs to `party`: the party's id read as a domain has it under it, or
/// the domain's own name (`cibil` of `api.cibil.com`) is a word of the party's id or name.
pub(crate) fn belongs_to(domain: &str, party: &Party) -> bool {
    if party.id.contains('.') && under(domain, &registrable(party.id)) {
        return true;
    }
    let reg = registrable(domain);
    let Some(own) = reg.split('.').next().filter(|w| w.len() >= 3) else {
        return false;
    };
    if TOO_COMMON.contains(&own) {
        return false;
    }
    words(party.id)
        .into_iter()
        .chain(words(party.name))
        .any(|w| w == own)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrable_parts_and_hosts() {
        assert_eq!(registrable("api.lender.co.in"), "lender.co.in");
        assert_eq!(registrable("x.api.lender.in."), "lender.in");
        assert_eq!(registrable("127.0.0.1"), "127.0.0.1");
        assert_eq!(
            host_of("https://user@API.Lender.in:8443/v1?x"),
            "api.lender.in"
        );
        assert_eq!(host_of("http://[::1]:80/"), "::1");
        assert!(under("cdn.lender.in", "lender.in"));
        assert!(!under("evillender.in", "lender.in"));
    }

    #[test]
    fn a_domain_belongs_to_a_party_by_id_or_name_word() {
        let cibil = Party {
            id: "cibil",
            name: "TransUnion CIBIL",
        };
        assert!(belongs_to("api.cibil.com", &cibil));
        assert!(belongs_to("transunioncibil.in", &cibil));
        assert!(!belongs_to("adnet-metrics.io", &cibil));
        let by_domain = Party {
            id: "collect.example.in",
            name: "Collections",
        };
        assert!(belongs_to("x.example.in", &by_domain));
        // A common word is no tie.
        let bureau = Party {
            id: "b",
            name: "Credit Bureau",
        };
        assert!(!belongs_to("credit.com", &bureau));
    }
}
