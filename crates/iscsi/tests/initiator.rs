//! The initiator ([`IscsiTransport`]) against a tiny in-test target written with the codec:
//! login (plain, CHAP one-way and mutual, refusals), Data-In collection and residuals,
//! Data-Out (immediate, unsolicited, R2T-solicited with segmentation), CHECK CONDITION with
//! sense, CRC32C digests, NOP-In pings, ABORT TASK on timeout, lost connections, Logout.
//!
//! The fake target serves a handful of CDBs over a "logical unit" of 16 blocks of 512 bytes:
//! INQUIRY (96 bytes of `i as u8`), TEST UNIT READY (CHECK CONDITION, NOT READY / MEDIUM NOT
//! PRESENT), READ(10)/WRITE(10) on the blocks. It records what the initiator sent in [`Log`].

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use discmaster_iscsi::chap::{ChapCredentials, ChapError, ChapSecret, ChapTarget};
use discmaster_iscsi::initiator::{
    ChapConfig, InitiatorConfig, InitiatorError, InitiatorErrorKind, IscsiAddress, IscsiTransport,
};
use discmaster_iscsi::negotiation::{DigestKind, NegotiationConfig, Negotiator, Role};
use discmaster_iscsi::text::TextParameters;
use discmaster_iscsi::{
    BasicHeader, DataIn, Digests, LoginResponse, LoginStage, LoginStatus, LogoutResponse,
    LogoutResponseCode, NopIn, Pdu, ReadyToTransfer, ScsiResponse, ScsiResponseCode,
    TaskManagementFunction, TaskManagementResponse, TaskManagementResponseCode, BHS_LEN,
    RESERVED_TAG,
};
use discmaster_transport::{DataPhase, ScsiStatus, Transport, TransportError};

const TARGET_NAME: &str = "iqn.2024-01.test.discmaster:fake";
const BLOCK: usize = 512;
const BLOCKS: usize = 16;
/// Fixed-format sense, NOT READY / MEDIUM NOT PRESENT (SPC-4 §4.5.3): response code 70h,
/// sense key 2, additional length 0Ah, ASC 3Ah, ASCQ 00h.
const SENSE_NOT_READY_NO_MEDIUM: [u8; 18] = [
    0x70, // byte 0: current error, fixed format
    0x00, // byte 1: obsolete
    0x02, // byte 2: sense key NOT READY
    0, 0, 0, 0,    // bytes 3–6: information
    0x0a, // byte 7: additional sense length
    0, 0, 0, 0,    // bytes 8–11: command-specific information
    0x3a, // byte 12: ASC MEDIUM NOT PRESENT
    0x00, // byte 13: ASCQ
    0, 0, 0, 0, // bytes 14–17: FRU code, sense-key specific
];

/// How the fake target treats SCSI commands.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Behaviour {
    /// Answer every command.
    Normal,
    /// Close the connection when a command arrives.
    DropOnCommand,
    /// Never answer commands; `answer_abort` says whether ABORT TASK gets a response.
    Silent { answer_abort: bool },
    /// Stay silent on the first command only (answering ABORT TASK), then answer.
    SilentOnce,
    /// Answer the first command, then close the connection.
    DropAfterFirst,
    /// Accept the TCP connection but never answer a Login Request.
    SilentLogin,
}

#[derive(Clone)]
struct FakeConfig {
    negotiation: NegotiationConfig,
    /// The initiator credentials the target accepts, and its own for mutual CHAP.
    chap: Option<(ChapCredentials, Option<ChapCredentials>)>,
    behaviour: Behaviour,
    /// Largest Data-In data segment the target sends, bytes.
    data_in_segment: usize,
    /// Send the status in the final Data-In (S bit) instead of a SCSI Response, when GOOD.
    status_in_data_in: bool,
    /// Ping the initiator (NOP-In with a TTT) before each response.
    nop_before_response: bool,
    /// Connections to accept before the target thread ends.
    accepts: usize,
}

impl Default for FakeConfig {
    fn default() -> Self {
        FakeConfig {
            negotiation: NegotiationConfig {
                target_alias: Some("fake".into()),
                target_portal_group_tag: Some(1),
                ..NegotiationConfig::default()
            },
            chap: None,
            behaviour: Behaviour::Normal,
            data_in_segment: 8192,
            status_in_data_in: false,
            nop_before_response: false,
            accepts: 1,
        }
    }
}

/// One Data-Out PDU as received.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DataOutSeen {
    ttt: u32,
    data_sn: u32,
    offset: u32,
    len: usize,
    final_pdu: bool,
}

#[derive(Debug, Default)]
struct Log {
    logins: usize,
    login_keys: Vec<(String, String)>,
    cdbs: Vec<Vec<u8>>,
    immediate_lens: Vec<usize>,
    data_outs: Vec<DataOutSeen>,
    r2ts: Vec<(u32, u32)>,
    nop_answers: Vec<(u32, Vec<u8>)>,
    pings: usize,
    closed_connections: usize,
    aborts: Vec<(u32, u32)>,
    logouts: usize,
    blocks: Vec<u8>,
}

struct Fake {
    port: u16,
    log: Arc<Mutex<Log>>,
    thread: Option<JoinHandle<()>>,
}

impl Fake {
    fn start(config: FakeConfig) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Log {
            blocks: vec![0; BLOCK * BLOCKS],
            ..Log::default()
        }));
        let thread_log = Arc::clone(&log);
        let thread = std::thread::spawn(move || {
            for _ in 0..config.accepts {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                serve(stream, &config, &thread_log); // drops (closes) the stream
                thread_log.lock().unwrap().closed_connections += 1;
            }
        });
        Fake {
            port,
            log,
            thread: Some(thread),
        }
    }

    fn address(&self) -> IscsiAddress {
        IscsiAddress::parse(&format!("iscsi://127.0.0.1:{}/{TARGET_NAME}/0", self.port)).unwrap()
    }

    /// Waits for the target thread (all its connections closed) and returns the log.
    fn finish(mut self) -> Log {
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

struct Peer {
    stream: TcpStream,
    rx: Vec<u8>,
    digests: Digests,
}

impl Peer {
    fn read(&mut self) -> Option<Pdu> {
        loop {
            if self.rx.len() >= BHS_LEN {
                let need = BasicHeader::new_checked(&self.rx[..BHS_LEN])
                    .unwrap()
                    .pdu_length(self.digests);
                if self.rx.len() >= need {
                    let (pdu, used) = Pdu::decode(&self.rx[..need], self.digests).unwrap();
                    self.rx.drain(..used);
                    return Some(pdu);
                }
            }
            let mut buf = [0u8; 65536];
            match self.stream.read(&mut buf) {
                Ok(0) | Err(_) => return None,
                Ok(n) => self.rx.extend_from_slice(&buf[..n]),
            }
        }
    }

    fn write(&mut self, pdu: Pdu) {
        let bytes = pdu.encode(self.digests).unwrap();
        let _ = self.stream.write_all(&bytes);
    }
}

struct Sequence {
    stat_sn: u32,
    exp_cmd_sn: u32,
}

impl Sequence {
    fn max_cmd_sn(&self) -> u32 {
        self.exp_cmd_sn.wrapping_add(16)
    }
}

fn serve(stream: TcpStream, config: &FakeConfig, log: &Mutex<Log>) {
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut peer = Peer {
        stream,
        rx: Vec::new(),
        digests: Digests::NONE,
    };
    if config.behaviour == Behaviour::SilentLogin {
        while peer.read().is_some() {}
        return;
    }
    let mut seq = Sequence {
        stat_sn: 1000,
        exp_cmd_sn: 0,
    };
    if !login(&mut peer, config, log, &mut seq) {
        return;
    }
    log.lock().unwrap().logins += 1;
    full_feature(&mut peer, config, log, &mut seq);
}

/// The target side of the login; false when the login was refused or the peer left.
fn login(peer: &mut Peer, config: &FakeConfig, log: &Mutex<Log>, seq: &mut Sequence) -> bool {
    let mut negotiation = config.negotiation.clone();
    if config.chap.is_some() {
        negotiation.auth_methods = vec![discmaster_iscsi::negotiation::AuthMethod::Chap];
    }
    let mut negotiator = Negotiator::new(Role::Target, negotiation).unwrap();
    let mut chap = config.chap.as_ref().map(|(_, own)| {
        let t = ChapTarget::new(7, (0..16).map(|i| 0x40 + i).collect()).unwrap();
        match own {
            Some(c) => t.with_credentials(c.clone()),
            None => t,
        }
    });
    let mut authenticated = config.chap.is_none();
    loop {
        let Some(Pdu::LoginRequest(request)) = peer.read() else {
            return false;
        };
        seq.exp_cmd_sn = request.cmd_sn;
        let params = TextParameters::parse(&request.text).unwrap();
        log.lock()
            .unwrap()
            .login_keys
            .extend(params.0.iter().cloned());
        let refuse = |peer: &mut Peer, status: LoginStatus| {
            peer.write(Pdu::LoginResponse(LoginResponse {
                transit: false,
                text_continues: false,
                current_stage: request.current_stage,
                next_stage: LoginStage::SecurityNegotiation,
                version_max: 0,
                version_active: 0,
                isid: request.isid,
                tsih: 0,
                initiator_task_tag: request.initiator_task_tag,
                stat_sn: 0,
                exp_cmd_sn: request.cmd_sn,
                max_cmd_sn: request.cmd_sn,
                status,
                text: Vec::new(),
            }));
        };
        if let Some(name) = params.get("TargetName") {
            if name != TARGET_NAME {
                refuse(peer, LoginStatus::NOT_FOUND);
                return false;
            }
        }
        let mut reply = negotiator.respond(&params).unwrap();
        if request.current_stage == LoginStage::SecurityNegotiation {
            if let (Some(chap), Some((expected, _))) = (chap.as_mut(), config.chap.as_ref()) {
                if params.get("CHAP_A").is_some() {
                    reply.0.extend(chap.on_algorithms(&params).unwrap().0);
                }
                if params.get("CHAP_R").is_some() {
                    let lookup =
                        |name: &str| (name == expected.name).then(|| expected.secret.clone());
                    match chap.on_response(&params, lookup) {
                        Ok(verified) => {
                            reply.0.extend(verified.reply.0);
                            authenticated = true;
                        }
                        Err(_) => {
                            refuse(peer, LoginStatus::AUTHENTICATION_FAILURE);
                            return false;
                        }
                    }
                }
            }
        } else {
            reply.0.extend(negotiator.offer(request.current_stage).0);
        }
        let transit = request.transit && authenticated && negotiator.is_complete();
        let done = transit && request.next_stage == LoginStage::FullFeaturePhase;
        peer.write(Pdu::LoginResponse(LoginResponse {
            transit,
            text_continues: false,
            current_stage: request.current_stage,
            next_stage: if transit {
                request.next_stage
            } else {
                LoginStage::SecurityNegotiation
            },
            version_max: 0,
            version_active: 0,
            isid: request.isid,
            tsih: if done { 0x1234 } else { 0 },
            initiator_task_tag: request.initiator_task_tag,
            stat_sn: seq.stat_sn,
            exp_cmd_sn: seq.exp_cmd_sn,
            max_cmd_sn: seq.max_cmd_sn(),
            status: LoginStatus::SUCCESS,
            text: reply.emit(),
        }));
        seq.stat_sn = seq.stat_sn.wrapping_add(1);
        if done {
            peer.digests = negotiator.finish().unwrap().digests();
            return true;
        }
    }
}

/// What the logical unit answers.
struct Reply {
    data: Vec<u8>,
    status: ScsiStatus,
    sense: Vec<u8>,
}

fn logical_unit(cdb: &[u8], data_out: &[u8], blocks: &mut [u8]) -> Reply {
    let good = |data: Vec<u8>| Reply {
        data,
        status: ScsiStatus::GOOD,
        sense: Vec::new(),
    };
    let lba = |cdb: &[u8]| u32::from_be_bytes([cdb[2], cdb[3], cdb[4], cdb[5]]) as usize;
    let count = |cdb: &[u8]| u16::from_be_bytes([cdb[7], cdb[8]]) as usize;
    match cdb[0] {
        0x12 => good((0..96u32).map(|i| i as u8).collect()),
        0x00 => Reply {
            data: Vec::new(),
            status: ScsiStatus::CHECK_CONDITION,
            sense: SENSE_NOT_READY_NO_MEDIUM.to_vec(),
        },
        0x28 => {
            let start = (lba(cdb) * BLOCK).min(blocks.len());
            let end = ((lba(cdb) + count(cdb)) * BLOCK).min(blocks.len());
            good(blocks[start..end].to_vec())
        }
        0x2a => {
            let start = lba(cdb) * BLOCK;
            let end = start + data_out.len();
            blocks[start..end].copy_from_slice(data_out);
            good(Vec::new())
        }
        _ => good(Vec::new()),
    }
}

fn full_feature(peer: &mut Peer, config: &FakeConfig, log: &Mutex<Log>, seq: &mut Sequence) {
    let mut commands = 0usize;
    let mut ttt = 0x100u32;
    while let Some(pdu) = peer.read() {
        match pdu {
            Pdu::ScsiCommand(cmd) => {
                commands += 1;
                // The initiator's sequence numbers are in step with ours.
                assert_eq!(cmd.cmd_sn, seq.exp_cmd_sn, "CmdSN");
                assert_eq!(cmd.exp_stat_sn, seq.stat_sn, "ExpStatSN");
                log.lock().unwrap().cdbs.push(cmd.cdb_by_group().to_vec());
                if !cmd.immediate {
                    seq.exp_cmd_sn = cmd.cmd_sn.wrapping_add(1);
                }
                match config.behaviour {
                    Behaviour::DropOnCommand => return,
                    Behaviour::Silent { .. } => continue,
                    Behaviour::SilentOnce if commands == 1 => continue,
                    _ => {}
                }
                let edtl = cmd.expected_data_transfer_length as usize;
                let mut data_out = cmd.immediate_data.clone();
                log.lock()
                    .unwrap()
                    .immediate_lens
                    .push(cmd.immediate_data.len());
                if cmd.write {
                    let mut unsolicited_done = cmd.final_pdu;
                    while !unsolicited_done {
                        let Some(Pdu::DataOut(d)) = peer.read() else {
                            return;
                        };
                        record_data_out(log, &d);
                        data_out.extend_from_slice(&d.data_segment);
                        unsolicited_done = d.final_pdu;
                    }
                    let burst = config.negotiation.max_burst_length as usize;
                    let mut r2t_sn = 0;
                    while data_out.len() < edtl {
                        let offset = data_out.len();
                        let len = burst.min(edtl - offset);
                        ttt += 1;
                        log.lock().unwrap().r2ts.push((offset as u32, len as u32));
                        peer.write(Pdu::ReadyToTransfer(ReadyToTransfer {
                            lun: cmd.lun,
                            initiator_task_tag: cmd.initiator_task_tag,
                            target_transfer_tag: ttt,
                            stat_sn: seq.stat_sn,
                            exp_cmd_sn: seq.exp_cmd_sn,
                            max_cmd_sn: seq.max_cmd_sn(),
                            r2t_sn,
                            buffer_offset: offset as u32,
                            desired_data_transfer_length: len as u32,
                        }));
                        r2t_sn += 1;
                        loop {
                            let Some(Pdu::DataOut(d)) = peer.read() else {
                                return;
                            };
                            assert_eq!(d.target_transfer_tag, ttt);
                            record_data_out(log, &d);
                            data_out.extend_from_slice(&d.data_segment);
                            if d.final_pdu {
                                break;
                            }
                        }
                    }
                }
                let reply = {
                    let mut l = log.lock().unwrap();
                    logical_unit(cmd.cdb_by_group(), &data_out, &mut l.blocks)
                };
                if config.nop_before_response {
                    peer.write(Pdu::NopIn(NopIn {
                        lun: cmd.lun,
                        initiator_task_tag: RESERVED_TAG,
                        target_transfer_tag: 0x5555,
                        stat_sn: seq.stat_sn,
                        exp_cmd_sn: seq.exp_cmd_sn,
                        max_cmd_sn: seq.max_cmd_sn(),
                        ping_data: b"ping".to_vec(),
                    }));
                    let Some(Pdu::NopOut(answer)) = peer.read() else {
                        return;
                    };
                    log.lock()
                        .unwrap()
                        .nop_answers
                        .push((answer.target_transfer_tag, answer.ping_data));
                }
                respond(peer, config, seq, &cmd, reply);
                if config.behaviour == Behaviour::DropAfterFirst && commands == 1 {
                    return;
                }
            }
            Pdu::NopOut(nop) if nop.initiator_task_tag != RESERVED_TAG => {
                assert!(nop.immediate);
                assert_eq!(nop.cmd_sn, seq.exp_cmd_sn, "NOP-Out CmdSN");
                assert_eq!(nop.exp_stat_sn, seq.stat_sn, "NOP-Out ExpStatSN");
                log.lock().unwrap().pings += 1;
                peer.write(Pdu::NopIn(NopIn {
                    lun: nop.lun,
                    initiator_task_tag: nop.initiator_task_tag,
                    target_transfer_tag: RESERVED_TAG,
                    stat_sn: seq.stat_sn,
                    exp_cmd_sn: seq.exp_cmd_sn,
                    max_cmd_sn: seq.max_cmd_sn(),
                    ping_data: nop.ping_data,
                }));
                seq.stat_sn = seq.stat_sn.wrapping_add(1);
            }
            Pdu::TaskManagementRequest(tmf) => {
                assert_eq!(tmf.function, TaskManagementFunction::AbortTask);
                assert!(tmf.immediate);
                assert_eq!(tmf.cmd_sn, seq.exp_cmd_sn, "TMF CmdSN");
                log.lock()
                    .unwrap()
                    .aborts
                    .push((tmf.referenced_task_tag, tmf.ref_cmd_sn));
                let answer = match config.behaviour {
                    Behaviour::Silent { answer_abort } => answer_abort,
                    Behaviour::SilentOnce => true,
                    _ => true,
                };
                if answer {
                    peer.write(Pdu::TaskManagementResponse(TaskManagementResponse {
                        response: TaskManagementResponseCode::FunctionComplete,
                        initiator_task_tag: tmf.initiator_task_tag,
                        stat_sn: seq.stat_sn,
                        exp_cmd_sn: seq.exp_cmd_sn,
                        max_cmd_sn: seq.max_cmd_sn(),
                    }));
                    seq.stat_sn = seq.stat_sn.wrapping_add(1);
                }
            }
            Pdu::LogoutRequest(logout) => {
                assert_eq!(logout.cmd_sn, seq.exp_cmd_sn, "Logout CmdSN");
                assert_eq!(logout.exp_stat_sn, seq.stat_sn, "Logout ExpStatSN");
                log.lock().unwrap().logouts += 1;
                peer.write(Pdu::LogoutResponse(LogoutResponse {
                    response: LogoutResponseCode::Closed,
                    initiator_task_tag: logout.initiator_task_tag,
                    stat_sn: seq.stat_sn,
                    exp_cmd_sn: seq.exp_cmd_sn,
                    max_cmd_sn: seq.max_cmd_sn(),
                    time2wait_s: 0,
                    time2retain_s: 0,
                }));
                return;
            }
            _ => {}
        }
    }
}

fn record_data_out(log: &Mutex<Log>, d: &discmaster_iscsi::DataOut) {
    log.lock().unwrap().data_outs.push(DataOutSeen {
        ttt: d.target_transfer_tag,
        data_sn: d.data_sn,
        offset: d.buffer_offset,
        len: d.data_segment.len(),
        final_pdu: d.final_pdu,
    });
}

fn respond(
    peer: &mut Peer,
    config: &FakeConfig,
    seq: &mut Sequence,
    cmd: &discmaster_iscsi::ScsiCommand,
    reply: Reply,
) {
    let edtl = if cmd.read {
        cmd.expected_data_transfer_length as usize
    } else {
        0
    };
    let sent = reply.data.len().min(edtl);
    let (underflow, overflow, residual) = if reply.data.len() < edtl {
        (true, false, (edtl - reply.data.len()) as u32)
    } else if reply.data.len() > edtl && cmd.read {
        (false, true, (reply.data.len() - edtl) as u32)
    } else {
        (false, false, 0)
    };
    let collapse = config.status_in_data_in && reply.status == ScsiStatus::GOOD && sent > 0;
    let mut offset = 0;
    let mut data_sn = 0;
    while offset < sent {
        let len = config.data_in_segment.min(sent - offset);
        let last = offset + len == sent;
        let with_status = last && collapse;
        peer.write(Pdu::DataIn(DataIn {
            final_pdu: last,
            acknowledge: false,
            residual_overflow: with_status && overflow,
            residual_underflow: with_status && underflow,
            status: with_status.then_some(reply.status),
            lun: cmd.lun,
            initiator_task_tag: cmd.initiator_task_tag,
            target_transfer_tag: RESERVED_TAG,
            stat_sn: if with_status { seq.stat_sn } else { 0 },
            exp_cmd_sn: seq.exp_cmd_sn,
            max_cmd_sn: seq.max_cmd_sn(),
            data_sn,
            buffer_offset: offset as u32,
            residual_count: if with_status { residual } else { 0 },
            data_segment: reply.data[offset..offset + len].to_vec(),
        }));
        offset += len;
        data_sn += 1;
    }
    if collapse {
        seq.stat_sn = seq.stat_sn.wrapping_add(1);
        return;
    }
    peer.write(Pdu::ScsiResponse(ScsiResponse {
        bidirectional_read_residual_overflow: false,
        bidirectional_read_residual_underflow: false,
        residual_overflow: overflow,
        residual_underflow: underflow,
        response: ScsiResponseCode::CommandCompletedAtTarget,
        status: reply.status,
        initiator_task_tag: cmd.initiator_task_tag,
        snack_tag: 0,
        stat_sn: seq.stat_sn,
        exp_cmd_sn: seq.exp_cmd_sn,
        max_cmd_sn: seq.max_cmd_sn(),
        exp_data_sn: data_sn,
        bidirectional_read_residual_count: 0,
        residual_count: residual,
        sense: reply.sense,
        response_data: Vec::new(),
    }));
    seq.stat_sn = seq.stat_sn.wrapping_add(1);
}

// ---------------------------------------------------------------------------------------------

fn initiator_config() -> InitiatorConfig {
    InitiatorConfig {
        initiator_name: "iqn.2024-01.test.discmaster:initiator".into(),
        login_timeout: Duration::from_secs(5),
        abort_timeout: Duration::from_millis(500),
        keepalive_idle: None,
        ..InitiatorConfig::default()
    }
}

fn credentials(name: &str, secret: &str) -> ChapCredentials {
    ChapCredentials {
        name: name.into(),
        secret: ChapSecret::new(secret.as_bytes().to_vec()).unwrap(),
    }
}

fn inquiry(t: &mut IscsiTransport, len: usize) -> (Vec<u8>, usize, ScsiStatus) {
    let mut buf = vec![0xa5u8; len];
    let cdb = [0x12, 0, 0, (len >> 8) as u8, len as u8, 0];
    let c = t
        .execute(&cdb, DataPhase::In(&mut buf), Duration::from_secs(5))
        .unwrap();
    (buf, c.residual, c.status)
}

fn write10(t: &mut IscsiTransport, lba: u32, data: &[u8]) -> ScsiStatus {
    let blocks = (data.len() / BLOCK) as u16;
    let l = lba.to_be_bytes();
    let n = blocks.to_be_bytes();
    let cdb = [0x2a, 0, l[0], l[1], l[2], l[3], 0, n[0], n[1], 0];
    t.execute(&cdb, DataPhase::Out(data), Duration::from_secs(5))
        .unwrap()
        .status
}

fn read10(t: &mut IscsiTransport, lba: u32, blocks: u16) -> Vec<u8> {
    let l = lba.to_be_bytes();
    let n = blocks.to_be_bytes();
    let cdb = [0x28, 0, l[0], l[1], l[2], l[3], 0, n[0], n[1], 0];
    let mut buf = vec![0u8; blocks as usize * BLOCK];
    let c = t
        .execute(&cdb, DataPhase::In(&mut buf), Duration::from_secs(5))
        .unwrap();
    assert!(c.is_good());
    assert_eq!(c.residual, 0);
    buf
}

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

#[test]
fn login_plain_negotiates_target_declarations_and_logs_out_on_drop() {
    let fake = Fake::start(FakeConfig {
        negotiation: NegotiationConfig {
            max_recv_data_segment_length: 4096,
            max_burst_length: 65536,
            first_burst_length: 16384,
            ..FakeConfig::default().negotiation
        },
        ..FakeConfig::default()
    });
    let t = IscsiTransport::connect(fake.address(), initiator_config()).unwrap();
    let p = t.negotiated().unwrap().clone();
    assert_eq!(p.target_max_recv_data_segment_length, 4096);
    assert_eq!(p.initiator_max_recv_data_segment_length, 262_144);
    assert_eq!(p.max_burst_length, 65536); // Minimum(262144, 65536)
    assert_eq!(p.first_burst_length, 16384); // Minimum(65536, 16384)
    assert!(p.initial_r2t); // OR(No, Yes)
    assert!(p.immediate_data); // AND(Yes, Yes)
    assert_eq!(p.digests(), Digests::NONE);
    assert_eq!(p.target_alias.as_deref(), Some("fake"));
    assert_eq!(
        t.describe(),
        format!("iscsi://127.0.0.1:{}/{TARGET_NAME}/0", fake.port)
    );
    assert_eq!(t.login_count(), 1);
    drop(t);
    let log = fake.finish();
    assert_eq!(log.logins, 1);
    assert_eq!(log.logouts, 1);
    let key = |k: &str| {
        log.login_keys
            .iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(key("AuthMethod").as_deref(), Some("None"));
    assert_eq!(key("TargetName").as_deref(), Some(TARGET_NAME));
    assert_eq!(key("SessionType").as_deref(), Some("Normal"));
    assert_eq!(key("HeaderDigest").as_deref(), Some("None,CRC32C"));
    assert_eq!(key("InitialR2T").as_deref(), Some("No"));
}

#[test]
fn login_unknown_target_name_is_refused_not_found() {
    let fake = Fake::start(FakeConfig::default());
    let address = IscsiAddress::parse(&format!(
        "iscsi://127.0.0.1:{}/iqn.2024-01.test:other/0",
        fake.port
    ))
    .unwrap();
    let err = IscsiTransport::connect(address, initiator_config())
        .err()
        .expect("login must fail");
    assert!(
        matches!(err, InitiatorError::LoginRefused { status } if status == LoginStatus::NOT_FOUND),
        "{err}"
    );
    assert_eq!(err.kind(), InitiatorErrorKind::Unreachable);
    fake.finish();
}

#[test]
fn login_one_way_chap_authenticates() {
    let fake = Fake::start(FakeConfig {
        chap: Some((credentials("alice", "initiator-secret"), None)),
        ..FakeConfig::default()
    });
    let config = InitiatorConfig {
        chap: Some(ChapConfig {
            credentials: credentials("alice", "initiator-secret"),
            mutual: None,
        }),
        ..initiator_config()
    };
    let mut t = IscsiTransport::connect(fake.address(), config).unwrap();
    let (data, _, status) = inquiry(&mut t, 96);
    assert_eq!(status, ScsiStatus::GOOD);
    assert_eq!(data[95], 95);
    drop(t);
    let log = fake.finish();
    assert_eq!(log.logins, 1);
    assert!(log
        .login_keys
        .iter()
        .any(|(k, v)| k == "AuthMethod" && v == "CHAP,None"));
    assert!(log
        .login_keys
        .iter()
        .any(|(k, v)| k == "CHAP_N" && v == "alice"));
}

#[test]
fn login_wrong_chap_secret_is_refused_authentication_failure() {
    let fake = Fake::start(FakeConfig {
        chap: Some((credentials("alice", "initiator-secret"), None)),
        ..FakeConfig::default()
    });
    let config = InitiatorConfig {
        chap: Some(ChapConfig {
            credentials: credentials("alice", "wrong-secret"),
            mutual: None,
        }),
        ..initiator_config()
    };
    let err = IscsiTransport::connect(fake.address(), config)
        .err()
        .expect("login must fail");
    assert!(
        matches!(err, InitiatorError::LoginRefused { status } if status == LoginStatus::AUTHENTICATION_FAILURE),
        "{err}"
    );
    assert_eq!(err.kind(), InitiatorErrorKind::AuthenticationFailed);
    assert_eq!(fake.finish().logins, 0);
}

#[test]
fn login_mutual_chap_verifies_the_target() {
    let fake = Fake::start(FakeConfig {
        chap: Some((
            credentials("alice", "initiator-secret"),
            Some(credentials("target", "target-secret")),
        )),
        ..FakeConfig::default()
    });
    let config = InitiatorConfig {
        chap: Some(ChapConfig {
            credentials: credentials("alice", "initiator-secret"),
            mutual: Some(credentials("target", "target-secret")),
        }),
        ..initiator_config()
    };
    let mut t = IscsiTransport::connect(fake.address(), config).unwrap();
    assert_eq!(inquiry(&mut t, 36).2, ScsiStatus::GOOD);
    drop(t);
    let log = fake.finish();
    assert!(log
        .login_keys
        .iter()
        .any(|(k, v)| k == "AuthMethod" && v == "CHAP"));
    assert!(log.login_keys.iter().any(|(k, _)| k == "CHAP_C"));
}

#[test]
fn login_mutual_chap_wrong_target_secret_fails() {
    let fake = Fake::start(FakeConfig {
        chap: Some((
            credentials("alice", "initiator-secret"),
            Some(credentials("target", "impostor-secret")),
        )),
        ..FakeConfig::default()
    });
    let config = InitiatorConfig {
        chap: Some(ChapConfig {
            credentials: credentials("alice", "initiator-secret"),
            mutual: Some(credentials("target", "target-secret")),
        }),
        ..initiator_config()
    };
    let err = IscsiTransport::connect(fake.address(), config)
        .err()
        .expect("login must fail");
    assert!(
        matches!(
            err,
            InitiatorError::Chap(ChapError::ResponseMismatch { .. })
        ),
        "{err}"
    );
    assert_eq!(err.kind(), InitiatorErrorKind::AuthenticationFailed);
    fake.finish();
}

#[test]
fn login_silent_target_times_out() {
    let fake = Fake::start(FakeConfig {
        behaviour: Behaviour::SilentLogin,
        ..FakeConfig::default()
    });
    let started = Instant::now();
    let config = InitiatorConfig {
        login_timeout: Duration::from_millis(700),
        ..initiator_config()
    };
    let err = IscsiTransport::connect(fake.address(), config)
        .err()
        .expect("login must time out");
    assert!(matches!(err, InitiatorError::Timeout { .. }), "{err}");
    assert_eq!(err.kind(), InitiatorErrorKind::Timeout);
    assert!(started.elapsed() < Duration::from_secs(3));
    fake.finish();
}

#[test]
fn connect_refused_port_is_unreachable() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let address =
        IscsiAddress::parse(&format!("iscsi://127.0.0.1:{port}/{TARGET_NAME}/0")).unwrap();
    let err = IscsiTransport::connect(address, initiator_config())
        .err()
        .expect("nothing listens");
    assert_eq!(err.kind(), InitiatorErrorKind::Unreachable, "{err}");
    assert!(matches!(
        err.into_transport_error(),
        TransportError::DeviceGone(_)
    ));
}

#[test]
fn data_in_in_segments_with_status_in_final_pdu_is_collected() {
    let fake = Fake::start(FakeConfig {
        data_in_segment: 32,
        status_in_data_in: true,
        ..FakeConfig::default()
    });
    let mut t = IscsiTransport::connect(fake.address(), initiator_config()).unwrap();
    let (data, residual, status) = inquiry(&mut t, 96);
    assert_eq!(status, ScsiStatus::GOOD);
    assert_eq!(residual, 0);
    assert_eq!(data, (0..96u32).map(|i| i as u8).collect::<Vec<_>>());
    // A second command on the same session proves the sequence numbers stayed in step.
    let (data, residual, _) = inquiry(&mut t, 64);
    assert_eq!(residual, 0);
    assert_eq!(data, (0..64u32).map(|i| i as u8).collect::<Vec<_>>());
    drop(t);
    let log = fake.finish();
    assert_eq!(log.cdbs.len(), 2);
    assert_eq!(log.cdbs[0], vec![0x12, 0, 0, 0, 96, 0]);
}

#[test]
fn data_in_underflow_reports_residual() {
    let fake = Fake::start(FakeConfig::default());
    let mut t = IscsiTransport::connect(fake.address(), initiator_config()).unwrap();
    let (data, residual, status) = inquiry(&mut t, 200);
    assert_eq!(status, ScsiStatus::GOOD);
    assert_eq!(residual, 104); // 200 asked, 96 sent, U bit with residual 104
    assert_eq!(data[95], 95);
    assert_eq!(data[96], 0xa5); // untouched past the data
    drop(t);
    fake.finish();
}

#[test]
fn data_in_underflow_with_status_in_data_in_reports_residual() {
    let fake = Fake::start(FakeConfig {
        status_in_data_in: true,
        data_in_segment: 40,
        ..FakeConfig::default()
    });
    let mut t = IscsiTransport::connect(fake.address(), initiator_config()).unwrap();
    let (_, residual, status) = inquiry(&mut t, 128);
    assert_eq!(status, ScsiStatus::GOOD);
    assert_eq!(residual, 32);
    drop(t);
    fake.finish();
}

#[test]
fn data_in_overflow_keeps_the_buffer_and_reports_no_residual() {
    let fake = Fake::start(FakeConfig::default());
    let mut t = IscsiTransport::connect(fake.address(), initiator_config()).unwrap();
    // The CDB allows 96 bytes but the buffer (Expected Data Transfer Length) holds 50.
    let mut buf = vec![0u8; 50];
    let c = t
        .execute(
            &[0x12, 0, 0, 0, 96, 0],
            DataPhase::In(&mut buf),
            Duration::from_secs(5),
        )
        .unwrap();
    assert!(c.is_good());
    assert_eq!(c.residual, 0);
    assert_eq!(buf, (0..50u32).map(|i| i as u8).collect::<Vec<_>>());
    drop(t);
    fake.finish();
}

#[test]
fn data_out_solicited_by_r2t_is_segmented_by_max_recv_data_segment_length() {
    let fake = Fake::start(FakeConfig {
        negotiation: NegotiationConfig {
            max_recv_data_segment_length: 512,
            max_burst_length: 1024,
            first_burst_length: 512,
            initial_r2t: true,
            immediate_data: false,
            ..FakeConfig::default().negotiation
        },
        ..FakeConfig::default()
    });
    let mut t = IscsiTransport::connect(fake.address(), initiator_config()).unwrap();
    let data = pattern(5 * BLOCK, 7); // 2560 bytes: R2Ts of 1024, 1024, 512
    assert_eq!(write10(&mut t, 2, &data), ScsiStatus::GOOD);
    assert_eq!(read10(&mut t, 2, 5), data);
    drop(t);
    let log = fake.finish();
    assert_eq!(log.immediate_lens[0], 0);
    assert_eq!(log.r2ts, vec![(0, 1024), (1024, 1024), (2048, 512)]);
    let seen: Vec<(u32, u32, u32, usize, bool)> = log
        .data_outs
        .iter()
        .map(|d| (d.ttt, d.data_sn, d.offset, d.len, d.final_pdu))
        .collect();
    assert_eq!(
        seen,
        vec![
            (0x101, 0, 0, 512, false),
            (0x101, 1, 512, 512, true),
            (0x102, 0, 1024, 512, false),
            (0x102, 1, 1536, 512, true),
            (0x103, 0, 2048, 512, true),
        ]
    );
    assert_eq!(&log.blocks[2 * BLOCK..7 * BLOCK], &data[..]);
}

#[test]
fn data_out_immediate_and_unsolicited_up_to_first_burst_then_r2t() {
    let fake = Fake::start(FakeConfig {
        negotiation: NegotiationConfig {
            max_recv_data_segment_length: 1024,
            max_burst_length: 4096,
            first_burst_length: 2048,
            initial_r2t: false,
            immediate_data: true,
            ..FakeConfig::default().negotiation
        },
        ..FakeConfig::default()
    });
    let mut t = IscsiTransport::connect(fake.address(), initiator_config()).unwrap();
    let p = t.negotiated().unwrap().clone();
    assert!(!p.initial_r2t);
    assert_eq!(p.first_burst_length, 2048);
    let data = pattern(12 * BLOCK, 3); // 6144 bytes
    assert_eq!(write10(&mut t, 0, &data), ScsiStatus::GOOD);
    assert_eq!(read10(&mut t, 0, 12), data);
    drop(t);
    let log = fake.finish();
    assert_eq!(log.immediate_lens[0], 1024); // min(FirstBurstLength, MaxRecvDataSegmentLength)
    assert_eq!(log.r2ts, vec![(2048, 4096)]);
    let seen: Vec<(u32, u32, u32, usize, bool)> = log
        .data_outs
        .iter()
        .map(|d| (d.ttt, d.data_sn, d.offset, d.len, d.final_pdu))
        .collect();
    assert_eq!(
        seen,
        vec![
            (RESERVED_TAG, 0, 1024, 1024, true), // unsolicited up to FirstBurstLength
            (0x101, 0, 2048, 1024, false),
            (0x101, 1, 3072, 1024, false),
            (0x101, 2, 4096, 1024, false),
            (0x101, 3, 5120, 1024, true),
        ]
    );
    assert_eq!(&log.blocks[..data.len()], &data[..]);
}

#[test]
fn check_condition_returns_sense_in_completion() {
    let fake = Fake::start(FakeConfig::default());
    let mut t = IscsiTransport::connect(fake.address(), initiator_config()).unwrap();
    let c = t
        .execute(&[0, 0, 0, 0, 0, 0], DataPhase::None, Duration::from_secs(5))
        .unwrap();
    assert_eq!(c.status, ScsiStatus::CHECK_CONDITION);
    assert_eq!(c.sense, SENSE_NOT_READY_NO_MEDIUM.to_vec());
    assert_eq!(c.residual, 0);
    // CHECK CONDITION on a read: no data, the whole buffer is residual.
    let mut buf = [0u8; 8];
    let c = t
        .execute(
            &[0, 0, 0, 0, 0, 0],
            DataPhase::In(&mut buf),
            Duration::from_secs(5),
        )
        .unwrap();
    assert_eq!(c.status, ScsiStatus::CHECK_CONDITION);
    assert_eq!(c.residual, 8);
    drop(t);
    fake.finish();
}

#[test]
fn digests_crc32c_negotiated_and_used_both_ways() {
    let fake = Fake::start(FakeConfig {
        negotiation: NegotiationConfig {
            header_digests: vec![DigestKind::Crc32c],
            data_digests: vec![DigestKind::Crc32c],
            max_recv_data_segment_length: 1024,
            ..FakeConfig::default().negotiation
        },
        data_in_segment: 700,
        ..FakeConfig::default()
    });
    let mut t = IscsiTransport::connect(fake.address(), initiator_config()).unwrap();
    assert_eq!(t.negotiated().unwrap().digests(), Digests::BOTH);
    let data = pattern(8 * BLOCK, 9);
    assert_eq!(write10(&mut t, 4, &data), ScsiStatus::GOOD);
    assert_eq!(read10(&mut t, 4, 8), data);
    let c = t
        .execute(&[0, 0, 0, 0, 0, 0], DataPhase::None, Duration::from_secs(5))
        .unwrap();
    assert_eq!(c.sense, SENSE_NOT_READY_NO_MEDIUM.to_vec());
    drop(t);
    let log = fake.finish();
    assert_eq!(log.logouts, 1);
    assert_eq!(&log.blocks[4 * BLOCK..12 * BLOCK], &data[..]);
}

#[test]
fn digests_required_by_initiator_but_refused_by_target_fail_login() {
    let fake = Fake::start(FakeConfig::default()); // target: None only
    let config = InitiatorConfig {
        header_digests: vec![DigestKind::Crc32c],
        ..initiator_config()
    };
    let err = IscsiTransport::connect(fake.address(), config)
        .err()
        .expect("no common digest");
    // The target answers Reject, which leaves the default None: not what was required.
    assert!(matches!(err, InitiatorError::Protocol(_)), "{err}");
    assert!(err.to_string().contains("HeaderDigest"), "{err}");
    fake.finish();
}

#[test]
fn nop_in_ping_from_target_is_answered_with_its_ttt_and_data() {
    let fake = Fake::start(FakeConfig {
        nop_before_response: true,
        ..FakeConfig::default()
    });
    let mut t = IscsiTransport::connect(fake.address(), initiator_config()).unwrap();
    assert_eq!(inquiry(&mut t, 96).2, ScsiStatus::GOOD);
    assert_eq!(inquiry(&mut t, 96).2, ScsiStatus::GOOD);
    drop(t);
    let log = fake.finish();
    assert_eq!(
        log.nop_answers,
        vec![(0x5555, b"ping".to_vec()), (0x5555, b"ping".to_vec())]
    );
}

#[test]
fn ping_round_trips_and_keepalive_pings_before_a_command() {
    let fake = Fake::start(FakeConfig::default());
    let config = InitiatorConfig {
        keepalive_idle: Some(Duration::from_millis(50)),
        ..initiator_config()
    };
    let mut t = IscsiTransport::connect(fake.address(), config).unwrap();
    let rtt = t.ping(Duration::from_secs(2)).unwrap();
    assert!(rtt < Duration::from_secs(2));
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(inquiry(&mut t, 96).2, ScsiStatus::GOOD); // preceded by a keepalive ping
    assert_eq!(inquiry(&mut t, 96).2, ScsiStatus::GOOD); // not idle: no ping
    assert_eq!(t.login_count(), 1);
    drop(t);
    assert_eq!(fake.finish().pings, 2);
}

#[test]
fn target_dropping_connection_gives_device_gone_within_timeout() {
    let fake = Fake::start(FakeConfig {
        behaviour: Behaviour::DropOnCommand,
        ..FakeConfig::default()
    });
    let mut t = IscsiTransport::connect(fake.address(), initiator_config()).unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 96];
    let err = t
        .execute(
            &[0x12, 0, 0, 0, 96, 0],
            DataPhase::In(&mut buf),
            Duration::from_secs(10),
        )
        .unwrap_err();
    assert!(matches!(err, TransportError::DeviceGone(_)), "{err}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(!t.is_connected());
    // The target is gone for good (its thread accepted one connection): the next command's
    // login fails with DeviceGone too, quickly.
    let log = fake.finish();
    assert_eq!(log.cdbs.len(), 1);
    let started = Instant::now();
    let err = t
        .execute(
            &[0, 0, 0, 0, 0, 0],
            DataPhase::None,
            Duration::from_secs(10),
        )
        .unwrap_err();
    assert!(matches!(err, TransportError::DeviceGone(_)), "{err}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn connection_lost_between_commands_logs_in_again_before_the_next() {
    let fake = Fake::start(FakeConfig {
        behaviour: Behaviour::DropAfterFirst,
        accepts: 2,
        ..FakeConfig::default()
    });
    let mut t = IscsiTransport::connect(fake.address(), initiator_config()).unwrap();
    assert_eq!(inquiry(&mut t, 96).2, ScsiStatus::GOOD);
    let waited = Instant::now();
    while fake.log.lock().unwrap().closed_connections == 0 {
        assert!(waited.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(20)); // the FIN crosses loopback
    assert_eq!(inquiry(&mut t, 96).2, ScsiStatus::GOOD);
    assert_eq!(t.login_count(), 2);
    drop(t);
    let log = fake.finish();
    assert_eq!(log.logins, 2);
    assert_eq!(log.cdbs.len(), 2);
}

#[test]
fn silent_target_gives_timeout_after_abort_task_then_resets() {
    let fake = Fake::start(FakeConfig {
        behaviour: Behaviour::Silent {
            answer_abort: false,
        },
        ..FakeConfig::default()
    });
    let mut t = IscsiTransport::connect(fake.address(), initiator_config()).unwrap();
    let started = Instant::now();
    let timeout = Duration::from_millis(400);
    let mut buf = [0u8; 96];
    let err = t
        .execute(&[0x12, 0, 0, 0, 96, 0], DataPhase::In(&mut buf), timeout)
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        matches!(err, TransportError::Timeout(d) if d == timeout),
        "{err}"
    );
    // The command timeout plus the 500 ms abort grace, and no more.
    assert!(elapsed >= timeout, "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(2000), "{elapsed:?}");
    assert!(!t.is_connected()); // ABORT TASK unanswered: connection reset
    drop(t);
    let log = fake.finish();
    assert_eq!(log.aborts.len(), 1);
    assert_eq!(log.aborts[0].0, 1); // the ITT of the first command
}

#[test]
fn abort_task_answered_keeps_the_session() {
    let fake = Fake::start(FakeConfig {
        behaviour: Behaviour::SilentOnce,
        ..FakeConfig::default()
    });
    let mut t = IscsiTransport::connect(fake.address(), initiator_config()).unwrap();
    let mut buf = [0u8; 96];
    let err = t
        .execute(
            &[0x12, 0, 0, 0, 96, 0],
            DataPhase::In(&mut buf),
            Duration::from_millis(300),
        )
        .unwrap_err();
    assert!(matches!(err, TransportError::Timeout(_)), "{err}");
    assert!(t.is_connected());
    assert_eq!(inquiry(&mut t, 96).2, ScsiStatus::GOOD);
    assert_eq!(t.login_count(), 1);
    drop(t);
    let log = fake.finish();
    assert_eq!(log.logins, 1);
    assert_eq!(log.aborts.len(), 1);
    assert_eq!(log.logouts, 1);
}
