//! The IDs trust settings are made of (spec §6.3).
//!
//! No formal format is published. Every Elasticsearch cluster ID, account ID and
//! trust-relationship ID in the ECE/ECH docs is 32 lowercase hexadecimal characters, so the
//! console requires exactly that for cluster IDs and explains the usual mistakes: uppercase,
//! dashes (a UUID), the 22-character `cluster_uuid` that `GET /` returns, and the short
//! 6-character prefix the Cloud UI shows. Whether an ID names a real deployment cannot be
//! verified (ECE's own docs say so); the console only warns when it knows no deployment with
//! that ID, or knows it as a deployment ID rather than a cluster ID.

/// A deployment the console manages, as ID checks need it.
#[derive(Clone, Copy, Debug)]
pub struct KnownIds<'a> {
    /// The console's name for it.
    pub name: &'a str,
    /// Its Elasticsearch cluster ID.
    pub cluster_id: Option<&'a str>,
    /// Its ECE/ECH deployment ID.
    pub deployment_id: Option<&'a str>,
}

fn is_lower_hex(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

/// Checks an Elasticsearch cluster ID's format.
///
/// # Errors
/// What is wrong with it and what a cluster ID looks like.
pub fn check_cluster_id(id: &str) -> Result<(), String> {
    const SHAPE: &str =
        "32 lowercase hexadecimal characters, like cf659f7fe6164d9691b284ae36811be1";
    if id.is_empty() {
        return Err(format!("a cluster ID cannot be empty: it is {SHAPE}"));
    }
    if id.trim() != id {
        return Err(format!("[{id}] has leading or trailing spaces"));
    }
    if id.len() == 32 && is_lower_hex(id) {
        return Ok(());
    }
    if id.len() == 32 && is_lower_hex(&id.to_ascii_lowercase()) {
        return Err(format!(
            "[{id}] has uppercase letters: cluster IDs are lowercase ([{}])",
            id.to_ascii_lowercase()
        ));
    }
    let undashed = id.replace('-', "");
    if id.contains('-') && undashed.len() == 32 && is_lower_hex(&undashed.to_ascii_lowercase()) {
        return Err(format!(
            "[{id}] is written as a UUID with dashes: cluster IDs are {SHAPE} without dashes ([{}])",
            undashed.to_ascii_lowercase()
        ));
    }
    if id.len() == 22
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!(
            "[{id}] looks like the cluster_uuid that GET / returns; trust settings use the Elasticsearch cluster ID shown on the deployment page: {SHAPE}"
        ));
    }
    if id.len() == 6 && is_lower_hex(id) {
        return Err(format!(
            "[{id}] looks like the short ID the Cloud UI shows; copy the full Elasticsearch cluster ID: {SHAPE}"
        ));
    }
    Err(format!("[{id}] is not a cluster ID: expected {SHAPE}"))
}

/// A `scope_id` of a direct trust relationship: lowercase letters and digits, at most 32
/// (usually an organization or environment ID).
///
/// # Errors
/// What is wrong.
pub fn check_scope_id(id: &str) -> Result<(), String> {
    if id.is_empty() || id.len() > 32 {
        return Err(format!(
            "scope_id [{id}] must be 1 to 32 characters (lowercase letters and digits)"
        ));
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_digit() || c.is_ascii_lowercase()))
    {
        return Err(format!(
            "scope_id [{id}] may only contain lowercase letters and digits, found {c:?}"
        ));
    }
    Ok(())
}

/// Warnings for a well-formed cluster ID in a trust allowlist: it is some known deployment's
/// *deployment* ID, or no known deployment has it.
pub fn cluster_id_warnings(id: &str, known: &[KnownIds<'_>]) -> Vec<String> {
    if let Some(k) = known.iter().find(|k| k.deployment_id == Some(id)) {
        let hint = k.cluster_id.map(|c| format!(" [{c}]")).unwrap_or_default();
        return vec![format!(
            "[{id}] is the deployment ID of [{}], not its Elasticsearch cluster ID{hint}: trust is granted by cluster ID",
            k.name
        )];
    }
    if known.iter().any(|k| k.cluster_id == Some(id)) {
        return Vec::new();
    }
    vec![format!(
        "no deployment the console manages has cluster ID [{id}]; Elastic cannot verify it either, so check it against the deployment page"
    )]
}

/// The deployment the console knows by this cluster ID.
pub fn known_by_cluster_id<'a>(id: &str, known: &[KnownIds<'a>]) -> Option<&'a str> {
    known
        .iter()
        .find(|k| k.cluster_id == Some(id))
        .map(|k| k.name)
}
