//! SendTargets: the discovery request and the TargetName/TargetAddress list it returns.
//!
//! Shape of a response: `TargetName=<name>` followed by zero or more
//! `TargetAddress=<host>[:<port>][,<portal group tag>]`, repeated per target; an IPv6 host is
//! bracketed (`[2001:db8::1]:3260,1`). Spec: RFC 7143 §13.3 (SendTargets), §13.8
//! (TargetAddress), Appendix C (SendTargets operation).

use crate::text::{parse_number, TextError, TextParameters};

/// The IANA-assigned iSCSI TCP port, used when a TargetAddress has none.
pub const DEFAULT_PORT: u16 = 3260;

/// The value of a `SendTargets` key in a Text Request.
///
/// Spec: RFC 7143 §13.3.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SendTargetsRequest {
    /// `SendTargets=All` (discovery session): every target the initiator may see.
    All,
    /// `SendTargets=<iSCSI-target-name>`: one target.
    Target(String),
    /// `SendTargets=` (empty, normal session): the target of this session.
    CurrentTarget,
}

impl SendTargetsRequest {
    /// Parses the key's value.
    pub fn parse(value: &str) -> SendTargetsRequest {
        match value {
            "All" => SendTargetsRequest::All,
            "" => SendTargetsRequest::CurrentTarget,
            name => SendTargetsRequest::Target(name.to_string()),
        }
    }

    /// The key's value.
    pub fn value(&self) -> &str {
        match self {
            SendTargetsRequest::All => "All",
            SendTargetsRequest::Target(name) => name,
            SendTargetsRequest::CurrentTarget => "",
        }
    }

    /// The request as a one-pair text list.
    pub fn to_text(&self) -> TextParameters {
        let mut t = TextParameters::new();
        t.push("SendTargets", self.value());
        t
    }
}

/// A TargetAddress value: a portal where the target can be reached.
///
/// Shape: `host[:port][,portal-group-tag]`, host a DNS name, dotted IPv4 address or bracketed
/// IPv6 address. Spec: RFC 7143 §13.8.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TargetAddress {
    /// Host name or address (IPv6 without the brackets).
    pub host: String,
    /// TCP port, if given.
    pub port: Option<u16>,
    /// Portal group tag, if given.
    pub portal_group_tag: Option<u16>,
}

impl TargetAddress {
    /// The port, or [`DEFAULT_PORT`].
    pub fn port_or_default(&self) -> u16 {
        self.port.unwrap_or(DEFAULT_PORT)
    }

    /// Parses a TargetAddress value.
    ///
    /// # Errors
    /// [`TextError::InvalidValue`] for an empty host, an unclosed `[`, or a port or tag that is
    /// not a number in 0..=65535.
    pub fn parse(value: &str) -> Result<TargetAddress, TextError> {
        let invalid = |expected| TextError::InvalidValue {
            value: value.to_string(),
            expected,
        };
        let (address, tag) = match value.rsplit_once(',') {
            Some((a, t)) => (a, Some(t)),
            None => (value, None),
        };
        let (host, port) = if let Some(rest) = address.strip_prefix('[') {
            let (h, after) = rest
                .split_once(']')
                .ok_or_else(|| invalid("a closing ']' after an IPv6 address"))?;
            match after {
                "" => (h, None),
                _ => (
                    h,
                    Some(
                        after
                            .strip_prefix(':')
                            .ok_or_else(|| invalid("':' after ']'"))?,
                    ),
                ),
            }
        } else {
            match address.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (address, None),
            }
        };
        if host.is_empty() {
            return Err(invalid("a host name or address"));
        }
        let number = |s: &str| -> Result<u16, TextError> {
            parse_number(s)
                .ok()
                .and_then(|n| u16::try_from(n).ok())
                .ok_or_else(|| invalid("a port and portal group tag in 0..=65535"))
        };
        Ok(TargetAddress {
            host: host.to_string(),
            port: port.map(number).transpose()?,
            portal_group_tag: tag.map(number).transpose()?,
        })
    }

    /// The value as sent (IPv6 hosts, recognised by a `:`, are bracketed).
    pub fn emit(&self) -> String {
        let mut s = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if let Some(p) = self.port {
            s.push_str(&format!(":{p}"));
        }
        if let Some(t) = self.portal_group_tag {
            s.push_str(&format!(",{t}"));
        }
        s
    }
}

/// One target of a SendTargets response.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DiscoveredTarget {
    /// TargetName.
    pub target_name: String,
    /// Its TargetAddress values, in order.
    pub addresses: Vec<TargetAddress>,
}

/// Parses a SendTargets response (the concatenated text of the Text Responses).
///
/// Keys other than TargetName and TargetAddress are ignored. Spec: RFC 7143 §13.3.
///
/// # Errors
/// [`TextError::InvalidValue`] for a TargetAddress before any TargetName or a malformed
/// TargetAddress.
pub fn parse_send_targets_response(
    text: &TextParameters,
) -> Result<Vec<DiscoveredTarget>, TextError> {
    let mut out: Vec<DiscoveredTarget> = Vec::new();
    for (key, value) in text.iter() {
        match key {
            "TargetName" => out.push(DiscoveredTarget {
                target_name: value.to_string(),
                addresses: Vec::new(),
            }),
            "TargetAddress" => {
                let address = TargetAddress::parse(value)?;
                let Some(target) = out.last_mut() else {
                    return Err(TextError::InvalidValue {
                        value: value.to_string(),
                        expected: "a TargetName before the first TargetAddress",
                    });
                };
                target.addresses.push(address);
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Emits a SendTargets response for `targets` (target side).
pub fn emit_send_targets_response(targets: &[DiscoveredTarget]) -> TextParameters {
    let mut t = TextParameters::new();
    for target in targets {
        t.push("TargetName", target.target_name.clone());
        for a in &target.addresses {
            t.push("TargetAddress", a.emit());
        }
    }
    t
}
