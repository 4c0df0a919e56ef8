//! One paginator for every paged listing: S3 ListObjectsV2 and ListBuckets
//! (`ContinuationToken`), IAM's `Marker`/`IsTruncated` listings. A listing gives pages
//! (items and the next page's token); the paginator asks for the next page only when the
//! items before it have been used, and stops a listing that would never end with one
//! clear error: a page that hands back the token it was fetched with, or a long run of
//! empty pages that still say there is more. A token that is empty is no token.
//!
//! What is particular to one listing (S3's ascending key order, page size caps) stays in
//! its `fetch`, which may keep state of its own.

use crate::error::Error;

/// How many truncated pages in a row may come without an item before the listing is
/// taken to go nowhere. S3 can send an empty page while it skips over delete markers,
/// rarely more than a few in a row.
pub(crate) const MAX_EMPTY_PAGES: u32 = 1_000;

/// One page as read: its items and, when there is more, the next page's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Page<T> {
    pub(crate) items: Vec<T>,
    pub(crate) next: Option<String>,
}

/// Why a listing was stopped. `listing` names it for the message
/// (`ListObjectsV2 listing of bucket b`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ListingError {
    /// The server sent back the token the page was asked for with.
    TokenRepeated { listing: String },
    /// [`MAX_EMPTY_PAGES`] truncated pages in a row without an item.
    NoItems { listing: String, pages: u32 },
}

impl std::fmt::Display for ListingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ListingError::TokenRepeated { listing } => write!(
                f,
                "The {listing} does not advance: the server sent back the continuation \
                 token it was given"
            ),
            ListingError::NoItems { listing, pages } => write!(
                f,
                "The {listing} does not advance: {pages} pages in a row without a key"
            ),
        }
    }
}

impl std::error::Error for ListingError {}

impl From<ListingError> for Error {
    /// A listing that does not advance is a response that makes no sense: a transport
    /// failure, as every other malformed answer, with the listing error as its source.
    fn from(e: ListingError) -> Self {
        Error::transport_from(e.to_string(), e)
    }
}

/// A listing's own check of each page, run after the paginator's (none by default).
pub(crate) type NoCheck<T> = fn(&Page<T>) -> Result<(), Error>;

/// The pages of one listing. `fetch` gets the token of the page to fetch (None for the
/// first); `check`, the listing's own rule for a page (S3's key order), runs after the
/// paginator's. After an error the paginator yields nothing more.
pub(crate) struct Paginator<T, F, C = NoCheck<T>> {
    listing: String,
    fetch: F,
    check: C,
    /// None: finished; Some(None): the first page is still to fetch.
    token: Option<Option<String>>,
    empty_run: u32,
    _items: std::marker::PhantomData<fn() -> T>,
}

impl<T, F> Paginator<T, F>
where
    F: FnMut(Option<&str>) -> Result<Page<T>, Error>,
{
    pub(crate) fn new(listing: impl Into<String>, fetch: F) -> Self {
        Paginator::checked(listing, fetch, |_| Ok(()))
    }
}

impl<T, F, C> Paginator<T, F, C>
where
    F: FnMut(Option<&str>) -> Result<Page<T>, Error>,
    C: FnMut(&Page<T>) -> Result<(), Error>,
{
    /// A listing whose pages also pass `check`.
    pub(crate) fn checked(listing: impl Into<String>, fetch: F, check: C) -> Self {
        Paginator {
            listing: listing.into(),
            fetch,
            check,
            token: Some(None),
            empty_run: 0,
            _items: std::marker::PhantomData,
        }
    }

    /// The items of every page, one at a time; ends after the first error.
    pub(crate) fn items(self) -> impl Iterator<Item = Result<T, Error>> {
        self.flat_map(|page| {
            let (items, error) = match page {
                Ok(items) => (items, None),
                Err(e) => (Vec::new(), Some(Err(e))),
            };
            items.into_iter().map(Ok).chain(error)
        })
    }

    /// The checks every page passes before its items are handed out.
    fn bounds(&mut self, given: Option<&str>, page: &Page<T>) -> Result<(), ListingError> {
        if page.next.is_some() && page.next.as_deref() == given {
            return Err(ListingError::TokenRepeated {
                listing: self.listing.clone(),
            });
        }
        if page.items.is_empty() && page.next.is_some() {
            self.empty_run += 1;
            if self.empty_run >= MAX_EMPTY_PAGES {
                return Err(ListingError::NoItems {
                    listing: self.listing.clone(),
                    pages: self.empty_run,
                });
            }
        } else {
            self.empty_run = 0;
        }
        Ok(())
    }
}

impl<T, F, C> Iterator for Paginator<T, F, C>
where
    F: FnMut(Option<&str>) -> Result<Page<T>, Error>,
    C: FnMut(&Page<T>) -> Result<(), Error>,
{
    type Item = Result<Vec<T>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let given = self.token.take()?;
        let mut page = match (self.fetch)(given.as_deref()) {
            Ok(page) => page,
            Err(e) => return Some(Err(e)),
        };
        page.next = page.next.filter(|t| !t.is_empty());
        if let Err(e) = self.bounds(given.as_deref(), &page) {
            return Some(Err(e.into()));
        }
        if let Err(e) = (self.check)(&page) {
            return Some(Err(e));
        }
        self.token = page.next.map(Some);
        Some(Ok(page.items))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokens a scripted listing was asked for.
    type Asked = std::rc::Rc<std::cell::RefCell<Vec<Option<String>>>>;
    type Fetch = Box<dyn FnMut(Option<&str>) -> Result<Page<u32>, Error>>;

    /// A listing served from a script of pages, recording the tokens asked for.
    fn scripted(pages: Vec<Page<u32>>) -> (Paginator<u32, Fetch>, Asked) {
        let asked = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let log = asked.clone();
        let mut pages = pages.into_iter();
        let fetch: Fetch = Box::new(move |token: Option<&str>| {
            log.borrow_mut().push(token.map(str::to_string));
            pages
                .next()
                .ok_or_else(|| Error::transport("asked for a page past the script"))
        });
        (Paginator::new("Test listing", fetch), asked)
    }

    fn page(items: &[u32], next: Option<&str>) -> Page<u32> {
        Page {
            items: items.to_vec(),
            next: next.map(str::to_string),
        }
    }

    #[test]
    fn follows_tokens_until_a_page_has_none() {
        let (pages, asked) = scripted(vec![
            page(&[1, 2], Some("t1")),
            page(&[], Some("t2")),
            page(&[3], Some("")),
        ]);
        let items: Vec<u32> = pages.items().collect::<Result<_, _>>().unwrap();
        assert_eq!(items, [1, 2, 3]);
        assert_eq!(
            *asked.borrow(),
            [None, Some("t1".to_string()), Some("t2".to_string())]
        );
    }

    #[test]
    fn pages_are_fetched_only_when_needed() {
        let (pages, asked) = scripted(vec![page(&[1], Some("t1")), page(&[2], None)]);
        let mut items = pages.items();
        assert_eq!(items.next().unwrap().unwrap(), 1);
        assert_eq!(asked.borrow().len(), 1);
        assert_eq!(items.next().unwrap().unwrap(), 2);
        assert!(items.next().is_none());
        assert_eq!(asked.borrow().len(), 2);
    }

    #[test]
    fn a_token_sent_back_stops_the_listing_with_one_error() {
        let (pages, asked) = scripted(vec![
            page(&[1], Some("same")),
            page(&[2], Some("same")),
            page(&[3], None),
        ]);
        let results: Vec<Result<u32, Error>> = pages.items().collect();
        assert_eq!(results.len(), 2, "the first page's item, then one error");
        assert_eq!(results[0].as_ref().unwrap(), &1);
        let err = results[1].as_ref().unwrap_err();
        assert_eq!(
            err.to_string(),
            "The Test listing does not advance: the server sent back the continuation \
             token it was given"
        );
        let source = std::error::Error::source(err)
            .and_then(std::error::Error::source)
            .and_then(|s| s.downcast_ref::<ListingError>());
        assert!(matches!(source, Some(ListingError::TokenRepeated { .. })));
        assert_eq!(asked.borrow().len(), 2);
    }

    #[test]
    fn a_long_run_of_empty_truncated_pages_is_an_error() {
        let mut script: Vec<Page<u32>> = (0..MAX_EMPTY_PAGES)
            .map(|n| page(&[], Some(&format!("t{n}"))))
            .collect();
        script.push(page(&[9], None));
        let (pages, asked) = scripted(script);
        let results: Vec<Result<Vec<u32>, Error>> = pages.collect();
        let err = results.last().unwrap().as_ref().unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "The Test listing does not advance: {MAX_EMPTY_PAGES} pages in a row without a key"
            )
        );
        assert_eq!(asked.borrow().len() as u32, MAX_EMPTY_PAGES);
    }

    #[test]
    fn an_item_resets_the_run_of_empty_pages() {
        let mut script = Vec::new();
        for round in 0..2 {
            for n in 0..MAX_EMPTY_PAGES - 1 {
                script.push(page(&[], Some(&format!("e{round}-{n}"))));
            }
            script.push(page(&[round], Some(&format!("full{round}"))));
        }
        script.push(page(&[], None));
        let (pages, _) = scripted(script);
        let items: Vec<u32> = pages.items().collect::<Result<_, _>>().unwrap();
        assert_eq!(items, [0, 1]);
    }

    #[test]
    fn a_listings_own_check_runs_after_the_bounds() {
        let pages = vec![page(&[1], Some("same")), page(&[1], Some("same"))];
        let mut pages = pages.into_iter();
        let mut seen = 0;
        let listing = Paginator::checked(
            "Test listing",
            move |_: Option<&str>| Ok(pages.next().unwrap()),
            |page: &Page<u32>| {
                seen += 1;
                match page.items.as_slice() {
                    [1] if seen > 1 => Err(Error::transport("own check: 1 again")),
                    _ => Ok(()),
                }
            },
        );
        let results: Vec<Result<Vec<u32>, Error>> = listing.collect();
        let err = results[1].as_ref().unwrap_err().to_string();
        assert!(err.contains("sent back the continuation token"), "{err}");
    }

    #[test]
    fn a_failed_fetch_ends_the_listing() {
        let (pages, asked) = scripted(vec![page(&[1], Some("t1"))]);
        let results: Vec<Result<u32, Error>> = pages.items().collect();
        assert_eq!(results.len(), 2);
        assert!(results[1].is_err());
        assert_eq!(asked.borrow().len(), 2);
    }
}
