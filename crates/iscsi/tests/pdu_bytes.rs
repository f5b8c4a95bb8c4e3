//! Every PDU both ways against bytes written by hand from the RFC 7143 §11 field tables.
//!
//! Each test decodes the bytes into the expected value and encodes the value into a buffer
//! pre-filled with 0xa5, so a field the encoder forgets shows up, and the bytes after the PDU
//! must stay 0xa5.

use discmaster_iscsi::*;
use discmaster_transport::ScsiStatus;

fn both_ways(bytes: &[u8], pdu: &Pdu) {
    let (decoded, used) = Pdu::decode(bytes, Digests::NONE).expect("decode");
    assert_eq!(&decoded, pdu, "decoded value");
    assert_eq!(used, bytes.len(), "bytes used");
    let mut buf = vec![0xa5u8; bytes.len() + 8];
    let n = pdu
        .encode_to_slice(Digests::NONE, &mut buf)
        .expect("encode");
    assert_eq!(n, bytes.len(), "encoded length");
    assert_eq!(&buf[..n], bytes, "encoded bytes");
    assert!(buf[n..].iter().all(|&b| b == 0xa5), "wrote past the PDU");
    assert_eq!(pdu.encoded_len(Digests::NONE), Ok(bytes.len()));
}

const LUN1: Lun = Lun([0, 1, 0, 0, 0, 0, 0, 0]);

#[test]
fn nop_out_with_ping_data_round_trips_with_padding() {
    #[rustfmt::skip]
    let bytes = [
        0x40,                   // 0: .|I=1|opcode 00h NOP-Out
        0x80,                   // 1: F=1
        0x00, 0x00,             // 2-3: reserved
        0x00,                   // 4: TotalAHSLength 0
        0x00, 0x00, 0x05,       // 5-7: DataSegmentLength 5
        0x00, 0x01, 0, 0, 0, 0, 0, 0, // 8-15: LUN 1
        0x11, 0x22, 0x33, 0x44, // 16-19: ITT
        0xff, 0xff, 0xff, 0xff, // 20-23: TTT FFFFFFFFh
        0x01, 0x02, 0x03, 0x04, // 24-27: CmdSN
        0x05, 0x06, 0x07, 0x08, // 28-31: ExpStatSN
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 32-47: reserved
        b'p', b'i', b'n', b'g', b'!', // 48-52: ping data
        0x00, 0x00, 0x00,       // 53-55: padding to 4 bytes
    ];
    let pdu = Pdu::NopOut(NopOut {
        immediate: true,
        lun: LUN1,
        initiator_task_tag: 0x1122_3344,
        target_transfer_tag: RESERVED_TAG,
        cmd_sn: 0x0102_0304,
        exp_stat_sn: 0x0506_0708,
        ping_data: b"ping!".to_vec(),
    });
    both_ways(&bytes, &pdu);
}

#[test]
fn scsi_command_read10_round_trips_and_trims_cdb_by_group() {
    #[rustfmt::skip]
    let bytes = [
        0x01,                   // 0: .|I=0|opcode 01h SCSI Command
        0xc1,                   // 1: F=1 R=1 W=0 ATTR=1 (Simple)
        0x00, 0x00,             // 2-3: reserved
        0x00,                   // 4: TotalAHSLength 0
        0x00, 0x00, 0x00,       // 5-7: DataSegmentLength 0
        0x00, 0x02, 0, 0, 0, 0, 0, 0, // 8-15: LUN 2
        0x00, 0x00, 0x00, 0x0a, // 16-19: ITT 10
        0x00, 0x00, 0x10, 0x00, // 20-23: Expected Data Transfer Length 4096
        0x00, 0x00, 0x00, 0x07, // 24-27: CmdSN 7
        0x00, 0x00, 0x00, 0x09, // 28-31: ExpStatSN 9
        0x28, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x08, 0x00, // 32-41: READ(10) LBA 4096, 8 blocks
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // 42-47: CDB padding
    ];
    let mut cdb = vec![0x28, 0, 0, 0, 0x10, 0, 0, 0, 0x08, 0];
    cdb.resize(16, 0);
    let cmd = ScsiCommand {
        immediate: false,
        final_pdu: true,
        read: true,
        write: false,
        attribute: TaskAttribute::Simple,
        lun: Lun::from_index(2).unwrap(),
        initiator_task_tag: 10,
        expected_data_transfer_length: 4096,
        cmd_sn: 7,
        exp_stat_sn: 9,
        cdb,
        bidirectional_read_length: None,
        immediate_data: Vec::new(),
    };
    assert_eq!(cmd.cdb_by_group(), &bytes[32..42]);
    both_ways(&bytes, &Pdu::ScsiCommand(cmd.clone()));
    // A 10-byte CDB encodes to the same bytes (zero-padded to 16 in the BHS).
    let short = ScsiCommand {
        cdb: bytes[32..42].to_vec(),
        ..cmd
    };
    assert_eq!(
        Pdu::ScsiCommand(short).encode(Digests::NONE).unwrap(),
        bytes
    );
}

#[test]
fn scsi_command_extended_cdb_and_bidirectional_ahs_round_trip() {
    #[rustfmt::skip]
    let bytes = [
        0x41,                   // 0: .|I=1|opcode 01h
        0xe2,                   // 1: F=1 R=1 W=1 ATTR=2 (Ordered)
        0x00, 0x00,             // 2-3: reserved
        0x04,                   // 4: TotalAHSLength 4 words (16 bytes)
        0x00, 0x00, 0x04,       // 5-7: DataSegmentLength 4
        0x00, 0x01, 0, 0, 0, 0, 0, 0, // 8-15: LUN 1
        0x00, 0x00, 0x00, 0x0c, // 16-19: ITT 12
        0x00, 0x00, 0x02, 0x00, // 20-23: Expected Data Transfer Length 512
        0x00, 0x00, 0x00, 0x0d, // 24-27: CmdSN 13
        0x00, 0x00, 0x00, 0x0e, // 28-31: ExpStatSN 14
        0x7f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, // 32-39: CDB bytes 0-7
        0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, // 40-47: CDB bytes 8-15
        0x00, 0x05,             // 48-49: AHSLength 5 (20-byte CDB - 15)
        0x01,                   // 50: AHSType 1 Extended CDB
        0x00,                   // 51: reserved
        0x21, 0x22, 0x23, 0x24, // 52-55: CDB bytes 16-19
        0x00, 0x05,             // 56-57: AHSLength 5
        0x02,                   // 58: AHSType 2 Bidirectional Read Expected Data Transfer Length
        0x00,                   // 59: reserved
        0x00, 0x00, 0x08, 0x00, // 60-63: read length 2048
        0xde, 0xad, 0xbe, 0xef, // 64-67: immediate data
    ];
    let mut cdb = bytes[32..48].to_vec();
    cdb.extend_from_slice(&[0x21, 0x22, 0x23, 0x24]);
    let pdu = Pdu::ScsiCommand(ScsiCommand {
        immediate: true,
        final_pdu: true,
        read: true,
        write: true,
        attribute: TaskAttribute::Ordered,
        lun: LUN1,
        initiator_task_tag: 12,
        expected_data_transfer_length: 512,
        cmd_sn: 13,
        exp_stat_sn: 14,
        cdb,
        bidirectional_read_length: Some(2048),
        immediate_data: vec![0xde, 0xad, 0xbe, 0xef],
    });
    both_ways(&bytes, &pdu);
}

#[test]
fn scsi_response_with_sense_round_trips() {
    #[rustfmt::skip]
    let bytes = [
        0x21,                   // 0: opcode 21h SCSI Response
        0x92,                   // 1: 1|0|0|o=1|u=0|O=0|U=1|0
        0x00,                   // 2: Response 00h Command Completed at Target
        0x02,                   // 3: Status 02h CHECK CONDITION
        0x00,                   // 4: TotalAHSLength 0
        0x00, 0x00, 0x14,       // 5-7: DataSegmentLength 20
        0, 0, 0, 0, 0, 0, 0, 0, // 8-15: reserved
        0x00, 0x00, 0x00, 0x0a, // 16-19: ITT 10
        0x00, 0x00, 0x00, 0x03, // 20-23: SNACK Tag 3
        0x00, 0x00, 0x00, 0x20, // 24-27: StatSN
        0x00, 0x00, 0x00, 0x21, // 28-31: ExpCmdSN
        0x00, 0x00, 0x00, 0x40, // 32-35: MaxCmdSN
        0x00, 0x00, 0x00, 0x01, // 36-39: ExpDataSN
        0x00, 0x00, 0x00, 0x04, // 40-43: Bidirectional Read Residual Count
        0x00, 0x00, 0x02, 0x00, // 44-47: Residual Count 512
        0x00, 0x12,             // 48-49: SenseLength 18
        0x70, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x0a, // 50-57: fixed sense, key 5, add. length 10
        0x00, 0x00, 0x00, 0x00, 0x24, 0x00, 0x00, 0x00, // 58-65: ASC 24h ASCQ 00h
        0x00, 0x00,             // 66-67: sense bytes 16-17
    ];
    let pdu = Pdu::ScsiResponse(ScsiResponse {
        bidirectional_read_residual_overflow: true,
        bidirectional_read_residual_underflow: false,
        residual_overflow: false,
        residual_underflow: true,
        response: ScsiResponseCode::CommandCompletedAtTarget,
        status: ScsiStatus::CHECK_CONDITION,
        initiator_task_tag: 10,
        snack_tag: 3,
        stat_sn: 0x20,
        exp_cmd_sn: 0x21,
        max_cmd_sn: 0x40,
        exp_data_sn: 1,
        bidirectional_read_residual_count: 4,
        residual_count: 512,
        sense: bytes[50..68].to_vec(),
        response_data: Vec::new(),
    });
    both_ways(&bytes, &pdu);
}

#[test]
fn task_management_request_abort_task_round_trips() {
    #[rustfmt::skip]
    let bytes = [
        0x42,                   // 0: .|I=1|opcode 02h
        0x81,                   // 1: 1|Function 1 ABORT TASK
        0x00, 0x00,             // 2-3: reserved
        0x00,                   // 4: TotalAHSLength 0
        0x00, 0x00, 0x00,       // 5-7: DataSegmentLength 0
        0x00, 0x03, 0, 0, 0, 0, 0, 0, // 8-15: LUN 3
        0x00, 0x00, 0x00, 0x1b, // 16-19: ITT
        0x00, 0x00, 0x00, 0x0a, // 20-23: Referenced Task Tag
        0x00, 0x00, 0x00, 0x08, // 24-27: CmdSN
        0x00, 0x00, 0x00, 0x21, // 28-31: ExpStatSN
        0x00, 0x00, 0x00, 0x07, // 32-35: RefCmdSN
        0x00, 0x00, 0x00, 0x02, // 36-39: ExpDataSN
        0, 0, 0, 0, 0, 0, 0, 0, // 40-47: reserved
    ];
    let pdu = Pdu::TaskManagementRequest(TaskManagementRequest {
        immediate: true,
        function: TaskManagementFunction::AbortTask,
        lun: Lun::from_index(3).unwrap(),
        initiator_task_tag: 0x1b,
        referenced_task_tag: 0x0a,
        cmd_sn: 8,
        exp_stat_sn: 0x21,
        ref_cmd_sn: 7,
        exp_data_sn: 2,
    });
    both_ways(&bytes, &pdu);
}

#[test]
fn task_management_response_round_trips() {
    #[rustfmt::skip]
    let bytes = [
        0x22,                   // 0: opcode 22h
        0x80,                   // 1: 1|reserved
        0x01,                   // 2: Response 1 Task does not exist
        0x00,                   // 3: reserved
        0x00,                   // 4: TotalAHSLength
        0x00, 0x00, 0x00,       // 5-7: DataSegmentLength
        0, 0, 0, 0, 0, 0, 0, 0, // 8-15: reserved
        0x00, 0x00, 0x00, 0x1b, // 16-19: ITT
        0x00, 0x00, 0x00, 0x00, // 20-23: reserved
        0x00, 0x00, 0x00, 0x22, // 24-27: StatSN
        0x00, 0x00, 0x00, 0x09, // 28-31: ExpCmdSN
        0x00, 0x00, 0x00, 0x48, // 32-35: MaxCmdSN
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 36-47: reserved
    ];
    let pdu = Pdu::TaskManagementResponse(TaskManagementResponse {
        response: TaskManagementResponseCode::TaskDoesNotExist,
        initiator_task_tag: 0x1b,
        stat_sn: 0x22,
        exp_cmd_sn: 9,
        max_cmd_sn: 0x48,
    });
    both_ways(&bytes, &pdu);
}

#[test]
fn login_request_security_stage_round_trips() {
    #[rustfmt::skip]
    let bytes = [
        0x43,                   // 0: .|I=1|opcode 03h
        0x81,                   // 1: T=1 C=0 CSG=0 (security) NSG=1 (operational)
        0x00,                   // 2: Version-max
        0x00,                   // 3: Version-min
        0x00,                   // 4: TotalAHSLength
        0x00, 0x00, 0x10,       // 5-7: DataSegmentLength 16
        0x80, 0x12, 0x34, 0x56, // 8-11: ISID T=10b (random) A=0, B=1234h, C=56h
        0x00, 0x01,             // 12-13: ISID D (qualifier) 1
        0x00, 0x00,             // 14-15: TSIH 0 (new session)
        0x00, 0x00, 0x00, 0x05, // 16-19: ITT
        0x01, 0x02,             // 20-21: CID
        0x00, 0x00,             // 22-23: reserved
        0x00, 0x00, 0x00, 0x01, // 24-27: CmdSN
        0x00, 0x00, 0x00, 0x03, // 28-31: ExpStatSN
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 32-47: reserved
        b'A', b'u', b't', b'h', b'M', b'e', b't', b'h', // 48-55: "AuthMeth"
        b'o', b'd', b'=', b'N', b'o', b'n', b'e', 0x00, // 56-63: "od=None\0"
    ];
    let isid = Isid::random_format(0x0012_3456, 1);
    assert_eq!(isid.format(), IsidFormat::Random);
    assert_eq!(isid.qualifier(), 1);
    let pdu = Pdu::LoginRequest(LoginRequest {
        transit: true,
        text_continues: false,
        current_stage: LoginStage::SecurityNegotiation,
        next_stage: LoginStage::LoginOperationalNegotiation,
        version_max: 0,
        version_min: 0,
        isid,
        tsih: 0,
        initiator_task_tag: 5,
        cid: 0x0102,
        cmd_sn: 1,
        exp_stat_sn: 3,
        text: b"AuthMethod=None\0".to_vec(),
    });
    both_ways(&bytes, &pdu);
}

#[test]
fn login_response_operational_to_full_feature_round_trips() {
    #[rustfmt::skip]
    let bytes = [
        0x23,                   // 0: opcode 23h
        0x87,                   // 1: T=1 C=0 CSG=1 NSG=3 (full feature)
        0x00,                   // 2: Version-max
        0x00,                   // 3: Version-active
        0x00,                   // 4: TotalAHSLength
        0x00, 0x00, 0x12,       // 5-7: DataSegmentLength 18
        0x80, 0x12, 0x34, 0x56, 0x00, 0x01, // 8-13: ISID
        0x00, 0x05,             // 14-15: TSIH 5
        0x00, 0x00, 0x00, 0x05, // 16-19: ITT
        0x00, 0x00, 0x00, 0x00, // 20-23: reserved
        0x00, 0x00, 0x00, 0x03, // 24-27: StatSN
        0x00, 0x00, 0x00, 0x02, // 28-31: ExpCmdSN
        0x00, 0x00, 0x00, 0x11, // 32-35: MaxCmdSN
        0x00,                   // 36: Status-Class 0 success
        0x00,                   // 37: Status-Detail 0
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 38-47: reserved
        b'H', b'e', b'a', b'd', b'e', b'r', b'D', b'i', b'g', // 48-56: "HeaderDig"
        b'e', b's', b't', b'=', b'N', b'o', b'n', b'e', 0x00, // 57-65: "est=None\0"
        0x00, 0x00,             // 66-67: padding
    ];
    let pdu = Pdu::LoginResponse(LoginResponse {
        transit: true,
        text_continues: false,
        current_stage: LoginStage::LoginOperationalNegotiation,
        next_stage: LoginStage::FullFeaturePhase,
        version_max: 0,
        version_active: 0,
        isid: Isid::random_format(0x0012_3456, 1),
        tsih: 5,
        initiator_task_tag: 5,
        stat_sn: 3,
        exp_cmd_sn: 2,
        max_cmd_sn: 0x11,
        status: LoginStatus::SUCCESS,
        text: b"HeaderDigest=None\0".to_vec(),
    });
    both_ways(&bytes, &pdu);
}

#[test]
fn login_response_authentication_failure_decodes_class_and_detail() {
    let mut bytes = [0u8; 48];
    bytes[0] = 0x23; // opcode 23h
    bytes[1] = 0x00; // T=0 CSG=0 NSG=0
    bytes[36] = 0x02; // Status-Class 2 initiator error
    bytes[37] = 0x01; // Status-Detail 1 authentication failure
    let (pdu, _) = Pdu::decode(&bytes, Digests::NONE).unwrap();
    let Pdu::LoginResponse(r) = pdu else {
        panic!("not a login response: {pdu:?}")
    };
    assert_eq!(r.status, LoginStatus::AUTHENTICATION_FAILURE);
    assert_eq!(r.status.class(), StatusClass::InitiatorError);
    assert_eq!(r.status.detail(), 1);
    assert_eq!(r.status.name(), "Authentication failure");
}

#[test]
fn text_request_send_targets_round_trips() {
    #[rustfmt::skip]
    let bytes = [
        0x44,                   // 0: .|I=1|opcode 04h
        0x80,                   // 1: F=1 C=0
        0x00, 0x00,             // 2-3: reserved
        0x00,                   // 4: TotalAHSLength
        0x00, 0x00, 0x10,       // 5-7: DataSegmentLength 16
        0, 0, 0, 0, 0, 0, 0, 0, // 8-15: LUN 0
        0x00, 0x00, 0x00, 0x02, // 16-19: ITT
        0xff, 0xff, 0xff, 0xff, // 20-23: TTT FFFFFFFFh (new exchange)
        0x00, 0x00, 0x00, 0x03, // 24-27: CmdSN
        0x00, 0x00, 0x00, 0x04, // 28-31: ExpStatSN
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 32-47: reserved
        b'S', b'e', b'n', b'd', b'T', b'a', b'r', b'g', // 48-55
        b'e', b't', b's', b'=', b'A', b'l', b'l', 0x00, // 56-63
    ];
    let pdu = Pdu::TextRequest(TextRequest {
        immediate: true,
        final_pdu: true,
        text_continues: false,
        lun: Lun::ZERO,
        initiator_task_tag: 2,
        target_transfer_tag: RESERVED_TAG,
        cmd_sn: 3,
        exp_stat_sn: 4,
        text: b"SendTargets=All\0".to_vec(),
    });
    both_ways(&bytes, &pdu);
}

#[test]
fn text_response_continued_round_trips() {
    #[rustfmt::skip]
    let bytes = [
        0x24,                   // 0: opcode 24h
        0x40,                   // 1: F=0 C=1 (continues)
        0x00, 0x00,             // 2-3: reserved
        0x00,                   // 4: TotalAHSLength
        0x00, 0x00, 0x11,       // 5-7: DataSegmentLength 17
        0, 0, 0, 0, 0, 0, 0, 0, // 8-15: LUN 0
        0x00, 0x00, 0x00, 0x02, // 16-19: ITT
        0x00, 0x00, 0x00, 0x77, // 20-23: TTT
        0x00, 0x00, 0x00, 0x05, // 24-27: StatSN
        0x00, 0x00, 0x00, 0x04, // 28-31: ExpCmdSN
        0x00, 0x00, 0x00, 0x20, // 32-35: MaxCmdSN
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 36-47: reserved
        b'T', b'a', b'r', b'g', b'e', b't', b'N', b'a', // 48-55
        b'm', b'e', b'=', b'i', b'q', b'n', b'.', b'x', 0x00, // 56-64
        0x00, 0x00, 0x00,       // 65-67: padding
    ];
    let pdu = Pdu::TextResponse(TextResponse {
        final_pdu: false,
        text_continues: true,
        lun: Lun::ZERO,
        initiator_task_tag: 2,
        target_transfer_tag: 0x77,
        stat_sn: 5,
        exp_cmd_sn: 4,
        max_cmd_sn: 0x20,
        text: b"TargetName=iqn.x\0".to_vec(),
    });
    both_ways(&bytes, &pdu);
}

#[test]
fn data_out_round_trips() {
    #[rustfmt::skip]
    let bytes = [
        0x05,                   // 0: opcode 05h
        0x80,                   // 1: F=1
        0x00, 0x00,             // 2-3: reserved
        0x00,                   // 4: TotalAHSLength
        0x00, 0x00, 0x06,       // 5-7: DataSegmentLength 6
        0x00, 0x01, 0, 0, 0, 0, 0, 0, // 8-15: LUN 1
        0x00, 0x00, 0x00, 0x0a, // 16-19: ITT
        0x00, 0x00, 0x00, 0x77, // 20-23: TTT
        0x00, 0x00, 0x00, 0x00, // 24-27: reserved
        0x00, 0x00, 0x00, 0x21, // 28-31: ExpStatSN
        0x00, 0x00, 0x00, 0x00, // 32-35: reserved
        0x00, 0x00, 0x00, 0x01, // 36-39: DataSN
        0x00, 0x00, 0x20, 0x00, // 40-43: Buffer Offset 8192
        0x00, 0x00, 0x00, 0x00, // 44-47: reserved
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, // 48-53: data
        0x00, 0x00,             // 54-55: padding
    ];
    let pdu = Pdu::DataOut(DataOut {
        final_pdu: true,
        lun: LUN1,
        initiator_task_tag: 0x0a,
        target_transfer_tag: 0x77,
        exp_stat_sn: 0x21,
        data_sn: 1,
        buffer_offset: 8192,
        data_segment: vec![1, 2, 3, 4, 5, 6],
    });
    both_ways(&bytes, &pdu);
}

#[test]
fn data_in_with_status_round_trips() {
    #[rustfmt::skip]
    let bytes = [
        0x25,                   // 0: opcode 25h
        0x83,                   // 1: F=1 A=0 O=0 U=1 S=1
        0x00,                   // 2: reserved
        0x00,                   // 3: Status GOOD
        0x00,                   // 4: TotalAHSLength
        0x00, 0x00, 0x04,       // 5-7: DataSegmentLength 4
        0x00, 0x01, 0, 0, 0, 0, 0, 0, // 8-15: LUN 1
        0x00, 0x00, 0x00, 0x0a, // 16-19: ITT
        0xff, 0xff, 0xff, 0xff, // 20-23: TTT
        0x00, 0x00, 0x00, 0x22, // 24-27: StatSN
        0x00, 0x00, 0x00, 0x0b, // 28-31: ExpCmdSN
        0x00, 0x00, 0x00, 0x2a, // 32-35: MaxCmdSN
        0x00, 0x00, 0x00, 0x03, // 36-39: DataSN
        0x00, 0x00, 0x10, 0x00, // 40-43: Buffer Offset 4096
        0x00, 0x00, 0x01, 0x00, // 44-47: Residual Count 256
        0xca, 0xfe, 0xba, 0xbe, // 48-51: data
    ];
    let pdu = Pdu::DataIn(DataIn {
        final_pdu: true,
        acknowledge: false,
        residual_overflow: false,
        residual_underflow: true,
        status: Some(ScsiStatus::GOOD),
        lun: LUN1,
        initiator_task_tag: 0x0a,
        target_transfer_tag: RESERVED_TAG,
        stat_sn: 0x22,
        exp_cmd_sn: 0x0b,
        max_cmd_sn: 0x2a,
        data_sn: 3,
        buffer_offset: 4096,
        residual_count: 256,
        data_segment: vec![0xca, 0xfe, 0xba, 0xbe],
    });
    both_ways(&bytes, &pdu);
}

#[test]
fn data_in_without_s_bit_ignores_status_byte() {
    #[rustfmt::skip]
    let bytes = [
        0x25,                   // 0: opcode 25h
        0x40,                   // 1: F=0 A=1 S=0
        0x00,                   // 2: reserved
        0x02,                   // 3: status byte, reserved when S=0
        0x00,                   // 4: TotalAHSLength
        0x00, 0x00, 0x00,       // 5-7: DataSegmentLength 0
        0, 0, 0, 0, 0, 0, 0, 0, // 8-15: LUN 0
        0x00, 0x00, 0x00, 0x01, // 16-19: ITT
        0x00, 0x00, 0x00, 0x09, // 20-23: TTT (A bit set)
        0x00, 0x00, 0x00, 0x00, // 24-27: StatSN (reserved)
        0x00, 0x00, 0x00, 0x01, // 28-31: ExpCmdSN
        0x00, 0x00, 0x00, 0x02, // 32-35: MaxCmdSN
        0x00, 0x00, 0x00, 0x04, // 36-39: DataSN
        0x00, 0x00, 0x00, 0x00, // 40-43: Buffer Offset
        0x00, 0x00, 0x00, 0x00, // 44-47: Residual Count
    ];
    let (pdu, _) = Pdu::decode(&bytes, Digests::NONE).unwrap();
    let Pdu::DataIn(d) = pdu else {
        panic!("not Data-In: {pdu:?}")
    };
    assert!(d.acknowledge);
    assert_eq!(d.status, None);
    let mut expected = bytes;
    expected[3] = 0; // re-encoded with the reserved byte zero
    assert_eq!(Pdu::DataIn(d).encode(Digests::NONE).unwrap(), expected);
}

#[test]
fn ready_to_transfer_round_trips() {
    #[rustfmt::skip]
    let bytes = [
        0x31,                   // 0: opcode 31h R2T
        0x80,                   // 1: 1|reserved
        0x00, 0x00,             // 2-3: reserved
        0x00,                   // 4: TotalAHSLength
        0x00, 0x00, 0x00,       // 5-7: DataSegmentLength 0
        0x00, 0x01, 0, 0, 0, 0, 0, 0, // 8-15: LUN 1
        0x00, 0x00, 0x00, 0x0a, // 16-19: ITT
        0x00, 0x00, 0x00, 0x77, // 20-23: TTT
        0x00, 0x00, 0x00, 0x22, // 24-27: StatSN
        0x00, 0x00, 0x00, 0x0b, // 28-31: ExpCmdSN
        0x00, 0x00, 0x00, 0x2a, // 32-35: MaxCmdSN
        0x00, 0x00, 0x00, 0x01, // 36-39: R2TSN
        0x00, 0x01, 0x00, 0x00, // 40-43: Buffer Offset 65536
        0x00, 0x00, 0x80, 0x00, // 44-47: Desired Data Transfer Length 32768
    ];
    let pdu = Pdu::ReadyToTransfer(ReadyToTransfer {
        lun: LUN1,
        initiator_task_tag: 0x0a,
        target_transfer_tag: 0x77,
        stat_sn: 0x22,
        exp_cmd_sn: 0x0b,
        max_cmd_sn: 0x2a,
        r2t_sn: 1,
        buffer_offset: 65536,
        desired_data_transfer_length: 32768,
    });
    both_ways(&bytes, &pdu);
}

#[test]
fn nop_in_target_ping_round_trips() {
    #[rustfmt::skip]
    let bytes = [
        0x20,                   // 0: opcode 20h
        0x80,                   // 1: 1|reserved
        0x00, 0x00,             // 2-3: reserved
        0x00,                   // 4: TotalAHSLength
        0x00, 0x00, 0x00,       // 5-7: DataSegmentLength 0
        0x00, 0x01, 0, 0, 0, 0, 0, 0, // 8-15: LUN 1
        0xff, 0xff, 0xff, 0xff, // 16-19: ITT FFFFFFFFh (target-initiated)
        0x00, 0x00, 0x00, 0x99, // 20-23: TTT (answer wanted)
        0x00, 0x00, 0x00, 0x23, // 24-27: StatSN
        0x00, 0x00, 0x00, 0x0c, // 28-31: ExpCmdSN
        0x00, 0x00, 0x00, 0x2b, // 32-35: MaxCmdSN
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 36-47: reserved
    ];
    let pdu = Pdu::NopIn(NopIn {
        lun: LUN1,
        initiator_task_tag: RESERVED_TAG,
        target_transfer_tag: 0x99,
        stat_sn: 0x23,
        exp_cmd_sn: 0x0c,
        max_cmd_sn: 0x2b,
        ping_data: Vec::new(),
    });
    both_ways(&bytes, &pdu);
}

#[test]
fn logout_request_close_connection_round_trips() {
    #[rustfmt::skip]
    let bytes = [
        0x46,                   // 0: .|I=1|opcode 06h
        0x81,                   // 1: 1|Reason 1 close the connection
        0x00, 0x00,             // 2-3: reserved
        0x00,                   // 4: TotalAHSLength
        0x00, 0x00, 0x00,       // 5-7: DataSegmentLength
        0, 0, 0, 0, 0, 0, 0, 0, // 8-15: reserved
        0x00, 0x00, 0x00, 0x30, // 16-19: ITT
        0x01, 0x02,             // 20-21: CID
        0x00, 0x00,             // 22-23: reserved
        0x00, 0x00, 0x00, 0x0f, // 24-27: CmdSN
        0x00, 0x00, 0x00, 0x24, // 28-31: ExpStatSN
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 32-47: reserved
    ];
    let pdu = Pdu::LogoutRequest(LogoutRequest {
        immediate: true,
        reason: LogoutReason::CloseConnection,
        initiator_task_tag: 0x30,
        cid: 0x0102,
        cmd_sn: 0x0f,
        exp_stat_sn: 0x24,
    });
    both_ways(&bytes, &pdu);
}

#[test]
fn logout_response_round_trips() {
    #[rustfmt::skip]
    let bytes = [
        0x26,                   // 0: opcode 26h
        0x80,                   // 1: 1|reserved
        0x00,                   // 2: Response 0 closed successfully
        0x00,                   // 3: reserved
        0x00,                   // 4: TotalAHSLength
        0x00, 0x00, 0x00,       // 5-7: DataSegmentLength
        0, 0, 0, 0, 0, 0, 0, 0, // 8-15: reserved
        0x00, 0x00, 0x00, 0x30, // 16-19: ITT
        0x00, 0x00, 0x00, 0x00, // 20-23: reserved
        0x00, 0x00, 0x00, 0x24, // 24-27: StatSN
        0x00, 0x00, 0x00, 0x10, // 28-31: ExpCmdSN
        0x00, 0x00, 0x00, 0x2f, // 32-35: MaxCmdSN
        0x00, 0x00, 0x00, 0x00, // 36-39: reserved
        0x00, 0x02,             // 40-41: Time2Wait 2 s
        0x00, 0x14,             // 42-43: Time2Retain 20 s
        0x00, 0x00, 0x00, 0x00, // 44-47: reserved
    ];
    let pdu = Pdu::LogoutResponse(LogoutResponse {
        response: LogoutResponseCode::Closed,
        initiator_task_tag: 0x30,
        stat_sn: 0x24,
        exp_cmd_sn: 0x10,
        max_cmd_sn: 0x2f,
        time2wait_s: 2,
        time2retain_s: 20,
    });
    both_ways(&bytes, &pdu);
}

#[test]
fn snack_status_request_round_trips() {
    #[rustfmt::skip]
    let bytes = [
        0x10,                   // 0: opcode 10h SNACK
        0x81,                   // 1: 1|0|0|0|Type 1 Status
        0x00, 0x00,             // 2-3: reserved
        0x00,                   // 4: TotalAHSLength
        0x00, 0x00, 0x00,       // 5-7: DataSegmentLength
        0x00, 0x01, 0, 0, 0, 0, 0, 0, // 8-15: LUN 1
        0xff, 0xff, 0xff, 0xff, // 16-19: ITT FFFFFFFFh
        0xff, 0xff, 0xff, 0xff, // 20-23: TTT/SNACK Tag
        0x00, 0x00, 0x00, 0x00, // 24-27: reserved
        0x00, 0x00, 0x00, 0x25, // 28-31: ExpStatSN
        0, 0, 0, 0, 0, 0, 0, 0, // 32-39: reserved
        0x00, 0x00, 0x00, 0x05, // 40-43: BegRun
        0x00, 0x00, 0x00, 0x02, // 44-47: RunLength
    ];
    let pdu = Pdu::SnackRequest(SnackRequest {
        snack_type: SnackType::Status,
        lun: LUN1,
        initiator_task_tag: RESERVED_TAG,
        target_transfer_tag: RESERVED_TAG,
        exp_stat_sn: 0x25,
        beg_run: 5,
        run_length: 2,
    });
    both_ways(&bytes, &pdu);
}

#[test]
fn reject_with_quoted_header_round_trips() {
    let mut quoted = [0u8; 48];
    quoted[0] = 0x1c; // a vendor-specific opcode the target rejected
    quoted[16..20].copy_from_slice(&[0, 0, 0, 0x42]);
    let mut bytes = vec![
        0x3f, // 0: opcode 3Fh Reject
        0x80, // 1: 1|reserved
        0x05, // 2: Reason 05h command not supported
        0x00, // 3: reserved
        0x00, // 4: TotalAHSLength
        0x00, 0x00, 0x30, // 5-7: DataSegmentLength 48
        0, 0, 0, 0, 0, 0, 0, 0, // 8-15: reserved
        0xff, 0xff, 0xff, 0xff, // 16-19: FFFFFFFFh
        0x00, 0x00, 0x00, 0x00, // 20-23: reserved
        0x00, 0x00, 0x00, 0x26, // 24-27: StatSN
        0x00, 0x00, 0x00, 0x11, // 28-31: ExpCmdSN
        0x00, 0x00, 0x00, 0x30, // 32-35: MaxCmdSN
        0x00, 0x00, 0x00, 0x00, // 36-39: DataSN/R2TSN
        0, 0, 0, 0, 0, 0, 0, 0, // 40-47: reserved
    ];
    bytes.extend_from_slice(&quoted); // 48-95: the rejected BHS
    let pdu = Pdu::Reject(Reject {
        reason: RejectReason::CommandNotSupported,
        stat_sn: 0x26,
        exp_cmd_sn: 0x11,
        max_cmd_sn: 0x30,
        data_sn_or_r2t_sn: 0,
        rejected_header: quoted.to_vec(),
    });
    both_ways(&bytes, &pdu);
}

#[test]
fn async_message_scsi_event_with_sense_round_trips() {
    #[rustfmt::skip]
    let bytes = [
        0x32,                   // 0: opcode 32h
        0x80,                   // 1: 1|reserved
        0x00, 0x00,             // 2-3: reserved
        0x00,                   // 4: TotalAHSLength
        0x00, 0x00, 0x0c,       // 5-7: DataSegmentLength 12
        0x00, 0x01, 0, 0, 0, 0, 0, 0, // 8-15: LUN 1
        0xff, 0xff, 0xff, 0xff, // 16-19: FFFFFFFFh
        0x00, 0x00, 0x00, 0x00, // 20-23: reserved
        0x00, 0x00, 0x00, 0x27, // 24-27: StatSN
        0x00, 0x00, 0x00, 0x12, // 28-31: ExpCmdSN
        0x00, 0x00, 0x00, 0x31, // 32-35: MaxCmdSN
        0x00,                   // 36: AsyncEvent 0 SCSI async event
        0x07,                   // 37: AsyncVCode
        0x00, 0x01,             // 38-39: Parameter1
        0x00, 0x02,             // 40-41: Parameter2
        0x00, 0x03,             // 42-43: Parameter3
        0x00, 0x00, 0x00, 0x00, // 44-47: reserved
        0x00, 0x08,             // 48-49: SenseLength 8
        0x72, 0x06, 0x29, 0x00, 0x00, 0x00, 0x00, 0x00, // 50-57: descriptor sense 6/29/00
        0xee, 0xee,             // 58-59: iSCSI event data
    ];
    let pdu = Pdu::AsyncMessage(AsyncMessage {
        lun: LUN1,
        stat_sn: 0x27,
        exp_cmd_sn: 0x12,
        max_cmd_sn: 0x31,
        async_event: AsyncEvent::ScsiAsyncEvent,
        async_vcode: 7,
        parameter1: 1,
        parameter2: 2,
        parameter3: 3,
        sense: vec![0x72, 0x06, 0x29, 0, 0, 0, 0, 0],
        event_data: vec![0xee, 0xee],
    });
    both_ways(&bytes, &pdu);
}

#[test]
fn vendor_opcode_decodes_as_unrecognized_and_round_trips() {
    let mut bytes = vec![0u8; 52];
    bytes[0] = 0x1c; // 0: vendor-specific initiator opcode 1Ch
    bytes[1] = 0x80; // 1: F
    bytes[7] = 0x03; // 5-7: DataSegmentLength 3
    bytes[16..20].copy_from_slice(&[0, 0, 0, 9]); // 16-19: ITT 9
    bytes[48..51].copy_from_slice(&[1, 2, 3]); // 48-50: data, 51 padding
    let (pdu, used) = Pdu::decode(&bytes, Digests::NONE).unwrap();
    assert_eq!(used, 52);
    assert_eq!(pdu.opcode(), Opcode::Unknown(0x1c));
    assert_eq!(pdu.initiator_task_tag(), 9);
    let Pdu::Unrecognized(u) = &pdu else {
        panic!("{pdu:?}")
    };
    assert_eq!(u.data_segment, [1, 2, 3]);
    assert_eq!(pdu.encode(Digests::NONE).unwrap(), bytes);
}

#[test]
fn basic_header_view_reports_fields_and_pdu_length() {
    let bytes = Pdu::NopOut(NopOut {
        immediate: true,
        lun: LUN1,
        initiator_task_tag: 7,
        target_transfer_tag: RESERVED_TAG,
        cmd_sn: 1,
        exp_stat_sn: 1,
        ping_data: vec![0; 5],
    })
    .encode(Digests::NONE)
    .unwrap();
    let h = BasicHeader::new_checked(&bytes[..48]).unwrap();
    assert_eq!(h.opcode(), Opcode::NopOut);
    assert!(h.immediate());
    assert!(h.final_pdu());
    assert_eq!(h.data_segment_length(), 5);
    assert_eq!(h.lun(), LUN1);
    assert_eq!(h.initiator_task_tag(), 7);
    assert_eq!(h.pdu_length(Digests::NONE), 48 + 8);
    assert_eq!(h.pdu_length(Digests::BOTH), 48 + 4 + 8 + 4);
}

#[test]
fn lun_index_round_trips_peripheral_and_flat_space() {
    assert_eq!(Lun::from_index(5), Some(Lun([0, 5, 0, 0, 0, 0, 0, 0])));
    assert_eq!(
        Lun::from_index(0x123),
        Some(Lun([0x41, 0x23, 0, 0, 0, 0, 0, 0]))
    );
    assert_eq!(Lun::from_index(0x4000), None);
    for i in [0u16, 1, 255, 256, 0x3fff] {
        assert_eq!(Lun::from_index(i).unwrap().index(), Some(i));
    }
    assert_eq!(Lun([0x80, 1, 0, 0, 0, 0, 0, 0]).index(), None);
}
