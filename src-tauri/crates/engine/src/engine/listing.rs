//! A lender's paged listing, followed without trusting the lender to end it. A hostile (or
//! broken) lender can answer `{"items":[],"nextCursor":"x"}` forever, send back a cursor it
//! already gave, or page on without end; each page would cost a request and a ledger entry.
//! [`Listing`] decides after every page whether to fetch another: it stops on the last page
//! (no `nextCursor`), on an empty page, on a cursor already seen in this listing, and after
//! [`crate::EngineConfig::sync_max_pages`] pages (the next sync resumes from the stored cursor).
//! The caller can also cancel between pages (`Engine::sync_cancellable`).

use std::collections::HashSet;

/// Why a listing stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The lender's last page: no `nextCursor`.
    End,
    /// A page with no items still named a next cursor: nothing more to fetch.
    EmptyPage,
    /// The next cursor is one this listing already followed (a loop).
    RepeatedCursor,
    /// The page cap of one sync was reached; the next sync resumes.
    Cap,
}

/// What to do after a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Next {
    /// Fetch the page at this cursor.
    Fetch(String),
    Done(Stop),
}

/// The state of one listing: the cursors followed and the pages fetched.
pub(crate) struct Listing {
    seen: HashSet<String>,
    pages: u32,
    max_pages: u32,
}

impl Listing {
    /// A listing starting at `start` (the stored cursor, `None` from the beginning).
    pub(crate) fn new(start: Option<&str>, max_pages: u32) -> Self {
        Self {
            seen: start.map(str::to_owned).into_iter().collect(),
            pages: 0,
            max_pages: max_pages.max(1),
        }
    }

    /// Judges a page of `items` items naming `next` as its next cursor.
    pub(crate) fn after_page(&mut self, items: usize, next: Option<&str>) -> Next {
        self.pages = self.pages.saturating_add(1);
        match next {
            None => Next::Done(Stop::End),
            Some(_) if items == 0 => Next::Done(Stop::EmptyPage),
            Some(c) if !self.seen.insert(c.to_owned()) => Next::Done(Stop::RepeatedCursor),
            Some(_) if self.pages >= self.max_pages => Next::Done(Stop::Cap),
            Some(c) => Next::Fetch(c.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_honest_listing_runs_to_its_last_page() {
        let mut l = Listing::new(None, 10);
        assert_eq!(l.after_page(3, Some("3")), Next::Fetch("3".into()));
        assert_eq!(l.after_page(3, Some("6")), Next::Fetch("6".into()));
        assert_eq!(l.after_page(1, None), Next::Done(Stop::End));
        // An empty log is one empty last page.
        assert_eq!(
            Listing::new(Some("6"), 10).after_page(0, None),
            Next::Done(Stop::End)
        );
    }

    #[test]
    fn empty_pages_repeated_cursors_and_the_cap_stop_it() {
        assert_eq!(
            Listing::new(None, 10).after_page(0, Some("x")),
            Next::Done(Stop::EmptyPage)
        );
        // Back to the cursor it started from, or to one it gave before.
        assert_eq!(
            Listing::new(Some("5"), 10).after_page(2, Some("5")),
            Next::Done(Stop::RepeatedCursor)
        );
        let mut l = Listing::new(None, 10);
        assert_eq!(l.after_page(1, Some("a")), Next::Fetch("a".into()));
        assert_eq!(l.after_page(1, Some("b")), Next::Fetch("b".into()));
        assert_eq!(l.after_page(1, Some("a")), Next::Done(Stop::RepeatedCursor));
        let mut l = Listing::new(None, 3);
        assert_eq!(l.after_page(1, Some("1")), Next::Fetch("1".into()));
        assert_eq!(l.after_page(1, Some("2")), Next::Fetch("2".into()));
        assert_eq!(l.after_page(1, Some("3")), Next::Done(Stop::Cap));
    }
}
