//! CRC32C digests: the catalog check value, the RFC 3720 Appendix B.4 examples (wire byte
//! order), and digests placed in and checked on PDUs.

use discmaster_iscsi::*;

fn wire(value: u32) -> [u8; 4] {
    value.to_le_bytes()
}

#[test]
fn crc32c_catalog_check_value_matches() {
    // crc-catalog CRC-32/ISCSI check: CRC of the ASCII string "123456789".
    assert_eq!(crc32c(b"123456789"), 0xE306_9283);
}

#[test]
fn crc32c_rfc_examples_match_in_wire_order() {
    assert_eq!(wire(crc32c(&[0u8; 32])), [0xaa, 0x36, 0x91, 0x8a]); // 32 bytes of zeroes
    assert_eq!(wire(crc32c(&[0xffu8; 32])), [0x43, 0xab, 0xa8, 0x62]); // 32 bytes of ones
    let up: Vec<u8> = (0u8..32).collect();
    assert_eq!(wire(crc32c(&up)), [0x4e, 0x79, 0xdd, 0x46]); // incrementing 00..1f
    let down: Vec<u8> = (0u8..32).rev().collect();
    assert_eq!(wire(crc32c(&down)), [0x5c, 0xdb, 0x3f, 0x11]); // decrementing 1f..00
}

fn ping() -> Pdu {
    Pdu::NopOut(NopOut {
        immediate: false,
        lun: Lun::ZERO,
        initiator_task_tag: 1,
        target_transfer_tag: RESERVED_TAG,
        cmd_sn: 2,
        exp_stat_sn: 3,
        ping_data: b"hello".to_vec(),
    })
}

#[test]
fn encode_with_both_digests_places_crc32c_after_header_and_padded_data() {
    let bytes = ping().encode(Digests::BOTH).unwrap();
    // 48 BHS + 4 header digest + 8 (5 data + 3 pad) + 4 data digest
    assert_eq!(bytes.len(), 64);
    assert_eq!(bytes[48..52], wire(crc32c(&bytes[..48])));
    assert_eq!(&bytes[52..57], b"hello");
    assert_eq!(bytes[57..60], [0, 0, 0]);
    assert_eq!(bytes[60..64], wire(crc32c(&bytes[52..60])));
    let (pdu, used) = Pdu::decode(&bytes, Digests::BOTH).unwrap();
    assert_eq!(used, 64);
    assert_eq!(pdu, ping());
}

#[test]
fn data_digest_absent_when_data_segment_empty() {
    let Pdu::NopOut(mut p) = ping() else {
        unreachable!()
    };
    p.ping_data.clear();
    let bytes = Pdu::NopOut(p).encode(Digests::BOTH).unwrap();
    assert_eq!(bytes.len(), 52); // BHS + header digest only
}

#[test]
fn decode_header_digest_mismatch_reports_offset() {
    let mut bytes = ping().encode(Digests::BOTH).unwrap();
    bytes[20] ^= 0x01; // corrupt the TTT
    let err = Pdu::decode(&bytes, Digests::BOTH).unwrap_err();
    assert!(
        matches!(
            err,
            PduError::DigestMismatch {
                segment: DigestSegment::Header,
                byte: 48,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn decode_data_digest_mismatch_reports_offset() {
    let mut bytes = ping().encode(Digests::BOTH).unwrap();
    bytes[53] ^= 0x80; // corrupt the data
    let err = Pdu::decode(&bytes, Digests::BOTH).unwrap_err();
    assert!(
        matches!(
            err,
            PduError::DigestMismatch {
                segment: DigestSegment::Data,
                byte: 60,
                ..
            }
        ),
        "{err}"
    );
    assert!(err
        .to_string()
        .starts_with("DataDigest mismatch at byte 60"));
}

#[test]
fn decode_header_digest_only_reads_no_data_digest() {
    let bytes = ping()
        .encode(Digests {
            header: true,
            data: false,
        })
        .unwrap();
    assert_eq!(bytes.len(), 60);
    let (pdu, used) = Pdu::decode(
        &bytes,
        Digests {
            header: true,
            data: false,
        },
    )
    .unwrap();
    assert_eq!((pdu, used), (ping(), 60));
}
