//! The `iscsi://` drive address.

use std::fmt;

use super::InitiatorError;
use crate::header::Lun;

/// One LUN of an iSCSI target: `iscsi://[USER%SECRET@]HOST[:PORT]/TARGET-NAME/LUN`.
///
/// Shape: HOST is a name, an IPv4 address or an IPv6 address in brackets; PORT defaults to
/// 3260 (RFC 7143 §13.8 well-known port); TARGET-NAME is the iSCSI name (`iqn.…`, `eui.…`,
/// `naa.…`, RFC 7143 §4.2.7); LUN is decimal, 0–16383 (single-level LUN, SAM-5 §4.7). The
/// optional user info carries a CHAP name and secret separated by `%`, as libiscsi's URLs do.
///
/// `Display` and `Debug` never show the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct IscsiAddress {
    /// Host name or address (IPv6 without brackets).
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// TargetName.
    pub target_name: String,
    /// LUN index.
    pub lun: u16,
    /// CHAP name from the user info.
    pub chap_user: Option<String>,
    chap_secret: Option<String>,
}

impl IscsiAddress {
    /// The iSCSI well-known port.
    pub const DEFAULT_PORT: u16 = 3260;

    /// Parses `iscsi://[USER%SECRET@]HOST[:PORT]/TARGET-NAME/LUN`.
    ///
    /// # Errors
    /// [`InitiatorError::InvalidAddress`] naming what is wrong: not `iscsi://`, an empty host,
    /// a bad port, a missing or malformed target name, a LUN that is not a number below 16384,
    /// or user info without `%SECRET`.
    pub fn parse(address: &str) -> Result<IscsiAddress, InitiatorError> {
        let invalid = |reason| InitiatorError::InvalidAddress {
            address: redact(address),
            reason,
        };
        let rest = strip_prefix_ignore_case(address, "iscsi://")
            .ok_or_else(|| invalid("does not start with iscsi://"))?;
        let (authority, path) = rest
            .split_once('/')
            .ok_or_else(|| invalid("missing /TARGET-NAME/LUN"))?;
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let (chap_user, chap_secret) = match userinfo {
            None => (None, None),
            Some(u) => {
                let (user, secret) = u
                    .split_once('%')
                    .ok_or_else(|| invalid("user info must be USER%SECRET"))?;
                if user.is_empty() || secret.is_empty() {
                    return Err(invalid("user info must be USER%SECRET, both non-empty"));
                }
                (Some(user.to_string()), Some(secret.to_string()))
            }
        };
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            let (host, after) = v6
                .split_once(']')
                .ok_or_else(|| invalid("unclosed [ in an IPv6 host"))?;
            let port = match after {
                "" => None,
                p => Some(
                    p.strip_prefix(':')
                        .ok_or_else(|| invalid("junk after the IPv6 host"))?,
                ),
            };
            (host, port)
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (hostport, None),
            }
        };
        if host.is_empty() {
            return Err(invalid("empty host"));
        }
        if host.contains(|c: char| c.is_whitespace() || c == '/' || c == '@') {
            return Err(invalid("host contains whitespace, / or @"));
        }
        let port = match port {
            None => IscsiAddress::DEFAULT_PORT,
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|&p| p != 0)
                .ok_or_else(|| invalid("port is not a number in 1..=65535"))?,
        };
        let (target_name, lun) = path
            .rsplit_once('/')
            .ok_or_else(|| invalid("missing /LUN after the target name"))?;
        if target_name.is_empty() {
            return Err(invalid("empty target name"));
        }
        if target_name.contains('/')
            || target_name
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(invalid(
                "target name contains /, whitespace or control characters",
            ));
        }
        if target_name.len() > 223 {
            return Err(invalid("target name longer than 223 bytes"));
        }
        let lun = lun
            .parse::<u16>()
            .ok()
            .filter(|&l| Lun::from_index(l).is_some())
            .ok_or_else(|| invalid("LUN is not a decimal number in 0..=16383"))?;
        Ok(IscsiAddress {
            host: host.to_string(),
            port,
            target_name: target_name.to_string(),
            lun,
            chap_user,
            chap_secret,
        })
    }

    /// The CHAP secret from the user info.
    pub fn chap_secret(&self) -> Option<&str> {
        self.chap_secret.as_deref()
    }

    /// `HOST:PORT` for connecting (`[v6]:PORT` for IPv6 hosts).
    pub fn portal(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// The 8-byte LUN field for the PDUs.
    pub fn lun_field(&self) -> Lun {
        Lun::from_index(self.lun).unwrap_or(Lun::ZERO)
    }
}

impl fmt::Display for IscsiAddress {
    /// `iscsi://[USER@]HOST:PORT/TARGET-NAME/LUN`, without the secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "iscsi://")?;
        if let Some(user) = &self.chap_user {
            write!(f, "{user}@")?;
        }
        write!(f, "{}/{}/{}", self.portal(), self.target_name, self.lun)
    }
}

impl fmt::Debug for IscsiAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IscsiAddress")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("target_name", &self.target_name)
            .field("lun", &self.lun)
            .field("chap_user", &self.chap_user)
            .field(
                "chap_secret",
                &self.chap_secret.as_ref().map(|_| "<hidden>"),
            )
            .finish()
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// The address with any `%SECRET` in the user info replaced by `%***`.
pub(crate) fn redact(address: &str) -> String {
    let Some(scheme_end) = address.find("://").map(|i| i + 3) else {
        return address.to_string();
    };
    let authority_end = address[scheme_end..]
        .find('/')
        .map_or(address.len(), |i| scheme_end + i);
    let authority = &address[scheme_end..authority_end];
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once('%').map_or(userinfo, |(u, _)| u);
            format!(
                "{}{user}%***@{host}{}",
                &address[..scheme_end],
                &address[authority_end..]
            )
        }
        None => address.to_string(),
    }
}
