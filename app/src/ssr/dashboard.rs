//! The overview dashboard, gathered from the same views the area pages show (so a finding on
//! the dashboard is the finding on its page) and summarised by plain functions.

use crate::ssr::db::Pool;
use serde_json::Value;
use trust_core::{
    cert::{self, EXPIRY_WARNING_DAYS},
    diagnostic::Severity,
    resource::ResourceKind,
    trust::{Deployment, environment::TrustEdge},
};

use crate::{
    api::{
        dashboard::{Area, AreaHealth, CertificateDue, Dashboard, Finding, RecentChange},
        security::{DiagnosticView, ResourceView},
    },
    error::ApiError,
    nav::{deployment_href, realm_setting_href, resource_href},
    ssr::{
        db::audit::{self, AuditRow},
        deployments::Scope,
        now_secs, security, trust,
    },
};

/// How many findings each area shows.
pub const WORST_PER_AREA: usize = 3;
/// How many recent changes the dashboard lists.
pub const RECENT_CHANGES: i64 = 5;

/// The dashboard of `scope`.
///
/// # Errors
/// A database failure.
pub async fn load(pool: &Pool, scope: &Scope) -> Result<Dashboard, ApiError> {
    let realms = security::list(pool, scope, ResourceKind::Realm).await?;
    let mappings = security::list(pool, scope, ResourceKind::RoleMapping).await?;
    let remotes: Vec<ResourceView> = trust::remotes(pool, scope)
        .await?
        .into_iter()
        .map(|r| r.resource)
        .collect();
    let overview = trust::overview(pool, scope).await?;
    let environments: Vec<ResourceView> = overview
        .environments
        .into_iter()
        .map(|e| e.resource)
        .collect();
    let changes = audit::recent_changes(pool, &scope.name, RECENT_CHANGES).await?;
    Ok(summarise(
        &Gathered {
            deployment: &scope.name,
            body: &scope.deployment,
            realms: &realms,
            mappings: &mappings,
            remotes: &remotes,
            environments: &environments,
            graph: &overview.graph,
            changes,
        },
        now_secs(),
    ))
}

/// What the dashboard is made from.
pub struct Gathered<'a> {
    /// The deployment's name.
    pub deployment: &'a str,
    /// Its body.
    pub body: &'a Deployment,
    /// Its realms, with the chain lint.
    pub realms: &'a [ResourceView],
    /// Its role mappings, with their warnings.
    pub mappings: &'a [ResourceView],
    /// Its remote clusters, with their analysis.
    pub remotes: &'a [ResourceView],
    /// Its trusted environments, with the cross-deployment checks.
    pub environments: &'a [ResourceView],
    /// Trust among every managed deployment.
    pub graph: &'a [TrustEdge],
    /// Its newest changes, newest first.
    pub changes: Vec<AuditRow>,
}

/// The dashboard for what was gathered, at `now` (epoch seconds).
pub fn summarise(gathered: &Gathered<'_>, now: i64) -> Dashboard {
    let deployment_findings = gathered.body.diagnostics();
    let areas = Area::ALL
        .into_iter()
        .map(|area| match area {
            Area::Realms => area_health(area, resources(gathered.realms), realm_setting_href),
            Area::RoleMappings => area_health(area, resources(gathered.mappings), |name, _| {
                resource_href(ResourceKind::RoleMapping, name)
            }),
            Area::RemoteClusters => area_health(area, resources(gathered.remotes), |name, _| {
                resource_href(ResourceKind::RemoteCluster, name)
            }),
            Area::Environments => area_health(area, resources(gathered.environments), |name, _| {
                resource_href(ResourceKind::TrustedEnvironment, name)
            }),
            Area::Deployment => area_health(
                area,
                vec![(gathered.deployment, deployment_findings.as_slice())],
                |name, _| deployment_href(name),
            ),
        })
        .collect();
    Dashboard {
        deployment: gathered.deployment.to_owned(),
        areas,
        certificates: certificates_due(gathered, now),
        one_way: gathered
            .graph
            .iter()
            .filter(|edge| !edge.mutual)
            .cloned()
            .collect(),
        changes: gathered.changes.iter().filter_map(recent_change).collect(),
    }
}

fn resources(views: &[ResourceView]) -> Vec<(&str, &[DiagnosticView])> {
    views
        .iter()
        .map(|v| (v.name.as_str(), v.diagnostics.as_slice()))
        .collect()
}

/// Counts an area's findings and keeps the worst few: errors before warnings, otherwise in
/// the order the area lists them.
fn area_health(
    area: Area,
    resources: Vec<(&str, &[DiagnosticView])>,
    href: impl Fn(&str, &str) -> String,
) -> AreaHealth {
    let mut findings: Vec<Finding> = resources
        .iter()
        .flat_map(|(name, diagnostics)| {
            diagnostics.iter().map(|d| Finding {
                severity: d.severity,
                resource: (*name).to_owned(),
                setting: d.setting.clone(),
                message: d.message.clone(),
                href: href(name, &d.setting),
            })
        })
        .collect();
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    findings.sort_by_key(|f| f.severity);
    findings.truncate(WORST_PER_AREA);
    AreaHealth {
        area,
        count: resources.len(),
        errors,
        warnings,
        worst: findings,
    }
}

/// Every stored certificate that has ended or ends within [`EXPIRY_WARNING_DAYS`] of `now`,
/// soonest first: the deployment's CA bundles, each environment's certificates and each
/// remote's signing certificate.
fn certificates_due(gathered: &Gathered<'_>, now: i64) -> Vec<CertificateDue> {
    let body = gathered.body;
    let name = gathered.deployment;
    let mut places: Vec<(String, &str, String)> = [
        ("transport CA", body.transport_ca_pem.as_str()),
        ("trusted transport CAs", body.trusted_ca_pem.as_str()),
        ("signing trust CAs", body.remote_signing.ca_pem.as_str()),
        (
            "remote cluster server CA",
            body.remote_cluster.server_ca_pem.as_str(),
        ),
        (
            "remote cluster client CAs",
            body.remote_cluster.client_trusted_ca_pem.as_str(),
        ),
    ]
    .into_iter()
    .map(|(what, pem)| {
        (
            format!("deployment {name}: {what}"),
            pem,
            deployment_href(name),
        )
    })
    .collect();
    places.extend(stored_pems(
        gathered.environments,
        "/certificates",
        "environment",
        ResourceKind::TrustedEnvironment,
    ));
    places.extend(stored_pems(
        gathered.remotes,
        "/signing/certificate",
        "remote cluster",
        ResourceKind::RemoteCluster,
    ));
    let mut due: Vec<CertificateDue> = places
        .into_iter()
        .flat_map(|(place, pem, href)| {
            cert::ending_within(pem, now, EXPIRY_WARNING_DAYS)
                .into_iter()
                .map(move |info| CertificateDue {
                    expired: now > info.not_after,
                    days_left: (info.not_after - now) / 86_400,
                    subject: info.subject_dn,
                    not_after: info.not_after,
                    place: place.clone(),
                    href: href.clone(),
                })
        })
        .collect();
    due.sort_by_key(|c| c.not_after);
    due
}

/// The PEM text at `pointer` of each resource in `views`, with where it is kept.
fn stored_pems<'a>(
    views: &'a [ResourceView],
    pointer: &str,
    noun: &str,
    kind: ResourceKind,
) -> Vec<(String, &'a str, String)> {
    views
        .iter()
        .filter_map(|v| {
            let pem = v.body.pointer(pointer).and_then(Value::as_str)?;
            Some((
                format!("{noun} {}", v.name),
                pem,
                resource_href(kind, &v.name),
            ))
        })
        .collect()
}

/// An audit row as a change of the deployment or one of its resources.
fn recent_change(row: &AuditRow) -> Option<RecentChange> {
    let action = row.action.parse().ok()?;
    let deleted = row.action == "delete";
    let (noun, name, href) = if row.entity_kind == "deployment" {
        let href = deployment_href(&row.entity_id);
        ("deployment".to_owned(), row.entity_id.clone(), href)
    } else {
        let (_, name) = row.entity_id.split_once('/')?;
        let kind = ResourceKind::ALL
            .into_iter()
            .find(|k| k.as_str() == row.entity_kind);
        let noun = kind.map_or_else(
            || row.entity_kind.replace('_', " "),
            |k| k.noun().to_owned(),
        );
        let href = kind.map_or_else(|| "/audit".to_owned(), |k| resource_href(k, name));
        (noun, name.to_owned(), href)
    };
    Some(RecentChange {
        at: row.at.clone(),
        actor: row.actor.clone(),
        action,
        noun,
        name,
        href: (!deleted).then_some(href),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;
    use trust_core::audit::AuditAction;

    use super::*;

    const CA: &str = include_str!("../../../tests/fixtures/certs/ca.pem");
    const CA_ENDS: i64 = 4_949_905_513;
    const DAY: i64 = 86_400;

    fn finding(severity: &str, setting: &str, message: &str) -> DiagnosticView {
        if severity == "error" {
            DiagnosticView::error(setting, message)
        } else {
            DiagnosticView::warning(setting, message)
        }
    }

    fn resource(name: &str, body: Value, diagnostics: Vec<DiagnosticView>) -> ResourceView {
        ResourceView {
            name: name.to_owned(),
            version: 1,
            updated_at: "2026-12-05T00:00:00Z".to_owned(),
            body,
            secure_settings: BTreeMap::new(),
            diagnostics,
        }
    }

    fn row(id: i64, kind: &str, entity: &str, action: &str) -> AuditRow {
        AuditRow {
            id,
            at: "2026-12-05T10:00:00Z".to_owned(),
            actor: "admin".to_owned(),
            entity_kind: kind.to_owned(),
            entity_id: entity.to_owned(),
            action: action.to_owned(),
            before_json: None,
            after_json: None,
        }
    }

    fn health(dashboard: &Dashboard, area: Area) -> &AreaHealth {
        dashboard.areas.iter().find(|a| a.area == area).unwrap()
    }

    /// Deployment `prod` with `body` and nothing in it.
    fn nothing(body: &Deployment) -> Gathered<'_> {
        Gathered {
            deployment: "prod",
            body,
            realms: &[],
            mappings: &[],
            remotes: &[],
            environments: &[],
            graph: &[],
            changes: vec![],
        }
    }

    #[test]
    fn errors_come_first_and_each_links_to_its_setting() {
        let realms = [
            resource("file1", json!({}), vec![]),
            resource(
                "jwt1",
                json!({}),
                vec![
                    finding("warning", "allowed_clock_skew", "long skew"),
                    finding("warning", "", "w2"),
                    finding("warning", "", "w3"),
                    finding("error", "claims.principal", "missing principal"),
                ],
            ),
        ];
        let mappings = [resource(
            "m 1",
            json!({}),
            vec![finding("warning", "", "never matches")],
        )];
        let body = Deployment::default();
        let dashboard = summarise(
            &Gathered {
                realms: &realms,
                mappings: &mappings,
                ..nothing(&body)
            },
            0,
        );
        let areas: Vec<Area> = dashboard.areas.iter().map(|a| a.area).collect();
        assert_eq!(areas, Area::ALL);
        let realms = health(&dashboard, Area::Realms);
        assert_eq!((realms.count, realms.errors, realms.warnings), (2, 1, 3));
        assert_eq!(realms.worst.len(), WORST_PER_AREA);
        assert_eq!(realms.worst[0].severity, Severity::Error);
        assert_eq!(
            realms.worst[0].href,
            "/realms/jwt1#setting-claims-principal"
        );
        assert_eq!(
            realms.worst[1].message, "long skew",
            "warnings keep their order"
        );
        assert_eq!(
            realms.worst[2].href, "/realms/jwt1",
            "no setting, no anchor"
        );
        let mappings = health(&dashboard, Area::RoleMappings);
        assert_eq!(mappings.worst[0].href, "/role-mappings/m%201");
        // A default deployment has no transport TLS: Elasticsearch refuses that too.
        let deployment = health(&dashboard, Area::Deployment);
        assert!(deployment.errors >= 1);
        assert_eq!(deployment.worst[0].href, "/deployments?edit=prod");
        assert_eq!(dashboard.errors(), 1 + deployment.errors);
        assert!(!dashboard.is_new());
    }

    #[test]
    fn a_new_deployment_says_where_to_start() {
        let body = Deployment::default();
        let dashboard = summarise(&nothing(&body), 0);
        assert!(dashboard.is_new());
        assert_eq!(health(&dashboard, Area::Deployment).count, 1);
        assert!(dashboard.certificates.is_empty());
    }

    #[test]
    fn certificates_due_within_thirty_days_from_every_place_soonest_first() {
        let body = Deployment {
            transport_ca_pem: CA.to_owned(),
            ..Deployment::default()
        };
        let environments = [resource("onprem", json!({"certificates": CA}), vec![])];
        let remotes = [resource(
            "r1",
            json!({"signing": {"certificate": CA}}),
            vec![],
        )];
        let gathered = Gathered {
            remotes: &remotes,
            environments: &environments,
            ..nothing(&body)
        };
        // 31 days before the end: not yet.
        assert!(
            summarise(&gathered, CA_ENDS - 31 * DAY)
                .certificates
                .is_empty()
        );
        // 12 and a half days before: due from all three places, each linking to its editor.
        let due = summarise(&gathered, CA_ENDS - 12 * DAY - DAY / 2).certificates;
        let places: Vec<(&str, &str, i64)> = due
            .iter()
            .map(|c| (c.place.as_str(), c.href.as_str(), c.days_left))
            .collect();
        assert_eq!(
            places,
            [
                (
                    "deployment prod: transport CA",
                    "/deployments?edit=prod",
                    12
                ),
                ("environment onprem", "/environments?edit=onprem", 12),
                ("remote cluster r1", "/remote-clusters?edit=r1", 12),
            ]
        );
        assert_eq!(due[0].subject, "CN=Test CA,O=Trust Console Tests,C=US");
        assert_eq!(due[0].when(), "ends in 12 days");
        // After the end: expired.
        let after = summarise(&gathered, CA_ENDS + 3 * DAY).certificates;
        assert_eq!(after[0].when(), "expired 3 days ago");
        // At notAfter itself Java still accepts it; a second later it has ended.
        assert_eq!(
            summarise(&gathered, CA_ENDS).certificates[0].when(),
            "ends today"
        );
        assert_eq!(
            summarise(&gathered, CA_ENDS + 1).certificates[0].when(),
            "expired today"
        );
    }

    #[test]
    fn one_way_trust_and_recent_changes() {
        let body = Deployment::default();
        let graph = [
            TrustEdge {
                from: "a".into(),
                to: "b".into(),
                via: "to-b".into(),
                mutual: false,
            },
            TrustEdge {
                from: "a".into(),
                to: "c".into(),
                via: "to-c".into(),
                mutual: true,
            },
            TrustEdge {
                from: "c".into(),
                to: "a".into(),
                via: "to-a".into(),
                mutual: true,
            },
        ];
        let changes = vec![
            row(9, "realm", "prod/jwt1", "update"),
            row(8, "remote_cluster", "prod/r1", "delete"),
            row(7, "deployment", "prod", "create"),
            row(6, "test_signing_key", "prod/jwt1", "update"),
            row(5, "realm", "prod/jwt1", "reveal_everything"),
        ];
        let dashboard = summarise(
            &Gathered {
                graph: &graph,
                changes,
                ..nothing(&body)
            },
            0,
        );
        assert_eq!(dashboard.one_way.len(), 1);
        assert_eq!(
            (
                dashboard.one_way[0].from.as_str(),
                dashboard.one_way[0].to.as_str()
            ),
            ("a", "b")
        );
        let changes: Vec<(AuditAction, &str, &str, Option<&str>)> = dashboard
            .changes
            .iter()
            .map(|c| {
                (
                    c.action,
                    c.noun.as_str(),
                    c.name.as_str(),
                    c.href.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            changes,
            [
                (AuditAction::Update, "realm", "jwt1", Some("/realms/jwt1")),
                (AuditAction::Delete, "remote cluster", "r1", None),
                (
                    AuditAction::Create,
                    "deployment",
                    "prod",
                    Some("/deployments?edit=prod")
                ),
                (
                    AuditAction::Update,
                    "test signing key",
                    "jwt1",
                    Some("/audit")
                ),
            ],
            "an unknown action is left out, never shown wrong"
        );
    }
}
