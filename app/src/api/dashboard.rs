//! The overview dashboard: is anything wrong in the selected deployment, and where to fix it.
//! The server gathers every area's findings ([`crate::ssr::dashboard`] decides what counts);
//! the overview page only draws them.

pub mod load_dashboard;

use serde::{Deserialize, Serialize};
use trust_core::trust::environment::TrustEdge;
use trust_core::{audit::AuditAction, diagnostic::Severity};

pub use load_dashboard::{LoadDashboard, load_dashboard};

/// An area of the console the dashboard reports on, in the order it shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// The realm chain (errors: Elasticsearch refuses to start).
    Realms,
    /// Role mappings.
    RoleMappings,
    /// Remote clusters.
    RemoteClusters,
    /// Trusted environments.
    Environments,
    /// The deployment's own TLS and signing trust.
    Deployment,
}

impl Area {
    /// Every area, in display order.
    pub const ALL: [Self; 5] = [
        Self::Realms,
        Self::RoleMappings,
        Self::RemoteClusters,
        Self::Environments,
        Self::Deployment,
    ];

    /// The heading.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Realms => "Realms",
            Self::RoleMappings => "Role mappings",
            Self::RemoteClusters => "Remote clusters",
            Self::Environments => "Trusted environments",
            Self::Deployment => "Deployment TLS",
        }
    }

    /// The page that lists the area.
    pub const fn path(self) -> &'static str {
        match self {
            Self::Realms => "/realms",
            Self::RoleMappings => "/role-mappings",
            Self::RemoteClusters => "/remote-clusters",
            Self::Environments => "/environments",
            Self::Deployment => "/deployments",
        }
    }

    /// A stable spelling for tests and styles (`role_mappings`).
    pub const fn key(self) -> &'static str {
        match self {
            Self::Realms => "realms",
            Self::RoleMappings => "role_mappings",
            Self::RemoteClusters => "remote_clusters",
            Self::Environments => "environments",
            Self::Deployment => "deployment",
        }
    }

    /// What the area counts (`3 realms`).
    pub const fn noun(self, count: usize) -> &'static str {
        match (self, count == 1) {
            (Self::Realms, true) => "realm",
            (Self::Realms, false) => "realms",
            (Self::RoleMappings, true) => "role mapping",
            (Self::RoleMappings, false) => "role mappings",
            (Self::RemoteClusters, true) => "remote cluster",
            (Self::RemoteClusters, false) => "remote clusters",
            (Self::Environments, true) => "environment",
            (Self::Environments, false) => "environments",
            (Self::Deployment, true) => "deployment",
            (Self::Deployment, false) => "deployments",
        }
    }
}

/// One finding, with the place that fixes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Error (Elasticsearch refuses it) or warning.
    pub severity: Severity,
    /// The realm, mapping, alias, environment or deployment it is about.
    pub resource: String,
    /// The setting, when the finding names one.
    pub setting: String,
    /// Elasticsearch's wording for errors; the console's for warnings.
    pub message: String,
    /// Where to fix it.
    pub href: String,
}

/// How one area stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaHealth {
    /// Which area.
    pub area: Area,
    /// How many resources it holds.
    pub count: usize,
    /// How many of its findings are errors.
    pub errors: usize,
    /// How many are warnings.
    pub warnings: usize,
    /// The worst few findings, errors first.
    pub worst: Vec<Finding>,
}

/// A stored certificate that has ended or ends soon.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateDue {
    /// Its subject DN.
    pub subject: String,
    /// Not valid after, epoch seconds.
    pub not_after: i64,
    /// Whether it has ended (Java: valid while now ≤ notAfter).
    pub expired: bool,
    /// Whole days from the dashboard's now to `not_after`, truncated toward zero (negative
    /// once it has ended a day or more ago).
    pub days_left: i64,
    /// Where it is kept (`deployment prod: transport CA`).
    pub place: String,
    /// Where to replace it.
    pub href: String,
}

impl CertificateDue {
    /// `expired 3 days ago`, `ends today`, `ends in 12 days`.
    pub fn when(&self) -> String {
        let days = |n: i64| format!("{n} day{}", if n == 1 { "" } else { "s" });
        match (self.expired, self.days_left) {
            (true, 0) => "expired today".to_owned(),
            (true, d) => format!("expired {} ago", days(-d)),
            (false, 0) => "ends today".to_owned(),
            (false, d) => format!("ends in {}", days(d)),
        }
    }
}

/// One recent change to the deployment or one of its resources.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentChange {
    /// When, RFC 3339 UTC.
    pub at: String,
    /// Who.
    pub actor: String,
    /// Created, updated or deleted.
    pub action: AuditAction,
    /// What kind of thing (`realm`, `deployment`, …), as a noun.
    pub noun: String,
    /// Its name.
    pub name: String,
    /// Its page, unless it was deleted or has none.
    pub href: Option<String>,
}

/// The selected deployment at a glance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    /// The deployment.
    pub deployment: String,
    /// Every area, in [`Area::ALL`] order.
    pub areas: Vec<AreaHealth>,
    /// Certificates ended or ending within [`trust_core::cert::EXPIRY_WARNING_DAYS`], soonest
    /// first.
    pub certificates: Vec<CertificateDue>,
    /// Trust among managed deployments that only one side grants.
    pub one_way: Vec<TrustEdge>,
    /// The newest changes, newest first.
    pub changes: Vec<RecentChange>,
}

impl Dashboard {
    /// Nothing configured yet beyond the deployment itself: the page says where to start.
    pub fn is_new(&self) -> bool {
        self.areas
            .iter()
            .all(|a| a.area == Area::Deployment || a.count == 0)
    }

    /// How many errors there are across every area.
    pub fn errors(&self) -> usize {
        self.areas.iter().map(|a| a.errors).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn due(expired: bool, days_left: i64) -> CertificateDue {
        CertificateDue {
            subject: "CN=Test CA".to_owned(),
            not_after: 0,
            expired,
            days_left,
            place: String::new(),
            href: String::new(),
        }
    }

    #[test]
    fn a_certificate_says_when_it_ends_in_whole_days() {
        assert_eq!(due(false, 12).when(), "ends in 12 days");
        assert_eq!(due(false, 1).when(), "ends in 1 day");
        assert_eq!(due(false, 0).when(), "ends today");
        assert_eq!(due(true, 0).when(), "expired today");
        assert_eq!(due(true, -1).when(), "expired 1 day ago");
        assert_eq!(due(true, -3).when(), "expired 3 days ago");
    }

    #[test]
    fn every_area_has_its_page_and_a_distinct_key() {
        let keys: std::collections::BTreeSet<_> = Area::ALL.iter().map(|a| a.key()).collect();
        assert_eq!(keys.len(), Area::ALL.len());
        for area in Area::ALL {
            assert!(
                crate::nav::NAV
                    .iter()
                    .flat_map(|g| g.sections)
                    .any(|s| s.path == area.path()),
                "{area:?}"
            );
            assert_ne!(area.noun(1), area.noun(2));
        }
    }
}
