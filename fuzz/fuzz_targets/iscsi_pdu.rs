//! Fuzz target `iscsi_pdu`: arbitrary bytes through the iSCSI PDU decoder.
//!
//! Input layout: byte 0 selects the negotiated digests (bit 0 HeaderDigest, bit 1 DataDigest);
//! the rest starts at BHS byte 0.
//!
//! Invariants checked by `discmaster_iscsi::fuzz_pdu`: decoding never panics; a decoded PDU
//! re-encodes and decodes back to the same value; Login/Text PDU text survives
//! parse → emit → parse and a target-side negotiation without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    discmaster_iscsi::fuzz_pdu(data);
});
