//! The console's sections: one table drives the side navigation and the overview cards.

use trust_core::resource::ResourceKind;

/// One page of the console.
#[derive(Debug)]
pub struct Section {
    /// Route path.
    pub path: &'static str,
    /// Label in the side navigation.
    pub label: &'static str,
    /// One sentence: what the admin does here.
    pub summary: &'static str,
}

/// A titled group of sections in the side navigation.
#[derive(Debug)]
pub struct NavGroup {
    /// Group heading.
    pub label: &'static str,
    /// Its sections, in display order.
    pub sections: &'static [Section],
}

/// The whole navigation, in display order.
pub const NAV: &[NavGroup] = &[
    NavGroup {
        label: "Security",
        sections: &[
            Section {
                path: "/realms",
                label: "Realms",
                summary: "JWT realms in chain order, with Elasticsearch's own startup checks.",
            },
            Section {
                path: "/role-mappings",
                label: "Role mappings",
                summary: "Rules that turn authenticated users into roles.",
            },
            Section {
                path: "/roles-users",
                label: "Roles & users",
                summary: "Roles with run_as, and the native users they may run as.",
            },
        ],
    },
    NavGroup {
        label: "Trust management",
        sections: &[
            Section {
                path: "/deployments",
                label: "Deployments",
                summary: "The clusters the console manages: IDs, version, transport TLS and signing trust.",
            },
            Section {
                path: "/environments",
                label: "Environments",
                summary: "Trusted environments and the cluster IDs each one trusts.",
            },
            Section {
                path: "/remote-clusters",
                label: "Remote clusters",
                summary: "Remote clusters with API-key or certificate security.",
            },
            Section {
                path: "/certificates",
                label: "Certificate workbench",
                summary: "A certificate as Elasticsearch sees it, and certificate_identity patterns tested against it.",
            },
        ],
    },
    NavGroup {
        label: "Tools",
        sections: &[
            Section {
                path: "/playground",
                label: "Token playground",
                summary: "Paste a JWT and see exactly what Elasticsearch would do with it.",
            },
            Section {
                path: "/export",
                label: "Export",
                summary: "elasticsearch.yml, keystore commands and API requests.",
            },
            Section {
                path: "/audit",
                label: "Audit log",
                summary: "Every change made in the console: who, when, before and after.",
            },
        ],
    },
];

/// The section served at `path`.
pub fn section(path: &str) -> Option<&'static Section> {
    NAV.iter()
        .flat_map(|group| group.sections)
        .find(|section| section.path == path)
}

/// The id of a realm setting's field in the realm editor (`claims.principal` →
/// `setting-claims-principal`).
pub fn setting_field_id(key: &str) -> String {
    format!("setting-{}", key.replace('.', "-"))
}

/// The realm editor of `realm`, at `setting`'s field when one is named.
pub fn realm_setting_href(realm: &str, setting: &str) -> String {
    let page = format!("/realms/{}", urlencode(realm));
    if setting.is_empty() {
        page
    } else {
        format!("{page}#{}", setting_field_id(setting))
    }
}

/// The page of a resource (its editor where it has one).
pub fn resource_href(kind: ResourceKind, name: &str) -> String {
    let name = urlencode(name);
    match kind {
        ResourceKind::Realm => format!("/realms/{name}"),
        ResourceKind::RoleMapping => format!("/role-mappings/{name}"),
        ResourceKind::Role => format!("/roles-users?role={name}"),
        ResourceKind::User => format!("/roles-users?user={name}"),
        ResourceKind::SampleIdentity => "/role-mappings".to_owned(),
        ResourceKind::TrustedEnvironment => format!("/environments?edit={name}"),
        ResourceKind::RemoteCluster => format!("/remote-clusters?edit={name}"),
    }
}

/// A deployment's editor.
pub fn deployment_href(name: &str) -> String {
    format!("/deployments?edit={}", urlencode(name))
}

/// A resource's page after a save (`…saved=1` shows "Saved.").
pub fn saved_href(kind: ResourceKind, name: &str) -> String {
    let page = resource_href(kind, name);
    let join = if page.contains('?') { '&' } else { '?' };
    format!("{page}{join}saved=1")
}

/// The page that lists resources of `kind`.
pub const fn list_href(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::Realm => "/realms",
        ResourceKind::RoleMapping | ResourceKind::SampleIdentity => "/role-mappings",
        ResourceKind::Role | ResourceKind::User => "/roles-users",
        ResourceKind::TrustedEnvironment => "/environments",
        ResourceKind::RemoteCluster => "/remote-clusters",
    }
}

/// Percent-encodes a name for a query string.
pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Loads `path` as a whole new page in the browser (no-op while rendering on the server).
pub fn reload_to(path: &str) {
    #[cfg(feature = "hydrate")]
    crate::browser::go_to(path);
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_addresses_encode_names_and_mark_saves() {
        assert_eq!(
            resource_href(ResourceKind::Realm, "jwt 1"),
            "/realms/jwt%201"
        );
        assert_eq!(
            resource_href(ResourceKind::RemoteCluster, "a&b"),
            "/remote-clusters?edit=a%26b"
        );
        assert_eq!(deployment_href("prod"), "/deployments?edit=prod");
        assert_eq!(
            saved_href(ResourceKind::Role, "a b"),
            "/roles-users?role=a%20b&saved=1"
        );
        assert_eq!(
            resource_href(ResourceKind::User, "u"),
            "/roles-users?user=u"
        );
        assert_eq!(saved_href(ResourceKind::Realm, "r"), "/realms/r?saved=1");
        assert_eq!(
            saved_href(ResourceKind::TrustedEnvironment, "e"),
            "/environments?edit=e&saved=1"
        );
        for kind in ResourceKind::ALL {
            assert!(
                NAV.iter()
                    .flat_map(|g| g.sections)
                    .any(|s| s.path == list_href(kind)),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn paths_are_unique_and_rooted() {
        let paths: Vec<_> = NAV
            .iter()
            .flat_map(|g| g.sections)
            .map(|s| s.path)
            .collect();
        let mut unique = paths.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), paths.len());
        assert!(paths.iter().all(|p| p.starts_with('/') && p.len() > 1));
        assert_eq!(section("/audit").map(|s| s.label), Some("Audit log"));
        assert!(section("/nowhere").is_none());
    }
}
