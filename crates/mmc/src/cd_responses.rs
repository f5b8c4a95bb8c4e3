//! READ TOC/PMA/ATIP responses of the CD-only formats: 2 (full / raw TOC), 4 (ATIP) and 5
//! (CD-TEXT).
//!
//! Views wrap `B: AsRef<[u8]>` as in [`crate::responses`]: `new_checked` checks the minimum
//! length once, after which no getter panics; setters live in the `AsMut` impl. Lists of
//! descriptors or packs read only what lies inside both the buffer and the announced length.
//!
//! Spec: reference `mmc.md` §1.12, §4.7, §4.9.

use discmaster_core::Msf;

use crate::cdb::ParseError;
use crate::wire::{be16, put16};

fn check_min(what: &'static str, got: usize, need: usize) -> Result<(), ParseError> {
    if got < need {
        Err(ParseError::Truncated { what, need, got })
    } else {
        Ok(())
    }
}

/// The body of a TOC-style response: bytes 4 … (2 + data length), cut to the buffer.
fn body(b: &[u8]) -> &[u8] {
    let end = b.len().min(2 + usize::from(be16(b, 0)));
    b.get(4..end).unwrap_or(&[])
}

// ---------------------------------------------------------------------------------------------
// Format 2: full TOC
// ---------------------------------------------------------------------------------------------

/// One 11-byte descriptor of READ TOC format 2 (full / raw TOC): one lead-in Q entry.
///
/// Shape: B0 session number; B1 b7–4 ADR, b3–0 CONTROL; B2 TNO (0); B3 POINT; B4–6 MIN SEC
/// FRAME; B7 ZERO; B8–10 PMIN PSEC PFRAME. All values **binary** (not BCD as on disc): POINT
/// 01h–63h is a track number, A0h/A1h/A2h/B0h/C0h… the special points.
///
/// Spec: MMC-6 §6.32.3 (reference `mmc.md` §1.12, §4.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FullTocDescriptor {
    /// Session number.
    pub session: u8,
    /// ADR (4 bits): 1 = TOC entry, 5 = multi-session / special pointer.
    #[doc(alias = "ADR")]
    pub adr: u8,
    /// CONTROL (4 bits) of the entry.
    pub control: u8,
    /// TNO (0 in the lead-in).
    #[doc(alias = "TNO")]
    pub tno: u8,
    /// POINT.
    pub point: u8,
    /// MIN SEC FRAME (B4–6).
    pub time: [u8; 3],
    /// ZERO (B7; for B0h entries the number of pointers).
    pub zero: u8,
    /// PMIN PSEC PFRAME (B8–10).
    pub pointer: [u8; 3],
}

impl FullTocDescriptor {
    /// Size in bytes.
    pub const LEN: usize = 11;
    /// POINT A0h: first track number (PMIN) and disc type (PSEC).
    pub const FIRST_TRACK: u8 = 0xA0;
    /// POINT A1h: last track number (PMIN).
    pub const LAST_TRACK: u8 = 0xA1;
    /// POINT A2h: lead-out start (PMIN PSEC PFRAME).
    pub const LEAD_OUT: u8 = 0xA2;

    /// Parses 11 bytes.
    pub fn parse(b: &[u8; 11]) -> FullTocDescriptor {
        FullTocDescriptor {
            session: b[0],
            adr: b[1] >> 4,
            control: b[1] & 0x0F,
            tno: b[2],
            point: b[3],
            time: [b[4], b[5], b[6]],
            zero: b[7],
            pointer: [b[8], b[9], b[10]],
        }
    }

    /// Encodes 11 bytes (ADR and CONTROL masked to 4 bits).
    pub fn to_bytes(&self) -> [u8; 11] {
        let mut b = [0u8; 11];
        b[0] = self.session;
        b[1] = (self.adr << 4) | (self.control & 0x0F);
        b[2] = self.tno;
        b[3] = self.point;
        b[4..7].copy_from_slice(&self.time);
        b[7] = self.zero;
        b[8..11].copy_from_slice(&self.pointer);
        b
    }

    /// PMIN PSEC PFRAME read as an MSF (track points, A2h), `None` if out of range.
    pub fn pointer_msf(&self) -> Option<Msf> {
        Msf::new(self.pointer[0], self.pointer[1], self.pointer[2])
    }
}

/// READ TOC/PMA/ATIP response in format 2 (full TOC) — also the shape of format 3 (PMA).
///
/// Shape: B0–1 data length (total − 2 = 2 + 11·n); B2 first complete session; B3 last
/// complete session; B4… 11-byte [`FullTocDescriptor`]s.
///
/// # Errors
/// `new_checked`: [`ParseError::Truncated`] below 4 bytes.
///
/// Spec: MMC-6 §6.32.3 (reference `mmc.md` §1.12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullToc<B: AsRef<[u8]>> {
    buffer: B,
}

impl<B: AsRef<[u8]>> FullToc<B> {
    /// Header size.
    pub const HEADER_LEN: usize = 4;

    /// Wraps `buffer` without checking its length.
    pub fn new_unchecked(buffer: B) -> Self {
        FullToc { buffer }
    }

    /// Wraps `buffer` after checking it holds the 4-byte header.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] when shorter.
    pub fn new_checked(buffer: B) -> Result<Self, ParseError> {
        check_min("full TOC", buffer.as_ref().len(), Self::HEADER_LEN)?;
        Ok(FullToc { buffer })
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> B {
        self.buffer
    }

    /// Data length, B0–1.
    pub fn data_length(&self) -> u16 {
        be16(self.buffer.as_ref(), 0)
    }

    /// First complete session, B2.
    pub fn first_session(&self) -> u8 {
        self.buffer.as_ref()[2]
    }

    /// Last complete session, B3.
    pub fn last_session(&self) -> u8 {
        self.buffer.as_ref()[3]
    }

    /// The descriptors inside both the buffer and the announced length (a trailing partial
    /// descriptor is dropped).
    pub fn descriptors(&self) -> impl Iterator<Item = FullTocDescriptor> + '_ {
        body(self.buffer.as_ref())
            .chunks_exact(FullTocDescriptor::LEN)
            .filter_map(|c| <&[u8; 11]>::try_from(c).ok().map(FullTocDescriptor::parse))
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> FullToc<B> {
    /// Sets the data length.
    pub fn set_data_length(&mut self, value: u16) {
        put16(self.buffer.as_mut(), 0, value);
    }

    /// Sets B2.
    pub fn set_first_session(&mut self, value: u8) {
        self.buffer.as_mut()[2] = value;
    }

    /// Sets B3.
    pub fn set_last_session(&mut self, value: u8) {
        self.buffer.as_mut()[3] = value;
    }
}

impl FullToc<Vec<u8>> {
    /// Builds a whole response: header (data length = 2 + 11·n) and the descriptors in order
    /// (the 16-bit length saturates; a real full TOC has at most a few hundred entries).
    pub fn emit(first_session: u8, last_session: u8, descriptors: &[FullTocDescriptor]) -> Vec<u8> {
        let mut out = vec![0u8; Self::HEADER_LEN];
        for d in descriptors {
            out.extend_from_slice(&d.to_bytes());
        }
        let length = u16::try_from(out.len() - 2).unwrap_or(u16::MAX);
        let mut toc = FullToc { buffer: out };
        toc.set_data_length(length);
        toc.set_first_session(first_session);
        toc.set_last_session(last_session);
        toc.buffer
    }
}

// ---------------------------------------------------------------------------------------------
// Format 4: ATIP
// ---------------------------------------------------------------------------------------------

mod atip_field {
    pub const LENGTH: usize = 0;
    pub const POWER_SPEED: usize = 4;
    pub const URU: usize = 5;
    pub const DISC: usize = 6;
    pub const LEAD_IN: usize = 8;
    pub const LEAD_OUT: usize = 12;
    pub const A1: usize = 16;
    pub const A2: usize = 20;
    pub const A3: usize = 24;
}

/// READ TOC/PMA/ATIP format 4: the ATIP of a CD-R/RW.
///
/// Shape (offsets include the 4-byte header): B0–1 data length (26); B4 b7 = 1, b6–4
/// indicative target writing power, b2–0 reference speed; B5 b6 URU; B6 b7 = 1, b6 disc type
/// (0 CD-R, 1 CD-RW), b5–3 disc sub-type, b2 A1 valid, b1 A2 valid, b0 A3 valid; B8–10 start
/// time of lead-in M S F; B12–14 last possible start of lead-out M S F; B16–18 A1 values;
/// B20–22 A2 values; B24–26 A3 values. MSF values are binary (lead-in minutes 9x).
///
/// # Errors
/// `new_checked`: [`ParseError::Truncated`] below [`Atip::LEN`] bytes.
///
/// Spec: MMC-6 §6.32.3.6 (reference `mmc.md` §1.12).
#[doc(alias = "ATIP")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atip<B: AsRef<[u8]>> {
    buffer: B,
}

impl<B: AsRef<[u8]>> Atip<B> {
    /// Full size: 4-byte header + 24 bytes.
    pub const LEN: usize = 28;

    /// Wraps `buffer` without checking its length.
    pub fn new_unchecked(buffer: B) -> Self {
        Atip { buffer }
    }

    /// Wraps `buffer` after checking it holds [`Self::LEN`] bytes.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] when shorter.
    pub fn new_checked(buffer: B) -> Result<Self, ParseError> {
        check_min("ATIP", buffer.as_ref().len(), Self::LEN)?;
        Ok(Atip { buffer })
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> B {
        self.buffer
    }

    fn b(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    fn msf_at(&self, at: usize) -> Option<Msf> {
        let b = self.b();
        Msf::new(b[at], b[at + 1], b[at + 2])
    }

    /// Data length, B0–1.
    pub fn data_length(&self) -> u16 {
        be16(self.b(), atip_field::LENGTH)
    }

    /// Indicative target writing power, B4 b6–4.
    pub fn indicative_target_writing_power(&self) -> u8 {
        (self.b()[atip_field::POWER_SPEED] >> 4) & 0x07
    }

    /// Reference speed, B4 b2–0.
    pub fn reference_speed(&self) -> u8 {
        self.b()[atip_field::POWER_SPEED] & 0x07
    }

    /// URU (unrestricted use), B5 b6.
    #[doc(alias = "URU")]
    pub fn uru(&self) -> bool {
        self.b()[atip_field::URU] & 0x40 != 0
    }

    /// Disc type, B6 b6: false = CD-R, true = CD-RW.
    pub fn rewritable(&self) -> bool {
        self.b()[atip_field::DISC] & 0x40 != 0
    }

    /// Disc sub-type, B6 b5–3.
    pub fn disc_sub_type(&self) -> u8 {
        (self.b()[atip_field::DISC] >> 3) & 0x07
    }

    /// A1, A2, A3 valid bits (B6 b2, b1, b0).
    pub fn additional_valid(&self) -> [bool; 3] {
        let d = self.b()[atip_field::DISC];
        [d & 0x04 != 0, d & 0x02 != 0, d & 0x01 != 0]
    }

    /// Start time of lead-in, B8–10 (`None` if not a valid MSF).
    pub fn lead_in_start(&self) -> Option<Msf> {
        self.msf_at(atip_field::LEAD_IN)
    }

    /// Last possible start time of lead-out, B12–14 (`None` if not a valid MSF).
    pub fn last_possible_lead_out_start(&self) -> Option<Msf> {
        self.msf_at(atip_field::LEAD_OUT)
    }

    /// A1, A2, A3 values (B16–18, B20–22, B24–26).
    pub fn additional_information(&self) -> [[u8; 3]; 3] {
        let b = self.b();
        let at = |i: usize| [b[i], b[i + 1], b[i + 2]];
        [at(atip_field::A1), at(atip_field::A2), at(atip_field::A3)]
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> Atip<B> {
    fn bm(&mut self) -> &mut [u8] {
        self.buffer.as_mut()
    }

    fn set_msf_at(&mut self, at: usize, msf: Msf) {
        let b = self.bm();
        b[at] = msf.minute;
        b[at + 1] = msf.second;
        b[at + 2] = msf.frame;
    }

    /// Sets the data length.
    pub fn set_data_length(&mut self, value: u16) {
        put16(self.bm(), atip_field::LENGTH, value);
    }

    /// Sets B4: bit 7 = 1, writing power (3 bits) and reference speed (3 bits).
    pub fn set_power_and_speed(&mut self, writing_power: u8, reference_speed: u8) {
        self.bm()[atip_field::POWER_SPEED] =
            0x80 | ((writing_power & 0x07) << 4) | (reference_speed & 0x07);
    }

    /// Sets URU (B5 b6).
    pub fn set_uru(&mut self, value: bool) {
        crate::wire::set_bit(self.bm(), atip_field::URU, 0x40, value);
    }

    /// Sets B6: bit 7 = 1, disc type (CD-RW when `rewritable`), sub-type and A1–A3 valid.
    pub fn set_disc(&mut self, rewritable: bool, sub_type: u8, valid: [bool; 3]) {
        self.bm()[atip_field::DISC] = 0x80
            | (u8::from(rewritable) << 6)
            | ((sub_type & 0x07) << 3)
            | (u8::from(valid[0]) << 2)
            | (u8::from(valid[1]) << 1)
            | u8::from(valid[2]);
    }

    /// Sets the start time of lead-in (B8–10).
    pub fn set_lead_in_start(&mut self, msf: Msf) {
        self.set_msf_at(atip_field::LEAD_IN, msf);
    }

    /// Sets the last possible start time of lead-out (B12–14).
    pub fn set_last_possible_lead_out_start(&mut self, msf: Msf) {
        self.set_msf_at(atip_field::LEAD_OUT, msf);
    }
}

impl Atip<Vec<u8>> {
    /// A zeroed 28-byte ATIP response with the data length (26) set.
    pub fn new_zeroed() -> Self {
        let mut a = Atip {
            buffer: vec![0u8; Self::LEN],
        };
        a.set_data_length((Self::LEN - 2) as u16);
        a
    }
}

// ---------------------------------------------------------------------------------------------
// Format 5: CD-TEXT
// ---------------------------------------------------------------------------------------------

/// Bytes of one CD-TEXT pack.
pub const CD_TEXT_PACK_BYTES: usize = 18;

/// READ TOC/PMA/ATIP format 5: the CD-TEXT packs of the lead-in.
///
/// Shape: B0–1 data length (2 + 18·n); B2–3 reserved; B4… 18-byte packs (type, track,
/// sequence, block/character position, 12 text bytes, CRC).
///
/// # Errors
/// `new_checked`: [`ParseError::Truncated`] below 4 bytes.
///
/// Spec: MMC-6 §6.32.3.7 (reference `mmc.md` §1.12, §4.9).
#[doc(alias = "CD-TEXT")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdTextResponse<B: AsRef<[u8]>> {
    buffer: B,
}

impl<B: AsRef<[u8]>> CdTextResponse<B> {
    /// Header size.
    pub const HEADER_LEN: usize = 4;

    /// Wraps `buffer` after checking it holds the 4-byte header.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] when shorter.
    pub fn new_checked(buffer: B) -> Result<Self, ParseError> {
        check_min("CD-TEXT", buffer.as_ref().len(), Self::HEADER_LEN)?;
        Ok(CdTextResponse { buffer })
    }

    /// Data length, B0–1.
    pub fn data_length(&self) -> u16 {
        be16(self.buffer.as_ref(), 0)
    }

    /// The complete packs inside both the buffer and the announced length.
    pub fn packs(&self) -> impl Iterator<Item = [u8; CD_TEXT_PACK_BYTES]> + '_ {
        body(self.buffer.as_ref())
            .chunks_exact(CD_TEXT_PACK_BYTES)
            .filter_map(|c| <[u8; CD_TEXT_PACK_BYTES]>::try_from(c).ok())
    }
}

impl CdTextResponse<Vec<u8>> {
    /// Builds a whole response from `packs` (data length 2 + 18·n, saturating).
    pub fn emit(packs: &[[u8; CD_TEXT_PACK_BYTES]]) -> Vec<u8> {
        let mut out = vec![0u8; Self::HEADER_LEN];
        for p in packs {
            out.extend_from_slice(p);
        }
        let length = u16::try_from(out.len() - 2).unwrap_or(u16::MAX);
        put16(&mut out, 0, length);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_toc_hand_bytes_parse() {
        let b = [
            0x00, 0x18, // B0-1: data length 24 = 2 + 2 × 11
            0x01, // B2: first session 1
            0x01, // B3: last session 1
            // descriptor 1: A0
            0x01, // session 1
            0x14, // ADR 1, CONTROL 4 (data)
            0x00, // TNO 0
            0xA0, // POINT A0h
            0x00, 0x00, 0x00, // MIN SEC FRAME
            0x00, // ZERO
            0x01, 0x20, 0x00, // PMIN first track 1, PSEC disc type 20h, PFRAME 0
            // descriptor 2: track 1 at 00:02:00
            0x01, // session 1
            0x14, // ADR 1, CONTROL 4
            0x00, // TNO
            0x01, // POINT 1 (binary)
            0x00, 0x00, 0x00, // MIN SEC FRAME
            0x00, // ZERO
            0x00, 0x02, 0x00, // PMIN PSEC PFRAME 00:02:00
            0xEE, // a stray byte beyond the announced length
        ];
        let toc = FullToc::new_checked(&b[..]).unwrap();
        assert_eq!(toc.data_length(), 24);
        assert_eq!((toc.first_session(), toc.last_session()), (1, 1));
        let d: Vec<FullTocDescriptor> = toc.descriptors().collect();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].point, FullTocDescriptor::FIRST_TRACK);
        assert_eq!((d[0].adr, d[0].control), (1, 4));
        assert_eq!(d[0].pointer, [1, 0x20, 0]);
        assert_eq!(d[1].point, 1);
        assert_eq!(d[1].pointer_msf(), Msf::new(0, 2, 0));
        assert!(FullToc::new_checked(&b[..3]).is_err());
    }

    #[test]
    fn full_toc_emit_hand_bytes() {
        let d = FullTocDescriptor {
            session: 1,
            adr: 1,
            control: 0,
            tno: 0,
            point: FullTocDescriptor::LEAD_OUT,
            time: [0, 0, 0],
            zero: 0,
            pointer: [4, 30, 12],
        };
        let out = FullToc::emit(1, 1, &[d]);
        assert_eq!(
            out,
            vec![
                0x00, 0x0D, // data length 13 = 2 + 11
                0x01, 0x01, // first / last session
                0x01, // session
                0x10, // ADR 1, CONTROL 0
                0x00, // TNO
                0xA2, // POINT lead-out
                0x00, 0x00, 0x00, // MIN SEC FRAME
                0x00, // ZERO
                0x04, 0x1E, 0x0C, // 04:30:12 binary
            ]
        );
        assert_eq!(FullTocDescriptor::parse(&d.to_bytes()), d);
    }

    #[test]
    fn atip_hand_bytes_parse() {
        let b = [
            0x00, 0x1A, // B0-1: data length 26
            0x00, 0x00, // B2-3 reserved
            0xD5, // B4: b7 1, writing power 5 (101b), reference speed 5
            0x40, // B5: URU
            0xC4, // B6: b7 1, CD-RW, sub-type 0, A1 valid
            0x00, // B7
            0x61, 0x22, 0x17, // B8-10: lead-in 97:34:23
            0x00, // B11
            0x4F, 0x3B, 0x4A, // B12-14: lead-out 79:59:74
            0x00, // B15
            0x11, 0x22, 0x33, 0x00, // B16-19: A1
            0x00, 0x00, 0x00, 0x00, // A2
            0x00, 0x00, 0x00, 0x00, // A3
        ];
        let a = Atip::new_checked(&b[..]).unwrap();
        assert_eq!(a.data_length(), 26);
        assert_eq!(a.indicative_target_writing_power(), 5);
        assert_eq!(a.reference_speed(), 5);
        assert!(a.uru());
        assert!(a.rewritable());
        assert_eq!(a.disc_sub_type(), 0);
        assert_eq!(a.additional_valid(), [true, false, false]);
        assert_eq!(a.lead_in_start(), Msf::new(97, 34, 23));
        assert_eq!(a.last_possible_lead_out_start(), Msf::new(79, 59, 74));
        assert_eq!(a.additional_information()[0], [0x11, 0x22, 0x33]);
        assert!(Atip::new_checked(&b[..27]).is_err());
    }

    #[test]
    fn atip_builder_sets_every_field() {
        let mut a = Atip::new_unchecked(vec![0xa5u8; Atip::<Vec<u8>>::LEN]);
        a.set_data_length(26);
        a.set_power_and_speed(4, 1);
        a.set_uru(true);
        a.set_disc(false, 0, [false; 3]);
        a.set_lead_in_start(Msf::new(97, 26, 65).unwrap());
        a.set_last_possible_lead_out_start(Msf::new(79, 59, 74).unwrap());
        let b = a.into_inner();
        assert_eq!(&b[0..2], &[0x00, 0x1A], "data length");
        assert_eq!(b[4], 0xC1, "b7 1, power 4, speed 1");
        assert_eq!(b[5] & 0x40, 0x40, "URU");
        assert_eq!(b[6], 0x80, "b7 1, CD-R, no A1-A3");
        assert_eq!(&b[8..11], &[97, 26, 65]);
        assert_eq!(&b[12..15], &[79, 59, 74]);
        let z = Atip::new_zeroed().into_inner();
        assert_eq!(z.len(), 28);
        assert_eq!(&z[..2], &[0x00, 0x1A]);
    }

    #[test]
    fn cd_text_response_both_directions() {
        let mut pack = [0u8; 18];
        pack[0] = 0x80; // pack type TITLE
        pack[4..8].copy_from_slice(b"Disc");
        let out = CdTextResponse::emit(&[pack, pack]);
        assert_eq!(&out[..4], &[0x00, 0x26, 0x00, 0x00], "length 38 = 2 + 36");
        assert_eq!(out.len(), 4 + 36);
        let r = CdTextResponse::new_checked(&out[..]).unwrap();
        assert_eq!(r.data_length(), 38);
        assert_eq!(r.packs().collect::<Vec<_>>(), vec![pack, pack]);
        // A truncated buffer yields only the complete packs.
        let r = CdTextResponse::new_checked(&out[..30]).unwrap();
        assert_eq!(r.packs().count(), 1);
        assert_eq!(CdTextResponse::emit(&[]), vec![0x00, 0x02, 0x00, 0x00]);
    }
}
