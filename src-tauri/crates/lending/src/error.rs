//! Typed errors of the client: each says what went wrong in words a UI can show, and whether a
//! retry could help.

use crate::client::LogViolation;
use crate::signing::SignError;
use crate::types::Problem;

#[derive(Debug, thiserror::Error)]
pub enum LendingError {
    /// The lender could not be reached, or the connection broke mid-response.
    #[error("network error talking to the lender: {0}")]
    Network(String),
    #[error("the lender did not answer in time")]
    Timeout,
    /// The lender answered with an RFC 9457 problem (or a non-problem error we wrapped as one).
    /// (Boxed: keeps `Result<_, LendingError>` small on the happy path.)
    #[error("the lender refused the request: {problem}")]
    Http { status: u16, problem: Box<Problem> },
    /// The response was not what the contract promises (bad JSON, wrong shape, wrong type).
    #[error("the lender sent a malformed response: {detail}")]
    Malformed { detail: String },
    #[error("the lender's response exceeded the {limit}-byte limit")]
    TooLarge { limit: usize },
    /// A statement's signature did not verify against the keys pinned at connect time.
    #[error("the lender's signature could not be verified: {0}")]
    BadSignature(#[from] SignError),
    /// Plain HTTP to a host other than loopback, or an unparsable URL.
    #[error("refusing insecure or invalid URL {url}: {reason}")]
    InsecureUrl { url: String, reason: String },
    /// The discovery document names an endpoint (`endpoint`: `apiBase`, `authorizationEndpoint`
    /// or `tokenEndpoint`) outside the origin the document was fetched from. Refused before any
    /// token or code could be sent there.
    #[error(
        "refusing to connect: the lender's discovery document sends its {endpoint} to {url}, \
         outside its own origin {origin}"
    )]
    ForeignOrigin {
        endpoint: &'static str,
        url: String,
        origin: String,
    },
    /// The lender's disclosure log contradicts what it signed before or what it sends with it
    /// (a fork, a shrunk log, a rewritten, dropped or reordered leaf): evidence, carrying the
    /// signed tree heads involved. (Boxed: the heads are JSON.)
    #[error("the lender's disclosure log does not hold together: {0}")]
    Log(Box<LogViolation>),
    /// The caller asked for something the client cannot do (e.g. no token set).
    #[error("{0}")]
    Usage(String),
}

impl LendingError {
    /// Whether retrying the same (idempotent) request could succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Network(_) | Self::Timeout => true,
            Self::Http { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }

    /// The problem document, when the lender sent one.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Self::Http { problem, .. } => Some(problem.as_ref()),
            _ => None,
        }
    }
}

pub type Result<T, E = LendingError> = std::result::Result<T, E>;
