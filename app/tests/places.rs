//! Places as each reader reads them, and where a device is now, on every
//! backend: a place is shown in the reader's language (the database's city
//! names, the country named from its code), a device that moved shows where
//! it is now next to where it signed in, and a remote lookup fills a login
//! in after it answered without ever delaying it.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use std::{
    collections::BTreeMap,
    net::IpAddr,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use anyhow::Result;
use common::{MAC_CHROME, TestApp, WIN_FIREFOX};
use leptos_sessions::{
    server::{AsyncGeoLookup, GeoFuture, GeoInfo, GeoLookup},
    types::{HistoryKind, HistoryList},
};
use leptos_sessions_entity::event;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use tokio::sync::watch;

backend_tests!(
    places_read_in_the_readers_language_and_a_moved_device_says_where_it_is_now,
    a_remote_lookup_fills_a_login_in_later_and_never_delays_it,
    a_remote_lookup_that_answers_too_late_is_dropped,
);

const LONDON_IP: &str = "203.0.113.40";
const MADRID_IP: &str = "198.51.100.23";

/// The places of a MaxMind-shaped database: English names plus the city in
/// the languages it carries.
fn place(ip: IpAddr) -> Option<GeoInfo> {
    let names = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(l, n)| ((*l).to_owned(), (*n).to_owned()))
            .collect()
    };
    match ip.to_string().as_str() {
        LONDON_IP => Some(GeoInfo {
            country_code: Some("GB".into()),
            country_name: Some("United Kingdom".into()),
            region: Some("England".into()),
            city: Some("London".into()),
            city_names: names(&[("es", "Londres"), ("fr", "Londres"), ("ja", "ロンドン")]),
            latitude: Some(51.5072),
            longitude: Some(-0.1276),
        }),
        MADRID_IP => Some(GeoInfo {
            country_code: Some("ES".into()),
            country_name: Some("Spain".into()),
            city: Some("Madrid".into()),
            ..GeoInfo::default()
        }),
        _ => None,
    }
}

struct Table;

impl GeoLookup for Table {
    fn lookup(&self, ip: IpAddr) -> Option<GeoInfo> {
        place(ip)
    }
}

async fn places_read_in_the_readers_language_and_a_moved_device_says_where_it_is_now(
    db: DatabaseConnection,
) -> Result<()> {
    let app = TestApp::with_config(db, |c| c.geo = Some(Arc::new(Table))).await?;
    let mut laptop = app.device(MAC_CHROME);
    laptop.ip = LONDON_IP.parse()?;
    laptop.login("ada").await?;

    let list = laptop.devices().await?;
    let row = &list.devices[0];
    assert_eq!(row.location.as_deref(), Some("London, United Kingdom"));
    assert_eq!(row.location_in("es"), Some("Londres, Reino Unido"));
    assert_eq!(row.location_in("fr-CA"), Some("Londres, Royaume-Uni"));
    assert_eq!(
        row.location_in("de"),
        Some("London, Vereinigtes Königreich"),
        "the database has no German name: the English city, the German country"
    );
    assert_eq!(row.location_in("en"), Some("London, United Kingdom"));
    assert!(
        !row.location_names.contains_key("ja"),
        "only the languages the library renders are kept"
    );
    assert_eq!(row.last_seen_location, None, "still where it signed in");

    let history: HistoryList = serde_json::from_str(&laptop.send("GET", "/history").await?.body)?;
    let login = history
        .entries
        .iter()
        .find(|e| e.kind == HistoryKind::Login)
        .unwrap();
    assert_eq!(login.location_in("es"), Some("Londres, Reino Unido"));

    // The laptop travels: its next touched request comes from Madrid.
    app.clock.advance(Duration::from_secs(6 * 60));
    laptop.ip = MADRID_IP.parse()?;
    laptop.send("GET", "/me").await?;
    let list = laptop.devices().await?;
    let row = &list.devices[0];
    assert_eq!(row.last_seen_location.as_deref(), Some("Madrid, Spain"));
    assert_eq!(row.last_seen_location_in("es"), Some("Madrid, España"));
    assert_eq!(row.last_seen_country_code.as_deref(), Some("ES"), "its flag");
    assert_eq!(
        row.location.as_deref(),
        Some("London, United Kingdom"),
        "where it signed in stays"
    );

    // An address the database does not know: no claim about where it is.
    app.clock.advance(Duration::from_secs(6 * 60));
    laptop.ip = "192.0.2.200".parse()?;
    laptop.send("GET", "/me").await?;
    assert_eq!(laptop.devices().await?.devices[0].last_seen_location, None);

    // Back in London: nothing to add.
    app.clock.advance(Duration::from_secs(6 * 60));
    laptop.ip = LONDON_IP.parse()?;
    laptop.send("GET", "/me").await?;
    assert_eq!(laptop.devices().await?.devices[0].last_seen_location, None);
    Ok(())
}

/// A remote lookup that answers once the test lets it.
struct Remote {
    open: watch::Receiver<bool>,
    calls: AtomicUsize,
}

impl AsyncGeoLookup for Remote {
    fn lookup(&self, ip: IpAddr) -> GeoFuture<'_> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let mut open = self.open.clone();
        Box::pin(async move {
            open.wait_for(|o| *o).await.ok()?;
            place(ip)
        })
    }
}

async fn until<F, Fut>(what: &str, mut check: F) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<bool>>,
{
    for _ in 0..200 {
        if check().await? {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    anyhow::bail!("{what} did not happen within 5 s")
}

async fn a_remote_lookup_fills_a_login_in_later_and_never_delays_it(db: DatabaseConnection) -> Result<()> {
    let (open, gate) = watch::channel(false);
    let remote = Arc::new(Remote {
        open: gate,
        calls: AtomicUsize::new(0),
    });
    let app = TestApp::with_config(db, |c| c.async_geo = Some(remote.clone())).await?;
    let mut laptop = app.device(MAC_CHROME);
    laptop.ip = LONDON_IP.parse()?;
    // The lookup has not answered, and the login is done.
    laptop.login("ada").await?;
    let mut stranger = app.device(WIN_FIREFOX);
    stranger.ip = MADRID_IP.parse()?;
    stranger.send("POST", "/fail/ada@example.com").await?;
    assert_eq!(laptop.devices().await?.devices[0].location, None, "not known yet");
    // The lookups run on spawned tasks: wait until both asked.
    until("one lookup each", || {
        let remote = remote.clone();
        async move { Ok(remote.calls.load(Ordering::SeqCst) == 2) }
    })
    .await?;
    assert_eq!(remote.calls.load(Ordering::SeqCst), 2, "one lookup each, no more");

    open.send(true)?;
    until("the session's location", || {
        let mut laptop = laptop.clone();
        async move { Ok(laptop.devices().await?.devices[0].location.is_some()) }
    })
    .await?;
    let row = &laptop.devices().await?.devices[0];
    assert_eq!(row.location.as_deref(), Some("London, United Kingdom"));
    assert_eq!(row.location_in("es"), Some("Londres, Reino Unido"));

    let db = app.db().clone();
    until("the events' locations", || {
        let db = db.clone();
        async move {
            let located = event::Entity::find()
                .filter(event::Column::CountryCode.is_not_null())
                .all(&db)
                .await?;
            Ok(located.len() == 2)
        }
    })
    .await?;
    let login = event::Entity::find()
        .filter(event::Column::Kind.eq("login"))
        .one(app.db())
        .await?
        .unwrap();
    assert_eq!(
        (login.city.as_deref(), login.country_code.as_deref()),
        (Some("London"), Some("GB"))
    );
    assert_eq!(
        (login.latitude, login.longitude),
        (Some(51.51), Some(-0.13)),
        "rounded to geo_precision"
    );
    let failed = event::Entity::find()
        .filter(event::Column::Kind.eq("failed_login"))
        .one(app.db())
        .await?
        .unwrap();
    assert_eq!(
        failed.city.as_deref(),
        Some("Madrid"),
        "a failed attempt is located too"
    );

    // Where it is now, through the same remote lookup.
    app.clock.advance(Duration::from_secs(6 * 60));
    laptop.ip = MADRID_IP.parse()?;
    laptop.send("GET", "/me").await?;
    until("where the laptop is now", || {
        let mut laptop = laptop.clone();
        async move { Ok(laptop.devices().await?.devices[0].last_seen_location.is_some()) }
    })
    .await?;
    assert_eq!(
        laptop.devices().await?.devices[0].last_seen_location.as_deref(),
        Some("Madrid, Spain")
    );
    Ok(())
}

async fn a_remote_lookup_that_answers_too_late_is_dropped(db: DatabaseConnection) -> Result<()> {
    let (open, gate) = watch::channel(false);
    let app = TestApp::with_config(db, |c| {
        c.async_geo = Some(Arc::new(Remote {
            open: gate,
            calls: AtomicUsize::new(0),
        }));
        c.async_geo_timeout = Duration::from_millis(50);
    })
    .await?;
    let mut laptop = app.device(MAC_CHROME);
    laptop.ip = LONDON_IP.parse()?;
    laptop.login("ada").await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    open.send(true)?; // past the timeout
    tokio::time::sleep(Duration::from_millis(200)).await;
    let list = laptop.devices().await?;
    assert_eq!(list.devices.len(), 1);
    assert_eq!(list.devices[0].location, None, "a late answer is dropped");
    Ok(())
}
