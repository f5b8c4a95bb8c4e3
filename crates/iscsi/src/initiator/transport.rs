//! [`IscsiTransport`]: the [`Transport`] over one iSCSI session, logging in again after a
//! connection reset.

use std::time::{Duration, Instant};

use discmaster_transport::{Completion, DataPhase, Transport, TransportError};

use super::connection::Connection;
use super::login::login;
use super::random::random_u32;
use super::session::Session;
use super::{InitiatorConfig, InitiatorError, IscsiAddress};
use crate::header::Isid;
use crate::negotiation::NegotiatedParameters;

/// Redirections (Login status class 1) followed before giving up.
const MAX_REDIRECTS: usize = 3;
/// The longest keepalive ping before a command.
const KEEPALIVE_PING_TIMEOUT: Duration = Duration::from_secs(5);

/// One LUN of an iSCSI target as a [`Transport`]: `--drive iscsi://HOST[:PORT]/TARGET/LUN`.
///
/// [`IscsiTransport::open`] connects and logs in at once, so a wrong address, an unreachable
/// portal or refused credentials show up at open time. See the [module
/// documentation](crate::initiator) for the protocol behaviour, timeouts and reconnection.
///
/// Spec: RFC 7143.
pub struct IscsiTransport {
    address: IscsiAddress,
    config: InitiatorConfig,
    isid: Isid,
    session: Option<Session>,
    logins: u32,
    /// Target pings answered by sessions already closed.
    pings_answered_before: u64,
}

impl IscsiTransport {
    /// Parses `address`, takes the configuration from the environment
    /// ([`InitiatorConfig::from_env`]) plus the address's CHAP user info, and logs in.
    ///
    /// # Errors
    /// [`InitiatorError`]: a malformed address or environment, an unreachable portal, a refused
    /// login (unknown target, failed authentication), a negotiation failure, or a timeout.
    pub fn open(address: &str) -> Result<IscsiTransport, InitiatorError> {
        let address = IscsiAddress::parse(address)?;
        let config = InitiatorConfig::from_env()?.with_address_credentials(&address)?;
        IscsiTransport::connect(address, config)
    }

    /// Connects to `address` and logs in with `config`.
    ///
    /// # Errors
    /// As [`IscsiTransport::open`].
    pub fn connect(
        address: IscsiAddress,
        config: InitiatorConfig,
    ) -> Result<IscsiTransport, InitiatorError> {
        // The ISID stays the same across reconnects, so that a new login reinstates the
        // session (RFC 7143 §6.3.5) instead of leaving the old one to time out.
        let isid = Isid::random_format(random_u32(), 0);
        let mut transport = IscsiTransport {
            address,
            config,
            isid,
            session: None,
            logins: 0,
            pings_answered_before: 0,
        };
        let deadline = Instant::now() + transport.config.login_timeout;
        let session = transport.login(deadline, transport.config.login_timeout)?;
        transport.session = Some(session);
        Ok(transport)
    }

    fn login(&mut self, deadline: Instant, timeout: Duration) -> Result<Session, InitiatorError> {
        let mut host = self.address.host.clone();
        let mut port = self.address.port;
        let mut redirects = 0;
        loop {
            let mut conn = Connection::connect(&host, port, self.config.connect_timeout, deadline)?;
            match login(
                &mut conn,
                &self.address.target_name,
                &self.config,
                self.isid,
                deadline,
                timeout,
            ) {
                Ok(outcome) => {
                    self.logins += 1;
                    return Ok(Session::new(
                        conn,
                        outcome,
                        self.address.lun_field(),
                        self.config.abort_timeout,
                    ));
                }
                Err(InitiatorError::Redirected { address }) if redirects < MAX_REDIRECTS => {
                    conn.shutdown();
                    redirects += 1;
                    (host, port) = parse_target_address(&address).ok_or_else(|| {
                        InitiatorError::Protocol(format!(
                            "redirected to an unusable TargetAddress {address:?}"
                        ))
                    })?;
                }
                Err(e) => {
                    conn.shutdown();
                    return Err(e);
                }
            }
        }
    }

    /// The address this transport talks to.
    pub fn address(&self) -> &IscsiAddress {
        &self.address
    }

    /// The values negotiated at the last login, while connected.
    pub fn negotiated(&self) -> Option<&NegotiatedParameters> {
        self.session.as_ref().map(Session::parameters)
    }

    /// How many logins succeeded (1 after [`IscsiTransport::open`]; more after reconnects).
    pub fn login_count(&self) -> u32 {
        self.logins
    }

    /// How many NOP-In pings of the target were answered (RFC 7143 §11.19), over all logins.
    pub fn target_pings_answered(&self) -> u64 {
        self.pings_answered_before + self.session.as_ref().map_or(0, |s| s.target_pings_answered)
    }

    /// Takes the session out, keeping its counters.
    fn take_session(&mut self) -> Option<Session> {
        let session = self.session.take()?;
        self.pings_answered_before += session.target_pings_answered;
        Some(session)
    }

    /// True while a logged-in connection is open.
    pub fn is_connected(&self) -> bool {
        self.session.as_ref().is_some_and(|s| !s.is_broken())
    }

    /// Sends a NOP-Out ping and waits for the NOP-In; returns the round trip time.
    ///
    /// Spec: RFC 7143 §11.18, §11.19.
    ///
    /// # Errors
    /// [`TransportError::Timeout`] when no answer comes within `timeout` (the connection is then
    /// reset), [`TransportError::DeviceGone`] when the connection is lost or was already.
    pub fn ping(&mut self, timeout: Duration) -> Result<Duration, TransportError> {
        let Some(session) = self.session.as_mut() else {
            return Err(TransportError::DeviceGone(
                "iSCSI session not connected".into(),
            ));
        };
        match session.ping(timeout) {
            Ok(rtt) => Ok(rtt),
            Err(e) => {
                self.reset();
                Err(e.error)
            }
        }
    }

    /// Logs out (close the session) and disconnects; later commands log in again.
    ///
    /// Spec: RFC 7143 §11.14.
    ///
    /// # Errors
    /// [`TransportError`] when the Logout Response does not come (the socket is closed anyway).
    pub fn logout(&mut self) -> Result<(), TransportError> {
        match self.take_session() {
            Some(session) if !session.is_broken() => session
                .logout(self.config.logout_timeout)
                .map_err(|e| e.error),
            Some(session) => {
                session.shutdown();
                Ok(())
            }
            None => Ok(()),
        }
    }

    fn reset(&mut self) {
        if let Some(session) = self.take_session() {
            session.shutdown();
        }
    }

    /// Makes sure a live session exists before a command is sent: answers what arrived while
    /// idle, pings after a long idle time, and logs in again when the connection is gone.
    fn ensure_session(&mut self, timeout: Duration) -> Result<(), TransportError> {
        if let Some(session) = self.session.as_mut() {
            let mut stale = session.is_broken() || session.poll_idle().is_err();
            if !stale && session.wants_reconnect {
                if let Some(s) = self.take_session() {
                    let _ = s.logout(self.config.logout_timeout);
                }
                stale = true;
            }
            if !stale {
                if let (Some(idle), Some(session)) =
                    (self.config.keepalive_idle, self.session.as_mut())
                {
                    if session.last_activity.elapsed() >= idle {
                        stale = session.ping(timeout.min(KEEPALIVE_PING_TIMEOUT)).is_err();
                    }
                }
            }
            if stale {
                self.reset();
            }
        }
        if self.session.is_none() {
            let budget = timeout.min(self.config.login_timeout);
            let session = self
                .login(Instant::now() + budget, budget)
                .map_err(InitiatorError::into_transport_error)?;
            self.session = Some(session);
        }
        Ok(())
    }
}

impl Transport for IscsiTransport {
    fn execute(
        &mut self,
        cdb: &[u8],
        data: DataPhase<'_>,
        timeout: Duration,
    ) -> Result<Completion, TransportError> {
        self.ensure_session(timeout)?;
        let Some(session) = self.session.as_mut() else {
            return Err(TransportError::DeviceGone(
                "iSCSI session not connected".into(),
            ));
        };
        match session.execute(cdb, data, timeout) {
            Ok(completion) => Ok(completion),
            Err(e) => {
                if e.reset {
                    self.reset();
                }
                Err(e.error)
            }
        }
    }

    fn describe(&self) -> String {
        self.address.to_string()
    }
}

impl Drop for IscsiTransport {
    fn drop(&mut self) {
        let _ = self.logout();
    }
}

/// `host[:port][,tpgt]` or `[v6][:port][,tpgt]` from a TargetAddress value (RFC 7143 §13.8).
fn parse_target_address(value: &str) -> Option<(String, u16)> {
    let hostport = value.split(',').next()?;
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        (host, after.strip_prefix(':'))
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    let port = match port {
        Some(p) => p.parse().ok().filter(|&p: &u16| p != 0)?,
        None => IscsiAddress::DEFAULT_PORT,
    };
    Some((host.to_string(), port))
}
