//! A deliberately small iSCSI initiator for the target tests, written on the codec only (no
//! use of the crate's own initiator, so the two sides are not checked against each other):
//! login with explicit keys, SCSI commands with R2T/Data-Out and Data-In collection, raw PDU
//! send/receive for the protocol-level tests. Panics on anything unexpected (test code).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use discmaster_emu::{EmulatedDrive, MediaKind};
use discmaster_iscsi::pdu::*;
use discmaster_iscsi::target::{StopHandle, Target, TargetConfig, TargetEvent};
use discmaster_iscsi::text::TextParameters;
use discmaster_iscsi::{BasicHeader, Digests, Isid, LoginStage, Lun, TaskAttribute, BHS_LEN};
use discmaster_transport::ScsiStatus;

pub const IQN: &str = "iqn.2024-01.invalid.discmaster:test";
pub const INITIATOR: &str = "iqn.2024-01.invalid.test:initiator";

/// A target serving an emulated drive with a blank `media` on 127.0.0.1 (any port), run on a
/// thread; events are collected.
pub struct Running {
    pub addr: SocketAddr,
    pub stop: StopHandle,
    pub thread: Option<std::thread::JoinHandle<EmulatedDrive>>,
    pub events: std::sync::Arc<std::sync::Mutex<Vec<TargetEvent>>>,
    pub dir: tempfile::TempDir,
}

impl Running {
    pub fn start(media: Option<MediaKind>, configure: impl FnOnce(&mut TargetConfig)) -> Running {
        let dir = tempfile::tempdir().unwrap();
        let mut drive = EmulatedDrive::open(dir.path()).unwrap();
        if let Some(m) = media {
            drive.load_blank(m).unwrap();
        }
        let mut config = TargetConfig::new(IQN, "127.0.0.1:0".parse().unwrap());
        configure(&mut config);
        let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = events.clone();
        let target = Target::bind(config, drive)
            .unwrap()
            .on_event(move |e| sink.lock().unwrap().push(e.clone()));
        let addr = target.local_addr().unwrap();
        let stop = target.stop_handle();
        let thread = std::thread::spawn(move || target.run().unwrap());
        Running {
            addr,
            stop,
            thread: Some(thread),
            events,
            dir,
        }
    }

    /// Stops the target and returns the drive it served.
    pub fn finish(mut self) -> EmulatedDrive {
        self.stop.stop();
        self.thread.take().unwrap().join().unwrap()
    }

    pub fn events(&self) -> Vec<TargetEvent> {
        self.events.lock().unwrap().clone()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop.stop();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The outcome of one SCSI command.
#[derive(Debug)]
pub struct Outcome {
    pub status: ScsiStatus,
    pub sense: Vec<u8>,
    pub data: Vec<u8>,
    pub residual_underflow: bool,
    pub residual: u32,
    /// PDUs seen for the command: (R2T count, Data-In count, Data-In with F bit count).
    pub r2ts: Vec<ReadyToTransfer>,
    pub data_ins: usize,
    pub data_in_finals: usize,
    pub status_in_data_in: bool,
}

impl Outcome {
    /// Sense key / ASC / ASCQ of fixed-format sense.
    pub fn sense_triple(&self) -> Option<(u8, u8, u8)> {
        (self.sense.len() >= 14).then(|| (self.sense[2] & 0x0F, self.sense[12], self.sense[13]))
    }
}

pub struct Client {
    pub stream: TcpStream,
    pub cmd_sn: u32,
    pub exp_stat_sn: u32,
    pub itt: u32,
    pub digests: Digests,
    pub isid: Isid,
    /// The target's declared MaxRecvDataSegmentLength (what we may send).
    pub target_mrdsl: usize,
    /// FirstBurstLength / ImmediateData in effect.
    pub first_burst: usize,
    pub immediate_data: bool,
    /// Size of Data-Out PDUs we send.
    pub data_out_pdu: usize,
}

impl Client {
    pub fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.set_nodelay(true).unwrap();
        Client {
            stream,
            cmd_sn: 1,
            exp_stat_sn: 0,
            itt: 1,
            digests: Digests::NONE,
            isid: Isid([0x80, 1, 2, 3, 0, 1]),
            target_mrdsl: 8192,
            first_burst: 65536,
            immediate_data: true,
            data_out_pdu: 8192,
        }
    }

    pub fn send(&mut self, pdu: &Pdu) {
        let bytes = pdu.encode(self.digests).unwrap();
        self.stream.write_all(&bytes).unwrap();
    }

    /// The next PDU, or `None` when the target closed the connection.
    pub fn try_recv(&mut self) -> Option<Pdu> {
        let mut bhs = [0u8; BHS_LEN];
        let mut n = 0;
        while n < BHS_LEN {
            match self.stream.read(&mut bhs[n..]) {
                Ok(0) => return None,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return None,
                Err(e) => panic!("read: {e}"),
            }
        }
        let len = BasicHeader::new_checked(&bhs[..])
            .unwrap()
            .pdu_length(self.digests);
        let mut bytes = vec![0u8; len];
        bytes[..BHS_LEN].copy_from_slice(&bhs);
        self.stream.read_exact(&mut bytes[BHS_LEN..]).unwrap();
        let (pdu, used) = Pdu::decode(&bytes, self.digests).unwrap();
        assert_eq!(used, len);
        if let Some(s) = stat_sn_of(&pdu) {
            self.exp_stat_sn = s.wrapping_add(1);
        }
        Some(pdu)
    }

    pub fn recv(&mut self) -> Pdu {
        self.try_recv().expect("connection closed by the target")
    }

    pub fn next_itt(&mut self) -> u32 {
        self.itt += 1;
        self.itt
    }

    /// One Login Request with `keys`; returns the response.
    pub fn login_step(
        &mut self,
        csg: LoginStage,
        nsg: LoginStage,
        transit: bool,
        keys: &[(&str, &str)],
    ) -> LoginResponse {
        let text: TextParameters = keys.iter().map(|(k, v)| (*k, *v)).collect();
        let itt = self.itt;
        self.send(&Pdu::LoginRequest(LoginRequest {
            transit,
            text_continues: false,
            current_stage: csg,
            next_stage: if transit {
                nsg
            } else {
                LoginStage::SecurityNegotiation
            },
            version_max: 0,
            version_min: 0,
            isid: self.isid,
            tsih: 0,
            initiator_task_tag: itt,
            cid: 0,
            cmd_sn: self.cmd_sn,
            exp_stat_sn: self.exp_stat_sn,
            text: text.emit(),
        }));
        match self.recv() {
            Pdu::LoginResponse(r) => {
                let t = TextParameters::parse(&r.text).unwrap();
                if let Some(v) = t.get("MaxRecvDataSegmentLength") {
                    self.target_mrdsl = v.parse().unwrap();
                }
                r
            }
            other => panic!("expected a Login Response, got {other:?}"),
        }
    }

    /// A normal session straight from the operational stage to Full Feature Phase with the
    /// usual keys plus `extra` (which override).
    pub fn login_normal(&mut self, extra: &[(&str, &str)]) -> LoginResponse {
        let mut keys: Vec<(&str, &str)> = vec![
            ("InitiatorName", INITIATOR),
            ("TargetName", IQN),
            ("SessionType", "Normal"),
        ];
        keys.extend_from_slice(extra);
        self.login_operational(&keys)
    }

    /// The operational stage (as the first stage or after the security stage) up to Full
    /// Feature Phase with default operational keys plus `extra` (which override).
    pub fn login_operational(&mut self, extra: &[(&str, &str)]) -> LoginResponse {
        let mut keys: Vec<(&str, &str)> = vec![
            ("HeaderDigest", "None"),
            ("DataDigest", "None"),
            ("MaxRecvDataSegmentLength", "8192"),
        ];
        for (k, v) in extra {
            keys.retain(|(kk, _)| kk != k);
            keys.push((k, v));
        }
        let r = self.login_step(
            LoginStage::LoginOperationalNegotiation,
            LoginStage::FullFeaturePhase,
            true,
            &keys,
        );
        assert_eq!(r.status, LoginStatus::SUCCESS, "login: {r:?}");
        assert!(r.transit && r.next_stage == LoginStage::FullFeaturePhase);
        let t = TextParameters::parse(&r.text).unwrap();
        if let Some(v) = t.get("FirstBurstLength") {
            self.first_burst = v.parse().unwrap();
        }
        if let Some(v) = t.get("ImmediateData") {
            self.immediate_data = v == "Yes";
        }
        if t.get("HeaderDigest") == Some("CRC32C") {
            self.digests.header = true;
        }
        if t.get("DataDigest") == Some("CRC32C") {
            self.digests.data = true;
        }
        self.data_out_pdu = self.target_mrdsl;
        r
    }

    /// Sends a SCSI command to `lun` and runs it to completion (R2T → Data-Out, Data-In).
    pub fn command_lun(
        &mut self,
        lun: u16,
        cdb: &[u8],
        read_len: usize,
        write: Option<&[u8]>,
    ) -> Outcome {
        let itt = self.next_itt();
        let lun = Lun::from_index(lun).unwrap();
        let edtl = write.map_or(read_len, <[u8]>::len);
        let immediate: Vec<u8> = match write {
            Some(w) if self.immediate_data => {
                w[..w.len().min(self.first_burst).min(self.target_mrdsl)].to_vec()
            }
            _ => Vec::new(),
        };
        self.send(&Pdu::ScsiCommand(ScsiCommand {
            immediate: false,
            final_pdu: true,
            read: write.is_none() && read_len > 0,
            write: write.is_some(),
            attribute: TaskAttribute::Simple,
            lun,
            initiator_task_tag: itt,
            expected_data_transfer_length: edtl as u32,
            cmd_sn: self.cmd_sn,
            exp_stat_sn: self.exp_stat_sn,
            cdb: cdb.to_vec(),
            bidirectional_read_length: None,
            immediate_data: immediate,
        }));
        self.cmd_sn = self.cmd_sn.wrapping_add(1);
        let mut out = Outcome {
            status: ScsiStatus::GOOD,
            sense: Vec::new(),
            data: vec![0u8; read_len],
            residual_underflow: false,
            residual: 0,
            r2ts: Vec::new(),
            data_ins: 0,
            data_in_finals: 0,
            status_in_data_in: false,
        };
        let mut max_end = 0usize;
        loop {
            match self.recv() {
                Pdu::ReadyToTransfer(r) => {
                    assert_eq!(r.initiator_task_tag, itt);
                    let data = write.expect("R2T for a command without data-out");
                    let start = r.buffer_offset as usize;
                    let end = start + r.desired_data_transfer_length as usize;
                    let mut at = start;
                    let mut data_sn = 0;
                    while at < end {
                        let chunk_end = (at + self.data_out_pdu).min(end);
                        let exp_stat_sn = self.exp_stat_sn;
                        self.send(&Pdu::DataOut(DataOut {
                            final_pdu: chunk_end == end,
                            lun,
                            initiator_task_tag: itt,
                            target_transfer_tag: r.target_transfer_tag,
                            exp_stat_sn,
                            data_sn,
                            buffer_offset: at as u32,
                            data_segment: data[at..chunk_end].to_vec(),
                        }));
                        data_sn += 1;
                        at = chunk_end;
                    }
                    out.r2ts.push(r);
                }
                Pdu::DataIn(d) => {
                    assert_eq!(d.initiator_task_tag, itt);
                    let at = d.buffer_offset as usize;
                    out.data[at..at + d.data_segment.len()].copy_from_slice(&d.data_segment);
                    max_end = max_end.max(at + d.data_segment.len());
                    out.data_ins += 1;
                    if d.final_pdu {
                        out.data_in_finals += 1;
                    }
                    if let Some(s) = d.status {
                        out.status = s;
                        out.residual_underflow = d.residual_underflow;
                        out.residual = d.residual_count;
                        out.status_in_data_in = true;
                        break;
                    }
                }
                Pdu::ScsiResponse(r) => {
                    assert_eq!(r.initiator_task_tag, itt);
                    out.status = r.status;
                    out.sense = r.sense;
                    out.residual_underflow = r.residual_underflow;
                    out.residual = r.residual_count;
                    break;
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        out.data.truncate(max_end);
        out
    }

    pub fn command(&mut self, cdb: &[u8], read_len: usize, write: Option<&[u8]>) -> Outcome {
        self.command_lun(0, cdb, read_len, write)
    }

    /// Repeats TEST UNIT READY until GOOD (consuming unit attentions); returns the senses.
    pub fn clear_unit_attentions(&mut self) -> Vec<(u8, u8, u8)> {
        let mut seen = Vec::new();
        for _ in 0..5 {
            let o = self.command(&[0; 6], 0, None);
            if o.status == ScsiStatus::GOOD {
                return seen;
            }
            seen.push(o.sense_triple().unwrap());
        }
        panic!("TEST UNIT READY never GOOD: {seen:?}");
    }

    pub fn logout(&mut self) -> LogoutResponse {
        let itt = self.next_itt();
        self.send(&Pdu::LogoutRequest(LogoutRequest {
            immediate: true,
            reason: discmaster_iscsi::LogoutReason::CloseSession,
            initiator_task_tag: itt,
            cid: 0,
            cmd_sn: self.cmd_sn,
            exp_stat_sn: self.exp_stat_sn,
        }));
        match self.recv() {
            Pdu::LogoutResponse(r) => r,
            other => panic!("expected a Logout Response, got {other:?}"),
        }
    }
}

fn stat_sn_of(p: &Pdu) -> Option<u32> {
    match p {
        Pdu::ScsiResponse(r) => Some(r.stat_sn),
        Pdu::DataIn(d) if d.status.is_some() => Some(d.stat_sn),
        Pdu::LoginResponse(r) => Some(r.stat_sn),
        Pdu::TextResponse(r) => Some(r.stat_sn),
        Pdu::LogoutResponse(r) => Some(r.stat_sn),
        Pdu::TaskManagementResponse(r) => Some(r.stat_sn),
        Pdu::NopIn(n) if n.initiator_task_tag != u32::MAX => Some(n.stat_sn),
        _ => None,
    }
}
