//! The token playground on the server: validation over the stored realms, role mappings,
//! roles and users (with Elasticsearch's JWK set reload after a failed PKC signature), test
//! token signing, and the test signing keys. Every decision is `trust-core`'s; this module
//! reads the database, the clock and the network.

use std::{collections::BTreeMap, net::IpAddr};

use crate::ssr::db::Pool;
use jsonwebtoken::{EncodingKey, Header};
use serde_json::{Value, json};
use tower_sessions::Session;
use trust_core::{
    audit::AuditAction,
    jwt::{
        algorithm::{Algorithm, Family},
        authenticate::{JwksReload, Outcome, Request, Step},
        check::{Context, check},
        keys::{KeyMaterial, parse_jwks},
        realm::{JwtRealm, PkcSource},
    },
    playground::{RealmKeys, default_claims},
    resource::ResourceKind,
};

use crate::{
    api::playground::{
        GenerateInput, GeneratedToken, PlaygroundInfo, PlaygroundRealm, SigningKey, TestKeyInput,
        TestKeyView, ValidateInput, ValidateOutcome,
    },
    error::ApiError,
    ssr::{
        auth::{self, LoginThrottle, SessionUser},
        db::{
            audit::{self, NewAuditEntry},
            documents, test_keys,
        },
        deployments::Scope,
        jwks_fetch::JwksFetcher,
        now_secs,
        snapshot::{Snapshots, load_realms},
    },
};

/// The audit log's name for test signing keys.
const TEST_KEY_ENTITY: &str = "test_signing_key";

/// Checks a request as Elasticsearch would. When a PKC signature fails on a realm whose key
/// set comes from an `https` URL, the set is fetched once more and the check runs again with
/// the answer, so the trace shows the reload as Elasticsearch performs it.
///
/// # Errors
/// [`ApiError::Invalid`] on `realm` for an unknown realm; a database failure.
pub async fn validate(
    pool: &Pool,
    snapshots: &Snapshots,
    fetcher: &JwksFetcher,
    scope: &Scope,
    input: &ValidateInput,
) -> Result<ValidateOutcome, ApiError> {
    let snapshot = snapshots.get(pool, scope, input.realm.as_deref()).await?;
    let loaded = &snapshot.loaded;
    if !loaded.report.valid {
        return Ok(ValidateOutcome::InvalidConfig {
            error: "the configuration is invalid".to_owned(),
            diagnostics: loaded.report.diagnostics.clone(),
        });
    }
    let context = Context {
        chain: &loaded.chain,
        mappings: &snapshot.mappings,
        directory: &snapshot.directory,
    };
    let now_millis = input.now.unwrap_or_else(now_secs).saturating_mul(1000);
    let run = |reloads: &[JwksReload]| {
        let request = Request {
            authorization: Some(&input.authorization),
            client_authentication: input.client_authentication.as_deref(),
            now_millis,
            version: None,
            reloads,
        };
        check(context, request, input.run_as.as_deref())
    };
    let first = run(&[]);
    let wanted: Vec<&JwtRealm> = loaded
        .chain
        .jwt_realms()
        .filter(|realm| {
            first.trace.iter().any(|e| {
                *e.realm == *realm.name && e.step == Step::JwksReload && e.outcome == Outcome::Skip
            })
        })
        .collect();
    if wanted.is_empty() {
        return Ok(ValidateOutcome::Verdict(Box::new(first)));
    }
    let mut reloads = Vec::new();
    for realm in wanted {
        let Some(PkcSource::Url(url)) = &realm.pkc_source else {
            continue;
        };
        let key = format!("{}.pkc_jwkset_path", realm.prefix);
        reloads.push(JwksReload {
            realm: realm.name.clone(),
            fetched: fetcher.fetch(&key, url).await,
        });
    }
    Ok(ValidateOutcome::Verdict(Box::new(run(&reloads))))
}

/// The enabled JWT realms for the playground page.
///
/// # Errors
/// A database failure.
pub async fn info(pool: &Pool, scope: &Scope) -> Result<PlaygroundInfo, ApiError> {
    let loaded = load_realms(pool, scope, None).await?;
    let mut marks: BTreeMap<String, test_keys::TestKeyMark> = test_keys::marks(pool, scope.id)
        .await?
        .into_iter()
        .map(|m| (m.realm.clone(), m))
        .collect();
    let now = now_secs();
    let realms = loaded
        .chain
        .realms
        .iter()
        .filter(|r| r.enabled)
        .filter_map(|r| Some((r.order, r.jwt.as_ref()?)))
        .map(|(order, realm)| PlaygroundRealm {
            keys: RealmKeys::of(realm),
            order,
            hmac: !realm.hmac_keys.keys.is_empty(),
            test_key: marks.remove(&realm.name).map(|m| test_key_view(realm, &m)),
            default_claims: default_claims(realm, now),
        })
        .collect();
    Ok(PlaygroundInfo { realms, now })
}

fn test_key_view(realm: &JwtRealm, mark: &test_keys::TestKeyMark) -> TestKeyView {
    let public_jwk: Value = serde_json::from_str(&mark.public_jwk).unwrap_or(Value::Null);
    let material = material_of(&public_jwk);
    let trusted_by_realm = material.as_ref().is_some_and(|m| {
        realm
            .pkc_keys
            .as_ref()
            .is_some_and(|keys| keys.keys.iter().any(|k| &k.material == m))
    });
    TestKeyView {
        algorithms: material.as_ref().map(algorithms_for).unwrap_or_default(),
        public_jwk,
        trusted_by_realm,
        changed_at: mark.changed_at.clone(),
    }
}

/// The key material of a public JWK, read as the realm reads its JWK set.
fn material_of(public_jwk: &Value) -> Option<KeyMaterial> {
    parse_jwks(&json!({"keys": [public_jwk]}).to_string())
        .ok()?
        .into_iter()
        .next()
        .map(|k| k.material)
}

/// The algorithms a private key of this public material can sign (jsonwebtoken has no ES512).
fn algorithms_for(material: &KeyMaterial) -> Vec<String> {
    let names: &[&str] = match material {
        KeyMaterial::Rsa { .. } => &["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"],
        KeyMaterial::Ec { crv, .. } if crv == "P-256" => &["ES256"],
        KeyMaterial::Ec { crv, .. } if crv == "P-384" => &["ES384"],
        _ => &[],
    };
    names.iter().map(|&n| n.to_owned()).collect()
}

/// A private PEM as a signing key, with its public JWK.
fn read_private_pem(pem: &str) -> Result<(EncodingKey, Value), String> {
    let pem = pem.trim();
    let (key, alg) = if let Ok(key) = EncodingKey::from_rsa_pem(pem.as_bytes()) {
        (key, jsonwebtoken::Algorithm::RS256)
    } else if let Ok(key) = EncodingKey::from_ec_pem(pem.as_bytes()) {
        (key, jsonwebtoken::Algorithm::ES256)
    } else {
        return Err("not an RSA or EC (P-256, P-384) private key in PEM (PKCS#8 `BEGIN PRIVATE KEY`, `BEGIN RSA PRIVATE KEY` or `BEGIN EC PRIVATE KEY`)".to_owned());
    };
    // The curve comes from the key itself; `alg` only labels the JWK (and is dropped below).
    let jwk = jsonwebtoken::jwk::Jwk::from_encoding_key(&key, alg)
        .map_err(|e| format!("the key cannot be used: {e}"))?;
    let mut public = serde_json::to_value(&jwk).map_err(|e| e.to_string())?;
    if let Value::Object(map) = &mut public {
        // The public half only, and no `alg`: the realm's allowed algorithms decide.
        map.retain(|k, _| matches!(k.as_str(), "kty" | "n" | "e" | "crv" | "x" | "y"));
    }
    Ok((key, public))
}

/// Keeps a private key for the realm's test tokens (audited without the key).
///
/// # Errors
/// [`ApiError::Invalid`] on `private_pem`; [`ApiError::NotFound`] for an unknown realm.
pub async fn set_test_key(
    pool: &Pool,
    scope: &Scope,
    actor: &str,
    input: &TestKeyInput,
) -> Result<TestKeyView, ApiError> {
    let (_, public) =
        read_private_pem(&input.private_pem).map_err(|m| ApiError::invalid("private_pem", m))?;
    let realm = input.realm.as_str();
    let mut tx = pool.begin_write().await?;
    if documents::find(&mut tx, scope.id, ResourceKind::Realm.as_str(), realm)
        .await?
        .is_none()
    {
        return Err(ApiError::NotFound {
            message: format!("realm [{realm}] does not exist"),
        });
    }
    test_keys::set(
        &mut tx,
        scope.id,
        realm,
        input.private_pem.trim(),
        &public.to_string(),
    )
    .await?;
    audit::record(
        &mut tx,
        NewAuditEntry {
            actor,
            entity_kind: TEST_KEY_ENTITY,
            entity_id: &scope.entity_id(realm),
            action: AuditAction::Update,
            before: None,
            after: Some(json!({"public_jwk": public})),
        },
    )
    .await?;
    tx.commit().await?;
    let loaded = load_realms(pool, scope, None).await?;
    let mark = test_keys::marks(pool, scope.id)
        .await?
        .into_iter()
        .find(|m| m.realm == realm)
        .ok_or_else(|| ApiError::NotFound {
            message: format!("realm [{realm}] has no test key"),
        })?;
    let view = match loaded.chain.jwt_realms().find(|r| r.name == realm) {
        Some(jwt) => test_key_view(jwt, &mark),
        None => TestKeyView {
            public_jwk: public,
            algorithms: Vec::new(),
            trusted_by_realm: false,
            changed_at: mark.changed_at,
        },
    };
    Ok(view)
}

/// Forgets the realm's test key.
///
/// # Errors
/// [`ApiError::NotFound`] when the realm has none; a database failure.
pub async fn clear_test_key(
    pool: &Pool,
    scope: &Scope,
    actor: &str,
    realm: &str,
) -> Result<(), ApiError> {
    let mut tx = pool.begin_write().await?;
    if !test_keys::clear(&mut tx, scope.id, realm).await? {
        return Err(ApiError::NotFound {
            message: format!("realm [{realm}] has no test key"),
        });
    }
    audit::record(
        &mut tx,
        NewAuditEntry {
            actor,
            entity_kind: TEST_KEY_ENTITY,
            entity_id: &scope.entity_id(realm),
            action: AuditAction::Delete,
            before: Some(json!({"private_pem": "set"})),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Who asks for a token, for the step-up and the audit entry.
pub struct Minter<'a> {
    /// The login throttle (a wrong re-entered password counts as a failed login).
    pub throttle: &'a LoginThrottle,
    /// The session (it remembers a recent re-authentication).
    pub session: &'a Session,
    /// The logged-in user.
    pub user: &'a SessionUser,
    /// The client address.
    pub address: Option<IpAddr>,
}

/// Signs a test token for a realm.
///
/// A token signed with a key the live cluster trusts — the realm's HMAC key, or a test key
/// whose public key is in the realm's JWK set — needs a recent re-authentication
/// ([`auth::step_up`]), may live at most an hour, and is audited (`mint_token`: realm, sub,
/// exp, kid, algorithm; never the token). Test keys the realm does not trust stay frictionless.
///
/// # Errors
/// [`ApiError::Invalid`] naming the field: an unknown realm or algorithm, an algorithm the
/// realm does not allow or the key cannot sign, no HMAC key or test key, an `exp` too far out;
/// [`ApiError::Forbidden`] without the step-up.
pub async fn generate(
    pool: &Pool,
    scope: &Scope,
    minter: &Minter<'_>,
    input: &GenerateInput,
) -> Result<GeneratedToken, ApiError> {
    let loaded = load_realms(pool, scope, Some(&input.realm)).await?;
    let realm = loaded
        .chain
        .jwt_realms()
        .find(|r| r.name == input.realm)
        .ok_or_else(|| {
            ApiError::invalid(
                "realm",
                format!(
                    "realm [{}] does not load (see its startup errors) or is disabled",
                    input.realm
                ),
            )
        })?;
    let alg: Algorithm = input.algorithm.parse().map_err(|_| {
        ApiError::invalid(
            "algorithm",
            format!(
                "[{}] is not a JWS algorithm Elasticsearch supports",
                input.algorithm
            ),
        )
    })?;
    if !realm.allowed_algorithms.contains(&alg) {
        let allowed: Vec<&str> = realm.allowed_algorithms.iter().map(|a| a.name()).collect();
        return Err(ApiError::invalid(
            "algorithm",
            format!(
                "realm [{}] does not allow [{alg}]; allowed_signature_algorithms is [{}]",
                realm.name,
                allowed.join(",")
            ),
        ));
    }
    let jwt_alg: jsonwebtoken::Algorithm = alg.name().parse().map_err(|_| {
        ApiError::invalid(
            "algorithm",
            format!("the console cannot sign [{alg}] test tokens"),
        )
    })?;
    let key = match input.key {
        SigningKey::RealmHmac => hmac_key(realm, alg, input.kid.as_deref())?,
        SigningKey::TestKey => {
            if alg.family() != Family::Pkc {
                return Err(ApiError::invalid(
                    "algorithm",
                    "a test private key signs RS*, PS* or ES* tokens; HS* tokens use the realm's HMAC key",
                ));
            }
            let pem = test_keys::private_pem(pool, scope.id, &realm.name)
                .await?
                .ok_or_else(|| {
                    ApiError::invalid(
                        "key",
                        format!(
                            "realm [{}] has no test private key; upload one first",
                            realm.name
                        ),
                    )
                })?;
            let (key, public) = read_private_pem(&pem).map_err(|m| ApiError::invalid("key", m))?;
            let signs = material_of(&public)
                .as_ref()
                .map(algorithms_for)
                .unwrap_or_default();
            if !signs.iter().any(|a| a == alg.name()) {
                return Err(ApiError::invalid(
                    "algorithm",
                    format!("the test key signs [{}], not [{alg}]", signs.join(",")),
                ));
            }
            key
        }
    };
    let live = match input.key {
        SigningKey::RealmHmac => true,
        SigningKey::TestKey => test_keys::marks(pool, scope.id)
            .await?
            .iter()
            .find(|m| m.realm == realm.name)
            .is_some_and(|mark| test_key_view(realm, mark).trusted_by_realm),
    };
    if live {
        trust_core::playground::check_live_token_lifetime(&input.claims, now_secs())
            .map_err(|m| ApiError::invalid("claims", m))?;
        auth::step_up(
            pool,
            minter.throttle,
            minter.session,
            minter.user,
            input.password.clone(),
            minter.address,
        )
        .await?;
    }
    let mut header = Header::new(jwt_alg);
    header.kid = input.kid.clone().filter(|k| !k.is_empty());
    let token = jsonwebtoken::encode(&header, &Value::Object(input.claims.clone()), &key)
        .map_err(|e| ApiError::invalid("claims", format!("cannot sign these claims: {e}")))?;
    if live {
        let mut conn = pool.acquire().await?;
        audit::record(
            &mut conn,
            NewAuditEntry {
                actor: &minter.user.username,
                entity_kind: "token",
                entity_id: &scope.entity_id(&realm.name),
                action: AuditAction::MintToken,
                before: None,
                after: Some(json!({
                    "realm": realm.name,
                    "key": match input.key {
                        SigningKey::RealmHmac => "realm_hmac",
                        SigningKey::TestKey => "test_key",
                    },
                    "algorithm": alg.name(),
                    "kid": header.kid,
                    "sub": input.claims.get("sub"),
                    "exp": input.claims.get("exp"),
                })),
            },
        )
        .await?;
    }
    Ok(GeneratedToken { token })
}

/// The realm's HMAC key for `alg` (the one with `kid` when given), as Elasticsearch would
/// pick it to verify.
fn hmac_key(realm: &JwtRealm, alg: Algorithm, kid: Option<&str>) -> Result<EncodingKey, ApiError> {
    if alg.family() != Family::Hmac {
        return Err(ApiError::invalid(
            "algorithm",
            "the realm's HMAC key signs HS256, HS384 or HS512 tokens; RS*, PS* and ES* need a test private key",
        ));
    }
    let candidates = trust_core::jwt::keys::candidates(&realm.hmac_keys.keys, kid, alg);
    candidates
        .iter()
        .find_map(|k| match &k.material {
            KeyMaterial::Oct { secret } => Some(EncodingKey::from_secret(secret)),
            _ => None,
        })
        .ok_or_else(|| {
            ApiError::invalid(
                "key",
                format!(
                    "realm [{}] has no HMAC key usable for [{alg}]{}",
                    realm.name,
                    kid.map(|k| format!(" with kid [{k}]")).unwrap_or_default()
                ),
            )
        })
}
