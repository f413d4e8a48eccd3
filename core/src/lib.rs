//! Elasticsearch trust rules as plain types and functions.
//!
//! This crate is the validation core shared by the server and the WASM client. It must stay
//! pure: no I/O, no ambient clock or randomness, and no dependency on leptos, axum, sqlx or
//! tokio, so that it builds unchanged for `wasm32-unknown-unknown`.
//!
//! # Where each Elasticsearch rule lives
//!
//! | Rule (Elasticsearch class) | Module |
//! |---|---|
//! | `elasticsearch.yml` and keystore reading, setting values (`Settings`, `TimeValue`, `Booleans`) | [`config`] |
//! | JWT realm settings, startup validation, the realm chain and the realms it adds (`JwtRealmSettings`, `Realms`) | [`jwt::realm`], [`jwt::catalog`] |
//! | Token validation in Elasticsearch's order, claims, JWK sets (`JwtRealm`, `JwtValidateUtil`) | [`jwt::authenticate`], [`jwt::keys`], [`jwt::token`] |
//! | A request end to end: realm chain, role mapping, `authorization_realms`, run_as (`AuthenticatorChain`) | [`jwt::check`] |
//! | Role-mapping bodies, rules, templates, the user model (`ExpressionRoleMapping`, `ExpressionModel`, mustache) | [`role_mapping`] |
//! | Wildcard, Lucene and Java patterns (`Automatons`, `RegExp`, `java.util.regex`) | [`patterns`] |
//! | DN parsing and normalization (UnboundID `DN`, `RDN`) | [`dn`] |
//! | Roles' run_as, native and reserved users (`ReservedRealm`, `NativeRealm`) | [`directory`] |
//! | Cross-cluster API keys and remote-cluster settings (`CrossClusterApiKeyRoleDescriptorBuilder`, `RemoteClusterService`) | [`cross_cluster`] |
//! | Deployments, transport and remote-cluster TLS, strong identity, ECE/ECH trust (`SSLService`, `CrossClusterApiKeySignatureManager`) | [`trust`] |
//! | Certificates, DNs of certificates, identity patterns | [`cert`] |
//! | x-content parse errors, strict duplicate keys, "did you mean" (`ObjectParser`, `SuggestingErrorOnUnknown`) | [`xcontent`] |
//!
//! The console's own rules: [`resource`] (stored documents and their names), [`history`] (what
//! changed between two versions of one), [`export`]
//! (generated files, import), [`playground`] (token decoding and minting), [`limits`] (every
//! parser bound), [`login_throttle`], [`account`], [`audit`], [`net`], [`paging`], [`theme`].
//!
//! Dependencies point one way, toward the leaves [`diagnostic`] (the findings vocabulary),
//! [`field`] (body readers and `FieldError`), [`time`], [`xcontent`] and [`limits`]; a module
//! never reaches up to one that builds on it.
#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod account;
pub mod audit;
pub mod case;
pub mod cert;
pub mod config;
pub mod cross_cluster;
pub mod diagnostic;
pub mod directory;
pub mod dn;
pub mod export;
pub mod field;
pub mod fuzzing;
pub mod history;
pub mod jwt;
pub mod limits;
pub mod login_throttle;
pub mod net;
pub mod paging;
pub mod patterns;
pub mod pem;
pub mod playground;
pub mod resource;
pub mod role_mapping;
pub mod theme;
pub mod time;
pub mod trust;
pub mod xcontent;
