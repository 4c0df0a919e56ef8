//! IAM's Marker paging on the one paginator ([`crate::aws::paginate`]): a listing
//! action reads its page (items, and the Marker when IsTruncated says there is more),
//! and makes the request of the page after a marker.

use crate::aws::operation::QueryOperation;
use crate::aws::paginate::Page;
use crate::aws::shape::read;
use crate::aws::xml::Element;

/// A Marker-paged listing action.
pub(super) trait Listing: QueryOperation<Output = Page<Self::Item>> + Clone {
    type Item;
    /// The request's Marker member.
    fn marker(&mut self) -> &mut Option<String>;

    /// The same listing's request for the page after `marker` (the first page: None).
    fn at(&self, marker: Option<&str>) -> Self {
        let mut next = self.clone();
        *next.marker() = marker.map(str::to_string);
        next
    }
}

/// A listing's page from its result: the items, and the Marker when IsTruncated is
/// true (the paginator ends the listing on an empty or repeated one).
pub(super) fn marker_page<T>(result: &Element, items: Option<Vec<T>>) -> Page<T> {
    let truncated = read::member::<bool>(result, "IsTruncated") == Some(true);
    Page {
        items: items.unwrap_or_default(),
        next: read::member::<String>(result, "Marker").filter(|_| truncated),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::http::Response;
    use crate::aws::iam::users::{ListUserPolicies, ListUsers};
    use crate::aws::operation::Operation;
    use crate::aws::paginate::Paginator;
    use crate::aws::query::form;
    use crate::error::Error;

    /// A ListUserPolicies answer of `names`, truncated with `marker` when given.
    fn page_doc(names: &[&str], marker: Option<&str>) -> Response {
        let members: String = names
            .iter()
            .map(|n| format!("<member>{n}</member>"))
            .collect();
        let paging = match marker {
            Some(m) => format!("<IsTruncated>true</IsTruncated><Marker>{m}</Marker>"),
            None => "<IsTruncated>false</IsTruncated>".to_string(),
        };
        let doc = format!(
            "<ListUserPoliciesResponse><ListUserPoliciesResult><PolicyNames>{members}</PolicyNames>\
             {paging}</ListUserPoliciesResult></ListUserPoliciesResponse>"
        );
        Response {
            status: 200,
            headers: Vec::new(),
            body: doc.into_bytes(),
        }
    }

    /// The listing over canned answers keyed by the Marker sent, as the client pages
    /// it; with each request's form body.
    fn run(answers: Vec<(Option<&str>, Response)>) -> (Vec<Result<String, String>>, Vec<String>) {
        let mut sent = Vec::new();
        let first = ListUserPolicies {
            user_name: "alice".into(),
            marker: None,
        };
        let items = Paginator::new("ListUserPolicies listing", |marker: Option<&str>| {
            let request = first.at(marker);
            sent.push(form(&request));
            let (_, answer) = answers
                .iter()
                .find(|(m, _)| *m == marker)
                .ok_or_else(|| Error::transport("no such page"))?;
            request.parse(answer.clone())
        })
        .items()
        .map(|r| r.map_err(|e| e.to_string()))
        .collect();
        (items, sent)
    }

    #[test]
    fn every_page_in_order_each_marker_sent_once() {
        let (items, sent) = run(vec![
            (None, page_doc(&["a", "b"], Some("m1"))),
            (Some("m1"), page_doc(&["c"], Some("m2"))),
            (Some("m2"), page_doc(&["d"], None)),
        ]);
        let ok = |s: &str| Ok(s.to_string());
        assert_eq!(items, [ok("a"), ok("b"), ok("c"), ok("d")]);
        assert_eq!(
            sent,
            [
                "Action=ListUserPolicies&Version=2010-05-08&UserName=alice",
                "Action=ListUserPolicies&Version=2010-05-08&UserName=alice&Marker=m1",
                "Action=ListUserPolicies&Version=2010-05-08&UserName=alice&Marker=m2",
            ]
        );
    }

    #[test]
    fn an_empty_marker_or_none_ends_the_listing() {
        let (items, sent) = run(vec![(None, page_doc(&["a"], Some("")))]);
        assert_eq!((items.len(), sent.len()), (1, 1));
        let (items, sent) = run(vec![(None, page_doc(&[], None))]);
        assert_eq!((items.len(), sent.len()), (0, 1));
    }

    #[test]
    fn a_marker_sent_back_is_one_error_after_the_items_before_it() {
        let (items, sent) = run(vec![
            (None, page_doc(&["a"], Some("m1"))),
            (Some("m1"), page_doc(&["b"], Some("m1"))),
        ]);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0], Ok("a".to_string()));
        assert_eq!(
            items[1],
            Err(
                "The ListUserPolicies listing does not advance: the server sent back the \
                 continuation token it was given"
                    .to_string()
            )
        );
        assert_eq!(sent.len(), 2);
    }

    #[test]
    fn a_failed_page_ends_the_listing_after_the_items_before_it() {
        let (items, sent) = run(vec![(None, page_doc(&["a"], Some("gone")))]);
        assert_eq!(items, [Ok("a".into()), Err("no such page".into())]);
        assert_eq!(sent.len(), 2);
    }

    #[test]
    fn truncated_without_a_marker_is_the_last_page() {
        let doc = b"<ListUsersResponse><ListUsersResult><Users><member><UserName>u</UserName>\
            </member></Users><IsTruncated>true</IsTruncated></ListUsersResult></ListUsersResponse>";
        let answer = Response {
            status: 200,
            headers: Vec::new(),
            body: doc.to_vec(),
        };
        let page = ListUsers::default().parse(answer).unwrap();
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.next, None);
    }
}
