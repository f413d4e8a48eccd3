//! Form models: what an editor holds while the admin types, and the plain functions that turn
//! it into API bodies and back, and into `trust-core` inputs for the in-browser lint. No view
//! code here, so every rule is unit-tested natively.

pub mod cert_form;
pub mod directory_form;
pub mod export_form;
pub mod playground_form;
pub mod realm_form;
pub mod role_mapping_form;
pub mod rule_draft;
pub mod text_list;
pub mod trust_form;

/// A stored resource as the API returns it, for the form tests.
#[cfg(test)]
pub(crate) fn test_view(name: &str, body: serde_json::Value) -> crate::api::security::ResourceView {
    crate::api::security::ResourceView {
        name: name.to_owned(),
        version: 1,
        updated_at: "2026-12-03T10:00:00Z".to_owned(),
        body,
        secure_settings: Default::default(),
        diagnostics: Vec::new(),
    }
}
