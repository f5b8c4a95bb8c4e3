//! The iSCSI target against a small codec-only initiator (`target_support`): login rules,
//! CHAP, discovery, SCSI commands with R2T / Data-Out / Data-In / sense, NOP, task
//! management, logout, the multi-initiator rules of the logical unit, digests, and stopping
//! with the emulated drive handed back and saved.

mod target_support;

use discmaster_emu::{EmulatedDrive, MediaKind};
use discmaster_iscsi::chap::{chap_md5_response, ChapCredentials, ChapSecret};
use discmaster_iscsi::pdu::*;
use discmaster_iscsi::target::{Target, TargetConfig, TargetError, TargetEvent};
use discmaster_iscsi::text::{encode_hex, parse_binary, TextParameters};
use discmaster_iscsi::{
    LoginStage, Lun, RejectReason, TaskAttribute, TaskManagementFunction,
    TaskManagementResponseCode,
};
use discmaster_transport::ScsiStatus;
use target_support::*;

const SECURITY: LoginStage = LoginStage::SecurityNegotiation;
const OPERATIONAL: LoginStage = LoginStage::LoginOperationalNegotiation;
const FULL: LoginStage = LoginStage::FullFeaturePhase;

fn text(r: &LoginResponse) -> TextParameters {
    TextParameters::parse(&r.text).unwrap()
}

fn write10(lba: u32, blocks: u16) -> [u8; 10] {
    let l = lba.to_be_bytes();
    let b = blocks.to_be_bytes();
    [0x2A, 0, l[0], l[1], l[2], l[3], 0, b[0], b[1], 0]
}

fn read10(lba: u32, blocks: u16) -> [u8; 10] {
    let l = lba.to_be_bytes();
    let b = blocks.to_be_bytes();
    [0x28, 0, l[0], l[1], l[2], l[3], 0, b[0], b[1], 0]
}

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(7) ^ seed).collect()
}

fn secret() -> ChapSecret {
    ChapSecret::new("correct horse battery").unwrap()
}

fn chap_config(c: &mut TargetConfig) {
    c.chap = Some(ChapCredentials {
        name: "burner".into(),
        secret: secret(),
    });
}

#[test]
fn config_non_loopback_without_chap_is_refused() {
    let c = TargetConfig::new(IQN, "0.0.0.0:3260".parse().unwrap());
    assert!(matches!(
        c.validate(),
        Err(TargetError::UnauthenticatedRemote { .. })
    ));
    let dir = tempfile::tempdir().unwrap();
    let drive = EmulatedDrive::open(dir.path()).unwrap();
    let err = Target::bind(c, drive).unwrap_err();
    assert!(err.to_string().contains("without authentication"), "{err}");
}

#[test]
fn config_non_loopback_with_chap_is_accepted_and_short_secret_refused() {
    let mut c = TargetConfig::new(IQN, "0.0.0.0:3260".parse().unwrap());
    chap_config(&mut c);
    assert!(c.validate().is_ok());
    c.chap = Some(ChapCredentials {
        name: "burner".into(),
        secret: ChapSecret::new("short").unwrap(),
    });
    assert!(matches!(
        c.validate(),
        Err(TargetError::ChapSecretTooShort { len: 5, min: 12 })
    ));
}

#[test]
fn config_invalid_target_names_are_refused() {
    for name in [
        "",
        "iqn.",
        "IQN.2024-01.x:y",
        "iqn.2024-01.x:Upper",
        "target",
    ] {
        let c = TargetConfig::new(name, "127.0.0.1:0".parse().unwrap());
        assert!(
            matches!(c.validate(), Err(TargetError::InvalidName { .. })),
            "{name:?}"
        );
    }
}

#[test]
fn discovery_send_targets_lists_this_target_at_the_connected_portal() {
    let t = Running::start(None, |_| {});
    let mut c = Client::connect(t.addr);
    let r = c.login_step(
        SECURITY,
        FULL,
        true,
        &[
            ("InitiatorName", INITIATOR),
            ("SessionType", "Discovery"),
            ("AuthMethod", "None"),
        ],
    );
    assert_eq!(r.status, LoginStatus::SUCCESS);
    assert!(r.tsih != 0, "TSIH set in the final response");
    assert_eq!(text(&r).get("AuthMethod"), Some("None"));
    assert_eq!(text(&r).get("TargetPortalGroupTag"), Some("1"));
    let itt = c.next_itt();
    c.send(&Pdu::TextRequest(TextRequest {
        immediate: true,
        final_pdu: true,
        text_continues: false,
        lun: Lun::ZERO,
        initiator_task_tag: itt,
        target_transfer_tag: u32::MAX,
        cmd_sn: c.cmd_sn,
        exp_stat_sn: c.exp_stat_sn,
        text: TextParameters::from_iter([("SendTargets", "All")]).emit(),
    }));
    let Pdu::TextResponse(resp) = c.recv() else {
        panic!("no Text Response")
    };
    assert!(resp.final_pdu);
    let found = TextParameters::parse(&resp.text).unwrap();
    assert_eq!(found.get("TargetName"), Some(IQN));
    assert_eq!(
        found.get("TargetAddress"),
        Some(format!("127.0.0.1:{},1", t.addr.port()).as_str())
    );
    // A SCSI command in a discovery session is a protocol error.
    c.send(&Pdu::ScsiCommand(ScsiCommand {
        immediate: false,
        final_pdu: true,
        read: false,
        write: false,
        attribute: TaskAttribute::Simple,
        lun: Lun::ZERO,
        initiator_task_tag: 99,
        expected_data_transfer_length: 0,
        cmd_sn: c.cmd_sn,
        exp_stat_sn: c.exp_stat_sn,
        cdb: vec![0; 16],
        bidirectional_read_length: None,
        immediate_data: Vec::new(),
    }));
    let Pdu::Reject(rej) = c.recv() else {
        panic!("no Reject")
    };
    assert_eq!(rej.reason, RejectReason::ProtocolError);
    assert_eq!(rej.rejected_header.len(), 48);
    assert!(c.try_recv().is_none(), "connection closed after the error");
}

#[test]
fn login_unknown_target_name_is_not_found() {
    let t = Running::start(None, |_| {});
    let mut c = Client::connect(t.addr);
    let r = c.login_step(
        OPERATIONAL,
        FULL,
        true,
        &[
            ("InitiatorName", INITIATOR),
            ("TargetName", "iqn.2024-01.invalid:other"),
        ],
    );
    assert_eq!(r.status, LoginStatus::NOT_FOUND);
    assert!(c.try_recv().is_none());
}

#[test]
fn login_without_initiator_name_is_missing_parameter() {
    let t = Running::start(None, |_| {});
    let mut c = Client::connect(t.addr);
    let r = c.login_step(OPERATIONAL, FULL, true, &[("TargetName", IQN)]);
    assert_eq!(r.status, LoginStatus::MISSING_PARAMETER);
}

#[test]
fn login_security_then_operational_declares_limits_and_answers_markers() {
    let t = Running::start(Some(MediaKind::DvdPlusR), |_| {});
    let mut c = Client::connect(t.addr);
    let r = c.login_step(
        SECURITY,
        OPERATIONAL,
        true,
        &[
            ("InitiatorName", INITIATOR),
            ("TargetName", IQN),
            ("AuthMethod", "CHAP,None"),
        ],
    );
    assert_eq!(r.status, LoginStatus::SUCCESS);
    assert!(r.transit && r.next_stage == OPERATIONAL);
    assert_eq!(r.tsih, 0, "no TSIH before the final response");
    assert_eq!(text(&r).get("AuthMethod"), Some("None"));
    let r = c.login_step(
        OPERATIONAL,
        FULL,
        true,
        &[
            ("HeaderDigest", "None"),
            ("MaxBurstLength", "1048576"),
            ("InitialR2T", "No"),
            ("IFMarker", "No"),
            ("OFMarkInt", "2048~8192"),
        ],
    );
    assert_eq!(r.status, LoginStatus::SUCCESS);
    let t2 = text(&r);
    assert_eq!(t2.get("MaxRecvDataSegmentLength"), Some("262144"));
    assert_eq!(t2.get("MaxBurstLength"), Some("262144"), "minimum");
    assert_eq!(
        t2.get("InitialR2T"),
        Some("Yes"),
        "OR with the target's Yes"
    );
    assert_eq!(t2.get("IFMarker"), Some("No"));
    assert_eq!(t2.get("OFMarkInt"), Some("Irrelevant"));
    assert!(r.tsih != 0);
}

#[test]
fn chap_correct_secret_logs_in_and_wrong_secret_is_authentication_failure() {
    let t = Running::start(Some(MediaKind::DvdPlusR), chap_config);
    for (secret_used, expect_ok) in [
        (secret(), true),
        (ChapSecret::new("wrong secret!").unwrap(), false),
    ] {
        let mut c = Client::connect(t.addr);
        let r = c.login_step(
            SECURITY,
            OPERATIONAL,
            false,
            &[
                ("InitiatorName", INITIATOR),
                ("TargetName", IQN),
                ("AuthMethod", "CHAP,None"),
            ],
        );
        assert_eq!(text(&r).get("AuthMethod"), Some("CHAP"));
        let r = c.login_step(SECURITY, OPERATIONAL, false, &[("CHAP_A", "5")]);
        let t1 = text(&r);
        assert_eq!(t1.get("CHAP_A"), Some("5"));
        let id: u8 = t1.get("CHAP_I").unwrap().parse().unwrap();
        let challenge = parse_binary(t1.get("CHAP_C").unwrap()).unwrap();
        assert!(challenge.len() >= 16);
        let response = chap_md5_response(id, secret_used.expose(), &challenge);
        let r = c.login_step(
            SECURITY,
            OPERATIONAL,
            true,
            &[("CHAP_N", "burner"), ("CHAP_R", &encode_hex(&response))],
        );
        if expect_ok {
            assert_eq!(r.status, LoginStatus::SUCCESS);
            assert!(r.transit);
            c.login_operational(&[]);
        } else {
            assert_eq!(r.status, LoginStatus::AUTHENTICATION_FAILURE);
            assert!(c.try_recv().is_none());
        }
    }
    let events = t.events();
    assert!(events.iter().any(|e| matches!(e,
        TargetEvent::LoginAccepted { chap_name: Some(n), .. } if n == "burner")));
    assert!(events.iter().any(|e| matches!(e,
        TargetEvent::LoginRejected { status, reason, .. }
            if *status == LoginStatus::AUTHENTICATION_FAILURE && reason.contains("wrong secret"))));
}

#[test]
fn chap_required_refuses_none_and_skipping_security() {
    let t = Running::start(None, chap_config);
    let mut c = Client::connect(t.addr);
    let r = c.login_step(
        SECURITY,
        OPERATIONAL,
        true,
        &[
            ("InitiatorName", INITIATOR),
            ("TargetName", IQN),
            ("AuthMethod", "None"),
        ],
    );
    assert_eq!(r.status, LoginStatus::AUTHENTICATION_FAILURE);
    let mut c = Client::connect(t.addr);
    let r = c.login_step(
        OPERATIONAL,
        FULL,
        true,
        &[("InitiatorName", INITIATOR), ("TargetName", IQN)],
    );
    assert_eq!(r.status, LoginStatus::AUTHENTICATION_FAILURE);
}

#[test]
fn first_command_reports_power_on_then_medium_change_then_ready() {
    let t = Running::start(Some(MediaKind::DvdPlusR), |_| {});
    let mut c = Client::connect(t.addr);
    c.login_normal(&[]);
    // INQUIRY never reports a unit attention; GOOD status rides on the Data-In.
    let inq = c.command(&[0x12, 0, 0, 0, 96, 0], 96, None);
    assert_eq!(inq.status, ScsiStatus::GOOD);
    assert!(inq.status_in_data_in);
    assert_eq!(inq.data[0], 0x05, "peripheral device type 05h");
    assert_eq!(&inq.data[8..16], b"DISCMSTR");
    // The blank disc loaded before the session started is not reported as a change to it.
    assert_eq!(c.clear_unit_attentions(), vec![(6, 0x29, 0x00)]);
}

#[test]
fn medium_change_pending_at_login_goes_to_earlier_sessions_only() {
    let t = Running::start(Some(MediaKind::CdR), |_| {});
    let mut a = Client::connect(t.addr);
    a.login_normal(&[]);
    assert_eq!(a.clear_unit_attentions(), vec![(6, 0x29, 0x00)]);
    // A reloads the tray; before A sends another command, B logs in.
    assert_eq!(
        a.command(&[0x1B, 0, 0, 0, 0x02, 0], 0, None).status,
        ScsiStatus::GOOD
    );
    assert_eq!(
        a.command(&[0x1B, 0, 0, 0, 0x03, 0], 0, None).status,
        ScsiStatus::GOOD
    );
    let mut b = Client::connect(t.addr);
    b.isid.0[5] = 2;
    b.login_normal(&[]);
    assert_eq!(b.clear_unit_attentions(), vec![(6, 0x29, 0x00)]);
    assert_eq!(a.clear_unit_attentions(), vec![(6, 0x28, 0x00)]);
}

#[test]
fn short_allocation_sets_residual_underflow() {
    let t = Running::start(Some(MediaKind::DvdPlusR), |_| {});
    let mut c = Client::connect(t.addr);
    c.login_normal(&[]);
    // Ask for 255 bytes of INQUIRY data: 96 come back, 159 residual.
    let o = c.command(&[0x12, 0, 0, 0, 0xFF, 0], 255, None);
    assert_eq!(o.data.len(), 96);
    assert!(o.residual_underflow);
    assert_eq!(o.residual, 159);
}

#[test]
fn check_condition_carries_sense_in_scsi_response() {
    let t = Running::start(Some(MediaKind::DvdPlusR), |_| {});
    let mut c = Client::connect(t.addr);
    c.login_normal(&[]);
    c.clear_unit_attentions();
    // READ(10) of a blank disc: 5/21/00, no data.
    let o = c.command(&read10(0, 1), 2048, None);
    assert_eq!(o.status, ScsiStatus::CHECK_CONDITION);
    assert_eq!(o.sense_triple(), Some((5, 0x21, 0x00)));
    assert!(o.data.is_empty());
    assert_eq!(o.data_ins, 0);
}

#[test]
fn write_with_r2t_bursts_then_read_back_over_several_data_in() {
    let t = Running::start(Some(MediaKind::DvdPlusR), |_| {});
    let mut c = Client::connect(t.addr);
    c.login_normal(&[
        ("ImmediateData", "No"),
        ("MaxBurstLength", "16384"),
        ("FirstBurstLength", "8192"),
        ("MaxRecvDataSegmentLength", "4096"),
    ]);
    c.data_out_pdu = 4096;
    c.clear_unit_attentions();
    let data = pattern(64 * 1024, 0x5A);
    let o = c.command(&write10(0, 32), 0, Some(&data));
    assert_eq!(o.status, ScsiStatus::GOOD, "{:?}", o.sense_triple());
    // 64 KiB in 16 KiB bursts: four R2Ts with consecutive offsets and R2TSNs.
    assert_eq!(o.r2ts.len(), 4);
    for (i, r) in o.r2ts.iter().enumerate() {
        assert_eq!(r.buffer_offset as usize, i * 16384);
        assert_eq!(r.desired_data_transfer_length, 16384);
        assert_eq!(r.r2t_sn as usize, i);
        assert_ne!(r.target_transfer_tag, u32::MAX);
    }
    // Read back: Data-In PDUs of at most 4096 bytes, F at every 16 KiB burst.
    let back = c.command(&read10(0, 32), 64 * 1024, None);
    assert_eq!(back.status, ScsiStatus::GOOD);
    assert_eq!(back.data, data);
    assert_eq!(back.data_ins, 16);
    assert_eq!(back.data_in_finals, 4);
    assert!(!back.residual_underflow);
}

#[test]
fn write_with_immediate_data_needs_no_r2t() {
    let t = Running::start(Some(MediaKind::DvdPlusR), |_| {});
    let mut c = Client::connect(t.addr);
    c.login_normal(&[("ImmediateData", "Yes"), ("FirstBurstLength", "65536")]);
    c.clear_unit_attentions();
    let data = pattern(32 * 1024, 0x11);
    c.data_out_pdu = 8192;
    // 32 KiB but the target declared 262144 as its MaxRecvDataSegmentLength: all immediate.
    let o = c.command(&write10(0, 16), 0, Some(&data));
    assert_eq!(o.status, ScsiStatus::GOOD);
    assert!(o.r2ts.is_empty());
    let back = c.command(&read10(0, 16), 32 * 1024, None);
    assert_eq!(back.data, data);
}

#[test]
fn nop_out_ping_is_answered_with_same_tag_and_data() {
    let t = Running::start(None, |_| {});
    let mut c = Client::connect(t.addr);
    c.login_normal(&[]);
    c.send(&Pdu::NopOut(NopOut {
        immediate: true,
        lun: Lun::ZERO,
        initiator_task_tag: 0x1234,
        target_transfer_tag: u32::MAX,
        cmd_sn: c.cmd_sn,
        exp_stat_sn: c.exp_stat_sn,
        ping_data: b"ping".to_vec(),
    }));
    let Pdu::NopIn(n) = c.recv() else {
        panic!("no NOP-In")
    };
    assert_eq!(n.initiator_task_tag, 0x1234);
    assert_eq!(n.target_transfer_tag, u32::MAX);
    assert_eq!(n.ping_data, b"ping");
}

#[test]
fn abort_task_drops_a_write_waiting_for_data() {
    let t = Running::start(Some(MediaKind::DvdPlusR), |_| {});
    let mut c = Client::connect(t.addr);
    c.login_normal(&[("ImmediateData", "No")]);
    c.clear_unit_attentions();
    let itt = c.next_itt();
    let cmd_sn = c.cmd_sn;
    c.send(&Pdu::ScsiCommand(ScsiCommand {
        immediate: false,
        final_pdu: true,
        read: false,
        write: true,
        attribute: TaskAttribute::Simple,
        lun: Lun::ZERO,
        initiator_task_tag: itt,
        expected_data_transfer_length: 2048,
        cmd_sn,
        exp_stat_sn: c.exp_stat_sn,
        cdb: write10(0, 1).to_vec(),
        bidirectional_read_length: None,
        immediate_data: Vec::new(),
    }));
    c.cmd_sn += 1;
    let Pdu::ReadyToTransfer(r2t) = c.recv() else {
        panic!("no R2T")
    };
    assert_eq!(r2t.initiator_task_tag, itt);
    c.send(&Pdu::TaskManagementRequest(TaskManagementRequest {
        immediate: true,
        function: TaskManagementFunction::AbortTask,
        lun: Lun::ZERO,
        initiator_task_tag: 0x777,
        referenced_task_tag: itt,
        cmd_sn: c.cmd_sn,
        exp_stat_sn: c.exp_stat_sn,
        ref_cmd_sn: cmd_sn,
        exp_data_sn: 0,
    }));
    let Pdu::TaskManagementResponse(tmf) = c.recv() else {
        panic!("no TMF response")
    };
    assert_eq!(tmf.response, TaskManagementResponseCode::FunctionComplete);
    // Late data for the aborted task is dropped; the medium stays blank.
    c.send(&Pdu::DataOut(DataOut {
        final_pdu: true,
        lun: Lun::ZERO,
        initiator_task_tag: itt,
        target_transfer_tag: r2t.target_transfer_tag,
        exp_stat_sn: c.exp_stat_sn,
        data_sn: 0,
        buffer_offset: 0,
        data_segment: vec![0xEE; 2048],
    }));
    let di = c.command(&[0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0], 34, None);
    assert_eq!(di.status, ScsiStatus::GOOD);
    assert_eq!(di.data[2] & 0x03, 0, "disc status still empty");
    // Aborting a task that does not exist, with a RefCmdSN ahead: task does not exist.
    c.send(&Pdu::TaskManagementRequest(TaskManagementRequest {
        immediate: true,
        function: TaskManagementFunction::AbortTask,
        lun: Lun::ZERO,
        initiator_task_tag: 0x778,
        referenced_task_tag: 0xABCD,
        cmd_sn: c.cmd_sn,
        exp_stat_sn: c.exp_stat_sn,
        ref_cmd_sn: c.cmd_sn + 5,
        exp_data_sn: 0,
    }));
    let Pdu::TaskManagementResponse(tmf) = c.recv() else {
        panic!("no TMF response")
    };
    assert_eq!(tmf.response, TaskManagementResponseCode::TaskDoesNotExist);
}

#[test]
fn data_out_at_wrong_offset_is_rejected_and_connection_closed() {
    let t = Running::start(Some(MediaKind::DvdPlusR), |_| {});
    let mut c = Client::connect(t.addr);
    c.login_normal(&[("ImmediateData", "No")]);
    c.clear_unit_attentions();
    let itt = c.next_itt();
    c.send(&Pdu::ScsiCommand(ScsiCommand {
        immediate: false,
        final_pdu: true,
        read: false,
        write: true,
        attribute: TaskAttribute::Simple,
        lun: Lun::ZERO,
        initiator_task_tag: itt,
        expected_data_transfer_length: 4096,
        cmd_sn: c.cmd_sn,
        exp_stat_sn: c.exp_stat_sn,
        cdb: write10(0, 2).to_vec(),
        bidirectional_read_length: None,
        immediate_data: Vec::new(),
    }));
    let Pdu::ReadyToTransfer(r2t) = c.recv() else {
        panic!("no R2T")
    };
    c.send(&Pdu::DataOut(DataOut {
        final_pdu: true,
        lun: Lun::ZERO,
        initiator_task_tag: itt,
        target_transfer_tag: r2t.target_transfer_tag,
        exp_stat_sn: c.exp_stat_sn,
        data_sn: 0,
        buffer_offset: 2048,
        data_segment: vec![0; 2048],
    }));
    let Pdu::Reject(rej) = c.recv() else {
        panic!("no Reject")
    };
    assert_eq!(rej.reason, RejectReason::ProtocolError);
    assert!(c.try_recv().is_none());
}

#[test]
fn other_luns_have_no_device_and_report_luns_lists_lun_zero() {
    let t = Running::start(Some(MediaKind::CdR), |_| {});
    let mut c = Client::connect(t.addr);
    c.login_normal(&[]);
    let inq = c.command_lun(1, &[0x12, 0, 0, 0, 36, 0], 36, None);
    assert_eq!(inq.status, ScsiStatus::GOOD);
    assert_eq!(inq.data[0], 0x7F, "qualifier 011b, type 1Fh");
    let tur = c.command_lun(1, &[0; 6], 0, None);
    assert_eq!(tur.sense_triple(), Some((5, 0x25, 0x00)));
    let luns = c.command_lun(3, &[0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0], 16, None);
    assert_eq!(luns.status, ScsiStatus::GOOD);
    assert_eq!(luns.data, [0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
}

#[test]
fn prevent_by_one_initiator_blocks_writes_and_eject_of_another_until_it_leaves() {
    let t = Running::start(Some(MediaKind::DvdPlusR), |_| {});
    let mut a = Client::connect(t.addr);
    a.login_normal(&[]);
    a.clear_unit_attentions();
    let mut b = Client::connect(t.addr);
    b.isid.0[5] = 2;
    b.login_normal(&[]);
    b.clear_unit_attentions();
    assert_eq!(
        a.command(&[0x1E, 0, 0, 0, 1, 0], 0, None).status,
        ScsiStatus::GOOD
    );
    let w = b.command(&write10(0, 16), 0, Some(&pattern(32 * 1024, 1)));
    assert_eq!(w.status, ScsiStatus::RESERVATION_CONFLICT);
    // B's ALLOW does not lift A's prevention: eject stays refused.
    assert_eq!(
        b.command(&[0x1E, 0, 0, 0, 0, 0], 0, None).status,
        ScsiStatus::GOOD
    );
    let eject = b.command(&[0x1B, 0, 0, 0, 0x02, 0], 0, None);
    assert_eq!(eject.sense_triple(), Some((5, 0x53, 0x02)));
    // Reading is never refused.
    let info = b.command(&[0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0], 34, None);
    assert_eq!(info.status, ScsiStatus::GOOD);
    // A writes; then A goes away without ALLOW: its prevention ends with its nexus.
    let w = a.command(&write10(0, 16), 0, Some(&pattern(32 * 1024, 2)));
    assert_eq!(w.status, ScsiStatus::GOOD);
    drop(a);
    let mut ok = false;
    for _ in 0..50 {
        let e = b.command(&[0x1B, 0, 0, 0, 0x02, 0], 0, None);
        if e.status == ScsiStatus::GOOD {
            ok = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(ok, "eject allowed once the preventing initiator is gone");
}

#[test]
fn medium_change_is_reported_to_every_initiator_once() {
    let t = Running::start(Some(MediaKind::DvdMinusR), |_| {});
    let mut a = Client::connect(t.addr);
    a.login_normal(&[]);
    a.clear_unit_attentions();
    let mut b = Client::connect(t.addr);
    b.isid.0[5] = 2;
    b.login_normal(&[]);
    assert_eq!(b.clear_unit_attentions(), vec![(6, 0x29, 0x00)]);
    // A opens and closes the tray.
    assert!(a.command(&[0x1B, 0, 0, 0, 0x02, 0], 0, None).status == ScsiStatus::GOOD);
    assert_eq!(
        a.command(&[0; 6], 0, None).sense_triple(),
        Some((2, 0x3A, 0x02)),
        "tray open"
    );
    assert!(a.command(&[0x1B, 0, 0, 0, 0x03, 0], 0, None).status == ScsiStatus::GOOD);
    assert_eq!(a.clear_unit_attentions(), vec![(6, 0x28, 0x00)]);
    assert_eq!(b.clear_unit_attentions(), vec![(6, 0x28, 0x00)]);
}

#[test]
fn header_and_data_digests_are_used_when_negotiated() {
    let t = Running::start(Some(MediaKind::BdR), |_| {});
    let mut c = Client::connect(t.addr);
    c.login_normal(&[
        ("HeaderDigest", "CRC32C,None"),
        ("DataDigest", "CRC32C,None"),
    ]);
    assert!(c.digests.header && c.digests.data);
    c.clear_unit_attentions();
    let data = pattern(64 * 1024, 3);
    assert_eq!(
        c.command(&write10(0, 32), 0, Some(&data)).status,
        ScsiStatus::GOOD
    );
    assert_eq!(c.command(&read10(0, 32), 64 * 1024, None).data, data);
}

#[test]
fn logout_closes_the_connection() {
    let t = Running::start(None, |_| {});
    let mut c = Client::connect(t.addr);
    c.login_normal(&[]);
    let r = c.logout();
    assert_eq!(r.response, discmaster_iscsi::LogoutResponseCode::Closed);
    assert!(c.try_recv().is_none());
    // The event follows the close: wait for it.
    let mut reasons = Vec::new();
    for _ in 0..100 {
        reasons = t
            .events()
            .iter()
            .filter_map(|e| match e {
                TargetEvent::ConnectionClosed { reason, .. } => Some(reason.clone()),
                _ => None,
            })
            .collect();
        if !reasons.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(reasons.iter().any(|r| r.contains("Logout")), "{reasons:?}");
}

#[test]
fn stop_closes_sessions_and_returns_the_drive_with_its_medium_saved() {
    let t = Running::start(Some(MediaKind::DvdPlusR), |_| {});
    let path = t.dir.path().to_path_buf();
    let mut c = Client::connect(t.addr);
    c.login_normal(&[]);
    c.clear_unit_attentions();
    let data = pattern(32 * 1024, 9);
    assert_eq!(
        c.command(&write10(0, 16), 0, Some(&data)).status,
        ScsiStatus::GOOD
    );
    // No SYNCHRONIZE CACHE: the state is only in memory until the drive is dropped.
    let started = std::time::Instant::now();
    let drive = t.finish_keep_dir();
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(drive.sectors_written(), 16);
    drop(drive);
    assert!(c.try_recv().is_none(), "session closed by the stop");
    let reopened = EmulatedDrive::open(&path).unwrap();
    assert_eq!(reopened.sectors_written(), 16, "medium state saved on drop");
}

trait FinishKeepDir {
    fn finish_keep_dir(self) -> EmulatedDrive;
}

impl FinishKeepDir for Running {
    /// Stops the target but keeps its directory alive (leaked for the test's duration).
    fn finish_keep_dir(mut self) -> EmulatedDrive {
        self.stop.stop();
        let drive = self.thread.take().unwrap().join().unwrap();
        let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().unwrap());
        std::mem::forget(dir);
        drive
    }
}
