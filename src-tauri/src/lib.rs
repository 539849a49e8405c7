//! The Khata desktop shell (placeholder while the foundation lands).
pub fn run() {}
