//! Layer 5: client hints (`Sec-CH-UA-*`, opt-in).

use std::collections::BTreeMap;

use super::{
    DeviceInfo, DeviceType,
    headers::header,
    tokens::{clean_model, sane_version},
};

/// The value of a structured-field string (`"Pixel 8"` → `Pixel 8`).
fn sf_string(v: &str) -> Option<&str> {
    let v = v.trim();
    let v = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(v);
    let v = v.trim();
    (!v.is_empty() && !v.contains('"') && !v.contains('\\')).then_some(v)
}

/// `(brand, version)` pairs of `Sec-CH-UA` / `-Full-Version-List`, without
/// GREASE brands.
fn brand_list(v: &str) -> Vec<(&str, &str)> {
    v.split(',')
        .take(16)
        .filter_map(|item| {
            let (brand, params) = item.split_once(';')?;
            let brand = sf_string(brand)?;
            let version = params.trim().strip_prefix("v=").and_then(sf_string)?;
            let grease = brand.contains("Not") && brand.contains("Brand")
                || brand.contains("Not)")
                || brand.contains("Not:");
            (!grease).then_some((brand, version))
        })
        .collect()
}

pub(super) fn apply_client_hints(info: &mut DeviceInfo, headers: &[(String, String)]) {
    if info.device_type == DeviceType::Bot {
        return;
    }
    let mut used = BTreeMap::new();
    let platform = header(headers, "sec-ch-ua-platform").and_then(sf_string);
    let os = platform.and_then(|p| match p {
        "Windows" => Some("Windows"),
        "macOS" => Some("macOS"),
        "Android" => Some("Android"),
        "iOS" => Some("iOS"),
        "Chrome OS" | "ChromeOS" | "Chromium OS" => Some("ChromeOS"),
        "Linux" => Some("Linux"),
        _ => None,
    });
    if let Some(os) = os
        && info.os_name.as_deref() != Some(os)
        && !(os == "iOS" && info.os_name.as_deref() == Some("iPadOS"))
    {
        info.os_name = Some(os.to_owned());
        info.os_version = None;
        if let Some(p) = platform {
            used.insert("sec-ch-ua-platform", p.to_owned());
        }
    }
    if let Some(version) = header(headers, "sec-ch-ua-platform-version").and_then(sf_string) {
        let real = match info.os_name.as_deref() {
            Some("Windows") => {
                // Windows: platform version 13+ is Windows 11, 1–12 Windows 10
                // (0 is 7/8/8.1: keep what the UA said).
                match version.split('.').next().and_then(|m| m.parse::<u32>().ok()) {
                    Some(13..) => Some("11".to_owned()),
                    Some(1..=12) => Some("10".to_owned()),
                    _ => None,
                }
            }
            Some("macOS" | "Android" | "iOS" | "iPadOS" | "ChromeOS") => {
                sane_version(version).map(|v| trim_zeros(&v))
            }
            _ => None,
        };
        if let Some(real) = real {
            info.os_version = Some(real);
            used.insert("sec-ch-ua-platform-version", version.to_owned());
        }
    }
    if let Some(model) = header(headers, "sec-ch-ua-model")
        .and_then(sf_string)
        .and_then(clean_model)
    {
        info.device_model = Some(model.clone());
        used.insert("sec-ch-ua-model", model);
    }
    if let Some(mobile) = header(headers, "sec-ch-ua-mobile") {
        let is_mobile = match mobile {
            "?1" => Some(true),
            "?0" => Some(false),
            _ => None,
        };
        if let Some(is_mobile) = is_mobile
            && !info.is_native()
        {
            let before = info.device_type;
            info.device_type = match (is_mobile, info.os_name.as_deref()) {
                (true, _) => DeviceType::Smartphone,
                (false, Some("Android")) => DeviceType::Tablet,
                (false, _) if before == DeviceType::Unknown => DeviceType::Desktop,
                (false, _) => before,
            };
            if info.device_type != before {
                used.insert("sec-ch-ua-mobile", mobile.to_owned());
            }
        }
    }
    // Brand list: tells Brave/Edge/Opera apart from Chrome, with full versions.
    let list = header(headers, "sec-ch-ua-full-version-list")
        .map(|v| ("sec-ch-ua-full-version-list", v))
        .or_else(|| header(headers, "sec-ch-ua").map(|v| ("sec-ch-ua", v)));
    if let Some((header_name, value)) = list {
        let brands = brand_list(value);
        let named = brands.iter().find_map(|(brand, version)| {
            let name = match *brand {
                "Google Chrome" => "Chrome",
                "Microsoft Edge" => "Edge",
                "Brave" => "Brave",
                "Opera" => "Opera",
                "Opera GX" => "Opera GX",
                "YaBrowser" | "Yandex" => "Yandex Browser",
                "Samsung Internet" => "Samsung Internet",
                "Vivaldi" => "Vivaldi",
                "DuckDuckGo" => "DuckDuckGo",
                "Android WebView" => "Android WebView",
                _ => return None,
            };
            Some((name, *version))
        });
        if let Some((name, version)) = named {
            let changed_name = info.browser_name.as_deref() != Some(name);
            let longer = version.len() > info.browser_version.as_deref().map_or(0, str::len)
                && info
                    .browser_version
                    .as_deref()
                    .is_none_or(|v| version.starts_with(v.split('.').next().unwrap_or(v)));
            if changed_name || longer {
                info.browser_name = Some(name.to_owned());
                if let Some(v) = sane_version(version) {
                    info.browser_version = Some(v);
                }
                used.insert(header_name, value.to_owned());
            }
        }
    }
    if !used.is_empty() {
        info.client_hints = serde_json::to_string(&used).ok();
    }
}

/// "14.0.0" → "14", "14.5.0" → "14.5".
fn trim_zeros(v: &str) -> String {
    let mut parts: Vec<&str> = v.split('.').collect();
    while parts.len() > 1 && parts.last() == Some(&"0") {
        parts.pop();
    }
    parts.join(".")
}
