//! The ordered apply plan: keystore first, then the secure-settings reload, then the yml with
//! a rolling restart for its static settings, then the API requests (spec features §7 "safe
//! ordering"). Each setting is tagged with how it takes effect.

use serde::{Deserialize, Serialize};

use super::{Bundle, yml_settings};
use crate::diagnostic::DeploymentKind;

/// How a setting takes effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tag {
    /// Node scope: read at startup, so a (rolling) restart applies it.
    Static,
    /// Cluster scope: the cluster settings API applies it without a restart.
    Dynamic,
    /// A keystore setting `POST _nodes/reload_secure_settings` applies.
    Reloadable,
    /// A keystore setting read only at startup.
    RestartToApply,
}

impl Tag {
    /// The tag as shown.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Static => "static",
            Self::Dynamic => "dynamic",
            Self::Reloadable => "reloadable",
            Self::RestartToApply => "restart",
        }
    }
}

/// How setting `key` takes effect (`secure`: it is a keystore setting).
pub fn tag_of(key: &str, secure: bool) -> Tag {
    if secure {
        let reloadable = (key.starts_with("xpack.security.authc.realms.jwt.")
            && key.ends_with(".client_authentication.shared_secret"))
            || (key.starts_with("cluster.remote.") && key.ends_with(".credentials"));
        return if reloadable {
            Tag::Reloadable
        } else {
            Tag::RestartToApply
        };
    }
    if key.starts_with("cluster.remote.") {
        Tag::Dynamic
    } else {
        Tag::Static
    }
}

/// One setting in a plan step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanItem {
    /// The setting key (or request line).
    pub key: String,
    /// How it takes effect; `None` for requests.
    pub tag: Option<Tag>,
}

/// One step of the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanStep {
    /// 1-based.
    pub number: usize,
    /// What to do.
    pub title: String,
    /// How, in a sentence or two.
    pub detail: String,
    /// The artifact the step applies.
    pub artifact: String,
    /// What it covers.
    pub items: Vec<PlanItem>,
}

/// The four steps for the bundle's deployment kind.
pub fn apply_plan(bundle: &Bundle) -> Vec<PlanStep> {
    let hosted = bundle.deployment.kind != DeploymentKind::SelfManaged;
    let keystore: Vec<PlanItem> = bundle
        .secrets
        .keys()
        .map(|key| PlanItem {
            key: key.clone(),
            tag: Some(tag_of(key, true)),
        })
        .collect();
    let reloadable: Vec<PlanItem> = keystore
        .iter()
        .filter(|i| i.tag == Some(Tag::Reloadable))
        .cloned()
        .collect();
    let settings: Vec<PlanItem> = yml_settings(bundle)
        .into_iter()
        .map(|(key, _)| PlanItem {
            tag: Some(tag_of(&key, false)),
            key,
        })
        .collect();
    let mut requests: Vec<PlanItem> = Vec::new();
    let request = |line: String| PlanItem {
        key: line,
        tag: None,
    };
    requests.extend(
        bundle
            .roles
            .keys()
            .map(|n| request(format!("PUT /_security/role/{n}"))),
    );
    requests.extend(
        bundle
            .users
            .keys()
            .map(|n| request(format!("PUT /_security/user/{n}"))),
    );
    requests.extend(
        bundle
            .role_mappings
            .keys()
            .map(|n| request(format!("PUT /_security/role_mapping/{n}"))),
    );
    requests.extend(
        bundle
            .remotes
            .iter()
            .filter(|r| r.api_key.is_some())
            .map(|r| {
                request(format!(
                    "POST /_security/cross_cluster/api_key (on the remote of [{}])",
                    r.remote.alias
                ))
            }),
    );
    let (keystore_how, reload_how, yml_how) = if hosted {
        (
            "Add them in the deployment's Security page (Elasticsearch keystore), or send keystore.json to the deployment keystore API. Add secrets before the user settings that need them, or instances may fail to start.",
            "Reloadable settings are picked up with POST _nodes/reload_secure_settings; the others apply with the plan change of step 3.",
            "Paste the settings into the deployment's user settings (Edit → Manage user settings); saving runs a plan change that restarts instances one by one. Dynamic settings can instead go through PUT _cluster/settings (see the requests).",
        )
    } else {
        (
            "On every node, run keystore.sh (each command reads its value on stdin). Secrets go first: a node whose yml names a realm without its keystore setting fails to start.",
            "Reloadable settings take effect on every node without a restart; the others wait for the restart of step 3.",
            "Copy the settings into config/elasticsearch.yml on every node, then restart the nodes one at a time (rolling restart) for the static settings. Dynamic settings can instead go through PUT _cluster/settings (see the requests).",
        )
    };
    let yml_how = format!("{yml_how}\n\n{}", chain_note(&bundle.realms));
    vec![
        PlanStep {
            number: 1,
            title: "Keystore".to_owned(),
            detail: keystore_how.to_owned(),
            artifact: if hosted { super::KEYSTORE_JSON } else { super::KEYSTORE_SH }.to_owned(),
            items: keystore,
        },
        PlanStep {
            number: 2,
            title: "POST _nodes/reload_secure_settings".to_owned(),
            detail: reload_how.to_owned(),
            artifact: super::REQUESTS_CONSOLE.to_owned(),
            items: reloadable,
        },
        PlanStep {
            number: 3,
            title: if hosted {
                "User settings (elasticsearch.yml) and plan change".to_owned()
            } else {
                "elasticsearch.yml and rolling restart".to_owned()
            },
            detail: yml_how,
            artifact: super::YML.to_owned(),
            items: settings,
        },
        PlanStep {
            number: 4,
            title: "API requests".to_owned(),
            detail: "Run the requests (Kibana Dev Tools or curl) once the cluster is up: roles before the users and role mappings that name them; cross-cluster API keys on the remote cluster.".to_owned(),
            artifact: super::REQUESTS_CONSOLE.to_owned(),
            items: requests,
        },
    ]
}

/// The realm chain the nodes will run, with the realms Elasticsearch adds on its own
/// (`Realms.maybeAddBasicRealms`) named as such; disabled realms are left out.
fn chain_note(realms: &[crate::resource::realm_config::RealmConfig]) -> String {
    let implicit = crate::jwt::realm::implicit_realms(realms.iter().map(|r| r.kind.as_str()));
    let links: Vec<String> = implicit
        .iter()
        .map(|r| format!("{} ({}, added by Elasticsearch)", r.name, r.kind))
        .chain(
            super::chain_order(realms)
                .into_iter()
                .filter(|r| r.enabled())
                .map(|r| match r.order() {
                    Some(o) => format!("{} ({}, order {o})", r.name, r.kind),
                    None => format!("{} ({})", r.name, r.kind),
                }),
        )
        .collect();
    format!(
        "Realm chain the nodes will run, in order: {}.",
        links.join(", ")
    )
}

/// The plan as Markdown.
pub(super) fn plan_markdown(steps: &[PlanStep], name: &str, console_version: &str) -> String {
    let mut out =
        format!("# Apply plan for deployment [{name}] (trust-console {console_version})\n");
    for step in steps {
        out.push_str(&format!(
            "\n## {}. {}\n\n{}\nFile: {}\n\n",
            step.number, step.title, step.detail, step.artifact
        ));
        if step.items.is_empty() {
            out.push_str("- nothing to do\n");
        }
        for item in &step.items {
            match item.tag {
                Some(tag) => out.push_str(&format!("- `{}` [{}]\n", item.key, tag.label())),
                None => out.push_str(&format!("- `{}`\n", item.key)),
            }
        }
    }
    out
}
