//! Form models: what an editor holds while the admin types, and the plain functions that turn
//! it into API bodies and back, and into `trust-core` inputs for the in-browser lint. No view
//! code here, so every rule is unit-tested natively.

pub mod directory_form;
pub mod realm_form;
pub mod role_mapping_form;
pub mod rule_draft;
pub mod text_list;
