//! Form models of the trust pages — deployment, trusted environment, remote cluster — and
//! the plain functions between them, API bodies and `trust-core`'s checks (which the pages
//! run in the browser as the admin types).
//!
//! List fields are typed one entry per line (cluster IDs, addresses, node names, paths); a
//! comma also separates entries.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use trust_core::{
    resource::FieldError,
    trust::{Deployment, RemoteConfig, TrustedEnvironment},
};

use crate::{
    api::{deployments::DeploymentView, security::ResourceView},
    forms::realm_form::SecretEdit,
};

/// `"a\nb, c"` → `["a", "b", "c"]`.
pub fn lines(text: &str) -> Vec<String> {
    text.split(['\n', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn unlines(value: &Value) -> String {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

fn optional(text: &str) -> Value {
    let t = text.trim();
    if t.is_empty() {
        Value::Null
    } else {
        Value::String(t.to_owned())
    }
}

/// The deployment editor.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeploymentForm {
    /// Name.
    pub name: String,
    /// Elasticsearch cluster ID.
    pub cluster_id: String,
    /// `self_managed`, `ece` or `elastic_cloud`.
    pub kind: String,
    /// `major.minor`.
    pub stack_version: String,
    /// Organization / environment ID.
    pub scope_id: String,
    /// ECE/ECH deployment ID.
    pub deployment_id: String,
    /// `xpack.security.enabled`.
    pub security_enabled: bool,
    /// `xpack.security.authc.run_as.enabled`.
    pub run_as_enabled: bool,
    /// `xpack.security.transport.ssl.enabled`.
    pub ssl_enabled: bool,
    /// `verification_mode`.
    pub verification_mode: String,
    /// Transport key path.
    pub key: String,
    /// Transport certificate path.
    pub certificate: String,
    /// Transport CA paths, one per line.
    pub certificate_authorities: String,
    /// The CA that issued the node certificates (PEM).
    pub transport_ca_pem: String,
    /// The CAs the transport layer trusts (PEM).
    pub trusted_ca_pem: String,
    /// `cluster.remote.signing.certificate_authorities`, one per line.
    pub signing_cas: String,
    /// `cluster.remote.signing.truststore.path`.
    pub signing_truststore: String,
    /// The signing CAs (PEM).
    pub signing_ca_pem: String,
    /// `remote_cluster_server.enabled`.
    pub rcs_enabled: bool,
    /// `xpack.security.remote_cluster_server.ssl.enabled`.
    pub rcs_ssl: bool,
    /// `xpack.security.remote_cluster_server.ssl.key`.
    pub rcs_key: String,
    /// `xpack.security.remote_cluster_server.ssl.certificate`.
    pub rcs_certificate: String,
    /// The CA of the remote_cluster_server certificate (PEM).
    pub rcs_ca_pem: String,
    /// `xpack.security.remote_cluster_client.ssl.enabled`.
    pub rcc_ssl: bool,
    /// `xpack.security.remote_cluster_client.ssl.verification_mode`.
    pub rcc_verification_mode: String,
    /// `xpack.security.remote_cluster_client.ssl.certificate_authorities`, one per line.
    pub rcc_cas: String,
    /// The CAs those files hold (PEM).
    pub rcc_trusted_pem: String,
}

impl DeploymentForm {
    /// A new deployment: self-managed, latest version, security and transport TLS on.
    pub fn new_deployment() -> Self {
        Self::from_body("", &Deployment::default().to_json())
    }

    /// The editor for a stored deployment.
    pub fn from_view(view: &DeploymentView) -> Self {
        Self::from_body(&view.name, &view.body)
    }

    fn from_body(name: &str, b: &Value) -> Self {
        let ssl = &b["transport_ssl"];
        let signing = &b["remote_signing"];
        let rc = &b["remote_cluster"];
        Self {
            name: name.to_owned(),
            cluster_id: text(&b["cluster_id"]),
            kind: b["kind"].as_str().unwrap_or("self_managed").to_owned(),
            stack_version: text(&b["stack_version"]),
            scope_id: text(&b["scope_id"]),
            deployment_id: text(&b["deployment_id"]),
            security_enabled: b["security_enabled"].as_bool().unwrap_or(true),
            run_as_enabled: b["run_as_enabled"].as_bool().unwrap_or(true),
            ssl_enabled: ssl["enabled"].as_bool().unwrap_or(true),
            verification_mode: ssl["verification_mode"]
                .as_str()
                .unwrap_or("full")
                .to_owned(),
            key: text(&ssl["key"]),
            certificate: text(&ssl["certificate"]),
            certificate_authorities: unlines(&ssl["certificate_authorities"]),
            transport_ca_pem: text(&b["transport_ca_pem"]),
            trusted_ca_pem: text(&b["trusted_ca_pem"]),
            signing_cas: unlines(&signing["certificate_authorities"]),
            signing_truststore: text(&signing["truststore_path"]),
            signing_ca_pem: text(&signing["ca_pem"]),
            rcs_enabled: rc["server_enabled"].as_bool().unwrap_or(false),
            rcs_ssl: rc["server_ssl"].as_bool().unwrap_or(true),
            rcs_key: text(&rc["server_key"]),
            rcs_certificate: text(&rc["server_certificate"]),
            rcs_ca_pem: text(&rc["server_ca_pem"]),
            rcc_ssl: rc["client_ssl"].as_bool().unwrap_or(true),
            rcc_verification_mode: rc["client_verification_mode"]
                .as_str()
                .unwrap_or("full")
                .to_owned(),
            rcc_cas: unlines(&rc["client_certificate_authorities"]),
            rcc_trusted_pem: text(&rc["client_trusted_ca_pem"]),
        }
    }

    /// The API body.
    pub fn body(&self) -> Value {
        json!({
            "cluster_id": optional(&self.cluster_id),
            "kind": self.kind,
            "stack_version": optional(&self.stack_version),
            "scope_id": optional(&self.scope_id),
            "deployment_id": optional(&self.deployment_id),
            "security_enabled": self.security_enabled,
            "run_as_enabled": self.run_as_enabled,
            "transport_ssl": {
                "enabled": self.ssl_enabled,
                "verification_mode": self.verification_mode,
                "key": optional(&self.key),
                "certificate": optional(&self.certificate),
                "certificate_authorities": lines(&self.certificate_authorities),
            },
            "transport_ca_pem": self.transport_ca_pem,
            "trusted_ca_pem": self.trusted_ca_pem,
            "remote_signing": {
                "certificate_authorities": lines(&self.signing_cas),
                "truststore_path": optional(&self.signing_truststore),
                "ca_pem": self.signing_ca_pem,
            },
            "remote_cluster": {
                "server_enabled": self.rcs_enabled,
                "server_ssl": self.rcs_ssl,
                "server_key": optional(&self.rcs_key),
                "server_certificate": optional(&self.rcs_certificate),
                "server_ca_pem": self.rcs_ca_pem,
                "client_ssl": self.rcc_ssl,
                "client_verification_mode": self.rcc_verification_mode,
                "client_certificate_authorities": lines(&self.rcc_cas),
                "client_trusted_ca_pem": self.rcc_trusted_pem,
            },
        })
    }

    /// `trust-core`'s verdict on the form.
    ///
    /// # Errors
    /// The first problem, on its field.
    pub fn check(&self) -> Result<Deployment, FieldError> {
        Deployment::parse(&self.name, &self.body())
    }
}

/// The trusted-environment editor.
#[derive(Clone, Debug, PartialEq)]
pub struct EnvironmentForm {
    /// Name.
    pub name: String,
    /// `this_environment`, `ece`, `elastic_cloud`, `self_managed`.
    pub environment: String,
    /// Account / environment / organization ID or naming scope.
    pub scope_id: String,
    /// ECE trust-relationship ID.
    pub trust_relationship_id: String,
    /// CA certificates (PEM).
    pub certificates: String,
    /// `all`, `specific`, `none`.
    pub trust: String,
    /// Cluster IDs, one per line.
    pub cluster_ids: String,
    /// Node names, one per line.
    pub node_names: String,
}

impl EnvironmentForm {
    /// A new environment of a deployment of `kind`: its own environment on a hosted
    /// deployment, an Elastic Cloud organization on a self-managed one; trust "specific".
    pub fn new_environment(kind: &str) -> Self {
        Self {
            name: String::new(),
            environment: if kind == "self_managed" {
                "elastic_cloud".to_owned()
            } else {
                "this_environment".to_owned()
            },
            scope_id: String::new(),
            trust_relationship_id: String::new(),
            certificates: String::new(),
            trust: "specific".to_owned(),
            cluster_ids: String::new(),
            node_names: String::new(),
        }
    }

    /// The editor for a stored environment.
    pub fn from_view(view: &ResourceView) -> Self {
        let b = &view.body;
        Self {
            name: view.name.clone(),
            environment: text(&b["environment"]),
            scope_id: text(&b["scope_id"]),
            trust_relationship_id: text(&b["trust_relationship_id"]),
            certificates: text(&b["certificates"]),
            trust: text(&b["trust"]),
            cluster_ids: unlines(&b["cluster_ids"]),
            node_names: unlines(&b["node_names"]),
        }
    }

    /// The API body.
    pub fn body(&self) -> Value {
        json!({
            "environment": self.environment,
            "scope_id": optional(&self.scope_id),
            "trust_relationship_id": optional(&self.trust_relationship_id),
            "certificates": self.certificates,
            "trust": self.trust,
            "cluster_ids": lines(&self.cluster_ids),
            "node_names": lines(&self.node_names),
        })
    }

    /// `trust-core`'s verdict, for a deployment `owner`.
    ///
    /// # Errors
    /// The first problem, on its field (`cluster_ids[1]`, …).
    pub fn check(&self, owner: &Deployment) -> Result<TrustedEnvironment, FieldError> {
        TrustedEnvironment::parse(&self.name, &self.body(), owner)
    }
}

/// The remote-cluster editor.
#[derive(Clone, Debug, PartialEq)]
pub struct RemoteForm {
    /// Alias.
    pub alias: String,
    /// `api_key` or `certificate`.
    pub security: String,
    /// `sniff` or `proxy`.
    pub mode: String,
    /// Seeds or the proxy address, one per line.
    pub addresses: String,
    /// `skip_unavailable`: `""` (Elasticsearch's default for the version), `true` or `false`.
    pub skip_unavailable: String,
    /// `server_name`.
    pub server_name: String,
    /// The managed deployment it points at.
    pub remote_deployment: String,
    /// The cross-cluster API key request body (JSON), without `certificate_identity`.
    pub api_key: String,
    /// `certificate_identity` (Java regex).
    pub certificate_identity: String,
    /// The key's encoded value (write-only).
    pub credentials: SecretEdit,
    /// `none`, `pem`, `transport`, `keystore`.
    pub signing_mode: String,
    /// Signing certificate (PEM).
    pub signing_certificate: String,
    /// Signing key (PEM, write-only).
    pub signing_key: SecretEdit,
    /// `signing.keystore.path` (keystore mode).
    pub keystore_path: String,
    /// `signing.keystore.type` (empty: inferred from the extension).
    pub keystore_type: String,
    /// `signing.keystore.alias`.
    pub keystore_alias: String,
    /// The keystore's private-key entries (`keytool -list`), one per line.
    pub keystore_entries: String,
    /// The keystore's password (write-only).
    pub keystore_password: SecretEdit,
    /// The stored `signing` object, so that settings this form does not edit (custom PEM
    /// paths) survive an edit.
    pub signing_stored: Value,
    /// When the stored secrets were set.
    pub saved_secrets: BTreeMap<String, String>,
}

impl RemoteForm {
    /// A new API-key remote in proxy mode, with a search-only key request.
    pub fn new_remote() -> Self {
        Self {
            alias: String::new(),
            security: "api_key".to_owned(),
            mode: "proxy".to_owned(),
            addresses: String::new(),
            skip_unavailable: String::new(),
            server_name: String::new(),
            remote_deployment: String::new(),
            api_key: pretty(&json!({"name": "", "access": {"search": [{"names": ["logs-*"]}]}})),
            certificate_identity: String::new(),
            credentials: SecretEdit::Keep,
            signing_mode: "none".to_owned(),
            signing_certificate: String::new(),
            signing_key: SecretEdit::Keep,
            keystore_path: String::new(),
            keystore_type: String::new(),
            keystore_alias: String::new(),
            keystore_entries: String::new(),
            keystore_password: SecretEdit::Keep,
            signing_stored: json!({}),
            saved_secrets: BTreeMap::new(),
        }
    }

    /// The editor for a stored remote.
    pub fn from_view(view: &ResourceView) -> Self {
        let b = &view.body;
        let mut key = b["api_key"].clone();
        let identity = key
            .as_object_mut()
            .and_then(|m| m.remove("certificate_identity"))
            .map(|v| text(&v))
            .unwrap_or_default();
        Self {
            alias: view.name.clone(),
            security: text(&b["security"]),
            mode: text(&b["mode"]),
            addresses: unlines(&b["addresses"]),
            skip_unavailable: b["skip_unavailable"]
                .as_bool()
                .map(|s| s.to_string())
                .unwrap_or_default(),
            server_name: text(&b["server_name"]),
            remote_deployment: text(&b["remote_deployment"]),
            api_key: if key.is_null() {
                String::new()
            } else {
                pretty(&key)
            },
            certificate_identity: identity,
            credentials: SecretEdit::Keep,
            signing_mode: b["signing"]["mode"].as_str().unwrap_or("none").to_owned(),
            signing_certificate: text(&b["signing"]["certificate"]),
            signing_key: SecretEdit::Keep,
            keystore_path: text(&b["signing"]["keystore_path"]),
            keystore_type: text(&b["signing"]["keystore_type"]),
            keystore_alias: text(&b["signing"]["keystore_alias"]),
            keystore_entries: unlines(&b["signing"]["keystore_entries"]),
            keystore_password: SecretEdit::Keep,
            signing_stored: b["signing"].clone(),
            saved_secrets: view
                .secure_settings
                .iter()
                .map(|(k, s)| (k.clone(), s.changed_at.clone()))
                .collect(),
        }
    }

    /// The API body.
    ///
    /// # Errors
    /// On `api_key` when the request body is not a JSON object.
    pub fn body(&self) -> Result<Value, FieldError> {
        let api_key = match self.api_key.trim() {
            "" if self.certificate_identity.trim().is_empty() => Value::Null,
            "" => json!({"certificate_identity": self.certificate_identity.trim()}),
            body => {
                let mut value = trust_core::xcontent::parse_json(body).map_err(|e| {
                    FieldError::new(
                        "api_key",
                        format!("the API key request is not valid JSON: {e}"),
                    )
                })?;
                let Some(map) = value.as_object_mut() else {
                    return Err(FieldError::new(
                        "api_key",
                        "the API key request must be a JSON object",
                    ));
                };
                if !self.certificate_identity.trim().is_empty() {
                    map.insert(
                        "certificate_identity".to_owned(),
                        Value::String(self.certificate_identity.trim().to_owned()),
                    );
                }
                value
            }
        };
        let secure: Map<String, Value> = [
            ("credentials", &self.credentials),
            ("signing_key", &self.signing_key),
            ("signing_keystore_password", &self.keystore_password),
        ]
        .into_iter()
        .filter_map(|(k, e)| e.to_json().map(|v| (k.to_owned(), v)))
        .collect();
        let mut body = json!({
            "security": self.security,
            "mode": self.mode,
            "addresses": lines(&self.addresses),
            "skip_unavailable": match self.skip_unavailable.as_str() {
                "true" => json!(true),
                "false" => json!(false),
                _ => Value::Null,
            },
            "server_name": optional(&self.server_name),
            "remote_deployment": optional(&self.remote_deployment),
            "api_key": api_key,
            "signing": self.signing_body(),
        });
        if !secure.is_empty() {
            body["secure_settings"] = Value::Object(secure);
        }
        Ok(body)
    }

    /// The `signing` object: the stored one with the edited fields on top.
    fn signing_body(&self) -> Value {
        let mut signing = match &self.signing_stored {
            Value::Object(map) => map.clone(),
            _ => Map::new(),
        };
        let entries = lines(&self.keystore_entries);
        for (key, value) in [
            ("mode", json!(self.signing_mode)),
            ("certificate", json!(self.signing_certificate)),
            ("keystore_path", optional(&self.keystore_path)),
            ("keystore_type", optional(&self.keystore_type)),
            ("keystore_alias", optional(&self.keystore_alias)),
            ("keystore_entries", json!(entries)),
        ] {
            signing.insert(key.to_owned(), value);
        }
        Value::Object(signing)
    }

    /// `trust-core`'s verdict on the shape (whether it would work is the server's analysis).
    ///
    /// # Errors
    /// The first problem, on its field.
    pub fn check(&self) -> Result<RemoteConfig, FieldError> {
        RemoteConfig::parse(&self.alias, &self.body()?).map(|u| u.config)
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// Settings as `elasticsearch.yml` lines (flat dotted keys; lists as YAML flow sequences).
pub fn yml(settings: &[(String, Value)]) -> String {
    settings
        .iter()
        .map(|(key, value)| format!("{key}: {value}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::test_view;

    #[test]
    fn lists_are_lines_or_commas() {
        assert_eq!(lines(" a\n\nb, c \n"), ["a", "b", "c"]);
    }

    #[test]
    fn a_deployment_round_trips_through_the_form() {
        let mut form = DeploymentForm::new_deployment();
        form.name = "prod".to_owned();
        form.cluster_id = "cf659f7fe6164d9691b284ae36811be1".to_owned();
        form.key = "certs/node.key".to_owned();
        form.certificate = "certs/node.crt".to_owned();
        form.certificate_authorities = "certs/ca.crt\ncerts/other.crt".to_owned();
        let checked = form.check().unwrap();
        assert_eq!(checked.transport_ssl.certificate_authorities.len(), 2);
        let view = DeploymentView {
            name: "prod".to_owned(),
            version: 1,
            updated_at: String::new(),
            body: checked.to_json(),
            diagnostics: Vec::new(),
        };
        assert_eq!(DeploymentForm::from_view(&view), form);
        form.cluster_id = "CF659F7FE6164D9691B284AE36811BE1".to_owned();
        assert_eq!(form.check().unwrap_err().field, "cluster_id");
    }

    #[test]
    fn an_environment_form_checks_each_cluster_id() {
        let owner = Deployment::parse(
            "a",
            &json!({"kind": "elastic_cloud", "scope_id": "803289842"}),
        )
        .unwrap();
        let mut form = EnvironmentForm::new_environment("elastic_cloud");
        form.name = "org".to_owned();
        form.cluster_ids = "cf659f7fe6164d9691b284ae36811be1\nnot-an-id".to_owned();
        assert_eq!(form.check(&owner).unwrap_err().field, "cluster_ids[1]");
        form.cluster_ids = "cf659f7fe6164d9691b284ae36811be1".to_owned();
        let checked = form.check(&owner).unwrap();
        let view = test_view("org", serde_json::to_value(&checked).unwrap());
        assert_eq!(EnvironmentForm::from_view(&view), form);
    }

    #[test]
    fn the_remote_form_puts_the_identity_into_the_key_and_secrets_apart() {
        let mut form = RemoteForm::new_remote();
        form.alias = "eu".to_owned();
        form.addresses = "eu.example.com:9443".to_owned();
        form.certificate_identity = "CN=node\\..*".to_owned();
        form.credentials = SecretEdit::Replace("aWQ6c2VjcmV0".to_owned());
        let body = form.body().unwrap();
        assert_eq!(body["api_key"]["certificate_identity"], "CN=node\\..*");
        assert_eq!(
            body["secure_settings"],
            json!({"credentials": "aWQ6c2VjcmV0"})
        );
        let config = form.check().unwrap();
        let view = test_view("eu", config.to_json());
        let back = RemoteForm::from_view(&view);
        assert_eq!(back.certificate_identity, "CN=node\\..*");
        assert_eq!(back.addresses, "eu.example.com:9443");
        assert_eq!(back.credentials, SecretEdit::Keep);
        form.api_key = "{not json".to_owned();
        assert_eq!(form.check().unwrap_err().field, "api_key");
    }

    #[test]
    fn settings_render_as_flat_yml() {
        assert_eq!(
            yml(&[
                ("a.b".to_owned(), json!(["x", "y"])),
                ("c".to_owned(), json!(true))
            ]),
            "a.b: [\"x\",\"y\"]\nc: true\n"
        );
    }
}
