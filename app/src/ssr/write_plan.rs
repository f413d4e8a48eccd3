//! The one rule for versioned writes, decided before the database is touched: a create names
//! no version and finds nothing; a replace or delete names the version the edit was based on
//! (a delete without one takes the current version). Pure, so the rule is tested without a
//! database; the deployment and document stores both apply it, and their `UPDATE`/`DELETE …
//! WHERE version = ?` stays the final compare-and-swap ([`stale`] when it matches no row).

use crate::error::ApiError;

/// What a versioned write does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WritePlan {
    /// Insert a new row; a unique violation means someone created it meanwhile ([`exists`]).
    Create,
    /// Replace or delete the row at this version.
    At(i64),
}

/// Decides a replace-or-create of `noun` `name`: `current` is the stored version (if any),
/// `based_on` the version the edit names.
///
/// # Errors
/// 404 for a version named on a missing resource; 409 for a create over an existing one or an
/// edit based on an older version.
pub fn plan_write(
    noun: &str,
    name: &str,
    current: Option<i64>,
    based_on: Option<i64>,
) -> Result<WritePlan, ApiError> {
    match (current, based_on) {
        (None, None) => Ok(WritePlan::Create),
        (None, Some(_)) => Err(not_found(noun, name)),
        (Some(current), None) => Err(exists(noun, name, Some(current))),
        (Some(current), Some(version)) if version != current => {
            Err(stale(noun, name, version, current))
        }
        (Some(_), Some(version)) => Ok(WritePlan::At(version)),
    }
}

/// Decides a delete: the named version, or the current one.
///
/// # Errors
/// 404 for a missing resource; 409 for an older version.
pub fn plan_delete(
    noun: &str,
    name: &str,
    current: Option<i64>,
    based_on: Option<i64>,
) -> Result<i64, ApiError> {
    let current = current.ok_or_else(|| not_found(noun, name))?;
    match based_on {
        Some(version) if version != current => Err(stale(noun, name, version, current)),
        _ => Ok(current),
    }
}

/// The 404 for a resource that does not exist (`noun` as in `role mapping`).
pub fn not_found(noun: &str, name: &str) -> ApiError {
    ApiError::NotFound {
        message: format!("{noun} [{name}] does not exist"),
    }
}

/// The 409 for creating what exists.
pub fn exists(noun: &str, name: &str, version: Option<i64>) -> ApiError {
    let at = version
        .map(|v| format!(" at version {v}"))
        .unwrap_or_default();
    ApiError::Conflict {
        message: format!(
            "{noun} [{name}] already exists{at}; to replace it, send the version you edited"
        ),
    }
}

/// The 409 for an edit based on a version that is no longer current.
pub fn stale(noun: &str, name: &str, yours: i64, current: i64) -> ApiError {
    ApiError::Conflict {
        message: format!(
            "{noun} [{name}] was changed by someone else: your edit is based on version {yours}, it is now at version {current}. Reload it and apply your change again."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conflict(e: ApiError) -> String {
        match e {
            ApiError::Conflict { message } => message,
            other => panic!("expected a conflict, got {other:?}"),
        }
    }

    #[test]
    fn creates_replaces_and_refuses_as_the_stores_expect() {
        assert_eq!(
            plan_write("realm", "r", None, None).unwrap(),
            WritePlan::Create
        );
        assert_eq!(
            plan_write("realm", "r", Some(3), Some(3)).unwrap(),
            WritePlan::At(3)
        );
        assert!(matches!(
            plan_write("realm", "r", None, Some(1)),
            Err(ApiError::NotFound { .. })
        ));
        assert_eq!(
            conflict(plan_write("role mapping", "m", Some(2), None).unwrap_err()),
            "role mapping [m] already exists at version 2; to replace it, send the version you edited"
        );
        assert_eq!(
            conflict(plan_write("deployment", "d", Some(4), Some(3)).unwrap_err()),
            "deployment [d] was changed by someone else: your edit is based on version 3, it is now at version 4. Reload it and apply your change again."
        );
    }

    #[test]
    fn deletes_take_the_named_or_the_current_version() {
        assert_eq!(plan_delete("user", "u", Some(5), None).unwrap(), 5);
        assert_eq!(plan_delete("user", "u", Some(5), Some(5)).unwrap(), 5);
        assert!(
            conflict(plan_delete("user", "u", Some(5), Some(4)).unwrap_err()).contains("version 4")
        );
        assert!(matches!(
            plan_delete("user", "u", None, None),
            Err(ApiError::NotFound { .. })
        ));
    }
}
