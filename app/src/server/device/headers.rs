//! Layer 4: `X-Client-*` headers (validated; they win).

use super::{
    DeviceInfo, DeviceType,
    native::{Field, classify_field},
    tokens::sane_version,
};

pub(super) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty() && v.len() <= 256)
}

pub(super) fn apply_client_headers(info: &mut DeviceInfo, headers: &[(String, String)]) {
    if info.device_type == DeviceType::Bot {
        return;
    }
    let platform = header(headers, "x-client-platform").and_then(|p| match p.to_ascii_lowercase().as_str() {
        "ios" | "ipados" => Some(DeviceType::NativeIos),
        "android" => Some(DeviceType::NativeAndroid),
        _ => None,
    });
    if let Some(platform) = platform {
        let os = if platform == DeviceType::NativeAndroid {
            "Android"
        } else {
            "iOS"
        };
        if info.device_type != platform || info.os_name.is_none() {
            let same_family = matches!(
                (platform, info.os_name.as_deref()),
                (DeviceType::NativeIos, Some("iOS" | "iPadOS"))
                    | (DeviceType::NativeAndroid, Some("Android"))
            );
            if !same_family {
                info.os_name = Some(os.to_owned());
                info.os_version = None;
                info.device_model = None;
            }
        }
        info.device_type = platform;
    }
    if !info.is_native() {
        return;
    }
    if let Some(v) = header(headers, "x-client-version").and_then(sane_version) {
        info.app_version = Some(v);
    }
    if let Some(b) = header(headers, "x-client-build").filter(|b| {
        b.len() <= 32
            && b.bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"._-".contains(&c))
    }) {
        info.app_build = Some(b.to_owned());
    }
    if let Some(os) = header(headers, "x-client-os") {
        // "17.4", "iOS 17.4" or "Android 14".
        match classify_field(os) {
            Field::Os(name, v) => {
                let fits = matches!(
                    (info.device_type, name),
                    (DeviceType::NativeIos, "iOS" | "iPadOS") | (DeviceType::NativeAndroid, "Android")
                );
                if fits {
                    info.os_name = Some(name.to_owned());
                    info.os_version = Some(v);
                }
            }
            _ => {
                if let Some(v) = sane_version(os) {
                    info.os_version = Some(v);
                }
            }
        }
    }
}
