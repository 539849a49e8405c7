//! Consent-versus-use audit: violations and explanation checks, each finding with its evidence.
