//! Decode and encode failures: each names the field and the byte.

use discmaster_iscsi::*;

fn header(opcode: u8) -> Vec<u8> {
    let mut b = vec![0u8; 48];
    b[0] = opcode;
    b[1] = 0x80;
    b
}

#[test]
fn decode_short_bhs_is_truncated_needing_48() {
    let err = Pdu::decode(&[0u8; 47], Digests::NONE).unwrap_err();
    assert_eq!(
        err,
        PduError::Truncated {
            needed: 48,
            available: 47
        }
    );
}

#[test]
fn decode_short_data_segment_is_truncated_needing_whole_pdu() {
    let mut b = header(0x00);
    b[7] = 5; // DataSegmentLength 5 → 8 bytes padded
    b.extend_from_slice(&[1, 2, 3]);
    let err = Pdu::decode(&b, Digests::NONE).unwrap_err();
    assert_eq!(
        err,
        PduError::Truncated {
            needed: 56,
            available: 51
        }
    );
    let err = Pdu::decode(&b, Digests::BOTH).unwrap_err();
    assert_eq!(
        err,
        PduError::Truncated {
            needed: 64,
            available: 51
        }
    );
}

#[test]
fn decode_ahs_on_nop_out_is_invalid_total_ahs_length() {
    let mut b = header(0x00);
    b[4] = 1; // TotalAHSLength 1 word
    b.extend_from_slice(&[0, 1, 0x3c, 0]);
    let err = Pdu::decode(&b, Digests::NONE).unwrap_err();
    assert!(
        matches!(
            err,
            PduError::InvalidField {
                field: "TotalAHSLength",
                byte: 4,
                value: 1,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn decode_data_on_task_management_request_is_invalid() {
    let mut b = header(0x02);
    b[7] = 4;
    b.extend_from_slice(&[9, 9, 9, 9]);
    let err = Pdu::decode(&b, Digests::NONE).unwrap_err();
    assert!(
        matches!(
            err,
            PduError::InvalidField {
                field: "DataSegmentLength",
                byte: 5,
                value: 4,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn decode_sense_length_past_segment_is_invalid_at_byte_48() {
    let mut b = header(0x21);
    b[7] = 4; // DataSegmentLength 4
    b.extend_from_slice(&[0x00, 0x10, 0x70, 0x00]); // SenseLength 16, only 2 bytes follow
    let err = Pdu::decode(&b, Digests::NONE).unwrap_err();
    assert!(
        matches!(
            err,
            PduError::InvalidField {
                field: "SenseLength",
                byte: 48,
                value: 16,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "invalid SenseLength at byte 48: 0x10 (sense data runs past the data segment)"
    );
}

#[test]
fn decode_bidirectional_ahs_with_wrong_length_is_invalid() {
    let mut b = header(0x01);
    b[4] = 2; // 8 bytes of AHS
    b.extend_from_slice(&[0x00, 0x04, 0x02, 0x00, 0, 0, 1, 0]); // AHSLength 4, type 2
    let err = Pdu::decode(&b, Digests::NONE).unwrap_err();
    assert!(
        matches!(
            err,
            PduError::InvalidField {
                field: "AHSLength",
                byte: 48,
                value: 4,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn decode_ahs_running_past_total_is_invalid() {
    let mut b = header(0x01);
    b[4] = 1; // 4 bytes of AHS
    b.extend_from_slice(&[0x00, 0x09, 0x01, 0x00]); // AHSLength 9 needs 12 bytes
    let err = Pdu::decode(&b, Digests::NONE).unwrap_err();
    assert!(
        matches!(
            err,
            PduError::InvalidField {
                field: "AHSLength",
                byte: 48,
                value: 9,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn decode_unknown_ahs_type_on_scsi_command_is_invalid_ahs_type() {
    let mut b = header(0x01);
    b[4] = 1;
    b.extend_from_slice(&[0x00, 0x01, 0x3c, 0x00]); // vendor AHS type 60
    let err = Pdu::decode(&b, Digests::NONE).unwrap_err();
    assert!(
        matches!(
            err,
            PduError::InvalidField {
                field: "AHSType",
                byte: 50,
                value: 0x3c,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn encode_reserved_stage_value_is_invalid_field() {
    let pdu = Pdu::LoginRequest(LoginRequest {
        transit: false,
        text_continues: false,
        current_stage: LoginStage::Unknown(5),
        next_stage: LoginStage::SecurityNegotiation,
        version_max: 0,
        version_min: 0,
        isid: Isid::default(),
        tsih: 0,
        initiator_task_tag: 0,
        cid: 0,
        cmd_sn: 0,
        exp_stat_sn: 0,
        text: Vec::new(),
    });
    let err = pdu.encode(Digests::NONE).unwrap_err();
    assert!(
        matches!(
            err,
            PduError::InvalidField {
                field: "CSG",
                byte: 1,
                value: 5,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn encode_oversized_data_segment_is_too_long() {
    let pdu = Pdu::DataOut(DataOut {
        final_pdu: true,
        lun: Lun::ZERO,
        initiator_task_tag: 0,
        target_transfer_tag: 0,
        exp_stat_sn: 0,
        data_sn: 0,
        buffer_offset: 0,
        data_segment: vec![0; 1 << 24],
    });
    let err = pdu.encode(Digests::NONE).unwrap_err();
    assert_eq!(
        err,
        PduError::TooLong {
            field: "DataSegment",
            len: 1 << 24,
            max: (1 << 24) - 1
        }
    );
}

#[test]
fn encode_into_small_buffer_is_buffer_too_small() {
    let pdu = Pdu::NopIn(NopIn {
        lun: Lun::ZERO,
        initiator_task_tag: 0,
        target_transfer_tag: 0,
        stat_sn: 0,
        exp_cmd_sn: 0,
        max_cmd_sn: 0,
        ping_data: vec![1],
    });
    let mut buf = [0u8; 51];
    let err = pdu.encode_to_slice(Digests::NONE, &mut buf).unwrap_err();
    assert_eq!(
        err,
        PduError::BufferTooSmall {
            needed: 52,
            available: 51
        }
    );
}

#[test]
fn decode_two_pdus_back_to_back_reports_first_length() {
    let a = Pdu::NopIn(NopIn {
        lun: Lun::ZERO,
        initiator_task_tag: 1,
        target_transfer_tag: RESERVED_TAG,
        stat_sn: 1,
        exp_cmd_sn: 1,
        max_cmd_sn: 1,
        ping_data: vec![7; 3],
    });
    let mut stream = a.encode(Digests::NONE).unwrap();
    let first = stream.len();
    stream.extend(a.encode(Digests::NONE).unwrap());
    let (pdu, used) = Pdu::decode(&stream, Digests::NONE).unwrap();
    assert_eq!((pdu, used), (a.clone(), first));
    assert_eq!(Pdu::decode(&stream[used..], Digests::NONE).unwrap().0, a);
}
