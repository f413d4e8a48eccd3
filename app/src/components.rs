//! Reusable view pieces. One component per file.

pub mod arrow_marker;
pub mod cert_chain_picture;
pub mod code_block;
pub mod conflict_notice;
pub mod console_layout;
pub mod data_table;
pub mod delete_button;
pub mod deployment_switcher;
pub mod diagnostic_list;
pub mod editor_parts;
pub mod empty_state;
pub mod error_message;
pub mod form_field;
pub mod history_panel;
pub mod key_table;
pub mod lint_badge;
pub mod realm_chain_picture;
pub mod rule_builder;
pub mod secret_field;
pub mod side_nav;
pub mod styles;
pub mod theme_toggle;
pub mod token_timeline_picture;
pub mod top_bar;
pub mod trust_graph_picture;
pub mod user_menu;
