//! The socket side of one connection: read whole PDUs, run the login, then the session, write
//! the replies. Reads poll every [`POLL_INTERVAL`] so a stop request is noticed while idle.
//!
//! Also the state every connection shares ([`Shared`]): the logical unit, the configuration,
//! the event sink and the registry of live connections (for session reinstatement, TSIH
//! allocation and closing everything on stop).

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use discmaster_transport::Transport;

use crate::digest::Digests;
use crate::error::PduError;
use crate::header::{BasicHeader, BHS_LEN, MAX_AHS_LEN};
use crate::pdu::Pdu;
use crate::send_targets::TargetAddress;
use crate::Isid;

use super::login::{is_discovery, Login, LoginStep};
use super::lu::LogicalUnit;
use super::session::{Portal, Session};
use super::{EventSink, TargetConfig, TargetEvent, LOGIN_TIMEOUT, PORTAL_GROUP_TAG};

/// How often an idle read wakes up to look at the stop flag.
pub(crate) const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// How long a write may block before the connection is given up.
const WRITE_TIMEOUT: Duration = Duration::from_secs(60);

/// Largest data segment accepted during login (RFC 7143 §11.12.? : login PDUs carry at most
/// 8192 bytes of text).
const LOGIN_SEGMENT_MAX: usize = 8192;

/// A connection the registry knows.
#[derive(Debug)]
struct Live {
    stream: TcpStream,
    session: Option<(String, Isid)>,
}

#[derive(Debug, Default)]
struct Registry {
    next_conn: u64,
    next_tsih: u16,
    live: HashMap<u64, Live>,
}

/// State shared by every connection of a target.
pub(crate) struct Shared<T> {
    config: TargetConfig,
    lu: LogicalUnit<T>,
    stop: Arc<AtomicBool>,
    events: Option<EventSink>,
    registry: Mutex<Registry>,
}

impl<T: Transport> Shared<T> {
    pub fn new(
        config: TargetConfig,
        device: T,
        stop: Arc<AtomicBool>,
        events: Option<EventSink>,
    ) -> Shared<T> {
        Shared {
            config,
            lu: LogicalUnit::new(device),
            stop,
            events,
            registry: Mutex::new(Registry::default()),
        }
    }

    pub fn emit(&self, event: &TargetEvent) {
        if let Some(sink) = &self.events {
            sink(event);
        }
    }

    fn registry(&self) -> MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Shuts every live connection down (their threads then end).
    pub fn shutdown_all(&self) {
        for live in self.registry().live.values() {
            let _ = live.stream.shutdown(Shutdown::Both);
        }
    }

    pub fn into_device(self) -> T {
        self.lu.into_device()
    }
}

/// Why reading a PDU stopped.
#[derive(Debug)]
enum ReadError {
    /// The peer closed the connection between PDUs.
    Closed,
    /// The target is stopping.
    Stopped,
    /// The login deadline passed.
    TimedOut,
    /// A socket error or a connection closed inside a PDU.
    Io(std::io::Error),
    /// The bytes are not a valid PDU; the header when it was complete.
    Invalid(Option<[u8; BHS_LEN]>, String),
}

/// Reads into `buf` completely, polling the stop flag and `deadline` while idle.
fn read_full(
    stream: &mut TcpStream,
    buf: &mut [u8],
    stop: &AtomicBool,
    deadline: Option<Instant>,
    at_boundary: bool,
) -> Result<(), ReadError> {
    let mut n = 0;
    while n < buf.len() {
        match stream.read(&mut buf[n..]) {
            Ok(0) if n == 0 && at_boundary => return Err(ReadError::Closed),
            Ok(0) => {
                return Err(ReadError::Io(std::io::Error::new(
                    ErrorKind::UnexpectedEof,
                    "connection closed inside a PDU",
                )))
            }
            Ok(k) => n += k,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                if stop.load(Ordering::SeqCst) {
                    return Err(ReadError::Stopped);
                }
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    return Err(ReadError::TimedOut);
                }
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(ReadError::Io(e)),
        }
    }
    Ok(())
}

/// Reads one whole PDU and decodes it; returns it with its BHS.
fn read_pdu(
    stream: &mut TcpStream,
    digests: Digests,
    max_segment: usize,
    stop: &AtomicBool,
    deadline: Option<Instant>,
) -> Result<(Pdu, [u8; BHS_LEN]), ReadError> {
    let mut bhs = [0u8; BHS_LEN];
    read_full(stream, &mut bhs, stop, deadline, true)?;
    let header =
        BasicHeader::new_checked(&bhs[..]).map_err(|e| ReadError::Invalid(None, e.to_string()))?;
    let segment = header.data_segment_length();
    if segment > max_segment {
        return Err(ReadError::Invalid(
            Some(bhs),
            format!("data segment of {segment} bytes exceeds the {max_segment} allowed"),
        ));
    }
    if header.total_ahs_length_bytes() > MAX_AHS_LEN {
        return Err(ReadError::Invalid(Some(bhs), "AHS too long".into()));
    }
    let total = header.pdu_length(digests);
    let mut bytes = vec![0u8; total];
    bytes[..BHS_LEN].copy_from_slice(&bhs);
    read_full(stream, &mut bytes[BHS_LEN..], stop, None, false)?;
    match Pdu::decode(&bytes, digests) {
        Ok((pdu, _)) => Ok((pdu, bhs)),
        Err(e @ PduError::DigestMismatch { .. }) => {
            Err(ReadError::Invalid(Some(bhs), e.to_string()))
        }
        Err(e) => Err(ReadError::Invalid(Some(bhs), e.to_string())),
    }
}

/// Encodes `pdus` into one buffer and writes it.
fn write_pdus(stream: &mut TcpStream, pdus: &[Pdu], digests: Digests) -> std::io::Result<()> {
    let mut out = Vec::new();
    for p in pdus {
        let bytes = p
            .encode(digests)
            .map_err(|e| std::io::Error::new(ErrorKind::InvalidData, e.to_string()))?;
        out.extend_from_slice(&bytes);
    }
    stream.write_all(&out)?;
    stream.flush()
}

/// Random bytes for CHAP challenges: the OS's generator, or (should /dev/urandom be
/// unavailable) a hash of the time and a process-wide counter.
fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    if std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .is_ok()
    {
        return buf;
    }
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    for chunk in buf.chunks_mut(8) {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        let v = h.finish().to_le_bytes();
        chunk.copy_from_slice(&v[..chunk.len()]);
    }
    buf
}

/// Serves one connection until Logout, an error, the peer closing, or stop.
pub(crate) fn serve<T: Transport>(shared: Arc<Shared<T>>, stream: TcpStream, peer: SocketAddr) {
    let conn_id = {
        let mut r = shared.registry();
        r.next_conn += 1;
        let id = r.next_conn;
        match stream.try_clone() {
            Ok(clone) => {
                r.live.insert(
                    id,
                    Live {
                        stream: clone,
                        session: None,
                    },
                );
            }
            Err(e) => {
                drop(r);
                shared.emit(&TargetEvent::ConnectionRefused {
                    peer,
                    reason: format!("cannot track the connection: {e}"),
                });
                return;
            }
        }
        id
    };
    // A stop that raced the registration: shut this one down too.
    if shared.stopped() {
        let _ = stream.shutdown(Shutdown::Both);
    }
    let mut initiator: Option<String> = None;
    let reason = run_connection(&shared, stream, peer, conn_id, &mut initiator);
    shared.registry().live.remove(&conn_id);
    shared.emit(&TargetEvent::ConnectionClosed {
        peer,
        initiator,
        reason,
    });
}

fn run_connection<T: Transport>(
    shared: &Shared<T>,
    mut stream: TcpStream,
    peer: SocketAddr,
    conn_id: u64,
    initiator: &mut Option<String>,
) -> String {
    let setup = stream
        .set_nodelay(true)
        .and_then(|_| stream.set_nonblocking(false))
        .and_then(|_| stream.set_read_timeout(Some(POLL_INTERVAL)))
        .and_then(|_| stream.set_write_timeout(Some(WRITE_TIMEOUT)));
    if let Err(e) = setup {
        return format!("socket setup: {e}");
    }
    let local = stream.local_addr().unwrap_or(shared.config.listen);
    let challenge = random_bytes(17);
    let (identifier, challenge) = match challenge.split_first() {
        Some((id, rest)) => (*id, rest.to_vec()),
        None => (0, vec![0; 16]),
    };
    let mut login = match Login::new(shared.config.login_settings(), identifier, challenge) {
        Ok(l) => l,
        Err(e) => return format!("login setup: {e}"),
    };

    // Login Phase.
    let deadline = Instant::now() + LOGIN_TIMEOUT;
    let (mut session, nexus) = loop {
        let (pdu, _) = match read_pdu(
            &mut stream,
            Digests::NONE,
            LOGIN_SEGMENT_MAX,
            &shared.stop,
            Some(deadline),
        ) {
            Ok(p) => p,
            Err(e) => return read_error_reason(e, "during login"),
        };
        let Pdu::LoginRequest(req) = pdu else {
            return format!("{:?} PDU before the login completed", pdu.opcode());
        };
        match login.step(&req) {
            LoginStep::Continue(resp) => {
                *initiator = login.initiator_name().map(str::to_string);
                if let Err(e) = write_pdus(&mut stream, &[Pdu::LoginResponse(resp)], Digests::NONE)
                {
                    return format!("write: {e}");
                }
            }
            LoginStep::Fail(resp, failure) => {
                *initiator = login.initiator_name().map(str::to_string);
                let _ = write_pdus(&mut stream, &[Pdu::LoginResponse(resp)], Digests::NONE);
                shared.emit(&TargetEvent::LoginRejected {
                    peer,
                    initiator: initiator.clone(),
                    status: failure.status,
                    reason: failure.reason.clone(),
                });
                return format!(
                    "login refused ({:04X}h {})",
                    failure.status.0,
                    failure.status.name()
                );
            }
            LoginStep::Complete(mut resp, result) => {
                let name = result.params.initiator_name.clone().unwrap_or_default();
                *initiator = Some(name.clone());
                let discovery = is_discovery(&result.params);
                let tsih = register_session(shared, conn_id, peer, &name, result.isid, discovery);
                resp.tsih = tsih;
                if let Err(e) = write_pdus(&mut stream, &[Pdu::LoginResponse(resp)], Digests::NONE)
                {
                    return format!("write: {e}");
                }
                let nexus = (!discovery).then(|| shared.lu.attach());
                shared.emit(&TargetEvent::LoginAccepted {
                    peer,
                    initiator: name,
                    discovery,
                    tsih,
                    chap_name: result.chap_name.clone(),
                });
                let portal = Portal {
                    target_name: shared.config.target_name.clone(),
                    address: TargetAddress {
                        host: local.ip().to_string(),
                        port: Some(local.port()),
                        portal_group_tag: Some(PORTAL_GROUP_TAG),
                    },
                };
                let session = Session::new(
                    result.params,
                    nexus,
                    portal,
                    result.next_stat_sn,
                    result.exp_cmd_sn,
                );
                break (session, nexus);
            }
        }
    };

    // Full Feature Phase.
    let digests = session.params().digests();
    let max_segment = (shared.config.max_recv_data_segment_length as usize).max(LOGIN_SEGMENT_MAX);
    let reason = loop {
        let (pdu, header) = match read_pdu(&mut stream, digests, max_segment, &shared.stop, None) {
            Ok(p) => p,
            Err(ReadError::Invalid(Some(header), message)) => {
                let reply = session.protocol_error(&header);
                let _ = write_pdus(&mut stream, &reply, digests);
                break format!("protocol error: {message}");
            }
            Err(e) => break read_error_reason(e, ""),
        };
        let reply = session.handle(&shared.lu, pdu, &header);
        if shared.config.trace_commands {
            for c in &reply.commands {
                shared.emit(&TargetEvent::Command {
                    peer,
                    cdb: c.cdb.clone(),
                    status: c.status,
                    sense: c.sense.clone(),
                    data_in_bytes: c.data_in_bytes,
                    data_out_bytes: c.data_out_bytes,
                });
            }
        }
        if let Err(e) = write_pdus(&mut stream, &reply.pdus, digests) {
            break format!("write: {e}");
        }
        if let Some(why) = reply.close {
            break why;
        }
    };
    if let Some(n) = nexus {
        shared.lu.detach(n);
    }
    let _ = stream.shutdown(Shutdown::Both);
    reason
}

fn read_error_reason(e: ReadError, when: &str) -> String {
    let suffix = if when.is_empty() {
        String::new()
    } else {
        format!(" {when}")
    };
    match e {
        ReadError::Closed => format!("closed by the initiator{suffix}"),
        ReadError::Stopped => "the target is stopping".into(),
        ReadError::TimedOut => format!("no complete login within {} s", LOGIN_TIMEOUT.as_secs()),
        ReadError::Io(e) => format!("socket{suffix}: {e}"),
        ReadError::Invalid(_, m) => format!("invalid PDU{suffix}: {m}"),
    }
}

/// Gives the session a TSIH and reinstates (closes) an older connection of the same
/// InitiatorName and ISID (RFC 7143 §6.3.5 session reinstatement).
fn register_session<T: Transport>(
    shared: &Shared<T>,
    conn_id: u64,
    peer: SocketAddr,
    initiator: &str,
    isid: Isid,
    discovery: bool,
) -> u16 {
    let mut r = shared.registry();
    r.next_tsih = match r.next_tsih.wrapping_add(1) {
        0 => 1,
        n => n,
    };
    let tsih = r.next_tsih;
    let key = (initiator.to_string(), isid);
    let mut reinstated = false;
    if !discovery {
        for (id, live) in r.live.iter_mut() {
            if *id != conn_id && live.session.as_ref() == Some(&key) {
                let _ = live.stream.shutdown(Shutdown::Both);
                live.session = None;
                reinstated = true;
            }
        }
    }
    if let Some(live) = r.live.get_mut(&conn_id) {
        if !discovery {
            live.session = Some(key);
        }
    }
    drop(r);
    if reinstated {
        shared.emit(&TargetEvent::SessionReinstated {
            peer,
            initiator: initiator.to_string(),
        });
    }
    tsih
}
