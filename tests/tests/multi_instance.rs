//! Two console instances on one database (the SQLite file shared by two processes, or — with
//! `TRUST_CONSOLE_TEST_POSTGRES` — one PostgreSQL database): sessions are shared, racing edits
//! of one resource give one success and one conflict each round, racing deletes of the last two
//! deployments leave one, and the audit log holds every change exactly once.

use integration_tests::{
    ADMIN_PASSWORD, Api, Console, balancer::Balancer, client, client_without_keepalive, login,
};
use serde_json::{Value, json};

/// Every audit entry, newest first, paging through `next_before`.
async fn audit(api: &Api<'_>) -> Vec<Value> {
    let mut entries = Vec::new();
    let mut path = "/api/v1/audit?limit=100".to_owned();
    loop {
        let (status, page) = api.get(&path).await;
        assert_eq!(status, 200, "{page}");
        entries.extend(page["entries"].as_array().unwrap().iter().cloned());
        match page["next_before"].as_i64() {
            Some(before) => path = format!("/api/v1/audit?limit=100&before={before}"),
            None => return entries,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_instances_conflict_cleanly_and_audit_each_change_once() {
    let a = Console::start();
    let b = Console::start_in(a.data_dir());
    let (api_a, api_b) = (Api::login(&a).await, Api::login(&b).await);
    let path = "/api/v1/roles/shared";
    let (status, body) = api_a.put(path, &json!({"cluster": ["monitor"]})).await;
    assert_eq!(status, 201, "{body}");

    const ROUNDS: i64 = 50;
    for round in 1..=ROUNDS {
        let at = format!("{path}?version={round}");
        let body_a = json!({"cluster": ["monitor"], "run_as": [format!("a{round}")]});
        let body_b = json!({"cluster": ["monitor"], "run_as": [format!("b{round}")]});
        let (first, second) = tokio::join!(api_a.put(&at, &body_a), api_b.put(&at, &body_b));
        let mut statuses = [first.0, second.0];
        statuses.sort_unstable();
        assert_eq!(
            statuses,
            [200, 409],
            "round {round}: {} / {}",
            first.1,
            second.1
        );
        let loser = if first.0 == 409 { &first.1 } else { &second.1 };
        assert_eq!(loser["error"]["code"], "conflict", "round {round}: {loser}");
    }
    let (_, role) = api_b.get(path).await;
    assert_eq!(role["version"], ROUNDS + 1, "{role}");

    // Racing deletes of the only two deployments: one wins, one is refused, one is left.
    let (status, body) = api_b
        .put(
            "/api/v1/deployments/second",
            &json!({"kind": "self_managed", "stack_version": "9.3"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (first, second) = tokio::join!(
        api_a.delete("/api/v1/deployments/default"),
        api_b.delete("/api/v1/deployments/second")
    );
    let mut statuses = [first.0, second.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [204, 409], "{} / {}", first.1, second.1);
    let (_, list) = api_a.get("/api/v1/deployments").await;
    let count = list["deployments"]
        .as_array()
        .or_else(|| list.as_array())
        .map(Vec::len);
    assert_eq!(count, Some(1), "{list}");

    // Each change once: the create and the 50 winning edits of the role, the second
    // deployment's create and the one delete that won.
    let entries = audit(&api_a).await;
    let of = |kind: &str, action: &str| {
        entries
            .iter()
            .filter(|e| e["entity_kind"] == kind && e["action"] == action)
            .count()
    };
    assert_eq!(of("role", "create"), 1);
    assert_eq!(of("role", "update"), usize::try_from(ROUNDS).unwrap());
    assert_eq!(of("deployment", "create"), 1);
    assert_eq!(of("deployment", "delete"), 1);
}

/// A session is the database's, not an instance's: a login on A works on B, and logging out on
/// B ends it on A (behind a load balancer, consecutive requests land on either).
#[tokio::test]
async fn a_session_from_one_instance_works_on_the_other_until_logged_out_there() {
    let a = Console::start();
    let b = Console::start_in(a.data_dir());
    // One cookie jar for both: cookies are per host name, not per port, as behind one balancer.
    let http = client();
    let csrf = login(&http, &a, ADMIN_PASSWORD).await;
    let me = |console: &Console| {
        let request = http.get(console.url("/api/v1/session"));
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(me(&a).await, 200);
    assert_eq!(me(&b).await, 200, "the session from A works on B");
    // A change through B with A's session and CSRF token is accepted.
    let saved = http
        .put(b.url("/api/v1/roles/from-b"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"cluster": ["monitor"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 201);

    let logout = http
        .delete(b.url("/api/v1/session"))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert!(logout.status().is_success(), "{}", logout.status());
    assert_eq!(me(&a).await, 401, "logging out on B ended the session on A");
    assert_eq!(me(&b).await, 401);
}

/// Requests on A share their session reads while many are in flight (`app::ssr::coalesce`),
/// but none may be answered from a read that began before it was sent: with 32 requests of
/// four sessions at a time on A, "log out everywhere" from another session through B ends them
/// for every request sent after B answered — none gets a 200.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn under_load_no_request_sent_after_a_logout_elsewhere_is_served() {
    use std::sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    };
    use tokio::time::{Duration, Instant, sleep};

    let a = Console::start();
    let b = Console::start_in(a.data_dir());
    // The load's sessions are not the one that logs out (whose cookie the answer clears): they
    // keep sending their cookies, and only the database says they have ended.
    let mut sessions = Vec::new();
    for _ in 0..4 {
        let http = client();
        login(&http, &a, ADMIN_PASSWORD).await;
        sessions.push(http);
    }
    let other = client();
    let csrf = login(&other, &b, ADMIN_PASSWORD).await;
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..32)
        .map(|i| {
            let http = sessions[i % sessions.len()].clone();
            let (url, stop) = (a.url("/api/v1/session"), stop.clone());
            tokio::spawn(async move {
                let mut answers = Vec::new();
                while !stop.load(Ordering::SeqCst) {
                    let sent = Instant::now();
                    let status = http.get(&url).send().await.unwrap().status().as_u16();
                    answers.push((sent, status));
                }
                answers
            })
        })
        .collect();
    sleep(Duration::from_millis(300)).await;
    let logout = other
        .delete(b.url("/api/v1/sessions"))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    let logged_out = Instant::now();
    assert!(logout.status().is_success(), "{}", logout.status());
    sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::SeqCst);
    let (mut before, mut after) = (0, 0);
    for worker in workers {
        for (sent, status) in worker.await.unwrap() {
            if sent < logged_out {
                before += usize::from(status == 200);
            } else {
                assert_eq!(status, 401, "a request sent after the logout was served");
                after += 1;
            }
        }
    }
    assert!(
        before > 32,
        "the session was in use before the logout ({before} answers)"
    );
    assert!(after > 32, "requests kept coming after it ({after})");
}

/// One wrong password through each instance in turn: the throttle is the database's, so the
/// sixth guess is refused wherever it lands (in memory per instance, two instances allowed
/// twice the guesses).
#[tokio::test]
async fn the_login_throttle_counts_across_instances() {
    let a = Console::start();
    let b = Console::start_in(a.data_dir());
    let guess = |console: &Console, password: &str| {
        let request = client()
            .post(console.url("/api/v1/session"))
            .json(&json!({"username": "admin", "password": password}));
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let mut statuses = Vec::new();
    for round in 0..6 {
        let console = if round % 2 == 0 { &a } else { &b };
        statuses.push(guess(console, "wrong-password").await);
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429]);
    assert_eq!(
        guess(&a, ADMIN_PASSWORD).await,
        429,
        "the pair stays locked on A"
    );
    assert_eq!(guess(&b, ADMIN_PASSWORD).await, 429, "and on B");
}

/// Behind a round-robin balancer with `--trusted-proxy`, each real client (the address the
/// balancer forwards) has its own throttle, counted across both instances.
#[tokio::test]
async fn behind_a_round_robin_balancer_the_throttle_counts_per_real_client() {
    let proxies = [("TRUST_CONSOLE_TRUSTED_PROXIES", "127.0.0.1/32")];
    let a = Console::start_with(
        std::sync::Arc::new(tempfile::TempDir::new().unwrap()),
        &proxies,
    );
    let b = Console::start_with(a.data_dir(), &proxies);
    let balancer = Balancer::start(&[&a.base, &b.base]).await;
    // Each "real client" arrives at the balancer from an earlier hop that named it.
    let guess = |real_client: &'static str, password: &'static str| {
        let request = client_without_keepalive()
            .post(balancer.url("/api/v1/session"))
            .header("x-forwarded-for", real_client)
            .json(&json!({"username": "admin", "password": password}));
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(guess("198.51.100.7", "wrong-password").await);
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429]);
    assert_eq!(balancer.served(), [3, 3], "both instances answered");
    // Another real client behind the same balancer is not throttled, and gets in.
    assert_eq!(guess("198.51.100.8", "wrong-password").await, 401);
    assert_eq!(guess("198.51.100.8", ADMIN_PASSWORD).await, 200);
    // The audit log names the real client of the failed logins.
    let api = Api::login(&a).await;
    let (status, page) = api.get("/api/v1/audit?limit=50").await;
    assert_eq!(status, 200);
    let failed: Vec<&Value> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "login_failed")
        .collect();
    assert!(
        failed
            .iter()
            .any(|e| e.to_string().contains("198.51.100.7")),
        "{failed:?}"
    );
}
