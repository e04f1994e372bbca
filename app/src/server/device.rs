//! Device intelligence: turns a user agent (and client headers) into a name a
//! person recognises, such as "Chrome 137 on macOS".

use std::sync::LazyLock;

use crate::types::DeviceType;

/// What we know about the device behind a request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Browser name, e.g. "Chrome".
    pub browser_name: Option<String>,
    /// Browser version, e.g. "137.0.0.0".
    pub browser_version: Option<String>,
    /// OS name, e.g. "macOS".
    pub os_name: Option<String>,
    /// OS version, when it is real (frozen versions are dropped).
    pub os_version: Option<String>,
    /// Kind of device.
    pub device_type: DeviceType,
    /// Hardware model, e.g. "iPhone15,2".
    pub device_model: Option<String>,
    /// Native app name.
    pub app_name: Option<String>,
    /// Native app version.
    pub app_version: Option<String>,
    /// Native app build.
    pub app_build: Option<String>,
}

static PARSER: LazyLock<woothee::parser::Parser> = LazyLock::new(woothee::parser::Parser::new);

fn known(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty() && s != woothee::woothee::VALUE_UNKNOWN).then(|| s.to_owned())
}

impl DeviceInfo {
    /// Parses a user agent. Never panics; garbage gives an unknown device.
    pub fn parse(user_agent: &str) -> Self {
        let ua = user_agent.trim();
        if ua.is_empty() {
            return Self::default();
        }
        let Some(r) = PARSER.parse(ua) else {
            return Self::default();
        };
        let mut info = Self {
            browser_name: known(r.name),
            browser_version: known(r.version),
            ..Self::default()
        };
        let (os_name, os_version) = normalize_os(r.os, &r.os_version);
        info.os_name = os_name;
        info.os_version = os_version;
        info.device_type = match r.category {
            "pc" => DeviceType::Desktop,
            "smartphone" | "mobilephone" => {
                if r.os == "iPad" || (r.os == "Android" && !ua.contains("Mobile")) {
                    DeviceType::Tablet
                } else {
                    DeviceType::Smartphone
                }
            }
            "crawler" => DeviceType::Bot,
            _ => DeviceType::Unknown,
        };
        if info.device_type == DeviceType::Bot {
            info.os_name = None;
            info.os_version = None;
        }
        info
    }

    /// The display name: "Chrome 137 on macOS", "MyApp 2.4.1 on iPhone15,2 (iOS 19.5)",
    /// or "Unknown device".
    pub fn display_name(&self) -> String {
        let os = match (&self.os_name, &self.os_version) {
            (Some(name), Some(version)) => Some(format!("{name} {version}")),
            (Some(name), None) => Some(name.clone()),
            _ => None,
        };
        if let Some(app) = &self.app_name {
            let app = match &self.app_version {
                Some(v) => format!("{app} {v}"),
                None => app.clone(),
            };
            return match (&self.device_model, os) {
                (Some(model), Some(os)) => format!("{app} on {model} ({os})"),
                (Some(model), None) => format!("{app} on {model}"),
                (None, Some(os)) => format!("{app} on {os}"),
                (None, None) => app,
            };
        }
        let browser = self.browser_name.as_ref().map(|name| {
            match self
                .browser_version
                .as_deref()
                .and_then(|v| v.split('.').next())
                .filter(|v| !v.is_empty())
            {
                Some(major) => format!("{name} {major}"),
                None => name.clone(),
            }
        });
        let os_short = self.os_name.clone();
        match (browser, os_short) {
            (Some(b), Some(os)) => format!("{b} on {os}"),
            (Some(b), None) => b,
            (None, Some(os)) => os,
            (None, None) => "Unknown device".to_owned(),
        }
    }
}

/// Maps woothee's OS vocabulary to the names people use, dropping versions
/// that browsers freeze (macOS 10.15.7, Windows NT 10.0, Android 10).
fn normalize_os(os: &str, version: &str) -> (Option<String>, Option<String>) {
    let version = known(version);
    match os {
        "Mac OSX" => (
            Some("macOS".into()),
            version
                .filter(|v| v != "10.15.7" && v != "10_15_7")
                .map(|v| v.replace('_', ".")),
        ),
        "iPhone" | "iPod" => (Some("iOS".into()), version.map(|v| v.replace('_', "."))),
        "iPad" => (Some("iPadOS".into()), version.map(|v| v.replace('_', "."))),
        "Android" => (Some("Android".into()), version.filter(|v| v != "10")),
        "Windows 10" | "Windows 11" => (Some("Windows".into()), None),
        "Windows 8.1" => (Some("Windows".into()), Some("8.1".into())),
        "Windows 8" => (Some("Windows".into()), Some("8".into())),
        "Windows 7" => (Some("Windows".into()), Some("7".into())),
        "ChromeOS" => (Some("ChromeOS".into()), None),
        "Linux" => (Some("Linux".into()), None),
        other if other.starts_with("Windows") => (Some("Windows".into()), None),
        other => (known(other), version),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_browsers_read_naturally() {
        let cases = [
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36",
                "Chrome 137 on macOS",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:139.0) Gecko/20100101 Firefox/139.0",
                "Firefox 139 on Windows",
            ),
        ];
        for (ua, name) in cases {
            assert_eq!(DeviceInfo::parse(ua).display_name(), name, "{ua}");
        }
    }

    #[test]
    fn case28_garbage_and_huge_user_agents_are_unknown_devices() {
        assert_eq!(DeviceInfo::parse("").display_name(), "Unknown device");
        assert_eq!(
            DeviceInfo::parse("\u{0}\u{1}}}}{{").display_name(),
            "Unknown device"
        );
        let huge = "A".repeat(100 * 1024);
        assert_eq!(DeviceInfo::parse(&huge).display_name(), "Unknown device");
    }
}
