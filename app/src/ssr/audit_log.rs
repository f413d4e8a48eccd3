//! Reading the audit log (writing happens through `db::audit::record` inside each change).

use crate::ssr::db::Pool;
use trust_core::paging::PageRequest;

use crate::{
    api::audit::{AuditEntryView, AuditPageView},
    error::ApiError,
    ssr::db::audit::{self, AuditRow},
};

/// One page of entries for the raw `limit` / `before` query parameters.
///
/// # Errors
/// [`ApiError::Invalid`] naming the bad parameter, or a database failure.
pub async fn page(
    pool: &Pool,
    limit: Option<&str>,
    before: Option<&str>,
) -> Result<AuditPageView, ApiError> {
    let request =
        PageRequest::parse(limit, before).map_err(|e| ApiError::invalid(e.field(), &e))?;
    let (rows, more) = audit::list(pool, request).await?;
    let next_before = if more {
        rows.last().map(|row| row.id)
    } else {
        None
    };
    Ok(AuditPageView {
        entries: rows.into_iter().map(view).collect(),
        next_before,
    })
}

fn view(row: AuditRow) -> AuditEntryView {
    let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
    AuditEntryView {
        id: row.id,
        at: row.at,
        actor: row.actor,
        entity_kind: row.entity_kind,
        entity_id: row.entity_id,
        action: row.action,
        before: parse(row.before_json),
        after: parse(row.after_json),
    }
}
