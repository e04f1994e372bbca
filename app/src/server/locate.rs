//! Where a request comes from, as the host deploys geolocation: a CDN's
//! headers, an in-memory database ([`GeoLookup`](super::GeoLookup)), or a
//! remote one ([`AsyncGeoLookup`](super::AsyncGeoLookup)) that answers after
//! the login and fills the row and its events in (the gem's async job). The
//! same for a session's latest IP: located when the throttled touch moves
//! it, so "Madrid, Spain · was Barcelona at sign-in" costs no extra write.

use std::{
    net::IpAddr,
    panic::{AssertUnwindSafe, catch_unwind},
};

use leptos_sessions_entity::{event, session};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

use super::{
    GeoInfo, Sessions, SessionsConfig,
    geo::{place::city_names_json, round_coordinate},
    http::RequestInfo,
};
use crate::types::HistoryKind;

/// The request's location from the CDN's headers or the in-memory lookup,
/// each isolated: a panicking lookup means no location.
pub(crate) fn locate_now(config: &SessionsConfig, request: &RequestInfo) -> Option<GeoInfo> {
    if let Some(geo) = &request.header_geo {
        return Some(geo.clone());
    }
    let (geo, ip) = (config.geo.as_ref()?, request.ip?);
    catch_unwind(AssertUnwindSafe(|| geo.lookup(ip))).unwrap_or_else(|_| {
        tracing::error!("leptos-sessions: geo lookup panicked; recording no location");
        None
    })
}

/// Whether this request's location is left to the remote lookup: one is
/// configured and neither the headers nor the in-memory lookup answered.
pub(crate) fn deferred_ip(config: &SessionsConfig, request: &RequestInfo, found: &GeoInfo) -> Option<IpAddr> {
    (config.async_geo.is_some() && *found == GeoInfo::default())
        .then_some(request.ip)
        .flatten()
}

/// The `last_seen_*` columns a touch writes: country code, city (or
/// region), the city's other names. All `None` for an unknown place.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct SeenPlace {
    pub country_code: Option<String>,
    pub city: Option<String>,
    pub city_names: Option<String>,
}

impl SeenPlace {
    pub(crate) fn of(geo: Option<&GeoInfo>) -> Self {
        let Some(geo) = geo else {
            return Self::default();
        };
        Self {
            country_code: geo.country_code.clone(),
            city: geo.city.clone().or_else(|| geo.region.clone()),
            city_names: city_names_json(geo),
        }
    }
}

/// What a touch records about where the request came from: `None` when no
/// geolocation is configured at all (the columns stay as they are), the
/// located place (or an unknown one) otherwise.
pub(crate) fn seen_now(config: &SessionsConfig, request: &RequestInfo) -> Option<SeenPlace> {
    let configured = config.geo.is_some() || request.header_geo.is_some();
    configured.then(|| SeenPlace::of(locate_now(config, request).as_ref()))
}

/// Runs the remote lookup of `ip` off the request and hands a located
/// answer to `record`; nothing without a remote lookup or a runtime, and
/// nothing after `async_geo_timeout`.
fn look_up_later<F, Fut>(sessions: &Sessions, ip: IpAddr, record: F)
where
    F: FnOnce(Sessions, GeoInfo) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(), sea_orm::DbErr>> + Send,
{
    let (Some(lookup), Ok(runtime)) = (
        sessions.config().async_geo.clone(),
        tokio::runtime::Handle::try_current(),
    ) else {
        return;
    };
    let sessions = sessions.clone();
    let timeout = sessions.config().async_geo_timeout;
    runtime.spawn(async move {
        let geo = match tokio::time::timeout(timeout, lookup.lookup(ip.to_canonical())).await {
            Ok(Some(geo)) if geo != GeoInfo::default() => geo,
            Ok(_) => return,
            Err(_) => {
                tracing::warn!("leptos-sessions: the remote geo lookup timed out; recording no location");
                return;
            }
        };
        if let Err(err) = record(sessions, geo).await {
            tracing::warn!(error = %err, "leptos-sessions: could not record the remote geo answer");
        }
    });
}

/// Runs the remote lookup for a login or a failed attempt off the request,
/// then fills in the location of the session `(user_id, handle)` (when
/// given) and of the events `event_ids`, where they still have none.
pub(crate) fn fill_in_later(
    sessions: &Sessions,
    ip: IpAddr,
    session: Option<(String, String)>,
    event_ids: Vec<i64>,
) {
    look_up_later(sessions, ip, move |sessions, geo| async move {
        fill(&sessions, &geo, session.as_ref(), &event_ids).await
    });
}

async fn fill(
    sessions: &Sessions,
    geo: &GeoInfo,
    session: Option<&(String, String)>,
    event_ids: &[i64],
) -> Result<(), sea_orm::DbErr> {
    let db = sessions.db();
    let names = city_names_json(geo);
    if let Some((user_id, handle)) = session {
        session::Entity::update_many()
            .col_expr(
                session::Column::CountryCode,
                Expr::value(geo.country_code.clone()),
            )
            .col_expr(
                session::Column::CountryName,
                Expr::value(geo.country_name.clone()),
            )
            .col_expr(session::Column::Region, Expr::value(geo.region.clone()))
            .col_expr(session::Column::City, Expr::value(geo.city.clone()))
            .col_expr(session::Column::CityNames, Expr::value(names.clone()))
            .filter(session::Column::UserId.eq(user_id.as_str()))
            .filter(session::Column::Handle.eq(handle.as_str()))
            .filter(session::Column::CountryCode.is_null())
            .filter(session::Column::City.is_null())
            .exec(db)
            .await?;
    }
    let ids: Vec<i64> = event_ids.iter().copied().filter(|id| *id != 0).collect();
    if !ids.is_empty() {
        let precision = sessions.config().geo_precision;
        let coordinate = |v: Option<f64>| {
            v.filter(|v| v.is_finite())
                .map(|v| round_coordinate(v, precision))
        };
        let (latitude, longitude) = match (coordinate(geo.latitude), coordinate(geo.longitude)) {
            (Some(lat), Some(lon)) => (Some(lat), Some(lon)),
            _ => (None, None),
        };
        event::Entity::update_many()
            .col_expr(event::Column::CountryCode, Expr::value(geo.country_code.clone()))
            .col_expr(event::Column::CountryName, Expr::value(geo.country_name.clone()))
            .col_expr(event::Column::Region, Expr::value(geo.region.clone()))
            .col_expr(event::Column::City, Expr::value(geo.city.clone()))
            .col_expr(event::Column::CityNames, Expr::value(names))
            .col_expr(event::Column::Latitude, Expr::value(latitude))
            .col_expr(event::Column::Longitude, Expr::value(longitude))
            .filter(event::Column::Id.is_in(ids))
            .filter(
                event::Column::Kind.is_in([HistoryKind::Login.as_str(), HistoryKind::FailedLogin.as_str()]),
            )
            .filter(event::Column::CountryCode.is_null())
            .filter(event::Column::City.is_null())
            .exec(db)
            .await?;
    }
    if let Some((user_id, _)) = session {
        // Open pages of the user reload their lists with the place in.
        sessions.store().tell_live(user_id, super::live::LiveMsg::Changed);
    }
    Ok(())
}

/// The remote lookup for a touched session's new IP: fills `last_seen_*`
/// in if the row still has that IP when it answers.
pub(crate) fn fill_seen_later(sessions: &Sessions, id_hash: String, ip: IpAddr, stored_ip: String) {
    look_up_later(sessions, ip, move |sessions, geo| async move {
        let seen = SeenPlace::of(Some(&geo));
        session::Entity::update_many()
            .col_expr(
                session::Column::LastSeenCountryCode,
                Expr::value(seen.country_code),
            )
            .col_expr(session::Column::LastSeenCity, Expr::value(seen.city))
            .col_expr(session::Column::LastSeenCityNames, Expr::value(seen.city_names))
            .filter(session::Column::IdHash.eq(id_hash))
            .filter(session::Column::LastSeenIp.eq(stored_ip))
            .exec(sessions.db())
            .await
            .map(drop)
    });
}
