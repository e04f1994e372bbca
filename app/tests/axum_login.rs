//! axum-login 0.18 on the library's session (feature `axum-login`), through a
//! real router on every backend: `Sessions::layer_with_auth`,
//! `CurrentSession::login_with` / `logout_with` / `password_changed_with`,
//! and the sign-outs axum-login performs on its own.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use std::{
    collections::HashMap,
    convert::Infallible,
    sync::{
        Arc, RwLock,
        atomic::{AtomicU64, Ordering},
    },
};

use anyhow::Result;
use axum::{
    Router,
    extract::Path,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use axum_login::{AuthUser, AuthnBackend, UserId};
use common::{Device, MAC_CHROME, SECRET, WIN_FIREFOX};
use leptos_sessions::{
    SessionsError,
    server::{CookieKey, CurrentSession, Login, ManualClock, Sessions, SessionsConfig, axum_login::DATA_KEY},
};
use leptos_sessions_entity::{event, session};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

backend_tests!(
    axum_login_logout_alone_leaves_no_row_and_one_logout_event_with_the_device,
    login_with_a_different_user_signs_the_first_one_out,
    login_with_keeps_one_row_and_one_login_event,
    logout_with_leaves_no_row_and_one_logout_event,
    password_changed_with_ends_the_others_and_keeps_this_session,
    stale_auth_hash_is_a_sign_out_with_the_device,
    the_other_order_loses_the_row,
);

#[derive(Clone, Debug)]
struct User {
    id: String,
    auth_hash: String,
}

impl AuthUser for User {
    type Id = String;

    fn id(&self) -> String {
        self.id.clone()
    }

    fn session_auth_hash(&self) -> &[u8] {
        self.auth_hash.as_bytes()
    }
}

/// Users by id; "authentication" is knowing an id (the password check is not
/// what is tested here). A password change is a new auth hash.
#[derive(Clone, Default)]
struct Backend {
    users: Arc<RwLock<HashMap<String, User>>>,
    generation: Arc<AtomicU64>,
}

impl Backend {
    fn with_users(ids: &[&str]) -> Self {
        let backend = Self::default();
        for id in ids {
            backend.rehash(id);
        }
        backend
    }

    /// A new password: a new `session_auth_hash`. Returns the updated user.
    fn rehash(&self, id: &str) -> User {
        let n = self.generation.fetch_add(1, Ordering::SeqCst);
        let user = User {
            id: id.to_owned(),
            auth_hash: format!("hash-{id}-{n}"),
        };
        self.users.write().unwrap().insert(id.to_owned(), user.clone());
        user
    }
}

impl AuthnBackend for Backend {
    type User = User;
    type Credentials = String;
    type Error = Infallible;

    async fn authenticate(&self, id: String) -> Result<Option<User>, Infallible> {
        Ok(self.users.read().unwrap().get(&id).cloned())
    }

    async fn get_user(&self, id: &UserId<Self>) -> Result<Option<User>, Infallible> {
        Ok(self.users.read().unwrap().get(id).cloned())
    }
}

type AuthSession = axum_login::AuthSession<Backend>;

fn err(e: impl Into<SessionsError>) -> Response {
    let e = e.into();
    (
        StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        e.code(),
    )
        .into_response()
}

struct App {
    router: Router,
    sessions: Sessions,
}

impl App {
    async fn new(db: DatabaseConnection) -> Result<Self> {
        let config = SessionsConfig::new(CookieKey::new(SECRET.to_vec()));
        let sessions = Sessions::with_clock(db, config, Arc::new(ManualClock::default()))?;
        sessions.migrate().await?;
        let backend = Backend::with_users(&["ada", "bob"]);
        let router = Router::new()
            .route(
                "/login/{user}",
                post(
                    |mut auth: AuthSession, current: CurrentSession, Path(id): Path<String>| async move {
                        let Ok(Some(user)) = auth.authenticate(id.clone()).await else {
                            return StatusCode::UNAUTHORIZED.into_response();
                        };
                        let login = Login::password().identity(format!("{id}@example.com"));
                        match current.login_with(&mut auth, &user, login).await {
                            Ok(outcome) => outcome.handle.to_string().into_response(),
                            Err(e) => err(e),
                        }
                    },
                ),
            )
            .route(
                "/login-library-first/{user}",
                post(
                    |mut auth: AuthSession, current: CurrentSession, Path(id): Path<String>| async move {
                        let Ok(Some(user)) = auth.authenticate(id.clone()).await else {
                            return StatusCode::UNAUTHORIZED.into_response();
                        };
                        if let Err(e) = current.login(&id, Login::password()).await {
                            return err(e);
                        }
                        match auth.login(&user).await {
                            Ok(()) => StatusCode::NO_CONTENT.into_response(),
                            Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
                        }
                    },
                ),
            )
            .route(
                "/logout",
                post(|mut auth: AuthSession, current: CurrentSession| async move {
                    match current.logout_with(&mut auth).await {
                        Ok(_) => StatusCode::NO_CONTENT.into_response(),
                        Err(e) => err(e),
                    }
                }),
            )
            .route(
                "/logout-axum-login",
                post(|mut auth: AuthSession| async move {
                    match auth.logout().await {
                        Ok(_) => StatusCode::NO_CONTENT,
                        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
                    }
                }),
            )
            .route(
                "/password",
                post(|mut auth: AuthSession, current: CurrentSession| async move {
                    let Some(user) = auth.user.clone() else {
                        return StatusCode::UNAUTHORIZED.into_response();
                    };
                    let updated = auth.backend.rehash(&user.id);
                    match current.password_changed_with(&mut auth, &updated).await {
                        Ok(ended) => ended.to_string().into_response(),
                        Err(e) => err(e),
                    }
                }),
            )
            .route(
                // A host that changed the hash and told nobody.
                "/rehash-only/{user}",
                post(|auth: AuthSession, Path(id): Path<String>| async move {
                    auth.backend.rehash(&id);
                    StatusCode::NO_CONTENT
                }),
            )
            .route(
                "/whoami",
                get(|auth: AuthSession, current: CurrentSession| async move {
                    let axum_login = auth.user.map(|u| u.id).unwrap_or_default();
                    format!("{axum_login}|{}", current.user_id().unwrap_or_default())
                }),
            )
            .layer(sessions.layer_with_auth(backend));
        Ok(Self { router, sessions })
    }

    fn device(&self, user_agent: &str) -> Device {
        Device::new(self.router.clone(), user_agent)
    }

    fn db(&self) -> &DatabaseConnection {
        self.sessions.db()
    }
}

async fn whoami(d: &mut Device) -> Result<String> {
    Ok(d.send("GET", "/whoami").await?.body)
}

async fn rows(db: &DatabaseConnection) -> Result<Vec<session::Model>> {
    Ok(session::Entity::find().all(db).await?)
}

async fn events(db: &DatabaseConnection, kind: &str) -> Result<Vec<event::Model>> {
    Ok(event::Entity::find()
        .filter(event::Column::Kind.eq(kind))
        .all(db)
        .await?)
}

fn assert_has_device(event: &event::Model, user: &str, handle: &str) {
    assert_eq!(event.user_id.as_deref(), Some(user));
    assert_eq!(event.session_handle.as_deref(), Some(handle));
    assert!(
        event.browser_name.is_some() && event.os_name.is_some(),
        "{event:?}"
    );
    assert!(
        event.device_name.is_some() && event.device_id.is_some(),
        "{event:?}"
    );
    assert_eq!(event.ip.as_deref(), Some("203.0.113.7"));
}

async fn login_with_keeps_one_row_and_one_login_event(db: DatabaseConnection) -> Result<()> {
    let app = App::new(db).await?;
    let mut d = app.device(MAC_CHROME);
    let handle = d.login("ada").await?;
    assert_eq!(whoami(&mut d).await?, "ada|ada", "both sides agree");
    let rows = rows(app.db()).await?;
    assert_eq!(rows.len(), 1, "one session, one row: {rows:?}");
    assert_eq!(rows[0].user_id.as_deref(), Some("ada"));
    assert_eq!(rows[0].handle, handle);
    assert!(
        rows[0].data.contains(DATA_KEY),
        "axum-login's data rides on the row"
    );
    let logins = events(app.db(), "login").await?;
    assert_eq!(logins.len(), 1);
    assert_eq!(logins[0].session_handle.as_deref(), Some(handle.as_str()));
    assert!(events(app.db(), "logout").await?.is_empty());
    Ok(())
}

async fn login_with_a_different_user_signs_the_first_one_out(db: DatabaseConnection) -> Result<()> {
    let app = App::new(db).await?;
    let mut d = app.device(MAC_CHROME);
    let ada = d.login("ada").await?;
    d.login("bob").await?;
    assert_eq!(whoami(&mut d).await?, "bob|bob");
    let rows = rows(app.db()).await?;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].user_id.as_deref(), Some("bob"));
    let logouts = events(app.db(), "logout").await?;
    assert_eq!(logouts.len(), 1, "{logouts:?}");
    assert_has_device(&logouts[0], "ada", &ada);
    assert_eq!(events(app.db(), "login").await?.len(), 2);
    Ok(())
}

async fn logout_with_leaves_no_row_and_one_logout_event(db: DatabaseConnection) -> Result<()> {
    let app = App::new(db).await?;
    let mut d = app.device(MAC_CHROME);
    let handle = d.login("ada").await?;
    let reply = d.send("POST", "/logout").await?;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(whoami(&mut d).await?, "|");
    assert!(rows(app.db()).await?.is_empty(), "no orphan row");
    let logouts = events(app.db(), "logout").await?;
    assert_eq!(logouts.len(), 1, "{logouts:?}");
    assert_has_device(&logouts[0], "ada", &handle);
    Ok(())
}

async fn axum_login_logout_alone_leaves_no_row_and_one_logout_event_with_the_device(
    db: DatabaseConnection,
) -> Result<()> {
    let app = App::new(db).await?;
    let mut d = app.device(MAC_CHROME);
    let handle = d.login("ada").await?;
    let reply = d.send("POST", "/logout-axum-login").await?;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(whoami(&mut d).await?, "|", "signed out of both");
    assert!(rows(app.db()).await?.is_empty(), "no orphan row");
    let logouts = events(app.db(), "logout").await?;
    assert_eq!(logouts.len(), 1, "{logouts:?}");
    assert_has_device(&logouts[0], "ada", &handle);
    Ok(())
}

async fn password_changed_with_ends_the_others_and_keeps_this_session(db: DatabaseConnection) -> Result<()> {
    let app = App::new(db).await?;
    let mut a = app.device(MAC_CHROME);
    let mut b = app.device(WIN_FIREFOX);
    let kept = a.login("ada").await?;
    let ended = b.login("ada").await?;
    let reply = a.send("POST", "/password").await?;
    assert_eq!(reply.body, "1", "one other session ended");
    assert_eq!(
        whoami(&mut a).await?,
        "ada|ada",
        "this session keeps going on both sides"
    );
    assert_eq!(whoami(&mut b).await?, "|", "the other one is signed out of both");
    let rows = rows(app.db()).await?;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].handle, kept);
    let revoked = events(app.db(), "revoked").await?;
    assert_eq!(revoked.len(), 1, "{revoked:?}");
    assert_eq!(revoked[0].reason.as_deref(), Some("password_change"));
    assert_eq!(revoked[0].session_handle.as_deref(), Some(ended.as_str()));
    assert!(events(app.db(), "logout").await?.is_empty(), "and nothing else");
    Ok(())
}

async fn stale_auth_hash_is_a_sign_out_with_the_device(db: DatabaseConnection) -> Result<()> {
    let app = App::new(db).await?;
    let mut a = app.device(MAC_CHROME);
    let mut b = app.device(WIN_FIREFOX);
    let first = a.login("ada").await?;
    let second = b.login("ada").await?;
    // The hash changed without `password_changed_with`: axum-login refuses
    // both sessions' stored hash on their next request and flushes them.
    a.send("POST", "/rehash-only/ada").await?;
    assert_eq!(
        whoami(&mut b).await?,
        "|",
        "refused, and anonymous to the library in the same request"
    );
    assert_eq!(whoami(&mut a).await?, "|");
    assert!(rows(app.db()).await?.is_empty(), "no orphan rows");
    let mut logouts = events(app.db(), "logout").await?;
    assert_eq!(logouts.len(), 2, "one each: {logouts:?}");
    logouts.sort_by_key(|e| e.session_handle.clone() != Some(first.clone()));
    assert_has_device(&logouts[0], "ada", &first);
    assert_has_device(&logouts[1], "ada", &second);
    Ok(())
}

/// Why `login_with` calls axum-login first: the other way round, axum-login
/// (which has no user in the session yet) cycles the id, and that deletes
/// the row the library just created — a session only axum-login knows.
async fn the_other_order_loses_the_row(db: DatabaseConnection) -> Result<()> {
    let app = App::new(db).await?;
    let mut d = app.device(MAC_CHROME);
    let reply = d.send("POST", "/login-library-first/ada").await?;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(whoami(&mut d).await?, "ada|", "the library lost the session");
    assert!(rows(app.db()).await?.iter().all(|r| r.user_id.is_none()));
    Ok(())
}
