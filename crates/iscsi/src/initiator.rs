//! An iSCSI initiator over `std::net::TcpStream`: [`IscsiTransport`] delivers CDBs to one LUN
//! of a remote target as a [`discmaster_transport::Transport`].
//!
//! This is the only part of the crate that does IO; it drives the codec ([`crate::pdu`]), the
//! negotiation engine ([`crate::negotiation`]) and CHAP ([`crate::chap`]).
//!
//! Address: `iscsi://[USER%SECRET@]HOST[:PORT]/TARGET-NAME/LUN` ([`IscsiAddress`], port 3260 by
//! default, IPv6 hosts in brackets). CHAP credentials also come from the environment
//! ([`InitiatorConfig::from_env`]): `DISCMASTER_ISCSI_CHAP_USER` and
//! `DISCMASTER_ISCSI_CHAP_SECRET` (one-way), plus `DISCMASTER_ISCSI_CHAP_TARGET_USER` and
//! `DISCMASTER_ISCSI_CHAP_TARGET_SECRET` (mutual); `DISCMASTER_ISCSI_INITIATOR_NAME`;
//! `DISCMASTER_ISCSI_DIGEST` = `none`, `crc32c` (required), `prefer-crc32c` or `prefer-none`
//! (the default: offer `None,CRC32C`, the target picks).
//!
//! What a session does (RFC 7143):
//! - Login (§6, §11.12–§11.13): a security stage (AuthMethod; CHAP one-way or mutual,
//!   §12.1.3), then the operational stage with every key of §13 offered from
//!   [`InitiatorConfig`]; text that the target continues (C bit) is collected; a redirection
//!   (status class 1) is followed up to three times. Digests start after the final response.
//! - SCSI Command (§11.3) with Data-In (§11.7.2) collected at its Buffer Offset; the status
//!   comes from the SCSI Response (§11.4, sense data into
//!   [`discmaster_transport::Completion::sense`]) or from the
//!   final Data-In with the S bit. The residual is the U/O residual count (overflow gives 0);
//!   for reads it is at least the bytes not delivered.
//! - Data-Out (§11.7.1): immediate data (ImmediateData=Yes) and unsolicited Data-Out
//!   (InitialR2T=No) up to FirstBurstLength, then what each R2T (§11.8) asks for, every PDU at
//!   most the target's MaxRecvDataSegmentLength, DataSN restarting at 0 in each sequence.
//! - CmdSN window (§4.2.2.1): a command waits while CmdSN is beyond MaxCmdSN.
//! - NOP-In with a Target Transfer Tag (§11.19) is answered with a NOP-Out echoing it and its
//!   ping data, at any time a response is awaited and before every command; an optional
//!   keepalive ([`InitiatorConfig::keepalive_idle`]) pings a connection idle that long before
//!   the next command; [`IscsiTransport::ping`] pings on demand.
//! - Timeout: when the command's deadline passes, ABORT TASK (§11.5) is sent; when the target
//!   does not confirm it within [`InitiatorConfig::abort_timeout`], the connection is reset.
//!   Either way the command returns [`TransportError::Timeout`].
//! - Lost connection: EOF or a socket error while a command is outstanding gives
//!   [`TransportError::DeviceGone`]; a protocol violation (bad digest, malformed PDU, Reject
//!   of our command) gives [`TransportError::Host`] and resets the connection (ErrorRecoveryLevel
//!   0, §7.1.5). The next command logs in again first (a new session: the target reports its
//!   reset as a UNIT ATTENTION); if that fails, it gets `DeviceGone` (or `Timeout`).
//! - Drop: Logout (reason "close the session", §11.14) with [`InitiatorConfig::logout_timeout`].
//!
//! Invariants: every socket read and write runs under a timeout derived from the command's
//! deadline, so no call blocks longer than its timeout plus the abort grace; no input from the
//! target panics; the codec modules stay free of IO.

mod address;
mod connection;
mod login;
mod random;
mod session;
mod transport;

use std::io;
use std::time::Duration;

pub use address::IscsiAddress;
pub use transport::IscsiTransport;

use discmaster_transport::TransportError;

use crate::chap::{ChapCredentials, ChapError, ChapSecret};
use crate::negotiation::{DigestKind, NegotiationError};
use crate::pdu::LoginStatus;
use crate::StatusClass;

/// Environment variable: the CHAP name the initiator authenticates with.
pub const ENV_CHAP_USER: &str = "DISCMASTER_ISCSI_CHAP_USER";
/// Environment variable: the CHAP secret the initiator authenticates with.
pub const ENV_CHAP_SECRET: &str = "DISCMASTER_ISCSI_CHAP_SECRET";
/// Environment variable: the CHAP name the target must answer with (mutual CHAP).
pub const ENV_CHAP_TARGET_USER: &str = "DISCMASTER_ISCSI_CHAP_TARGET_USER";
/// Environment variable: the CHAP secret the target must answer with (mutual CHAP).
pub const ENV_CHAP_TARGET_SECRET: &str = "DISCMASTER_ISCSI_CHAP_TARGET_SECRET";
/// Environment variable: the InitiatorName (an `iqn.` name).
pub const ENV_INITIATOR_NAME: &str = "DISCMASTER_ISCSI_INITIATOR_NAME";
/// Environment variable: digest policy, `none`, `crc32c`, `prefer-crc32c` or `prefer-none`.
pub const ENV_DIGEST: &str = "DISCMASTER_ISCSI_DIGEST";

/// CHAP settings of the initiator: one-way (the target checks us) and, optionally, mutual
/// (we check the target too).
///
/// Spec: RFC 7143 §12.1.3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapConfig {
    /// Our CHAP_N and secret.
    pub credentials: ChapCredentials,
    /// The target's CHAP_N and secret for mutual CHAP. With it, only `AuthMethod=CHAP` is
    /// offered, so a target cannot skip authentication.
    pub mutual: Option<ChapCredentials>,
}

/// What the initiator offers at login and how long it waits.
///
/// Negotiated keys (RFC 7143 §13) are what we *offer*; the result is the key's result
/// function of our value and the target's (see [`crate::negotiation`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitiatorConfig {
    /// InitiatorName (§13.5), an `iqn.`/`eui.`/`naa.` name.
    pub initiator_name: String,
    /// CHAP, or `None` for AuthMethod=None.
    pub chap: Option<ChapConfig>,
    /// HeaderDigest values offered, in order of preference (§13.1).
    pub header_digests: Vec<DigestKind>,
    /// DataDigest values offered, in order of preference (§13.1).
    pub data_digests: Vec<DigestKind>,
    /// MaxRecvDataSegmentLength we declare (§13.12), bytes, 512–16777215.
    pub max_recv_data_segment_length: u32,
    /// MaxBurstLength offered (§13.13), bytes.
    pub max_burst_length: u32,
    /// FirstBurstLength offered (§13.14), bytes, at most `max_burst_length`.
    pub first_burst_length: u32,
    /// InitialR2T offered (§13.10); `false` allows unsolicited Data-Out.
    pub initial_r2t: bool,
    /// ImmediateData offered (§13.11).
    pub immediate_data: bool,
    /// TCP connect timeout.
    pub connect_timeout: Duration,
    /// Whole-login timeout (all Login Request/Response exchanges).
    pub login_timeout: Duration,
    /// How long to wait for the Task Management Response to ABORT TASK after a command
    /// timed out, before the connection is reset.
    pub abort_timeout: Duration,
    /// How long to wait for the Logout Response when closing.
    pub logout_timeout: Duration,
    /// Ping (NOP-Out) a connection idle at least this long before sending the next command,
    /// and log in again when the ping fails; `None` disables it.
    pub keepalive_idle: Option<Duration>,
}

impl Default for InitiatorConfig {
    fn default() -> Self {
        InitiatorConfig {
            initiator_name: default_initiator_name(),
            chap: None,
            header_digests: vec![DigestKind::None, DigestKind::Crc32c],
            data_digests: vec![DigestKind::None, DigestKind::Crc32c],
            max_recv_data_segment_length: 262_144,
            max_burst_length: 262_144,
            first_burst_length: 65_536,
            initial_r2t: false,
            immediate_data: true,
            connect_timeout: Duration::from_secs(10),
            login_timeout: Duration::from_secs(15),
            abort_timeout: Duration::from_secs(5),
            logout_timeout: Duration::from_secs(2),
            keepalive_idle: Some(Duration::from_secs(30)),
        }
    }
}

impl InitiatorConfig {
    /// The defaults with the environment applied (see the module doc for the variables).
    ///
    /// # Errors
    /// [`InitiatorError::InvalidConfig`] for an unknown `DISCMASTER_ISCSI_DIGEST` value, a CHAP
    /// user without a secret (or the reverse), an empty secret, or target credentials without
    /// initiator credentials.
    pub fn from_env() -> Result<InitiatorConfig, InitiatorError> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let mut config = InitiatorConfig::default();
        if let Some(name) = var(ENV_INITIATOR_NAME) {
            config.initiator_name = name;
        }
        if let Some(policy) = var(ENV_DIGEST) {
            let list = digest_policy(&policy).ok_or_else(|| {
                InitiatorError::InvalidConfig(format!(
                    "{ENV_DIGEST}={policy:?}: expected none, crc32c, prefer-crc32c or prefer-none"
                ))
            })?;
            config.header_digests = list.clone();
            config.data_digests = list;
        }
        let own = credentials(
            var(ENV_CHAP_USER),
            var(ENV_CHAP_SECRET),
            ENV_CHAP_USER,
            ENV_CHAP_SECRET,
        )?;
        let target = credentials(
            var(ENV_CHAP_TARGET_USER),
            var(ENV_CHAP_TARGET_SECRET),
            ENV_CHAP_TARGET_USER,
            ENV_CHAP_TARGET_SECRET,
        )?;
        config.chap = match (own, target) {
            (Some(credentials), mutual) => Some(ChapConfig {
                credentials,
                mutual,
            }),
            (None, Some(_)) => {
                return Err(InitiatorError::InvalidConfig(format!(
                "{ENV_CHAP_TARGET_USER} needs {ENV_CHAP_USER} and {ENV_CHAP_SECRET} (mutual CHAP \
                     is on top of one-way CHAP)"
            )))
            }
            (None, None) => None,
        };
        Ok(config)
    }

    /// Applies the CHAP user and secret of an address (`iscsi://USER%SECRET@…`), which take
    /// precedence over the environment's one-way credentials; mutual settings are kept.
    ///
    /// # Errors
    /// [`InitiatorError::InvalidConfig`] for a user without a secret or an empty secret.
    pub fn with_address_credentials(
        mut self,
        address: &IscsiAddress,
    ) -> Result<InitiatorConfig, InitiatorError> {
        let user = address.chap_user.clone();
        let secret = address.chap_secret().map(|s| s.to_string());
        if let Some(credentials) = credentials(user, secret, "URL user", "URL secret")? {
            let mutual = self.chap.take().and_then(|c| c.mutual);
            self.chap = Some(ChapConfig {
                credentials,
                mutual,
            });
        }
        Ok(self)
    }
}

fn digest_policy(value: &str) -> Option<Vec<DigestKind>> {
    match value.to_ascii_lowercase().as_str() {
        "none" => Some(vec![DigestKind::None]),
        "crc32c" => Some(vec![DigestKind::Crc32c]),
        "prefer-crc32c" => Some(vec![DigestKind::Crc32c, DigestKind::None]),
        "prefer-none" => Some(vec![DigestKind::None, DigestKind::Crc32c]),
        _ => None,
    }
}

fn credentials(
    user: Option<String>,
    secret: Option<String>,
    user_name: &str,
    secret_name: &str,
) -> Result<Option<ChapCredentials>, InitiatorError> {
    match (user, secret) {
        (None, None) => Ok(None),
        (Some(name), Some(secret)) => {
            let secret = ChapSecret::new(secret.into_bytes())
                .map_err(|e| InitiatorError::InvalidConfig(format!("{secret_name}: {e}")))?;
            Ok(Some(ChapCredentials { name, secret }))
        }
        (Some(_), None) => Err(InitiatorError::InvalidConfig(format!(
            "{user_name} is set but {secret_name} is not"
        ))),
        (None, Some(_)) => Err(InitiatorError::InvalidConfig(format!(
            "{secret_name} is set but {user_name} is not"
        ))),
    }
}

/// `iqn.2024-01.org.discmaster:HOSTNAME` (the host name from `/proc/sys/kernel/hostname`,
/// reduced to lowercase letters, digits, `-` and `.`), or `…:initiator` without one.
///
/// Spec: RFC 7143 §4.2.7.1 (iqn. names).
pub fn default_initiator_name() -> String {
    let host: String = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'))
        .collect();
    let host = if host.is_empty() {
        "initiator".to_string()
    } else {
        host
    };
    format!("iqn.2024-01.org.discmaster:{host}")
}

/// Why connecting or logging in failed, in the categories a caller maps to codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InitiatorErrorKind {
    /// The address or configuration is malformed.
    InvalidAddress,
    /// The target did not answer in time.
    Timeout,
    /// The portal is unreachable, the connection dropped, or the target does not exist.
    Unreachable,
    /// The target refused our credentials, or failed mutual CHAP.
    AuthenticationFailed,
    /// Anything else: a refused login, a negotiation or protocol failure.
    Failed,
}

/// Connecting to a target or logging in failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InitiatorError {
    /// The `iscsi://` address does not parse.
    #[error("invalid iSCSI address {address:?}: {reason}")]
    InvalidAddress {
        /// The address as given (without a secret).
        address: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The configuration (environment) is inconsistent.
    #[error("iSCSI initiator configuration: {0}")]
    InvalidConfig(String),
    /// The TCP connection could not be made.
    #[error("cannot connect to iSCSI portal {portal}: {source}")]
    Connect {
        /// `host:port`.
        portal: String,
        /// The socket error.
        #[source]
        source: io::Error,
    },
    /// A step did not finish in time.
    #[error("iSCSI {during} timed out after {after:?}")]
    Timeout {
        /// What was going on.
        during: &'static str,
        /// The time allowed.
        after: Duration,
    },
    /// The connection closed or failed.
    #[error("iSCSI connection lost during {during}: {reason}")]
    ConnectionLost {
        /// What was going on.
        during: &'static str,
        /// The socket error or "closed by the target".
        reason: String,
    },
    /// The Login Response carried a non-success status.
    #[error("iSCSI login refused: {} (status {:04x}h)", .status.name(), .status.0)]
    LoginRefused {
        /// Status-Class and Status-Detail.
        status: LoginStatus,
    },
    /// The target redirected us more often than we follow.
    #[error("iSCSI login redirected too often (last to {address})")]
    Redirected {
        /// The last TargetAddress.
        address: String,
    },
    /// Operational or security key negotiation failed.
    #[error("iSCSI login negotiation: {0}")]
    Negotiation(#[from] NegotiationError),
    /// CHAP failed on our side (bad challenge, or the target failed mutual CHAP).
    #[error("iSCSI CHAP: {0}")]
    Chap(#[from] ChapError),
    /// The target broke the protocol.
    #[error("iSCSI protocol error: {0}")]
    Protocol(String),
}

impl InitiatorError {
    /// The category of the failure.
    pub fn kind(&self) -> InitiatorErrorKind {
        match self {
            InitiatorError::InvalidAddress { .. } | InitiatorError::InvalidConfig(_) => {
                InitiatorErrorKind::InvalidAddress
            }
            InitiatorError::Timeout { .. } => InitiatorErrorKind::Timeout,
            InitiatorError::Connect { .. } | InitiatorError::ConnectionLost { .. } => {
                InitiatorErrorKind::Unreachable
            }
            InitiatorError::LoginRefused { status } => match *status {
                LoginStatus::AUTHENTICATION_FAILURE | LoginStatus::AUTHORIZATION_FAILURE => {
                    InitiatorErrorKind::AuthenticationFailed
                }
                LoginStatus::NOT_FOUND | LoginStatus::TARGET_REMOVED => {
                    InitiatorErrorKind::Unreachable
                }
                s if s.class() == StatusClass::TargetError => InitiatorErrorKind::Unreachable,
                _ => InitiatorErrorKind::Failed,
            },
            InitiatorError::Chap(_) => InitiatorErrorKind::AuthenticationFailed,
            InitiatorError::Redirected { .. }
            | InitiatorError::Negotiation(_)
            | InitiatorError::Protocol(_) => InitiatorErrorKind::Failed,
        }
    }

    /// The [`TransportError`] a command gets when logging in again before it fails this way.
    pub fn into_transport_error(self) -> TransportError {
        match self {
            InitiatorError::Timeout { after, .. } => TransportError::Timeout(after),
            other => TransportError::DeviceGone(other.to_string()),
        }
    }
}
