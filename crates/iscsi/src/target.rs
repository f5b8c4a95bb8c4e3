//! An iSCSI target that exports one SCSI logical unit — any [`Transport`], in practice the
//! emulated MMC recorder — as LUN 0 over TCP. The only module of this crate that does IO
//! (`std::net`, one thread per connection); the protocol rules live in pure submodules:
//!
//! * `login`: the Login Phase (text negotiation, CHAP, stage transitions);
//! * `session`: Full Feature Phase (SCSI Command, R2T/Data-Out, Data-In with status, SCSI
//!   Response with sense, NOP-In answers, Text/SendTargets, task management, Logout);
//! * `lu`: the shared logical unit and the per-I_T-nexus rules (unit attentions, PREVENT
//!   ALLOW MEDIUM REMOVAL, the medium belonging to the preventing initiator) — see its doc;
//! * `connection`: the socket loop of one connection.
//!
//! Security policy: [`TargetConfig::validate`] refuses a listen address that is not loopback
//! unless a CHAP account is configured ([`TargetError::UnauthenticatedRemote`]), and a CHAP
//! secret shorter than 12 bytes (RFC 7143 §9.2.1 forbids CHAP secrets under 96 bits without
//! IPsec). With an account, every session (discovery too) must pass CHAP; a wrong secret ends
//! the login with status 0201h authentication failure. Mutual CHAP is not offered.
//!
//! Several initiators may be logged in at once; every command holds the logical unit's lock
//! for its duration, so commands never interleave inside the device. Stopping
//! ([`StopHandle::stop`]) closes every connection, joins every thread and hands the device
//! back from [`Target::run`], so its owner can save it (the emulated drive saves on drop).
//!
//! Limits (documented choices): one connection per session (MaxConnections = 1, TSIH ≠ 0
//! logins are refused), ErrorRecoveryLevel 0, MaxOutstandingR2T 1, at most
//! [`MAX_CONNECTIONS`] connections, a login must complete within [`LOGIN_TIMEOUT`].
//!
//! Spec: RFC 7143 (iSCSI), `mmc.md` §1.29 for PREVENT ALLOW MEDIUM REMOVAL.

mod connection;
mod login;
mod lu;
mod session;

use std::fmt;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use discmaster_transport::{ScsiStatus, Transport};

use crate::chap::ChapCredentials;
use crate::pdu::LoginStatus;

pub use session::MAX_TRANSFER_BYTES;

/// Most connections served at once; further ones are closed right after accept.
pub const MAX_CONNECTIONS: usize = 64;

/// Time a connection has to complete its login.
pub const LOGIN_TIMEOUT: Duration = Duration::from_secs(30);

/// Shortest CHAP secret accepted, bytes (RFC 7143 §9.2.1: 96 bits without IPsec).
pub const MIN_CHAP_SECRET_LEN: usize = 12;

/// The TargetPortalGroupTag of the one portal.
pub const PORTAL_GROUP_TAG: u16 = 1;

/// What the target serves and how.
///
/// [`TargetConfig::new`] fills the defaults: no alias, no CHAP,
/// MaxRecvDataSegmentLength 256 KiB, MaxBurstLength 256 KiB, FirstBurstLength 64 KiB, no
/// command trace.
#[derive(Debug, Clone)]
pub struct TargetConfig {
    /// The target's iSCSI name (`iqn.…`, `eui.…` or `naa.…`). Spec: RFC 7143 §4.2.7.
    pub target_name: String,
    /// TargetAlias sent at login.
    pub target_alias: Option<String>,
    /// Address and port to listen on (port 0: any free port).
    pub listen: SocketAddr,
    /// The account initiators must authenticate with (one-way CHAP).
    pub chap: Option<ChapCredentials>,
    /// MaxRecvDataSegmentLength the target declares, bytes (512–2²⁴−1).
    pub max_recv_data_segment_length: u32,
    /// MaxBurstLength the target accepts at most, bytes (512–2²⁴−1).
    pub max_burst_length: u32,
    /// FirstBurstLength the target accepts at most, bytes (512–MaxBurstLength).
    pub first_burst_length: u32,
    /// Report every command as a [`TargetEvent::Command`].
    pub trace_commands: bool,
}

impl TargetConfig {
    /// A configuration with the defaults listed on the type.
    pub fn new(target_name: impl Into<String>, listen: SocketAddr) -> TargetConfig {
        TargetConfig {
            target_name: target_name.into(),
            target_alias: None,
            listen,
            chap: None,
            max_recv_data_segment_length: 262_144,
            max_burst_length: 262_144,
            first_burst_length: 65_536,
            trace_commands: false,
        }
    }

    /// Checks the name, the security policy and the numbers.
    ///
    /// # Errors
    /// [`TargetError::InvalidName`], [`TargetError::UnauthenticatedRemote`] (not loopback and
    /// no CHAP), [`TargetError::ChapSecretTooShort`], [`TargetError::InvalidConfig`].
    pub fn validate(&self) -> Result<(), TargetError> {
        check_iscsi_name(&self.target_name)?;
        if !self.listen.ip().is_loopback() && self.chap.is_none() {
            return Err(TargetError::UnauthenticatedRemote { addr: self.listen });
        }
        if let Some(c) = &self.chap {
            let len = c.secret.expose().len();
            if len < MIN_CHAP_SECRET_LEN {
                return Err(TargetError::ChapSecretTooShort {
                    len,
                    min: MIN_CHAP_SECRET_LEN,
                });
            }
            if c.name.is_empty() {
                return Err(TargetError::InvalidConfig {
                    reason: "the CHAP user name is empty".into(),
                });
            }
        }
        let range = 512..=(1u32 << 24) - 1;
        for (name, v) in [
            (
                "MaxRecvDataSegmentLength",
                self.max_recv_data_segment_length,
            ),
            ("MaxBurstLength", self.max_burst_length),
            ("FirstBurstLength", self.first_burst_length),
        ] {
            if !range.contains(&v) {
                return Err(TargetError::InvalidConfig {
                    reason: format!("{name} {v} is outside 512..=16777215"),
                });
            }
        }
        if self.first_burst_length > self.max_burst_length {
            return Err(TargetError::InvalidConfig {
                reason: "FirstBurstLength exceeds MaxBurstLength".into(),
            });
        }
        Ok(())
    }

    fn login_settings(&self) -> login::LoginSettings {
        login::LoginSettings {
            target_name: self.target_name.clone(),
            target_alias: self.target_alias.clone(),
            portal_group_tag: PORTAL_GROUP_TAG,
            chap: self.chap.clone(),
            max_recv_data_segment_length: self.max_recv_data_segment_length,
            max_burst_length: self.max_burst_length,
            first_burst_length: self.first_burst_length,
        }
    }
}

/// Checks an iSCSI name: `iqn.` / `eui.` / `naa.` followed by the characters RFC 3722 allows
/// after stringprep (lower-case letters, digits, `-`, `.`, `:`), at most 223 bytes.
///
/// Spec: RFC 7143 §4.2.7.1–§4.2.7.2.
///
/// # Errors
/// [`TargetError::InvalidName`] with the reason.
pub fn check_iscsi_name(name: &str) -> Result<(), TargetError> {
    let invalid = |reason: &str| TargetError::InvalidName {
        name: name.to_string(),
        reason: reason.to_string(),
    };
    if name.len() > 223 {
        return Err(invalid("longer than 223 bytes"));
    }
    let Some(rest) = ["iqn.", "eui.", "naa."]
        .iter()
        .find_map(|p| name.strip_prefix(p))
    else {
        return Err(invalid("must start with iqn., eui. or naa."));
    };
    if rest.is_empty() {
        return Err(invalid("nothing after the type prefix"));
    }
    if !rest
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.' | ':'))
    {
        return Err(invalid(
            "only lower-case letters, digits, '-', '.' and ':' are allowed",
        ));
    }
    Ok(())
}

/// Resolves `text` (`HOST:PORT`, `[V6]:PORT`, or `HOST` for port 3260) to one address;
/// names resolving to several addresses take the first.
///
/// # Errors
/// [`TargetError::InvalidConfig`] when the text does not resolve.
pub fn parse_listen_address(text: &str) -> Result<SocketAddr, TargetError> {
    let with_port = if text.parse::<std::net::IpAddr>().is_ok() {
        // A bare IPv4/IPv6 address.
        match text.parse::<std::net::Ipv6Addr>() {
            Ok(_) => format!("[{text}]:{}", crate::send_targets::DEFAULT_PORT),
            Err(_) => format!("{text}:{}", crate::send_targets::DEFAULT_PORT),
        }
    } else if text
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        text.to_string()
    } else {
        format!("{text}:{}", crate::send_targets::DEFAULT_PORT)
    };
    with_port
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| TargetError::InvalidConfig {
            reason: format!("listen address {text:?} does not resolve"),
        })
}

/// The target could not be set up or run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    /// The target name is not a valid iSCSI name.
    #[error("invalid iSCSI name {name:?}: {reason}")]
    InvalidName {
        /// The name.
        name: String,
        /// Why.
        reason: String,
    },
    /// A listen address other than loopback without CHAP.
    #[error(
        "refusing to listen on {addr} without authentication: anyone who can reach it could \
         write to the drive; use a loopback address or set a CHAP account"
    )]
    UnauthenticatedRemote {
        /// The address.
        addr: SocketAddr,
    },
    /// The CHAP secret is too short.
    #[error("CHAP secret of {len} bytes is shorter than {min} (RFC 7143 §9.2.1)")]
    ChapSecretTooShort {
        /// Its length.
        len: usize,
        /// The minimum.
        min: usize,
    },
    /// Another configuration value is out of range.
    #[error("invalid target configuration: {reason}")]
    InvalidConfig {
        /// Why.
        reason: String,
    },
    /// The listen socket could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The listen socket failed while serving.
    #[error("listen socket: {0}")]
    Io(#[from] std::io::Error),
}

/// Something that happened at the target, for the operator's log.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TargetEvent {
    /// A login completed.
    LoginAccepted {
        /// The initiator's address.
        peer: SocketAddr,
        /// InitiatorName.
        initiator: String,
        /// SessionType=Discovery.
        discovery: bool,
        /// The TSIH given to the session.
        tsih: u16,
        /// The CHAP name the initiator authenticated with.
        chap_name: Option<String>,
    },
    /// A login was refused.
    LoginRejected {
        /// The initiator's address.
        peer: SocketAddr,
        /// InitiatorName, when it was received.
        initiator: Option<String>,
        /// The status sent (e.g. 0201h authentication failure).
        status: LoginStatus,
        /// Why.
        reason: String,
    },
    /// A new login with the same InitiatorName and ISID replaced an existing session.
    SessionReinstated {
        /// The initiator's address.
        peer: SocketAddr,
        /// InitiatorName.
        initiator: String,
    },
    /// A connection was accepted and immediately closed.
    ConnectionRefused {
        /// The initiator's address.
        peer: SocketAddr,
        /// Why.
        reason: String,
    },
    /// A connection ended.
    ConnectionClosed {
        /// The initiator's address.
        peer: SocketAddr,
        /// InitiatorName, when the login got that far.
        initiator: Option<String>,
        /// Why (Logout, connection closed by the initiator, protocol error, stop).
        reason: String,
    },
    /// A SCSI command completed (only with [`TargetConfig::trace_commands`]).
    Command {
        /// The initiator's address.
        peer: SocketAddr,
        /// The CDB.
        cdb: Vec<u8>,
        /// The status.
        status: ScsiStatus,
        /// Sense bytes (empty without CHECK CONDITION).
        sense: Vec<u8>,
        /// Data-in bytes returned.
        data_in_bytes: usize,
        /// Data-out bytes received.
        data_out_bytes: usize,
    },
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

impl fmt::Display for TargetEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetEvent::LoginAccepted {
                peer,
                initiator,
                discovery,
                tsih,
                chap_name,
            } => {
                write!(
                    f,
                    "login from {peer}: {initiator} ({} session, TSIH {tsih}",
                    if *discovery { "discovery" } else { "normal" }
                )?;
                if let Some(n) = chap_name {
                    write!(f, ", CHAP user {n}")?;
                }
                f.write_str(")")
            }
            TargetEvent::LoginRejected {
                peer,
                initiator,
                status,
                reason,
            } => write!(
                f,
                "login from {peer} ({}) refused: {:04X}h {}: {reason}",
                initiator.as_deref().unwrap_or("no InitiatorName"),
                status.0,
                status.name()
            ),
            TargetEvent::SessionReinstated { peer, initiator } => {
                write!(f, "session of {initiator} reinstated from {peer}")
            }
            TargetEvent::ConnectionRefused { peer, reason } => {
                write!(f, "connection from {peer} refused: {reason}")
            }
            TargetEvent::ConnectionClosed {
                peer,
                initiator,
                reason,
            } => write!(
                f,
                "connection from {peer} ({}) closed: {reason}",
                initiator.as_deref().unwrap_or("not logged in")
            ),
            TargetEvent::Command {
                peer,
                cdb,
                status,
                sense,
                data_in_bytes,
                data_out_bytes,
            } => {
                write!(f, "{peer} cdb {} -> {}", hex(cdb), status.name())?;
                if let Some(s) = sense_text(sense) {
                    write!(f, " {s}")?;
                }
                if *data_in_bytes > 0 {
                    write!(f, " in {data_in_bytes}")?;
                }
                if *data_out_bytes > 0 {
                    write!(f, " out {data_out_bytes}")?;
                }
                Ok(())
            }
        }
    }
}

/// `K/AA/QQ` of fixed or descriptor sense bytes.
fn sense_text(sense: &[u8]) -> Option<String> {
    let s = discmaster_mmc::SenseData::new_checked(sense).ok()?.sense();
    Some(format!(
        "{:X}/{:02X}/{:02X}",
        u8::from(s.key),
        s.asc,
        s.ascq
    ))
}

/// The operator's view of events: called from connection threads.
pub type EventSink = Arc<dyn Fn(&TargetEvent) + Send + Sync>;

/// Stops a running [`Target`]; clones share the flag. Safe to call from a signal handler
/// thread (it only sets an atomic flag).
#[derive(Debug, Clone)]
pub struct StopHandle(Arc<AtomicBool>);

impl StopHandle {
    /// Asks the target to stop: the accept loop ends, connections are closed, threads joined.
    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// True once [`StopHandle::stop`] was called.
    pub fn is_stopped(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// An iSCSI target serving one logical unit as LUN 0.
///
/// ```
/// use discmaster_iscsi::target::{Target, TargetConfig};
/// use discmaster_transport::{Completion, DataPhase, Transport, TransportError};
/// use std::time::Duration;
///
/// /// A device that answers GOOD to everything.
/// struct Good;
/// impl Transport for Good {
///     fn execute(&mut self, _: &[u8], _: DataPhase<'_>, _: Duration)
///         -> Result<Completion, TransportError> { Ok(Completion::good()) }
///     fn describe(&self) -> String { "good".into() }
/// }
///
/// let config = TargetConfig::new("iqn.2024-01.invalid.discmaster:doc", "127.0.0.1:0".parse().unwrap());
/// let target = Target::bind(config, Good).unwrap();
/// assert!(target.url().starts_with("iscsi://127.0.0.1:"));
/// let stop = target.stop_handle();
/// let server = std::thread::spawn(move || target.run());
/// stop.stop();
/// let device = server.join().unwrap().unwrap(); // the device comes back
/// assert_eq!(device.describe(), "good");
/// ```
pub struct Target<T: Transport + 'static> {
    listener: TcpListener,
    config: TargetConfig,
    device: T,
    stop: StopHandle,
    events: Option<EventSink>,
}

impl<T: Transport + 'static> fmt::Debug for Target<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Target")
            .field("listen", &self.listener.local_addr().ok())
            .field("target_name", &self.config.target_name)
            .field("device", &self.device.describe())
            .finish()
    }
}

impl<T: Transport + 'static> Target<T> {
    /// Validates `config` and opens the listen socket.
    ///
    /// # Errors
    /// As [`TargetConfig::validate`]; [`TargetError::Bind`] when the address cannot be used.
    pub fn bind(config: TargetConfig, device: T) -> Result<Target<T>, TargetError> {
        config.validate()?;
        let listener = TcpListener::bind(config.listen).map_err(|source| TargetError::Bind {
            addr: config.listen,
            source,
        })?;
        Ok(Target {
            listener,
            config,
            device,
            stop: StopHandle(Arc::new(AtomicBool::new(false))),
            events: None,
        })
    }

    /// Sends every [`TargetEvent`] to `sink` (from the connection threads).
    pub fn on_event(mut self, sink: impl Fn(&TargetEvent) + Send + Sync + 'static) -> Target<T> {
        self.events = Some(Arc::new(sink));
        self
    }

    /// The address the target listens on (with the actual port when 0 was asked for).
    ///
    /// # Errors
    /// The OS error of `getsockname`.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// `iscsi://HOST:PORT/TARGET-NAME/0`, the address initiators (QEMU, libiscsi tools,
    /// `discmaster --drive`) use.
    pub fn url(&self) -> String {
        let addr = self.local_addr().unwrap_or(self.config.listen);
        format!("iscsi://{addr}/{}/0", self.config.target_name)
    }

    /// A handle that stops [`Target::run`].
    pub fn stop_handle(&self) -> StopHandle {
        self.stop.clone()
    }

    /// Serves until stopped, then closes every connection, joins every thread and returns the
    /// device.
    ///
    /// # Errors
    /// [`TargetError::Io`] when the listen socket cannot be switched to non-blocking mode.
    pub fn run(self) -> Result<T, TargetError> {
        let Target {
            listener,
            config,
            device,
            stop,
            events,
        } = self;
        listener.set_nonblocking(true)?;
        let shared = Arc::new(connection::Shared::new(
            config,
            device,
            stop.0.clone(),
            events,
        ));
        let mut threads: Vec<JoinHandle<()>> = Vec::new();
        while !stop.is_stopped() {
            threads.retain(|t| !t.is_finished());
            match listener.accept() {
                Ok((stream, peer)) => {
                    if threads.len() >= MAX_CONNECTIONS {
                        shared.emit(&TargetEvent::ConnectionRefused {
                            peer,
                            reason: format!("more than {MAX_CONNECTIONS} connections"),
                        });
                        drop(stream);
                        continue;
                    }
                    let for_thread = Arc::clone(&shared);
                    let spawned = std::thread::Builder::new()
                        .name(format!("iscsi {peer}"))
                        .spawn(move || connection::serve(for_thread, stream, peer));
                    match spawned {
                        Ok(t) => threads.push(t),
                        Err(e) => shared.emit(&TargetEvent::ConnectionRefused {
                            peer,
                            reason: format!("cannot start a thread: {e}"),
                        }),
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(connection::POLL_INTERVAL);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => std::thread::sleep(connection::POLL_INTERVAL),
            }
        }
        shared.shutdown_all();
        for t in threads {
            // A connection thread never panics on input; a panic would be a bug, and the
            // device must still be handed back.
            let _ = t.join();
        }
        match Arc::try_unwrap(shared) {
            Ok(s) => Ok(s.into_device()),
            // Unreachable: every clone lived in a joined thread.
            Err(_) => Err(TargetError::InvalidConfig {
                reason: "a connection thread still holds the logical unit".into(),
            }),
        }
    }
}
