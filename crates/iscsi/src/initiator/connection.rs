//! One TCP connection carrying PDUs: framing by the BHS length fields, digests, deadlines.
//!
//! Invariants: every read and write runs under a socket timeout derived from the caller's
//! deadline; a partial write or an undecodable PDU marks the connection broken (its byte
//! stream can no longer be trusted, RFC 7143 §7.1.5 at ErrorRecoveryLevel 0); bytes read past
//! one PDU stay buffered for the next.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::InitiatorError;
use crate::digest::Digests;
use crate::header::{BasicHeader, BHS_LEN};
use crate::pdu::Pdu;

/// Why a read or write failed.
#[derive(Debug)]
pub(crate) enum LinkError {
    /// The deadline passed.
    Timeout,
    /// EOF or a socket error.
    Closed(String),
    /// The bytes are not a valid PDU (digest mismatch, malformed field).
    Protocol(String),
}

/// The smallest socket timeout set (a zero timeout is an error for `set_read_timeout`).
const MIN_TIMEOUT: Duration = Duration::from_millis(1);
const SCRATCH_LEN: usize = 64 * 1024;

pub(crate) struct Connection {
    stream: TcpStream,
    rx: Vec<u8>,
    scratch: Vec<u8>,
    digests: Digests,
    broken: bool,
}

impl Connection {
    /// Connects to `host:port`, trying each resolved address until `deadline`.
    pub(crate) fn connect(
        host: &str,
        port: u16,
        connect_timeout: Duration,
        deadline: Instant,
    ) -> Result<Connection, InitiatorError> {
        let portal = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let addrs: Vec<SocketAddr> = (host, port)
            .to_socket_addrs()
            .map_err(|source| InitiatorError::Connect {
                portal: portal.clone(),
                source,
            })?
            .collect();
        let mut last = io::Error::new(io::ErrorKind::NotFound, "the host name has no address");
        for addr in addrs {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(InitiatorError::Timeout {
                    during: "connect",
                    after: connect_timeout,
                });
            }
            match TcpStream::connect_timeout(&addr, remaining.min(connect_timeout).max(MIN_TIMEOUT))
            {
                Ok(stream) => {
                    // Small PDUs (commands, R2T answers) must not wait for Nagle.
                    let _ = stream.set_nodelay(true);
                    return Ok(Connection {
                        stream,
                        rx: Vec::new(),
                        scratch: vec![0; SCRATCH_LEN],
                        digests: Digests::NONE,
                        broken: false,
                    });
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
                    ) =>
                {
                    last = e;
                }
                Err(e) => last = e,
            }
        }
        if matches!(
            last.kind(),
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
        ) {
            return Err(InitiatorError::Timeout {
                during: "connect",
                after: connect_timeout,
            });
        }
        Err(InitiatorError::Connect {
            portal,
            source: last,
        })
    }

    /// Digests for every PDU from now on (after the final Login Response).
    pub(crate) fn set_digests(&mut self, digests: Digests) {
        self.digests = digests;
    }

    /// True once the byte stream can no longer be trusted.
    pub(crate) fn is_broken(&self) -> bool {
        self.broken
    }

    /// Encodes and writes one PDU before `deadline`.
    pub(crate) fn send(&mut self, pdu: &Pdu, deadline: Instant) -> Result<(), LinkError> {
        if self.broken {
            return Err(LinkError::Closed("connection already failed".into()));
        }
        let bytes = pdu
            .encode(self.digests)
            .map_err(|e| LinkError::Protocol(format!("cannot encode {:?}: {e}", pdu.opcode())))?;
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(LinkError::Timeout);
        }
        if let Err(e) = self
            .stream
            .set_write_timeout(Some(remaining.max(MIN_TIMEOUT)))
        {
            self.broken = true;
            return Err(LinkError::Closed(e.to_string()));
        }
        match self.stream.write_all(&bytes) {
            Ok(()) => Ok(()),
            Err(e) => {
                // Part of the PDU may be on the wire: the stream is out of step.
                self.broken = true;
                if matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
                ) {
                    Err(LinkError::Timeout)
                } else {
                    Err(LinkError::Closed(e.to_string()))
                }
            }
        }
    }

    /// The next PDU, waiting until `deadline`.
    pub(crate) fn recv(&mut self, deadline: Instant) -> Result<Pdu, LinkError> {
        loop {
            if let Some(pdu) = self.take_buffered()? {
                return Ok(pdu);
            }
            if self.broken {
                return Err(LinkError::Closed("connection already failed".into()));
            }
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(LinkError::Timeout);
            }
            if let Err(e) = self
                .stream
                .set_read_timeout(Some(remaining.max(MIN_TIMEOUT)))
            {
                self.broken = true;
                return Err(LinkError::Closed(e.to_string()));
            }
            match self.stream.read(&mut self.scratch) {
                Ok(0) => {
                    self.broken = true;
                    return Err(LinkError::Closed("connection closed by the target".into()));
                }
                Ok(n) => self.rx.extend_from_slice(&self.scratch[..n]),
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock
                            | io::ErrorKind::TimedOut
                            | io::ErrorKind::Interrupted
                    ) => {}
                Err(e) => {
                    self.broken = true;
                    return Err(LinkError::Closed(e.to_string()));
                }
            }
        }
    }

    /// A PDU that has already arrived, without waiting; `Ok(None)` when there is none.
    pub(crate) fn try_recv(&mut self) -> Result<Option<Pdu>, LinkError> {
        if let Some(pdu) = self.take_buffered()? {
            return Ok(Some(pdu));
        }
        if self.broken {
            return Err(LinkError::Closed("connection already failed".into()));
        }
        if let Err(e) = self.stream.set_nonblocking(true) {
            self.broken = true;
            return Err(LinkError::Closed(e.to_string()));
        }
        let result = loop {
            match self.stream.read(&mut self.scratch) {
                Ok(0) => {
                    self.broken = true;
                    break Err(LinkError::Closed("connection closed by the target".into()));
                }
                Ok(n) => {
                    self.rx.extend_from_slice(&self.scratch[..n]);
                    match self.take_buffered() {
                        Ok(Some(pdu)) => break Ok(Some(pdu)),
                        Ok(None) => {}
                        Err(e) => break Err(e),
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break Ok(None),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.broken = true;
                    break Err(LinkError::Closed(e.to_string()));
                }
            }
        };
        if let Err(e) = self.stream.set_nonblocking(false) {
            self.broken = true;
            return Err(LinkError::Closed(e.to_string()));
        }
        result
    }

    /// Decodes one whole PDU from the front of the receive buffer, if it is there.
    fn take_buffered(&mut self) -> Result<Option<Pdu>, LinkError> {
        let Some(head) = self.rx.get(..BHS_LEN) else {
            return Ok(None);
        };
        let needed = match BasicHeader::new_checked(head) {
            Ok(h) => h.pdu_length(self.digests),
            Err(e) => {
                self.broken = true;
                return Err(LinkError::Protocol(e.to_string()));
            }
        };
        let Some(bytes) = self.rx.get(..needed) else {
            return Ok(None);
        };
        match Pdu::decode(bytes, self.digests) {
            Ok((pdu, used)) => {
                self.rx.drain(..used.min(self.rx.len()));
                Ok(Some(pdu))
            }
            Err(e) => {
                self.broken = true;
                Err(LinkError::Protocol(e.to_string()))
            }
        }
    }

    /// Closes both directions (the target sees EOF).
    pub(crate) fn shutdown(&self) {
        let _ = self.stream.shutdown(Shutdown::Both);
    }
}
