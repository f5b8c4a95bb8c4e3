//! iSCSI for discmaster: the PDU codec, text negotiation and CHAP of RFC 7143, with no IO.
//!
//! Scope:
//! - [`pdu`]: typed PDUs for both directions ([`Pdu`]), [`Pdu::encode`] and [`Pdu::decode`],
//!   with CRC32C header and data digests ([`digest`]) and AHSs ([`ahs`]).
//! - [`header`]: the 48-byte BHS view ([`BasicHeader`]) and the framing arithmetic a reader
//!   needs to know the PDU length after the first 48 bytes.
//! - [`text`]: the NUL-separated `key=value` lists of Login and Text PDUs and the value
//!   encodings (decimal, hex, base64, Yes/No, lists).
//! - [`negotiation`]: the login/operational key negotiation engine for initiator and target
//!   ([`negotiation::Negotiator`]) with the RFC 7143 result functions.
//! - [`send_targets`]: SendTargets requests and responses.
//! - [`chap`]: CHAP with MD5, one-way and mutual, for both sides.
//! - [`initiator`]: an initiator over `std::net::TcpStream` ([`initiator::IscsiTransport`]);
//!   the IO lives there, outside the codec modules.
//! - [`target`]: a target over `std::net::TcpListener` ([`target::Target`]) exporting one
//!   [`discmaster_transport::Transport`] as LUN 0; its IO lives there too.
//!
//! Invariants: outside [`initiator`] and [`target`], no function here reads a socket, a clock or a random source (challenges come
//! from the caller); no decoder or parser panics on any input.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod ahs;
pub mod chap;
pub mod digest;
mod enums;
pub mod error;
pub mod header;
pub mod initiator;
pub mod negotiation;
pub mod pdu;
pub mod send_targets;
pub mod target;
pub mod text;

pub use ahs::Ahs;
pub use digest::{crc32c, Digests};
pub use enums::{
    AhsType, AsyncEvent, LoginStage, LogoutReason, LogoutResponseCode, Opcode, RejectReason,
    ScsiResponseCode, SnackType, StatusClass, TaskAttribute, TaskManagementFunction,
    TaskManagementResponseCode,
};
pub use error::{DigestSegment, PduError};
pub use header::{BasicHeader, Isid, IsidFormat, Lun, BHS_LEN, RESERVED_TAG};
pub use pdu::*;

/// Fuzzing entry point (used by `fuzz_targets/pdu.rs` and the smoke test): byte 0 selects the
/// digests (bit 0 header, bit 1 data), the rest is decoded as a PDU.
///
/// Checks: decoding never panics; a decoded PDU re-encodes, and the re-encoded bytes decode
/// to the same value using exactly their length; the text of Login and Text PDUs goes through
/// the text parser (emit ∘ parse is stable) and a target-side [`negotiation::Negotiator`].
/// Panics only when one of these properties fails (a bug).
#[doc(hidden)]
pub fn fuzz_pdu(data: &[u8]) {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let digests = Digests {
        header: selector & 1 != 0,
        data: selector & 2 != 0,
    };
    if let Ok(h) = BasicHeader::new_checked(bytes) {
        let _ = (h.opcode(), h.pdu_length(digests), h.lun().index());
    }
    let Ok((pdu, used)) = Pdu::decode(bytes, digests) else {
        return;
    };
    assert!(used <= bytes.len(), "decode used more bytes than given");
    let encoded = match pdu.encode(digests) {
        Ok(e) => e,
        Err(e) => panic!("decoded PDU does not re-encode: {e}"),
    };
    match Pdu::decode(&encoded, digests) {
        Ok((again, n)) => {
            assert_eq!(n, encoded.len(), "re-decode length");
            assert_eq!(again, pdu, "re-decode value");
        }
        Err(e) => panic!("re-encoded PDU does not decode: {e}"),
    }
    let text = match &pdu {
        Pdu::LoginRequest(p) => &p.text,
        Pdu::LoginResponse(p) => &p.text,
        Pdu::TextRequest(p) => &p.text,
        Pdu::TextResponse(p) => &p.text,
        _ => return,
    };
    let Ok(params) = text::TextParameters::parse(text) else {
        return;
    };
    assert_eq!(
        text::TextParameters::parse(&params.emit()).as_ref(),
        Ok(&params),
        "text emit/parse not stable"
    );
    if let Ok(mut n) = negotiation::Negotiator::new(
        negotiation::Role::Target,
        negotiation::NegotiationConfig::default(),
    ) {
        let _ = n.respond(&params);
        let _ = n.offer(LoginStage::LoginOperationalNegotiation);
        let _ = n.finish();
    }
    let _ = send_targets::parse_send_targets_response(&params);
    for (_, value) in params.iter() {
        let _ = (text::parse_number(value), text::parse_binary(value));
    }
}
