//! The realm chain as a picture: the realms Elasticsearch tries, top to bottom, in the order
//! it tries them — the ones it adds itself first (`Realms.maybeAddBasicRealms`), then the
//! enabled configured realms by `order` — from the request to the 401 nobody answers.
//! Disabled realms are not in Elasticsearch's chain; the picture lists them beside it.

use serde_json::Value;
use trust_core::resource::realm_config::RealmConfig;

use crate::{
    api::security::ResourceView,
    forms::{realm_form::chain_order, text_list},
};

/// Width of the drawing (the SVG scales to its box).
pub const WIDTH: i32 = 420;
/// Height of one realm box.
pub const BOX_HEIGHT: i32 = 52;
/// Space between boxes, where the arrow runs.
pub const GAP: i32 = 26;
/// Height of the request and the 401 caps.
pub const CAP_HEIGHT: i32 = 30;

/// How a realm box is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeState {
    /// Added by Elasticsearch (dashed).
    Implicit,
    /// Lint found nothing.
    Ok,
    /// Lint has warnings only.
    Warning,
    /// Elasticsearch would refuse to start.
    Error,
}

impl NodeState {
    /// Words for the text alternative and the tooltip.
    pub fn words(self) -> &'static str {
        match self {
            Self::Implicit => "added by Elasticsearch",
            Self::Ok => "no findings",
            Self::Warning => "warnings",
            Self::Error => "startup errors",
        }
    }
}

/// One realm in the picture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainNode {
    /// Realm name.
    pub name: String,
    /// Realm type.
    pub kind: String,
    /// `order` as written, or `first` for the realms Elasticsearch adds.
    pub order: String,
    /// How it is drawn.
    pub state: NodeState,
    /// Its editor, for configured realms.
    pub href: Option<String>,
    /// Top edge of its box.
    pub y: i32,
}

/// What the picture shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainPicture {
    /// The chain, in Elasticsearch's order, laid out top to bottom.
    pub nodes: Vec<ChainNode>,
    /// Configured but disabled realms (not in the chain).
    pub disabled: Vec<String>,
    /// Top edge of the closing "401" cap.
    pub end_y: i32,
    /// Total height of the drawing.
    pub height: i32,
}

impl ChainPicture {
    /// One sentence per realm, for screen readers (`<desc>`) and tests.
    pub fn description(&self) -> String {
        let mut out = String::from("A request's credentials go through ");
        let steps: Vec<String> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{}. {} ({}, {})", i + 1, n.name, n.kind, n.state.words()))
            .collect();
        if steps.is_empty() {
            out.push_str("no realm");
        } else {
            out.push_str(&steps.join("; "));
        }
        out.push_str(
            "; the first realm that authenticates them wins, and when none does the answer is 401.",
        );
        if !self.disabled.is_empty() {
            out.push_str(&format!(
                " Disabled, so not in the chain: {}.",
                self.disabled.join(", ")
            ));
        }
        out
    }
}

/// Whether Elasticsearch keeps the realm in its chain: the same reading of `enabled` the
/// realm lint uses (`RealmConfig::enabled`; a body that does not parse counts as enabled, as
/// the lint reports it instead).
fn enabled(view: &ResourceView) -> bool {
    RealmConfig::parse(&view.name, &view.body).map_or(true, |update| update.config.enabled())
}

fn state(view: &ResourceView) -> NodeState {
    if view.diagnostics.iter().any(|d| d.is_error()) {
        NodeState::Error
    } else if view.diagnostics.is_empty() {
        NodeState::Ok
    } else {
        NodeState::Warning
    }
}

/// Lays out the chain of the stored realms `realms`.
pub fn realm_chain(realms: &[ResourceView]) -> ChainPicture {
    let kinds = realms
        .iter()
        .filter_map(|r| r.body.get("type").and_then(Value::as_str));
    let implicit = trust_core::jwt::realm::implicit_realms(kinds)
        .into_iter()
        .map(|r| {
            (
                r.name.to_owned(),
                r.kind.to_owned(),
                "first".to_owned(),
                NodeState::Implicit,
                None,
            )
        });
    let ordered = chain_order(realms);
    let (on, off): (Vec<&ResourceView>, Vec<&ResourceView>) =
        ordered.into_iter().partition(|v| enabled(v));
    let configured = on.into_iter().map(|v| {
        (
            v.name.clone(),
            text_list::join(v.body.get("type")),
            text_list::join(v.body["settings"].get("order")),
            state(v),
            Some(format!("/realms/{}", v.name)),
        )
    });
    let mut y = CAP_HEIGHT + GAP;
    let nodes: Vec<ChainNode> = implicit
        .chain(configured)
        .map(|(name, kind, order, state, href)| {
            let node = ChainNode {
                name,
                kind,
                order,
                state,
                href,
                y,
            };
            y += BOX_HEIGHT + GAP;
            node
        })
        .collect();
    ChainPicture {
        nodes,
        disabled: off.into_iter().map(|v| v.name.clone()).collect(),
        end_y: y,
        height: y + CAP_HEIGHT,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::{api::security::DiagnosticView, forms::test_view};

    fn realm(name: &str, kind: &str, settings: Value) -> ResourceView {
        test_view(name, json!({"type": kind, "settings": settings}))
    }

    #[test]
    fn elasticsearch_s_own_realms_come_first_then_enabled_realms_by_order() {
        let mut broken = realm("jwt2", "jwt", json!({"order": 2}));
        broken.diagnostics.push(DiagnosticView::error(
            "allowed_issuer",
            "Invalid empty value for [allowed_issuer].",
        ));
        let picture = realm_chain(&[
            realm("jwt9", "jwt", json!({"order": 9})),
            broken,
            realm("off", "jwt", json!({"order": 1, "enabled": false})),
        ]);
        let names: Vec<(&str, NodeState)> = picture
            .nodes
            .iter()
            .map(|n| (n.name.as_str(), n.state))
            .collect();
        assert_eq!(
            names,
            [
                ("default_file", NodeState::Implicit),
                ("default_native", NodeState::Implicit),
                ("jwt2", NodeState::Error),
                ("jwt9", NodeState::Ok),
            ]
        );
        assert_eq!(picture.disabled, ["off"]);
        assert_eq!(picture.nodes[2].href.as_deref(), Some("/realms/jwt2"));
        assert_eq!(picture.nodes[0].href, None);
        assert_eq!(picture.nodes[0].order, "first");
        // Boxes do not overlap and the 401 cap comes after the last.
        for pair in picture.nodes.windows(2) {
            assert_eq!(pair[1].y - pair[0].y, BOX_HEIGHT + GAP);
        }
        assert_eq!(picture.end_y, picture.nodes[3].y + BOX_HEIGHT + GAP);
        assert_eq!(picture.height, picture.end_y + CAP_HEIGHT);
        let text = picture.description();
        assert!(
            text.contains("3. jwt2 (jwt, startup errors); 4. jwt9 (jwt, no findings)"),
            "{text}"
        );
        assert!(
            text.ends_with("Disabled, so not in the chain: off."),
            "{text}"
        );
    }

    #[test]
    fn a_configured_native_realm_keeps_default_native_out_even_when_disabled() {
        let picture = realm_chain(&[
            realm("native1", "native", json!({"order": 0, "enabled": "false"})),
            realm("jwt1", "jwt", json!({"order": 1})),
        ]);
        let names: Vec<&str> = picture.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["default_file", "jwt1"]);
        assert_eq!(picture.disabled, ["native1"]);
    }
}
