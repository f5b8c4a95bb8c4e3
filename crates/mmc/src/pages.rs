//! Mode parameters for MODE SENSE(10) / MODE SELECT(10): the 8-byte header, a generic
//! [`ModePage`] view, the [`ModePages`] iterator over a parameter list, the list builder, and
//! typed views of mode pages 01h (Read/Write Error Recovery), 05h (Write Parameters), 08h
//! (Caching), 1Ah (Power Condition), 1Dh (Timeout and Protect) and 2Ah (Capabilities and
//! Mechanical Status).
//!
//! Invariants: after `new_checked` no getter panics; [`ModePages`] yields only whole pages
//! and stops at the first truncated one. Fields that only longer page versions define (page
//! 2Ah MMC-3 tail) read as `Option` and count as present when inside both the buffer and the
//! page's own length.
//!
//! Spec: SPC-4 §7.5 (mode parameters), MMC-6 §7 (reference `mmc.md` §1.5, §2.1–§2.6).

use crate::cdb::ParseError;
use crate::enums::{DataBlockType, MultiSession, SessionFormat, WriteType};
use crate::wire::{be16, be32, get_flag, opt_be16, put16, put32, set_bits, set_flag};

// ---------------------------------------------------------------------------------------------
// Header
// ---------------------------------------------------------------------------------------------

/// The mode parameter header of the 10-byte CDB variants.
///
/// Shape: B0-1 mode data length (MODE SENSE: total − 2; MODE SELECT: reserved, 0); B2 medium
/// type; B3 device-specific parameter; B4 b0 LONGLBA; B5 reserved; B6-7 block descriptor
/// length (0 for MMC).
///
/// # Errors
/// `new_checked`: [`ParseError::Truncated`] below 8 bytes.
///
/// Spec: SPC-4 §7.5.5 (reference `mmc.md` §1.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModeParameterHeader10<B: AsRef<[u8]>> {
    buffer: B,
}

impl<B: AsRef<[u8]>> ModeParameterHeader10<B> {
    /// Size in bytes.
    pub const LEN: usize = 8;

    /// Wraps `buffer` without checking its length.
    pub fn new_unchecked(buffer: B) -> Self {
        ModeParameterHeader10 { buffer }
    }

    /// Wraps `buffer` after checking it holds 8 bytes.
    ///
    /// # Errors
    /// See the type.
    pub fn new_checked(buffer: B) -> Result<Self, ParseError> {
        let got = buffer.as_ref().len();
        if got < Self::LEN {
            return Err(ParseError::Truncated {
                what: "mode parameter header",
                need: Self::LEN,
                got,
            });
        }
        Ok(ModeParameterHeader10 { buffer })
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> B {
        self.buffer
    }

    /// Mode data length, B0–1: bytes following byte 1 (MODE SENSE).
    pub fn mode_data_length(&self) -> u16 {
        be16(self.buffer.as_ref(), 0)
    }

    /// Medium type, B2 (0; obsolete in MMC).
    pub fn medium_type(&self) -> u8 {
        self.buffer.as_ref()[2]
    }

    /// Device-specific parameter, B3 (0 for MMC).
    pub fn device_specific_parameter(&self) -> u8 {
        self.buffer.as_ref()[3]
    }

    get_flag! {
        /// LONGLBA, B4 bit 0: block descriptors are 16 bytes.
        #[doc(alias = "LONGLBA")]
        longlba: 4, 0
    }

    /// Block descriptor length, B6–7 (0 for MMC drives; QEMU may send 8).
    pub fn block_descriptor_length(&self) -> u16 {
        be16(self.buffer.as_ref(), 6)
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> ModeParameterHeader10<B> {
    /// Sets the mode data length.
    pub fn set_mode_data_length(&mut self, value: u16) {
        put16(self.buffer.as_mut(), 0, value);
    }

    /// Sets the medium type.
    pub fn set_medium_type(&mut self, value: u8) {
        self.buffer.as_mut()[2] = value;
    }

    /// Sets the device-specific parameter.
    pub fn set_device_specific_parameter(&mut self, value: u8) {
        self.buffer.as_mut()[3] = value;
    }

    set_flag! {
        /// Sets LONGLBA.
        set_longlba: 4, 0
    }

    /// Sets the block descriptor length.
    pub fn set_block_descriptor_length(&mut self, value: u16) {
        put16(self.buffer.as_mut(), 6, value);
    }
}

// ---------------------------------------------------------------------------------------------
// Generic page and iteration
// ---------------------------------------------------------------------------------------------

/// One mode page (page_0 or sub_page format).
///
/// Shape: B0 b7 PS (parameters savable; MODE SENSE only), b6 SPF, b5-0 page code; SPF = 0:
/// B1 page length, body from B2; SPF = 1: B1 subpage code, B2-3 page length, body from B4.
/// The page length counts the bytes after the length field.
///
/// # Errors
/// `new_checked`: [`ParseError::Truncated`] when the header or the declared body is cut.
///
/// Spec: SPC-4 §7.5.7 (reference `mmc.md` §2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModePage<B: AsRef<[u8]>> {
    buffer: B,
}

impl<B: AsRef<[u8]>> ModePage<B> {
    /// Wraps `buffer` without checking its length.
    pub fn new_unchecked(buffer: B) -> Self {
        ModePage { buffer }
    }

    /// Wraps `buffer` after checking the header and the declared body are present.
    ///
    /// # Errors
    /// See the type.
    pub fn new_checked(buffer: B) -> Result<Self, ParseError> {
        let got = buffer.as_ref().len();
        let need = page_total_len(buffer.as_ref()).ok_or(ParseError::Truncated {
            what: "mode page header",
            need: 4,
            got,
        })?;
        if got < need {
            return Err(ParseError::Truncated {
                what: "mode page",
                need,
                got,
            });
        }
        Ok(ModePage { buffer })
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> B {
        self.buffer
    }

    /// The page bytes (header + body; the buffer may hold more).
    pub fn as_bytes(&self) -> &[u8] {
        let b = self.buffer.as_ref();
        &b[..b
            .len()
            .min(self.header_len() + usize::from(self.page_length()))]
    }

    get_flag! {
        /// PS, B0 bit 7: parameters savable.
        #[doc(alias = "PS")]
        ps: 0, 7
    }

    get_flag! {
        /// SPF, B0 bit 6: sub_page format.
        #[doc(alias = "SPF")]
        spf: 0, 6
    }

    /// Page code, B0 bits 5–0.
    pub fn page_code(&self) -> u8 {
        self.buffer.as_ref()[0] & 0x3F
    }

    /// Subpage code (B1 when SPF = 1, otherwise 0).
    pub fn subpage_code(&self) -> u8 {
        if self.spf() {
            self.buffer.as_ref()[1]
        } else {
            0
        }
    }

    /// Header size: 2, or 4 when SPF = 1.
    pub fn header_len(&self) -> usize {
        if self.spf() {
            4
        } else {
            2
        }
    }

    /// Page length: B1, or B2–3 when SPF = 1.
    pub fn page_length(&self) -> u16 {
        if self.spf() {
            be16(self.buffer.as_ref(), 2)
        } else {
            u16::from(self.buffer.as_ref()[1])
        }
    }

    /// The body: the bytes after the header, `page_length` of them (cut at the buffer end
    /// for unchecked views).
    pub fn body(&self) -> &[u8] {
        self.as_bytes().get(self.header_len()..).unwrap_or(&[])
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> ModePage<B> {
    set_flag! {
        /// Sets PS.
        set_ps: 0, 7
    }

    /// Sets the page code (6 bits) and clears SPF.
    pub fn set_page_code(&mut self, code: u8) {
        set_bits(self.buffer.as_mut(), 0, 0x7F, 0, code & 0x3F);
    }

    /// Sets the page length in B1 (page_0 format).
    pub fn set_page_length(&mut self, value: u8) {
        self.buffer.as_mut()[1] = value;
    }
}

/// Total bytes of the page starting at `b[0]`, or `None` if its header is cut.
fn page_total_len(b: &[u8]) -> Option<usize> {
    let b0 = *b.first()?;
    if b0 & 0x40 != 0 {
        Some(4 + usize::from(opt_be16(b, 2)?))
    } else {
        Some(2 + usize::from(*b.get(1)?))
    }
}

/// Iterator over the mode pages of a MODE SENSE(10) response or MODE SELECT(10) parameter
/// list: skips the 8-byte header and the block descriptors, yields whole pages
/// ([`ModePage`] including its header) and stops at the first truncated one.
///
/// # Errors
/// [`ModePages::new`] / [`ModePages::for_select`]: [`ParseError::Truncated`] below the 8-byte
/// header.
///
/// Spec: SPC-4 §7.5 (reference `mmc.md` §1.5).
#[derive(Debug, Clone)]
pub struct ModePages<'a> {
    rest: &'a [u8],
}

impl<'a> ModePages<'a> {
    /// Pages of a MODE SENSE(10) response, bounded by the buffer and the mode data length.
    ///
    /// # Errors
    /// See the type.
    pub fn new(mode_sense_response: &'a [u8]) -> Result<ModePages<'a>, ParseError> {
        let h = ModeParameterHeader10::new_checked(mode_sense_response)?;
        let end = mode_sense_response
            .len()
            .min(2 + usize::from(h.mode_data_length()));
        Ok(Self::after_header(
            &mode_sense_response[..end],
            h.block_descriptor_length(),
        ))
    }

    /// Pages of a MODE SELECT(10) parameter list: the mode data length is reserved there and
    /// ignored; the buffer bounds the pages.
    ///
    /// # Errors
    /// See the type.
    pub fn for_select(parameter_list: &'a [u8]) -> Result<ModePages<'a>, ParseError> {
        let h = ModeParameterHeader10::new_checked(parameter_list)?;
        Ok(Self::after_header(
            parameter_list,
            h.block_descriptor_length(),
        ))
    }

    fn after_header(bytes: &'a [u8], block_descriptor_length: u16) -> ModePages<'a> {
        let start = ModeParameterHeader10::<&[u8]>::LEN + usize::from(block_descriptor_length);
        ModePages {
            rest: bytes.get(start..).unwrap_or(&[]),
        }
    }
}

impl<'a> Iterator for ModePages<'a> {
    type Item = ModePage<&'a [u8]>;

    fn next(&mut self) -> Option<Self::Item> {
        let len = page_total_len(self.rest)?;
        if self.rest.len() < len {
            self.rest = &[];
            return None;
        }
        let (page, rest) = self.rest.split_at(len);
        self.rest = rest;
        Some(ModePage { buffer: page })
    }
}

/// Builds a mode parameter list: 8-byte header (block descriptor length 0) followed by
/// `pages` (each a whole page with its header). For MODE SENSE (`for_select` = false) the
/// mode data length is total − 2 (saturating at FFFFh); for MODE SELECT it is 0 and the PS bit
/// of every page is cleared (PS is reserved in MODE SELECT).
///
/// Spec: SPC-4 §7.5.5 (reference `mmc.md` §1.5, §2).
pub fn emit_mode_parameter_list(pages: &[&[u8]], for_select: bool) -> Vec<u8> {
    let mut out = vec![0u8; ModeParameterHeader10::<&[u8]>::LEN];
    for page in pages {
        let at = out.len();
        out.extend_from_slice(page);
        if for_select && !page.is_empty() {
            out[at] &= 0x7F;
        }
    }
    if !for_select {
        let mdl = u16::try_from(out.len() - 2).unwrap_or(u16::MAX);
        put16(&mut out, 0, mdl);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Fixed-length drive pages (01h, 08h, 1Ah, 1Dh): shared checks
// ---------------------------------------------------------------------------------------------

/// Checks a fixed-length page: at least `len` bytes and page code `code` in B0 bits 5–0.
fn check_fixed_page(b: &[u8], what: &'static str, code: u8, len: usize) -> Result<(), ParseError> {
    if b.len() < len {
        return Err(ParseError::Truncated {
            what,
            need: len,
            got: b.len(),
        });
    }
    if b[0] & 0x3F != code {
        return Err(ParseError::InvalidField {
            what,
            byte: 0,
            value: u32::from(b[0] & 0x3F),
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Page 01h Read/Write Error Recovery
// ---------------------------------------------------------------------------------------------

mod rwer {
    pub const CODE: usize = 0;
    pub const LENGTH: usize = 1;
    pub const B2: usize = 2;
    pub const READ_RETRY_COUNT: usize = 3;
    pub const EMCDR: usize = 7;
    pub const WRITE_RETRY_COUNT: usize = 8;
    pub const WINDOW: usize = 9;
}

/// Mode page 01h, Read/Write Error Recovery (MMC form, page length 0Ah).
///
/// Shape: B0 b7 PS, b5-0 01h; B1 page length (0Ah); B2 b7 AWRE, b6 ARRE, b5 TB, b4 RC, b3
/// EER (obsolete in MMC), b2 PER, b1 DTE, b0 DCR; B3 read retry count; B4-6 obsolete; B7
/// b1-0 EMCDR; B8 write retry count; B9-11 error reporting window size.
///
/// Units: error reporting window size in blocks (24 bits). `LEN` = 12.
///
/// # Errors
/// `new_checked`: [`ParseError::Truncated`] below 12 bytes, [`ParseError::InvalidField`] when
/// the page code is not 01h.
///
/// Spec: `mmc.md` §2.1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorRecoveryPage<B: AsRef<[u8]>> {
    buffer: B,
}

impl<B: AsRef<[u8]>> ErrorRecoveryPage<B> {
    /// Page code.
    pub const PAGE_CODE: u8 = 0x01;
    /// Size with page length 0Ah.
    pub const LEN: usize = 12;
    /// Page length written by [`ErrorRecoveryPage::new_zeroed`].
    pub const PAGE_LENGTH: u8 = 0x0A;

    /// Wraps `buffer` without checking it.
    pub fn new_unchecked(buffer: B) -> Self {
        ErrorRecoveryPage { buffer }
    }

    /// Wraps `buffer` after checking the page code and the length.
    ///
    /// # Errors
    /// See the type.
    pub fn new_checked(buffer: B) -> Result<Self, ParseError> {
        check_fixed_page(
            buffer.as_ref(),
            "read/write error recovery page",
            Self::PAGE_CODE,
            Self::LEN,
        )?;
        Ok(ErrorRecoveryPage { buffer })
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> B {
        self.buffer
    }

    fn b(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    get_flag! {
        /// PS, B0 bit 7: parameters savable.
        #[doc(alias = "PS")]
        ps: rwer::CODE, 7
    }

    /// Page length, B1 (0Ah).
    pub fn page_length(&self) -> u8 {
        self.b()[rwer::LENGTH]
    }

    get_flag! {
        /// AWRE, B2 bit 7: automatic write reallocation enabled.
        #[doc(alias = "AWRE")]
        awre: rwer::B2, 7
    }
    get_flag! {
        /// ARRE, B2 bit 6: automatic read reallocation enabled.
        #[doc(alias = "ARRE")]
        arre: rwer::B2, 6
    }
    get_flag! {
        /// TB, B2 bit 5: transfer a block that could not be recovered.
        #[doc(alias = "TB")]
        tb: rwer::B2, 5
    }
    get_flag! {
        /// RC, B2 bit 4: read continuous (no delay for error recovery).
        #[doc(alias = "RC")]
        rc: rwer::B2, 4
    }
    get_flag! {
        /// EER, B2 bit 3: enable early recovery (obsolete in MMC).
        #[doc(alias = "EER")]
        eer: rwer::B2, 3
    }
    get_flag! {
        /// PER, B2 bit 2: post error (report recovered errors).
        #[doc(alias = "PER")]
        per: rwer::B2, 2
    }
    get_flag! {
        /// DTE, B2 bit 1: disable transfer on error.
        #[doc(alias = "DTE")]
        dte: rwer::B2, 1
    }
    get_flag! {
        /// DCR, B2 bit 0: disable correction.
        #[doc(alias = "DCR")]
        dcr: rwer::B2, 0
    }

    /// Read retry count, B3.
    pub fn read_retry_count(&self) -> u8 {
        self.b()[rwer::READ_RETRY_COUNT]
    }

    /// EMCDR, B7 bits 1–0: enhanced media certification and defect reporting.
    #[doc(alias = "EMCDR")]
    pub fn emcdr(&self) -> u8 {
        self.b()[rwer::EMCDR] & 0x03
    }

    /// Write retry count, B8.
    pub fn write_retry_count(&self) -> u8 {
        self.b()[rwer::WRITE_RETRY_COUNT]
    }

    /// Error reporting window size, B9–11 (blocks, 24 bits).
    pub fn error_reporting_window_blocks(&self) -> u32 {
        let b = self.b();
        u32::from_be_bytes([0, b[rwer::WINDOW], b[rwer::WINDOW + 1], b[rwer::WINDOW + 2]])
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> ErrorRecoveryPage<B> {
    fn bm(&mut self) -> &mut [u8] {
        self.buffer.as_mut()
    }

    set_flag! {
        /// Sets PS.
        set_ps: rwer::CODE, 7
    }

    /// Sets the page code byte to 01h (keeping PS, clearing SPF) and the page length.
    pub fn set_header(&mut self, page_length: u8) {
        set_bits(self.bm(), rwer::CODE, 0x7F, 0, Self::PAGE_CODE);
        self.bm()[rwer::LENGTH] = page_length;
    }

    set_flag! {
        /// Sets AWRE.
        set_awre: rwer::B2, 7
    }
    set_flag! {
        /// Sets ARRE.
        set_arre: rwer::B2, 6
    }
    set_flag! {
        /// Sets TB.
        set_tb: rwer::B2, 5
    }
    set_flag! {
        /// Sets RC.
        set_rc: rwer::B2, 4
    }
    set_flag! {
        /// Sets EER.
        set_eer: rwer::B2, 3
    }
    set_flag! {
        /// Sets PER.
        set_per: rwer::B2, 2
    }
    set_flag! {
        /// Sets DTE.
        set_dte: rwer::B2, 1
    }
    set_flag! {
        /// Sets DCR.
        set_dcr: rwer::B2, 0
    }

    /// Sets the read retry count.
    pub fn set_read_retry_count(&mut self, value: u8) {
        self.bm()[rwer::READ_RETRY_COUNT] = value;
    }

    /// Sets EMCDR (2 bits; B7 bits 7–2 are left alone).
    pub fn set_emcdr(&mut self, value: u8) {
        set_bits(self.bm(), rwer::EMCDR, 0x03, 0, value);
    }

    /// Sets the write retry count.
    pub fn set_write_retry_count(&mut self, value: u8) {
        self.bm()[rwer::WRITE_RETRY_COUNT] = value;
    }

    /// Sets the error reporting window size in blocks (the low 24 bits of `blocks`).
    pub fn set_error_reporting_window_blocks(&mut self, blocks: u32) {
        let v = blocks.to_be_bytes();
        self.bm()[rwer::WINDOW..rwer::WINDOW + 3].copy_from_slice(&v[1..]);
    }
}

impl ErrorRecoveryPage<Vec<u8>> {
    /// [`Self::LEN`] zero bytes with page code 01h and page length 0Ah (every field 0).
    pub fn new_zeroed() -> Self {
        let mut p = ErrorRecoveryPage {
            buffer: vec![0u8; Self::LEN],
        };
        p.set_header(Self::PAGE_LENGTH);
        p
    }
}

// ---------------------------------------------------------------------------------------------
// Page 05h Write Parameters
// ---------------------------------------------------------------------------------------------

mod wp {
    pub const CODE: usize = 0;
    pub const LENGTH: usize = 1;
    pub const B2: usize = 2;
    pub const B3: usize = 3;
    pub const DBT: usize = 4;
    pub const LINK_SIZE: usize = 5;
    pub const APP_CODE: usize = 7;
    pub const SESSION_FORMAT: usize = 8;
    pub const PACKET_SIZE: usize = 10;
    pub const PAUSE: usize = 14;
    pub const MCN: usize = 16;
    pub const ISRC: usize = 32;
    pub const SUBHEADER: usize = 48;
}

/// Mode page 05h, Write Parameters.
///
/// Shape: B0 b7 PS, b5-0 05h; B1 page length (32h, or 36h with 4 vendor bytes); B2 b6 BUFE,
/// b5 LS_V, b4 Test Write, b3-0 write type; B3 b7-6 multi-session, b5 FP, b4 Copy, b3-0 track
/// mode; B4 b3-0 data block type; B5 link size; B7 b5-0 host application code; B8 session
/// format; B10-13 packet size; B14-15 audio pause length; B16 b7 MCVAL, B17-29 media catalog
/// number; B32 b7 TCVAL, B33-44 ISRC; B48-51 sub-header.
///
/// Units: packet size and audio pause length in blocks. `LEN` = 52 (page length 32h).
///
/// # Errors
/// `new_checked`: [`ParseError::Truncated`] below 52 bytes, [`ParseError::InvalidField`] when
/// the page code is not 05h.
///
/// Spec: MMC-6 §7.5.4 (reference `mmc.md` §2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteParametersPage<B: AsRef<[u8]>> {
    buffer: B,
}

impl<B: AsRef<[u8]>> WriteParametersPage<B> {
    /// Page code.
    pub const PAGE_CODE: u8 = 0x05;
    /// Size with page length 32h.
    pub const LEN: usize = 52;
    /// Page length written by [`WriteParametersPage::new_default`].
    pub const PAGE_LENGTH: u8 = 0x32;

    /// Wraps `buffer` without checking it.
    pub fn new_unchecked(buffer: B) -> Self {
        WriteParametersPage { buffer }
    }

    /// Wraps `buffer` after checking the page code and the length.
    ///
    /// # Errors
    /// See the type.
    pub fn new_checked(buffer: B) -> Result<Self, ParseError> {
        let b = buffer.as_ref();
        if b.len() < Self::LEN {
            return Err(ParseError::Truncated {
                what: "write parameters page",
                need: Self::LEN,
                got: b.len(),
            });
        }
        if b[wp::CODE] & 0x3F != Self::PAGE_CODE {
            return Err(ParseError::InvalidField {
                what: "write parameters page",
                byte: 0,
                value: u32::from(b[wp::CODE] & 0x3F),
            });
        }
        Ok(WriteParametersPage { buffer })
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> B {
        self.buffer
    }

    fn b(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    get_flag! {
        /// PS, B0 bit 7: parameters savable.
        #[doc(alias = "PS")]
        ps: wp::CODE, 7
    }

    /// Page length, B1 (32h or 36h).
    pub fn page_length(&self) -> u8 {
        self.b()[wp::LENGTH]
    }

    get_flag! {
        /// BUFE, B2 bit 6: buffer underrun free recording enabled.
        #[doc(alias = "BUFE")]
        bufe: wp::B2, 6
    }

    get_flag! {
        /// LS_V, B2 bit 5: link size valid.
        #[doc(alias = "LS_V")]
        ls_v: wp::B2, 5
    }

    get_flag! {
        /// Test Write, B2 bit 4: simulation (laser at read power).
        test_write: wp::B2, 4
    }

    /// Write type, B2 bits 3–0.
    pub fn write_type(&self) -> WriteType {
        WriteType::from(self.b()[wp::B2] & 0x0F)
    }

    /// Multi-session, B3 bits 7–6.
    pub fn multi_session(&self) -> MultiSession {
        MultiSession::from(self.b()[wp::B3] >> 6)
    }

    get_flag! {
        /// FP, B3 bit 5: fixed packets.
        #[doc(alias = "FP")]
        fp: wp::B3, 5
    }

    get_flag! {
        /// Copy, B3 bit 4: SCMS copy (first or later generation).
        copy: wp::B3, 4
    }

    /// Track mode, B3 bits 3–0 (Q CONTROL nibble; DVD 5).
    pub fn track_mode(&self) -> u8 {
        self.b()[wp::B3] & 0x0F
    }

    /// Data block type, B4 bits 3–0.
    pub fn data_block_type(&self) -> DataBlockType {
        DataBlockType::from(self.b()[wp::DBT] & 0x0F)
    }

    /// Link size, B5 (valid when LS_V).
    pub fn link_size(&self) -> u8 {
        self.b()[wp::LINK_SIZE]
    }

    /// Host (initiator) application code, B7 bits 5–0.
    pub fn host_application_code(&self) -> u8 {
        self.b()[wp::APP_CODE] & 0x3F
    }

    /// Session format, B8.
    pub fn session_format(&self) -> SessionFormat {
        SessionFormat::from(self.b()[wp::SESSION_FORMAT])
    }

    /// Packet size in blocks, B10–13 (for FP = 1).
    pub fn packet_size(&self) -> u32 {
        be32(self.b(), wp::PACKET_SIZE)
    }

    /// Audio pause length in blocks, B14–15 (default 150).
    pub fn audio_pause_length(&self) -> u16 {
        be16(self.b(), wp::PAUSE)
    }

    get_flag! {
        /// MCVAL, B16 bit 7: media catalog number valid.
        #[doc(alias = "MCVAL")]
        mcval: wp::MCN, 7
    }

    /// Media catalog number, B17–29 (13 ASCII digits).
    #[doc(alias = "MCN")]
    pub fn media_catalog_number(&self) -> &[u8] {
        &self.b()[wp::MCN + 1..wp::MCN + 14]
    }

    get_flag! {
        /// TCVAL, B32 bit 7: ISRC valid.
        #[doc(alias = "TCVAL")]
        tcval: wp::ISRC, 7
    }

    /// ISRC, B33–44 (12 ASCII characters).
    #[doc(alias = "ISRC")]
    pub fn isrc(&self) -> &[u8] {
        &self.b()[wp::ISRC + 1..wp::ISRC + 13]
    }

    /// Sub-header, B48–51 (file, channel, submode, coding).
    pub fn subheader(&self) -> [u8; 4] {
        let b = self.b();
        [
            b[wp::SUBHEADER],
            b[wp::SUBHEADER + 1],
            b[wp::SUBHEADER + 2],
            b[wp::SUBHEADER + 3],
        ]
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> WriteParametersPage<B> {
    fn bm(&mut self) -> &mut [u8] {
        self.buffer.as_mut()
    }

    set_flag! {
        /// Sets PS.
        set_ps: wp::CODE, 7
    }

    /// Sets the page code byte to 05h (keeping PS) and the page length.
    pub fn set_header(&mut self, page_length: u8) {
        set_bits(self.bm(), wp::CODE, 0x7F, 0, Self::PAGE_CODE);
        self.bm()[wp::LENGTH] = page_length;
    }

    set_flag! {
        /// Sets BUFE.
        set_bufe: wp::B2, 6
    }

    set_flag! {
        /// Sets LS_V.
        set_ls_v: wp::B2, 5
    }

    set_flag! {
        /// Sets Test Write.
        set_test_write: wp::B2, 4
    }

    /// Sets the write type.
    pub fn set_write_type(&mut self, value: WriteType) {
        set_bits(self.bm(), wp::B2, 0x0F, 0, u8::from(value));
    }

    /// Sets the multi-session field.
    pub fn set_multi_session(&mut self, value: MultiSession) {
        set_bits(self.bm(), wp::B3, 0xC0, 6, u8::from(value));
    }

    set_flag! {
        /// Sets FP.
        set_fp: wp::B3, 5
    }

    set_flag! {
        /// Sets Copy.
        set_copy: wp::B3, 4
    }

    /// Sets the track mode (4 bits).
    pub fn set_track_mode(&mut self, value: u8) {
        set_bits(self.bm(), wp::B3, 0x0F, 0, value);
    }

    /// Sets the data block type.
    pub fn set_data_block_type(&mut self, value: DataBlockType) {
        set_bits(self.bm(), wp::DBT, 0x0F, 0, u8::from(value));
    }

    /// Sets the link size.
    pub fn set_link_size(&mut self, value: u8) {
        self.bm()[wp::LINK_SIZE] = value;
    }

    /// Sets the host application code (6 bits).
    pub fn set_host_application_code(&mut self, value: u8) {
        set_bits(self.bm(), wp::APP_CODE, 0x3F, 0, value);
    }

    /// Sets the session format.
    pub fn set_session_format(&mut self, value: SessionFormat) {
        self.bm()[wp::SESSION_FORMAT] = u8::from(value);
    }

    /// Sets the packet size in blocks.
    pub fn set_packet_size(&mut self, blocks: u32) {
        put32(self.bm(), wp::PACKET_SIZE, blocks);
    }

    /// Sets the audio pause length in blocks.
    pub fn set_audio_pause_length(&mut self, blocks: u16) {
        put16(self.bm(), wp::PAUSE, blocks);
    }

    set_flag! {
        /// Sets MCVAL.
        set_mcval: wp::MCN, 7
    }

    /// Sets the 13-digit media catalog number (B17–29).
    pub fn set_media_catalog_number(&mut self, digits: &[u8; 13]) {
        self.bm()[wp::MCN + 1..wp::MCN + 14].copy_from_slice(digits);
    }

    set_flag! {
        /// Sets TCVAL.
        set_tcval: wp::ISRC, 7
    }

    /// Sets the 12-character ISRC (B33–44).
    pub fn set_isrc(&mut self, isrc: &[u8; 12]) {
        self.bm()[wp::ISRC + 1..wp::ISRC + 13].copy_from_slice(isrc);
    }

    /// Sets the sub-header (B48–51).
    pub fn set_subheader(&mut self, value: [u8; 4]) {
        self.bm()[wp::SUBHEADER..wp::SUBHEADER + 4].copy_from_slice(&value);
    }
}

impl WriteParametersPage<Vec<u8>> {
    /// [`Self::LEN`] zero bytes with page code 05h and page length 32h (every other field 0:
    /// packet write type, DBT 0, pause 0 — set what you need).
    pub fn new_default() -> Self {
        let mut p = WriteParametersPage {
            buffer: vec![0u8; Self::LEN],
        };
        p.set_header(Self::PAGE_LENGTH);
        p
    }
}

// ---------------------------------------------------------------------------------------------
// Page 08h Caching
// ---------------------------------------------------------------------------------------------

mod caching {
    pub const CODE: usize = 0;
    pub const LENGTH: usize = 1;
    pub const B2: usize = 2;
}

/// Mode page 08h, Caching (MMC form, page length 0Ah; SBC's 12h form is longer).
///
/// Shape: B0 b7 PS, b5-0 08h; B1 page length (0Ah); B2 b7 IC, b6 ABPF, b5 CAP, b4 DISC, b3
/// SIZE, b2 WCE, b1 MF, b0 RCD; B3-11 not modelled (retention priorities and prefetch
/// fields of SBC; MMC drives report 0).
///
/// Units: none. `LEN` = 12.
///
/// # Errors
/// `new_checked`: [`ParseError::Truncated`] below 12 bytes, [`ParseError::InvalidField`] when
/// the page code is not 08h.
///
/// Spec: `mmc.md` §2.3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachingPage<B: AsRef<[u8]>> {
    buffer: B,
}

impl<B: AsRef<[u8]>> CachingPage<B> {
    /// Page code.
    pub const PAGE_CODE: u8 = 0x08;
    /// Size with page length 0Ah.
    pub const LEN: usize = 12;
    /// Page length written by [`CachingPage::new_zeroed`].
    pub const PAGE_LENGTH: u8 = 0x0A;

    /// Wraps `buffer` without checking it.
    pub fn new_unchecked(buffer: B) -> Self {
        CachingPage { buffer }
    }

    /// Wraps `buffer` after checking the page code and the length.
    ///
    /// # Errors
    /// See the type.
    pub fn new_checked(buffer: B) -> Result<Self, ParseError> {
        check_fixed_page(buffer.as_ref(), "caching page", Self::PAGE_CODE, Self::LEN)?;
        Ok(CachingPage { buffer })
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> B {
        self.buffer
    }

    get_flag! {
        /// PS, B0 bit 7: parameters savable.
        #[doc(alias = "PS")]
        ps: caching::CODE, 7
    }

    /// Page length, B1 (0Ah).
    pub fn page_length(&self) -> u8 {
        self.buffer.as_ref()[caching::LENGTH]
    }

    get_flag! {
        /// IC, B2 bit 7: initiator control (of the cache segmentation).
        #[doc(alias = "IC")]
        ic: caching::B2, 7
    }
    get_flag! {
        /// ABPF, B2 bit 6: abort prefetch.
        #[doc(alias = "ABPF")]
        abpf: caching::B2, 6
    }
    get_flag! {
        /// CAP, B2 bit 5: caching analysis permitted.
        #[doc(alias = "CAP")]
        cap: caching::B2, 5
    }
    get_flag! {
        /// DISC, B2 bit 4: discontinuity (prefetch across time discontinuities).
        #[doc(alias = "DISC")]
        disc: caching::B2, 4
    }
    get_flag! {
        /// SIZE, B2 bit 3: cache segment size (not number of segments) is used.
        #[doc(alias = "SIZE")]
        size: caching::B2, 3
    }
    get_flag! {
        /// WCE, B2 bit 2: write cache enabled.
        #[doc(alias = "WCE")]
        wce: caching::B2, 2
    }
    get_flag! {
        /// MF, B2 bit 1: multiplication factor for the prefetch fields.
        #[doc(alias = "MF")]
        mf: caching::B2, 1
    }
    get_flag! {
        /// RCD, B2 bit 0: read cache disabled.
        #[doc(alias = "RCD")]
        rcd: caching::B2, 0
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> CachingPage<B> {
    fn bm(&mut self) -> &mut [u8] {
        self.buffer.as_mut()
    }

    set_flag! {
        /// Sets PS.
        set_ps: caching::CODE, 7
    }

    /// Sets the page code byte to 08h (keeping PS, clearing SPF) and the page length.
    pub fn set_header(&mut self, page_length: u8) {
        set_bits(self.bm(), caching::CODE, 0x7F, 0, Self::PAGE_CODE);
        self.bm()[caching::LENGTH] = page_length;
    }

    set_flag! {
        /// Sets IC.
        set_ic: caching::B2, 7
    }
    set_flag! {
        /// Sets ABPF.
        set_abpf: caching::B2, 6
    }
    set_flag! {
        /// Sets CAP.
        set_cap: caching::B2, 5
    }
    set_flag! {
        /// Sets DISC.
        set_disc: caching::B2, 4
    }
    set_flag! {
        /// Sets SIZE.
        set_size: caching::B2, 3
    }
    set_flag! {
        /// Sets WCE.
        set_wce: caching::B2, 2
    }
    set_flag! {
        /// Sets MF.
        set_mf: caching::B2, 1
    }
    set_flag! {
        /// Sets RCD.
        set_rcd: caching::B2, 0
    }
}

impl CachingPage<Vec<u8>> {
    /// [`Self::LEN`] zero bytes with page code 08h and page length 0Ah (every field 0).
    pub fn new_zeroed() -> Self {
        let mut p = CachingPage {
            buffer: vec![0u8; Self::LEN],
        };
        p.set_header(Self::PAGE_LENGTH);
        p
    }
}

// ---------------------------------------------------------------------------------------------
// Page 1Ah Power Condition
// ---------------------------------------------------------------------------------------------

mod power {
    pub const CODE: usize = 0;
    pub const LENGTH: usize = 1;
    pub const B3: usize = 3;
    pub const IDLE_TIMER: usize = 4;
    pub const STANDBY_TIMER: usize = 8;
}

/// Mode page 1Ah, Power Condition (page length 0Ah).
///
/// Shape: B0 b7 PS, b5-0 1Ah; B1 page length (0Ah); B2 reserved; B3 b1 Idle, b0 Standby
/// (timers enabled); B4-7 idle condition timer; B8-11 standby condition timer.
///
/// Units: both timers in 100 ms. `LEN` = 12.
///
/// # Errors
/// `new_checked`: [`ParseError::Truncated`] below 12 bytes, [`ParseError::InvalidField`] when
/// the page code is not 1Ah.
///
/// Spec: `mmc.md` §2.4.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PowerConditionPage<B: AsRef<[u8]>> {
    buffer: B,
}

impl<B: AsRef<[u8]>> PowerConditionPage<B> {
    /// Page code.
    pub const PAGE_CODE: u8 = 0x1A;
    /// Size with page length 0Ah.
    pub const LEN: usize = 12;
    /// Page length written by [`PowerConditionPage::new_zeroed`].
    pub const PAGE_LENGTH: u8 = 0x0A;

    /// Wraps `buffer` without checking it.
    pub fn new_unchecked(buffer: B) -> Self {
        PowerConditionPage { buffer }
    }

    /// Wraps `buffer` after checking the page code and the length.
    ///
    /// # Errors
    /// See the type.
    pub fn new_checked(buffer: B) -> Result<Self, ParseError> {
        check_fixed_page(
            buffer.as_ref(),
            "power condition page",
            Self::PAGE_CODE,
            Self::LEN,
        )?;
        Ok(PowerConditionPage { buffer })
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> B {
        self.buffer
    }

    get_flag! {
        /// PS, B0 bit 7: parameters savable.
        #[doc(alias = "PS")]
        ps: power::CODE, 7
    }

    /// Page length, B1 (0Ah).
    pub fn page_length(&self) -> u8 {
        self.buffer.as_ref()[power::LENGTH]
    }

    get_flag! {
        /// Idle, B3 bit 1: the idle condition timer is enabled.
        idle: power::B3, 1
    }
    get_flag! {
        /// Standby, B3 bit 0: the standby condition timer is enabled.
        standby: power::B3, 0
    }

    /// Idle condition timer, B4–7 (100 ms units).
    pub fn idle_condition_timer_100ms(&self) -> u32 {
        be32(self.buffer.as_ref(), power::IDLE_TIMER)
    }

    /// Standby condition timer, B8–11 (100 ms units).
    pub fn standby_condition_timer_100ms(&self) -> u32 {
        be32(self.buffer.as_ref(), power::STANDBY_TIMER)
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> PowerConditionPage<B> {
    fn bm(&mut self) -> &mut [u8] {
        self.buffer.as_mut()
    }

    set_flag! {
        /// Sets PS.
        set_ps: power::CODE, 7
    }

    /// Sets the page code byte to 1Ah (keeping PS, clearing SPF) and the page length.
    pub fn set_header(&mut self, page_length: u8) {
        set_bits(self.bm(), power::CODE, 0x7F, 0, Self::PAGE_CODE);
        self.bm()[power::LENGTH] = page_length;
    }

    set_flag! {
        /// Sets Idle.
        set_idle: power::B3, 1
    }
    set_flag! {
        /// Sets Standby.
        set_standby: power::B3, 0
    }

    /// Sets the idle condition timer (100 ms units).
    pub fn set_idle_condition_timer_100ms(&mut self, value: u32) {
        put32(self.bm(), power::IDLE_TIMER, value);
    }

    /// Sets the standby condition timer (100 ms units).
    pub fn set_standby_condition_timer_100ms(&mut self, value: u32) {
        put32(self.bm(), power::STANDBY_TIMER, value);
    }
}

impl PowerConditionPage<Vec<u8>> {
    /// [`Self::LEN`] zero bytes with page code 1Ah and page length 0Ah (timers off, 0).
    pub fn new_zeroed() -> Self {
        let mut p = PowerConditionPage {
            buffer: vec![0u8; Self::LEN],
        };
        p.set_header(Self::PAGE_LENGTH);
        p
    }
}

// ---------------------------------------------------------------------------------------------
// Page 1Dh Timeout and Protect
// ---------------------------------------------------------------------------------------------

mod tp {
    pub const CODE: usize = 0;
    pub const LENGTH: usize = 1;
    pub const B4: usize = 4;
    pub const GROUP1: usize = 6;
    pub const GROUP2: usize = 8;
    pub const GROUP3: usize = 10;
}

/// Mode page 1Dh, Timeout and Protect (page length 0Ah).
///
/// Shape: B0 b7 PS, b5-0 1Dh; B1 page length (0Ah); B2-3 reserved; B4 b3 G3Enable, b2 TMOE,
/// b1 DISP, b0 SWPP; B5 reserved; B6-7 group 1 minimum timeout; B8-9 group 2 minimum timeout;
/// B10-11 group 3 timeout.
///
/// Units: timeouts in seconds. `LEN` = 12.
///
/// # Errors
/// `new_checked`: [`ParseError::Truncated`] below 12 bytes, [`ParseError::InvalidField`] when
/// the page code is not 1Dh.
///
/// Spec: `mmc.md` §2.5.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeoutProtectPage<B: AsRef<[u8]>> {
    buffer: B,
}

impl<B: AsRef<[u8]>> TimeoutProtectPage<B> {
    /// Page code.
    pub const PAGE_CODE: u8 = 0x1D;
    /// Size with page length 0Ah.
    pub const LEN: usize = 12;
    /// Page length written by [`TimeoutProtectPage::new_zeroed`].
    pub const PAGE_LENGTH: u8 = 0x0A;

    /// Wraps `buffer` without checking it.
    pub fn new_unchecked(buffer: B) -> Self {
        TimeoutProtectPage { buffer }
    }

    /// Wraps `buffer` after checking the page code and the length.
    ///
    /// # Errors
    /// See the type.
    pub fn new_checked(buffer: B) -> Result<Self, ParseError> {
        check_fixed_page(
            buffer.as_ref(),
            "timeout and protect page",
            Self::PAGE_CODE,
            Self::LEN,
        )?;
        Ok(TimeoutProtectPage { buffer })
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> B {
        self.buffer
    }

    get_flag! {
        /// PS, B0 bit 7: parameters savable.
        #[doc(alias = "PS")]
        ps: tp::CODE, 7
    }

    /// Page length, B1 (0Ah).
    pub fn page_length(&self) -> u8 {
        self.buffer.as_ref()[tp::LENGTH]
    }

    get_flag! {
        /// G3Enable, B4 bit 3: the group 3 timeout is enabled.
        #[doc(alias = "G3Enable")]
        g3_enable: tp::B4, 3
    }
    get_flag! {
        /// TMOE, B4 bit 2: time-out enabled.
        #[doc(alias = "TMOE")]
        tmoe: tp::B4, 2
    }
    get_flag! {
        /// DISP, B4 bit 1: disabled until power cycle.
        #[doc(alias = "DISP")]
        disp: tp::B4, 1
    }
    get_flag! {
        /// SWPP, B4 bit 0: software write protect until power cycle.
        #[doc(alias = "SWPP")]
        swpp: tp::B4, 0
    }

    /// Group 1 minimum timeout, B6–7 (seconds).
    pub fn group1_minimum_timeout_s(&self) -> u16 {
        be16(self.buffer.as_ref(), tp::GROUP1)
    }

    /// Group 2 minimum timeout, B8–9 (seconds).
    pub fn group2_minimum_timeout_s(&self) -> u16 {
        be16(self.buffer.as_ref(), tp::GROUP2)
    }

    /// Group 3 timeout, B10–11 (seconds).
    pub fn group3_timeout_s(&self) -> u16 {
        be16(self.buffer.as_ref(), tp::GROUP3)
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> TimeoutProtectPage<B> {
    fn bm(&mut self) -> &mut [u8] {
        self.buffer.as_mut()
    }

    set_flag! {
        /// Sets PS.
        set_ps: tp::CODE, 7
    }

    /// Sets the page code byte to 1Dh (keeping PS, clearing SPF) and the page length.
    pub fn set_header(&mut self, page_length: u8) {
        set_bits(self.bm(), tp::CODE, 0x7F, 0, Self::PAGE_CODE);
        self.bm()[tp::LENGTH] = page_length;
    }

    set_flag! {
        /// Sets G3Enable.
        set_g3_enable: tp::B4, 3
    }
    set_flag! {
        /// Sets TMOE.
        set_tmoe: tp::B4, 2
    }
    set_flag! {
        /// Sets DISP.
        set_disp: tp::B4, 1
    }
    set_flag! {
        /// Sets SWPP.
        set_swpp: tp::B4, 0
    }

    /// Sets the group 1 minimum timeout (seconds).
    pub fn set_group1_minimum_timeout_s(&mut self, value: u16) {
        put16(self.bm(), tp::GROUP1, value);
    }

    /// Sets the group 2 minimum timeout (seconds).
    pub fn set_group2_minimum_timeout_s(&mut self, value: u16) {
        put16(self.bm(), tp::GROUP2, value);
    }

    /// Sets the group 3 timeout (seconds).
    pub fn set_group3_timeout_s(&mut self, value: u16) {
        put16(self.bm(), tp::GROUP3, value);
    }
}

impl TimeoutProtectPage<Vec<u8>> {
    /// [`Self::LEN`] zero bytes with page code 1Dh and page length 0Ah (every field 0).
    pub fn new_zeroed() -> Self {
        let mut p = TimeoutProtectPage {
            buffer: vec![0u8; Self::LEN],
        };
        p.set_header(Self::PAGE_LENGTH);
        p
    }
}

// ---------------------------------------------------------------------------------------------
// Page 2Ah Capabilities and Mechanical Status
// ---------------------------------------------------------------------------------------------

mod cap {
    pub const CODE: usize = 0;
    pub const LENGTH: usize = 1;
    pub const READ: usize = 2;
    pub const WRITE: usize = 3;
    pub const B4: usize = 4;
    pub const B5: usize = 5;
    pub const MECH: usize = 6;
    pub const B7: usize = 7;
    pub const MAX_READ_SPEED: usize = 8;
    pub const VOLUME_LEVELS: usize = 10;
    pub const BUFFER_SIZE: usize = 12;
    pub const CURRENT_READ_SPEED: usize = 14;
    pub const MAX_WRITE_SPEED: usize = 18;
    pub const CURRENT_WRITE_SPEED: usize = 20;
    pub const COPY_MANAGEMENT: usize = 22;
    pub const ROTATION: usize = 27;
    pub const WRITE_SPEED_SELECTED: usize = 28;
    pub const DESCRIPTOR_COUNT: usize = 30;
    pub const DESCRIPTORS: usize = 32;
}

/// One write speed performance descriptor of page 2Ah (4 bytes).
///
/// Shape: B0 reserved; B1 b2-0 rotation control (0 CLV, 1 CAV); B2-3 write speed.
///
/// Units: kB/s (k = 1000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WriteSpeedDescriptor {
    /// Rotation control (3 bits).
    pub rotation_control: u8,
    /// Write speed, kB/s.
    pub write_speed_kbps: u16,
}

/// Mode page 2Ah, CD/DVD Capabilities and Mechanical Status (read-only; legacy but used).
///
/// Shape: B0 b7 PS, b5-0 2Ah; B1 page length; B2 read bits (b5 DVD-RAM, b4 DVD-R, b3 DVD-ROM,
/// b2 Method 2, b1 CD-RW, b0 CD-R); B3 write bits (b5 DVD-RAM, b4 DVD-R, b2 Test Write, b1
/// CD-RW, b0 CD-R); B4 b7 BUF, b6 Multi-session, b5 Mode 2 Form 2, b4 Mode 2 Form 1, b3
/// digital port 2, b2 digital port 1, b1 composite, b0 audio play; B5 b7 read bar code, b6
/// UPC, b5 ISRC, b4 C2 pointers, b3 R-W de-interleaved & corrected, b2 R-W supported, b1
/// CD-DA stream accurate, b0 CD-DA commands; B6 b7-5 loading mechanism type, b3 Eject, b2
/// prevent jumper, b1 lock state, b0 Lock; B7 b5 R-W in lead-in, b4 side change, b3 S/W slot
/// selection, b2 changer disc present, b1 separate channel mute, b0 separate volume levels;
/// B8-9 max read speed; B10-11 volume levels; B12-13 buffer size; B14-15 current read
/// speed; B18-19 max write speed; B20-21 current write speed; B22-23 copy management
/// revision; B27 b1-0 rotation control selected; B28-29 current write speed selected; B30-31
/// number of write speed descriptors n; B32+4i descriptors.
///
/// Units: speeds in kB/s; buffer size in KiB. `MIN_LEN` = 14 (through the buffer size, what
/// growisofs needs); fields from byte 14 on are `Option`. [`Self::len_for`] = 32 + 4n.
///
/// # Errors
/// `new_checked`: [`ParseError::Truncated`] below 14 bytes, [`ParseError::InvalidField`] when
/// the page code is not 2Ah.
///
/// Spec: MMC-3 §5.5.10 / MMC-6 Annex (legacy) (reference `mmc.md` §2.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapabilitiesPage<B: AsRef<[u8]>> {
    buffer: B,
}

impl<B: AsRef<[u8]>> CapabilitiesPage<B> {
    /// Page code.
    pub const PAGE_CODE: u8 = 0x2A;
    /// Shortest accepted page.
    pub const MIN_LEN: usize = 14;

    /// Bytes of a page with `n` write speed descriptors: 32 + 4n.
    pub const fn len_for(n: usize) -> usize {
        cap::DESCRIPTORS + 4 * n
    }

    /// Wraps `buffer` without checking it.
    pub fn new_unchecked(buffer: B) -> Self {
        CapabilitiesPage { buffer }
    }

    /// Wraps `buffer` after checking the page code and the minimum length.
    ///
    /// # Errors
    /// See the type.
    pub fn new_checked(buffer: B) -> Result<Self, ParseError> {
        let b = buffer.as_ref();
        if b.len() < Self::MIN_LEN {
            return Err(ParseError::Truncated {
                what: "capabilities page",
                need: Self::MIN_LEN,
                got: b.len(),
            });
        }
        if b[cap::CODE] & 0x3F != Self::PAGE_CODE {
            return Err(ParseError::InvalidField {
                what: "capabilities page",
                byte: 0,
                value: u32::from(b[cap::CODE] & 0x3F),
            });
        }
        Ok(CapabilitiesPage { buffer })
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> B {
        self.buffer
    }

    fn b(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    /// The bytes the page defines: the buffer cut at `2 + page length`.
    fn defined(&self) -> &[u8] {
        let b = self.b();
        &b[..b.len().min(2 + usize::from(self.page_length()))]
    }

    fn opt16(&self, at: usize) -> Option<u16> {
        opt_be16(self.defined(), at)
    }

    get_flag! {
        /// PS, B0 bit 7.
        #[doc(alias = "PS")]
        ps: cap::CODE, 7
    }

    /// Page length, B1.
    pub fn page_length(&self) -> u8 {
        self.b()[cap::LENGTH]
    }

    get_flag! {
        /// DVD-RAM Read, B2 bit 5.
        dvd_ram_read: cap::READ, 5
    }
    get_flag! {
        /// DVD-R Read, B2 bit 4.
        dvd_r_read: cap::READ, 4
    }
    get_flag! {
        /// DVD-ROM Read, B2 bit 3.
        dvd_rom_read: cap::READ, 3
    }
    get_flag! {
        /// Method 2, B2 bit 2: reads fixed-packet CD-R media.
        method2: cap::READ, 2
    }
    get_flag! {
        /// CD-RW Read, B2 bit 1.
        cd_rw_read: cap::READ, 1
    }
    get_flag! {
        /// CD-R Read, B2 bit 0.
        cd_r_read: cap::READ, 0
    }
    get_flag! {
        /// DVD-RAM Write, B3 bit 5.
        dvd_ram_write: cap::WRITE, 5
    }
    get_flag! {
        /// DVD-R Write, B3 bit 4.
        dvd_r_write: cap::WRITE, 4
    }
    get_flag! {
        /// Test Write, B3 bit 2.
        test_write: cap::WRITE, 2
    }
    get_flag! {
        /// CD-RW Write, B3 bit 1.
        cd_rw_write: cap::WRITE, 1
    }
    get_flag! {
        /// CD-R Write, B3 bit 0.
        cd_r_write: cap::WRITE, 0
    }
    get_flag! {
        /// BUF, B4 bit 7: buffer underrun free recording supported.
        #[doc(alias = "BUF")]
        buf: cap::B4, 7
    }
    get_flag! {
        /// Multi-session, B4 bit 6.
        multi_session: cap::B4, 6
    }
    get_flag! {
        /// Mode 2 Form 2, B4 bit 5.
        mode2_form2: cap::B4, 5
    }
    get_flag! {
        /// Mode 2 Form 1, B4 bit 4.
        mode2_form1: cap::B4, 4
    }
    get_flag! {
        /// Digital port 2, B4 bit 3.
        digital_port_2: cap::B4, 3
    }
    get_flag! {
        /// Digital port 1, B4 bit 2.
        digital_port_1: cap::B4, 2
    }
    get_flag! {
        /// Composite, B4 bit 1.
        composite: cap::B4, 1
    }
    get_flag! {
        /// Audio play, B4 bit 0.
        audio_play: cap::B4, 0
    }
    get_flag! {
        /// Read bar code, B5 bit 7.
        read_bar_code: cap::B5, 7
    }
    get_flag! {
        /// UPC, B5 bit 6: media catalog number can be read.
        #[doc(alias = "UPC")]
        upc: cap::B5, 6
    }
    get_flag! {
        /// ISRC, B5 bit 5: ISRC can be read.
        #[doc(alias = "ISRC")]
        isrc: cap::B5, 5
    }
    get_flag! {
        /// C2 pointers supported, B5 bit 4.
        c2_pointers: cap::B5, 4
    }
    get_flag! {
        /// R-W de-interleaved and corrected, B5 bit 3.
        rw_deinterleaved_corrected: cap::B5, 3
    }
    get_flag! {
        /// R-W supported, B5 bit 2.
        rw_supported: cap::B5, 2
    }
    get_flag! {
        /// CD-DA stream is accurate, B5 bit 1.
        cdda_stream_accurate: cap::B5, 1
    }
    get_flag! {
        /// CD-DA commands supported, B5 bit 0.
        cdda_commands: cap::B5, 0
    }

    /// Loading mechanism type, B6 bits 7–5 (0 caddy, 1 tray, 2 pop-up, 4/5 changer).
    pub fn loading_mechanism_type(&self) -> u8 {
        self.b()[cap::MECH] >> 5
    }

    get_flag! {
        /// Eject, B6 bit 3.
        eject: cap::MECH, 3
    }
    get_flag! {
        /// Prevent jumper, B6 bit 2.
        prevent_jumper: cap::MECH, 2
    }
    get_flag! {
        /// Lock state, B6 bit 1: the medium is locked.
        lock_state: cap::MECH, 1
    }
    get_flag! {
        /// Lock, B6 bit 0: PREVENT ALLOW MEDIUM REMOVAL can lock.
        lock: cap::MECH, 0
    }
    get_flag! {
        /// R-W in lead-in, B7 bit 5.
        rw_in_lead_in: cap::B7, 5
    }
    get_flag! {
        /// Side change capable, B7 bit 4.
        side_change: cap::B7, 4
    }
    get_flag! {
        /// S/W slot selection, B7 bit 3.
        sw_slot_selection: cap::B7, 3
    }
    get_flag! {
        /// Changer supports disc present, B7 bit 2.
        changer_disc_present: cap::B7, 2
    }
    get_flag! {
        /// Separate channel mute, B7 bit 1.
        separate_channel_mute: cap::B7, 1
    }
    get_flag! {
        /// Separate volume levels, B7 bit 0.
        separate_volume_levels: cap::B7, 0
    }

    /// Maximum read speed, B8–9 (kB/s; obsolete).
    pub fn max_read_speed_kbps(&self) -> u16 {
        be16(self.b(), cap::MAX_READ_SPEED)
    }

    /// Number of volume levels, B10–11.
    pub fn number_of_volume_levels(&self) -> u16 {
        be16(self.b(), cap::VOLUME_LEVELS)
    }

    /// Buffer size, B12–13 (KiB).
    pub fn buffer_size_kib(&self) -> u16 {
        be16(self.b(), cap::BUFFER_SIZE)
    }

    /// Current read speed, B14–15 (kB/s; obsolete).
    pub fn current_read_speed_kbps(&self) -> Option<u16> {
        self.opt16(cap::CURRENT_READ_SPEED)
    }

    /// Maximum write speed, B18–19 (kB/s; obsolete).
    pub fn max_write_speed_kbps(&self) -> Option<u16> {
        self.opt16(cap::MAX_WRITE_SPEED)
    }

    /// Current write speed, B20–21 (kB/s; obsolete).
    pub fn current_write_speed_kbps(&self) -> Option<u16> {
        self.opt16(cap::CURRENT_WRITE_SPEED)
    }

    /// Copy management revision supported, B22–23.
    pub fn copy_management_revision(&self) -> Option<u16> {
        self.opt16(cap::COPY_MANAGEMENT)
    }

    /// Rotation control selected, B27 bits 1–0 (0 CLV, 1 CAV).
    pub fn rotation_control_selected(&self) -> Option<u8> {
        self.defined().get(cap::ROTATION).map(|b| b & 0x03)
    }

    /// Current write speed selected, B28–29 (kB/s).
    pub fn current_write_speed_selected(&self) -> Option<u16> {
        self.opt16(cap::WRITE_SPEED_SELECTED)
    }

    /// Number of write speed performance descriptors, B30–31.
    pub fn number_of_write_speed_descriptors(&self) -> Option<u16> {
        self.opt16(cap::DESCRIPTOR_COUNT)
    }

    /// The write speed descriptors present (at most the announced number, only whole ones
    /// inside the buffer and the page length).
    pub fn write_speed_descriptors(&self) -> impl Iterator<Item = WriteSpeedDescriptor> + '_ {
        let n = usize::from(self.number_of_write_speed_descriptors().unwrap_or(0));
        let table = self.defined().get(cap::DESCRIPTORS..).unwrap_or(&[]);
        table.chunks_exact(4).take(n).map(|d| WriteSpeedDescriptor {
            rotation_control: d[1] & 0x07,
            write_speed_kbps: u16::from_be_bytes([d[2], d[3]]),
        })
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> CapabilitiesPage<B> {
    fn bm(&mut self) -> &mut [u8] {
        self.buffer.as_mut()
    }

    set_flag! {
        /// Sets PS.
        set_ps: cap::CODE, 7
    }

    /// Sets the page code byte to 2Ah (keeping PS) and the page length.
    pub fn set_header(&mut self, page_length: u8) {
        set_bits(self.bm(), cap::CODE, 0x7F, 0, Self::PAGE_CODE);
        self.bm()[cap::LENGTH] = page_length;
    }

    set_flag! {
        /// Sets DVD-RAM Read.
        set_dvd_ram_read: cap::READ, 5
    }
    set_flag! {
        /// Sets DVD-R Read.
        set_dvd_r_read: cap::READ, 4
    }
    set_flag! {
        /// Sets DVD-ROM Read.
        set_dvd_rom_read: cap::READ, 3
    }
    set_flag! {
        /// Sets Method 2.
        set_method2: cap::READ, 2
    }
    set_flag! {
        /// Sets CD-RW Read.
        set_cd_rw_read: cap::READ, 1
    }
    set_flag! {
        /// Sets CD-R Read.
        set_cd_r_read: cap::READ, 0
    }
    set_flag! {
        /// Sets DVD-RAM Write.
        set_dvd_ram_write: cap::WRITE, 5
    }
    set_flag! {
        /// Sets DVD-R Write.
        set_dvd_r_write: cap::WRITE, 4
    }
    set_flag! {
        /// Sets Test Write.
        set_test_write: cap::WRITE, 2
    }
    set_flag! {
        /// Sets CD-RW Write.
        set_cd_rw_write: cap::WRITE, 1
    }
    set_flag! {
        /// Sets CD-R Write.
        set_cd_r_write: cap::WRITE, 0
    }
    set_flag! {
        /// Sets BUF.
        set_buf: cap::B4, 7
    }
    set_flag! {
        /// Sets Multi-session.
        set_multi_session: cap::B4, 6
    }
    set_flag! {
        /// Sets Mode 2 Form 2.
        set_mode2_form2: cap::B4, 5
    }
    set_flag! {
        /// Sets Mode 2 Form 1.
        set_mode2_form1: cap::B4, 4
    }
    set_flag! {
        /// Sets digital port 2.
        set_digital_port_2: cap::B4, 3
    }
    set_flag! {
        /// Sets digital port 1.
        set_digital_port_1: cap::B4, 2
    }
    set_flag! {
        /// Sets composite.
        set_composite: cap::B4, 1
    }
    set_flag! {
        /// Sets audio play.
        set_audio_play: cap::B4, 0
    }
    set_flag! {
        /// Sets read bar code.
        set_read_bar_code: cap::B5, 7
    }
    set_flag! {
        /// Sets UPC.
        set_upc: cap::B5, 6
    }
    set_flag! {
        /// Sets ISRC.
        set_isrc: cap::B5, 5
    }
    set_flag! {
        /// Sets C2 pointers.
        set_c2_pointers: cap::B5, 4
    }
    set_flag! {
        /// Sets R-W de-interleaved and corrected.
        set_rw_deinterleaved_corrected: cap::B5, 3
    }
    set_flag! {
        /// Sets R-W supported.
        set_rw_supported: cap::B5, 2
    }
    set_flag! {
        /// Sets CD-DA stream accurate.
        set_cdda_stream_accurate: cap::B5, 1
    }
    set_flag! {
        /// Sets CD-DA commands.
        set_cdda_commands: cap::B5, 0
    }

    /// Sets the loading mechanism type (3 bits).
    pub fn set_loading_mechanism_type(&mut self, value: u8) {
        set_bits(self.bm(), cap::MECH, 0xE0, 5, value);
    }

    set_flag! {
        /// Sets Eject.
        set_eject: cap::MECH, 3
    }
    set_flag! {
        /// Sets prevent jumper.
        set_prevent_jumper: cap::MECH, 2
    }
    set_flag! {
        /// Sets lock state.
        set_lock_state: cap::MECH, 1
    }
    set_flag! {
        /// Sets Lock.
        set_lock: cap::MECH, 0
    }
    set_flag! {
        /// Sets R-W in lead-in.
        set_rw_in_lead_in: cap::B7, 5
    }
    set_flag! {
        /// Sets side change.
        set_side_change: cap::B7, 4
    }
    set_flag! {
        /// Sets S/W slot selection.
        set_sw_slot_selection: cap::B7, 3
    }
    set_flag! {
        /// Sets changer disc present.
        set_changer_disc_present: cap::B7, 2
    }
    set_flag! {
        /// Sets separate channel mute.
        set_separate_channel_mute: cap::B7, 1
    }
    set_flag! {
        /// Sets separate volume levels.
        set_separate_volume_levels: cap::B7, 0
    }

    /// Sets the maximum read speed (kB/s).
    pub fn set_max_read_speed_kbps(&mut self, value: u16) {
        put16(self.bm(), cap::MAX_READ_SPEED, value);
    }

    /// Sets the number of volume levels.
    pub fn set_number_of_volume_levels(&mut self, value: u16) {
        put16(self.bm(), cap::VOLUME_LEVELS, value);
    }

    /// Sets the buffer size (KiB).
    pub fn set_buffer_size_kib(&mut self, value: u16) {
        put16(self.bm(), cap::BUFFER_SIZE, value);
    }

    /// Sets the current read speed (kB/s; needs ≥ 16 bytes).
    pub fn set_current_read_speed_kbps(&mut self, value: u16) {
        put16(self.bm(), cap::CURRENT_READ_SPEED, value);
    }

    /// Sets the maximum write speed (kB/s; needs ≥ 20 bytes).
    pub fn set_max_write_speed_kbps(&mut self, value: u16) {
        put16(self.bm(), cap::MAX_WRITE_SPEED, value);
    }

    /// Sets the current write speed (kB/s; needs ≥ 22 bytes).
    pub fn set_current_write_speed_kbps(&mut self, value: u16) {
        put16(self.bm(), cap::CURRENT_WRITE_SPEED, value);
    }

    /// Sets the copy management revision (needs ≥ 24 bytes).
    pub fn set_copy_management_revision(&mut self, value: u16) {
        put16(self.bm(), cap::COPY_MANAGEMENT, value);
    }

    /// Sets the rotation control selected (2 bits; needs ≥ 28 bytes).
    pub fn set_rotation_control_selected(&mut self, value: u8) {
        set_bits(self.bm(), cap::ROTATION, 0x03, 0, value);
    }

    /// Sets the current write speed selected (kB/s; needs ≥ 30 bytes).
    pub fn set_current_write_speed_selected(&mut self, value: u16) {
        put16(self.bm(), cap::WRITE_SPEED_SELECTED, value);
    }

    /// Sets the number of write speed descriptors (needs ≥ 32 bytes).
    pub fn set_number_of_write_speed_descriptors(&mut self, value: u16) {
        put16(self.bm(), cap::DESCRIPTOR_COUNT, value);
    }

    /// Writes write speed descriptor `index` (B32 + 4·index; B0 of the descriptor is set to
    /// 0). Panics if the buffer is shorter than [`Self::len_for`]`(index + 1)`.
    pub fn set_write_speed_descriptor(&mut self, index: usize, descriptor: WriteSpeedDescriptor) {
        let at = cap::DESCRIPTORS + 4 * index;
        let b = self.bm();
        b[at] = 0;
        b[at + 1] = descriptor.rotation_control & 0x07;
        put16(b, at + 2, descriptor.write_speed_kbps);
    }
}

impl CapabilitiesPage<Vec<u8>> {
    /// A zeroed page of [`Self::len_for`]`(descriptors.len())` bytes with code 2Ah, page
    /// length 30 + 4n, the descriptor count and the descriptors set (at most 56 descriptors
    /// fit the one-byte page length).
    pub fn new_zeroed(descriptors: &[WriteSpeedDescriptor]) -> Self {
        let descriptors = &descriptors[..descriptors.len().min(56)];
        let len = Self::len_for(descriptors.len());
        let mut p = CapabilitiesPage {
            buffer: vec![0u8; len],
        };
        p.set_header((len - 2) as u8);
        p.set_number_of_write_speed_descriptors(descriptors.len() as u16);
        for (i, d) in descriptors.iter().enumerate() {
            p.set_write_speed_descriptor(i, *d);
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// MODE SENSE(10) page 05h response from a CD recorder set up for TAO Mode 1.
    fn mode_sense_05() -> Vec<u8> {
        let mut b = vec![
            0x00, 0x3A, // B0-1: mode data length 58 = 8 + 52 - 2
            0x00, // B2: medium type
            0x00, // B3: device-specific
            0x00, // B4: LONGLBA 0
            0x00, // B5: reserved
            0x00, 0x00, // B6-7: block descriptor length 0
        ];
        b.extend_from_slice(&write_parameters_bytes());
        b
    }

    /// Page 05h, 52 bytes, all fields distinct.
    fn write_parameters_bytes() -> Vec<u8> {
        let mut p = vec![
            0x85, // B0: PS 1, page code 05h
            0x32, // B1: page length 50
            0x61, // B2: BUFE 1, LS_V 1, Test Write 0, write type 1 (TAO)
            0xE4, // B3: multi-session 11b, FP 1, Copy 0, track mode 4
            0x08, // B4: data block type 8 (Mode 1)
            0x07, // B5: link size 7
            0x00, // B6: reserved
            0x02, // B7: host application code 2
            0x20, // B8: session format 20h CD-ROM XA
            0x00, // B9: reserved
            0x00, 0x00, 0x00, 0x10, // B10-13: packet size 16
            0x00, 0x96, // B14-15: audio pause length 150
            0x80, // B16: MCVAL
        ];
        p.extend_from_slice(b"0123456789012"); // B17-29: MCN
        p.extend_from_slice(&[0x00, 0x00]); // B30: zero, B31: AFRAME
        p.push(0x80); // B32: TCVAL
        p.extend_from_slice(b"USABC2400001"); // B33-44: ISRC
        p.extend_from_slice(&[0x00, 0x00, 0x00]); // B45 zero, B46 AFRAME, B47 reserved
        p.extend_from_slice(&[0x01, 0x02, 0x08, 0x00]); // B48-51: sub-header
        assert_eq!(p.len(), 52);
        p
    }

    #[test]
    fn mode_parameter_header_both_directions() {
        let bytes = [0x00, 0x3A, 0x00, 0x00, 0x01, 0x00, 0x00, 0x08]; // mdl 58, LONGLBA, bdl 8
        let h = ModeParameterHeader10::new_checked(&bytes[..]).unwrap();
        assert_eq!(h.mode_data_length(), 58);
        assert_eq!((h.medium_type(), h.device_specific_parameter()), (0, 0));
        assert!(h.longlba());
        assert_eq!(h.block_descriptor_length(), 8);
        let mut buf = [0xa5u8; 8];
        let mut w = ModeParameterHeader10::new_unchecked(&mut buf[..]);
        w.set_mode_data_length(58);
        w.set_medium_type(0);
        w.set_device_specific_parameter(0);
        w.set_longlba(true);
        w.set_block_descriptor_length(8);
        // B4: b7-1 untouched, LONGLBA 1 (= a5 again); B5 reserved untouched.
        assert_eq!(buf, [0x00, 0x3A, 0x00, 0x00, 0xa5, 0xa5, 0x00, 0x08]);
        assert!(ModeParameterHeader10::new_checked(&bytes[..7]).is_err());
    }

    #[test]
    fn mode_pages_iterates_sense_response() {
        let resp = mode_sense_05();
        let pages: Vec<_> = ModePages::new(&resp).unwrap().collect();
        assert_eq!(pages.len(), 1);
        assert_eq!(pages[0].page_code(), 0x05);
        assert!(pages[0].ps());
        assert!(!pages[0].spf());
        assert_eq!(pages[0].page_length(), 0x32);
        assert_eq!(pages[0].body().len(), 50);
        assert_eq!(pages[0].as_bytes(), &write_parameters_bytes()[..]);
    }

    #[test]
    fn mode_pages_skips_block_descriptors_and_handles_subpages() {
        let bytes = [
            0x00, 0x1A, // mode data length 26 = 28 - 2
            0x00, 0x00, 0x00, 0x00, // medium type, device specific, LONGLBA, reserved
            0x00, 0x08, // block descriptor length 8 (QEMU style)
            0, 0, 0, 0, 0, 0, 0x08, 0x00, // block descriptor
            0x2A, 0x02, 0x3B, 0x00, // page 2Ah with page length 2
            0x4A, 0x01, 0x00, 0x02, 0xAB, 0xCD, // page 0Ah subpage 01h, SPF, length 2
            0x01, 0x0A, // page 01h announcing 10 bytes that are missing
        ];
        let pages: Vec<_> = ModePages::new(&bytes).unwrap().collect();
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].page_code(), 0x2A);
        assert_eq!(pages[0].body(), &[0x3B, 0x00]);
        assert!(pages[1].spf());
        assert_eq!(
            (pages[1].page_code(), pages[1].subpage_code()),
            (0x0A, 0x01)
        );
        assert_eq!(pages[1].header_len(), 4);
        assert_eq!(pages[1].body(), &[0xAB, 0xCD]);
        // Mode data length bounds the pages of a MODE SENSE response.
        let mut cut = bytes;
        cut[1] = 0x0E; // 16 bytes: header + block descriptor only
        assert_eq!(ModePages::new(&cut).unwrap().count(), 0);
        // MODE SELECT ignores the (reserved) mode data length.
        assert_eq!(ModePages::for_select(&cut).unwrap().count(), 2);
        // Block descriptor length beyond the buffer: no pages, no panic.
        let mut far = bytes;
        far[6] = 0xFF;
        assert_eq!(ModePages::new(&far).unwrap().count(), 0);
        assert!(ModePages::new(&bytes[..7]).is_err());
    }

    #[test]
    fn mode_page_new_checked_rejects_cut_pages() {
        assert!(ModePage::new_checked(&[0x05u8][..]).is_err());
        assert!(ModePage::new_checked(&[0x05u8, 0x02, 0x00][..]).is_err());
        assert!(ModePage::new_checked(&[0x45u8, 0x00, 0x00][..]).is_err());
        let p = ModePage::new_checked(&[0x05u8, 0x01, 0x77, 0x99][..]).unwrap();
        assert_eq!(p.body(), &[0x77]);
        let mut buf = [0xa5u8, 0xa5, 0x00];
        let mut w = ModePage::new_unchecked(&mut buf[..]);
        w.set_page_code(0x05);
        w.set_ps(false);
        w.set_page_length(1);
        assert_eq!(buf, [0x05, 0x01, 0x00]);
    }

    #[test]
    fn emit_mode_parameter_list_for_sense_and_select() {
        let page = [0x85u8, 0x02, 0x11, 0x22]; // PS set
        let sense = emit_mode_parameter_list(&[&page], false);
        assert_eq!(
            sense,
            [
                0x00, 0x0A, // mode data length 10 = 12 - 2
                0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, // medium type … block descriptor length 0
                0x85, 0x02, 0x11, 0x22, // page as given
            ]
        );
        let select = emit_mode_parameter_list(&[&page, &[0x2A, 0x00]], true);
        assert_eq!(
            select,
            [
                0x00, 0x00, // reserved in MODE SELECT
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, //
                0x05, 0x02, 0x11, 0x22, // PS cleared
                0x2A, 0x00, // second page
            ]
        );
    }

    #[test]
    fn write_parameters_page_hand_bytes_parse() {
        let bytes = write_parameters_bytes();
        let p = WriteParametersPage::new_checked(&bytes[..]).unwrap();
        assert!(p.ps());
        assert_eq!(p.page_length(), 0x32);
        assert!(p.bufe() && p.ls_v() && !p.test_write());
        assert_eq!(p.write_type(), WriteType::TrackAtOnce);
        assert_eq!(p.multi_session(), MultiSession::NextSessionAllowed);
        assert!(p.fp() && !p.copy());
        assert_eq!(p.track_mode(), 4);
        assert_eq!(p.data_block_type(), DataBlockType::Mode1);
        assert_eq!(p.link_size(), 7);
        assert_eq!(p.host_application_code(), 2);
        assert_eq!(p.session_format(), SessionFormat::CdRomXa);
        assert_eq!(p.packet_size(), 16);
        assert_eq!(p.audio_pause_length(), 150);
        assert!(p.mcval());
        assert_eq!(p.media_catalog_number(), b"0123456789012");
        assert!(p.tcval());
        assert_eq!(p.isrc(), b"USABC2400001");
        assert_eq!(p.subheader(), [0x01, 0x02, 0x08, 0x00]);
    }

    #[test]
    fn write_parameters_page_rejects_short_or_other_page() {
        let bytes = write_parameters_bytes();
        assert_eq!(
            WriteParametersPage::new_checked(&bytes[..51]).unwrap_err(),
            ParseError::Truncated {
                what: "write parameters page",
                need: 52,
                got: 51
            }
        );
        let mut other = bytes.clone();
        other[0] = 0x2A;
        assert!(WriteParametersPage::new_checked(&other[..]).is_err());
        // Page length 36h (56 bytes, vendor tail) is accepted.
        let mut long = bytes;
        long[1] = 0x36;
        long.extend_from_slice(&[0xEE; 4]);
        assert!(WriteParametersPage::new_checked(&long[..]).is_ok());
    }

    #[test]
    fn write_parameters_page_builder_writes_exact_bytes() {
        let mut buf = [0xa5u8; 52];
        let mut p = WriteParametersPage::new_unchecked(&mut buf[..]);
        p.set_header(0x32);
        p.set_ps(true);
        p.set_bufe(true);
        p.set_ls_v(true);
        p.set_test_write(false);
        p.set_write_type(WriteType::TrackAtOnce);
        p.set_multi_session(MultiSession::NextSessionAllowed);
        p.set_fp(true);
        p.set_copy(false);
        p.set_track_mode(4);
        p.set_data_block_type(DataBlockType::Mode1);
        p.set_link_size(7);
        p.set_host_application_code(2);
        p.set_session_format(SessionFormat::CdRomXa);
        p.set_packet_size(16);
        p.set_audio_pause_length(150);
        p.set_mcval(true);
        p.set_media_catalog_number(b"0123456789012");
        p.set_tcval(true);
        p.set_isrc(b"USABC2400001");
        p.set_subheader([0x01, 0x02, 0x08, 0x00]);
        let mut expected = write_parameters_bytes();
        expected[2] = 0xE1; // B2: b7 untouched (1), BUFE, LS_V, TW 0, type 1
        expected[4] = 0xa8; // B4: b7-4 untouched (1010b), DBT 8
        expected[6] = 0xa5; // B6 reserved
        expected[7] = 0x82; // B7: b7-6 untouched (10b), application code 2
        expected[9] = 0xa5; // B9 reserved
        expected[16] = 0xa5; // B16: b7 MCVAL (1), b6-0 untouched
        expected[30] = 0xa5; // B30-31 untouched
        expected[31] = 0xa5;
        expected[32] = 0xa5; // B32: TCVAL (1), b6-0 untouched
        expected[45] = 0xa5; // B45-47 untouched
        expected[46] = 0xa5;
        expected[47] = 0xa5;
        assert_eq!(&buf[..], &expected[..]);
        let d = WriteParametersPage::new_default();
        let bytes = d.into_inner();
        assert_eq!(bytes.len(), 52);
        assert_eq!(&bytes[..2], &[0x05, 0x32]);
        assert!(bytes[2..].iter().all(|&b| b == 0));
    }

    /// Page 2Ah, MMC-3 form with two write speed descriptors (40 bytes).
    const CAPS: [u8; 40] = [
        0x2A, // B0: page code 2Ah, PS 0
        0x26, // B1: page length 38 = 30 + 4·2
        0x3F, // B2: DVD-RAM, DVD-R, DVD-ROM read, Method 2, CD-RW, CD-R read
        0x37, // B3: DVD-RAM write, DVD-R write, Test Write, CD-RW, CD-R write
        0xF1, // B4: BUF, multi-session, Mode 2 Form 2, Form 1, audio play
        0x7F, // B5: UPC, ISRC, C2, R-W corrected, R-W, stream accurate, CD-DA commands
        0x29, // B6: tray (001b), Eject, Lock
        0x20, // B7: R-W in lead-in
        0x1B, 0x90, // B8-9: max read speed 7056
        0x01, 0x00, // B10-11: 256 volume levels
        0x08, 0x00, // B12-13: buffer 2048 KiB
        0x1B, 0x90, // B14-15: current read speed 7056
        0x00, // B16: reserved
        0x00, // B17: digital output format
        0x1B, 0x90, // B18-19: max write speed 7056
        0x0D, 0xC8, // B20-21: current write speed 3528
        0x00, 0x01, // B22-23: copy management revision 1
        0x00, 0x00, 0x00, // B24-26: reserved
        0x01, // B27: rotation control selected CAV
        0x0D, 0xC8, // B28-29: current write speed selected 3528
        0x00, 0x02, // B30-31: two descriptors
        0x00, 0x01, 0x1B, 0x90, // CAV 7056
        0x00, 0x00, 0x0D, 0xC8, // CLV 3528
    ];

    #[test]
    fn capabilities_page_hand_bytes_parse() {
        let c = CapabilitiesPage::new_checked(&CAPS[..]).unwrap();
        assert!(c.dvd_ram_read() && c.dvd_r_read() && c.dvd_rom_read() && c.method2());
        assert!(c.cd_rw_read() && c.cd_r_read());
        assert!(
            c.dvd_ram_write()
                && c.dvd_r_write()
                && c.test_write()
                && c.cd_rw_write()
                && c.cd_r_write()
        );
        assert!(
            c.buf() && c.multi_session() && c.mode2_form2() && c.mode2_form1() && c.audio_play()
        );
        assert!(!c.digital_port_2() && !c.composite());
        assert!(!c.read_bar_code() && c.upc() && c.isrc() && c.c2_pointers() && c.cdda_commands());
        assert_eq!(c.loading_mechanism_type(), 1);
        assert!(c.eject() && !c.prevent_jumper() && !c.lock_state() && c.lock());
        assert!(c.rw_in_lead_in() && !c.side_change());
        assert_eq!(c.max_read_speed_kbps(), 7056);
        assert_eq!(c.number_of_volume_levels(), 256);
        assert_eq!(c.buffer_size_kib(), 2048);
        assert_eq!(c.current_read_speed_kbps(), Some(7056));
        assert_eq!(c.max_write_speed_kbps(), Some(7056));
        assert_eq!(c.current_write_speed_kbps(), Some(3528));
        assert_eq!(c.copy_management_revision(), Some(1));
        assert_eq!(c.rotation_control_selected(), Some(1));
        assert_eq!(c.current_write_speed_selected(), Some(3528));
        assert_eq!(c.number_of_write_speed_descriptors(), Some(2));
        let d: Vec<_> = c.write_speed_descriptors().collect();
        assert_eq!(
            d,
            vec![
                WriteSpeedDescriptor {
                    rotation_control: 1,
                    write_speed_kbps: 7056
                },
                WriteSpeedDescriptor {
                    rotation_control: 0,
                    write_speed_kbps: 3528
                },
            ]
        );
    }

    #[test]
    fn capabilities_page_short_qemu_form_gives_none_for_tail() {
        let mut b = CAPS[..22].to_vec();
        b[1] = 0x14; // B1: page length 20 (QEMU, 22 bytes)
        let c = CapabilitiesPage::new_checked(&b[..]).unwrap();
        assert_eq!(c.buffer_size_kib(), 2048);
        assert_eq!(c.current_write_speed_kbps(), Some(3528));
        assert_eq!(c.copy_management_revision(), None);
        assert_eq!(c.rotation_control_selected(), None);
        assert_eq!(c.number_of_write_speed_descriptors(), None);
        assert_eq!(c.write_speed_descriptors().count(), 0);
        // libburn's first probe: allocation length 30 cuts the page (8-byte header + 22).
        let cut = CapabilitiesPage::new_checked(&CAPS[..22]).unwrap();
        assert_eq!(cut.number_of_write_speed_descriptors(), None);
        assert!(CapabilitiesPage::new_checked(&CAPS[..13]).is_err());
        let mut other = CAPS;
        other[0] = 0x05;
        assert!(CapabilitiesPage::new_checked(&other[..]).is_err());
    }

    #[test]
    fn capabilities_page_descriptor_count_beyond_data_is_bounded() {
        let mut b = CAPS;
        b[31] = 9; // announces 9 descriptors, 2 present
        let c = CapabilitiesPage::new_checked(&b[..]).unwrap();
        assert_eq!(c.write_speed_descriptors().count(), 2);
    }

    #[test]
    fn capabilities_page_builder_writes_exact_bytes() {
        let mut buf = [0xa5u8; 40];
        let mut c = CapabilitiesPage::new_unchecked(&mut buf[..]);
        c.set_header(0x26);
        c.set_ps(false);
        c.set_dvd_ram_read(true);
        c.set_dvd_r_read(true);
        c.set_dvd_rom_read(true);
        c.set_method2(true);
        c.set_cd_rw_read(true);
        c.set_cd_r_read(true);
        c.set_dvd_ram_write(true);
        c.set_dvd_r_write(true);
        c.set_test_write(true);
        c.set_cd_rw_write(true);
        c.set_cd_r_write(true);
        c.set_buf(true);
        c.set_multi_session(true);
        c.set_mode2_form2(true);
        c.set_mode2_form1(true);
        c.set_digital_port_2(false);
        c.set_digital_port_1(false);
        c.set_composite(false);
        c.set_audio_play(true);
        c.set_read_bar_code(false);
        c.set_upc(true);
        c.set_isrc(true);
        c.set_c2_pointers(true);
        c.set_rw_deinterleaved_corrected(true);
        c.set_rw_supported(true);
        c.set_cdda_stream_accurate(true);
        c.set_cdda_commands(true);
        c.set_loading_mechanism_type(1);
        c.set_eject(true);
        c.set_prevent_jumper(false);
        c.set_lock_state(false);
        c.set_lock(true);
        c.set_rw_in_lead_in(true);
        c.set_side_change(false);
        c.set_sw_slot_selection(false);
        c.set_changer_disc_present(false);
        c.set_separate_channel_mute(false);
        c.set_separate_volume_levels(false);
        c.set_max_read_speed_kbps(7056);
        c.set_number_of_volume_levels(256);
        c.set_buffer_size_kib(2048);
        c.set_current_read_speed_kbps(7056);
        c.set_max_write_speed_kbps(7056);
        c.set_current_write_speed_kbps(3528);
        c.set_copy_management_revision(1);
        c.set_rotation_control_selected(1);
        c.set_current_write_speed_selected(3528);
        c.set_number_of_write_speed_descriptors(2);
        c.set_write_speed_descriptor(
            0,
            WriteSpeedDescriptor {
                rotation_control: 1,
                write_speed_kbps: 7056,
            },
        );
        c.set_write_speed_descriptor(
            1,
            WriteSpeedDescriptor {
                rotation_control: 0,
                write_speed_kbps: 3528,
            },
        );
        let mut expected = CAPS;
        expected[0] = 0x2A; // B0: PS 0, b6 = 0 via set_header
        expected[2] = 0xBF; // B2: b7-6 untouched (10b)
        expected[3] = 0xB7; // B3: b7-6 untouched (10b), b3 untouched (0)
        expected[6] = 0x29; // B6: b4 untouched (0)
        expected[7] = 0xA0; // B7: b7-6 untouched (10b)
        expected[16] = 0xa5; // B16 reserved
        expected[17] = 0xa5; // B17 digital output format (no setter)
        expected[24] = 0xa5; // B24-26 reserved
        expected[25] = 0xa5;
        expected[26] = 0xa5;
        expected[27] = 0xa5; // B27: b7-2 untouched (101001b), rotation 01b
        assert_eq!(buf, expected);
        let z = CapabilitiesPage::new_zeroed(&[WriteSpeedDescriptor {
            rotation_control: 0,
            write_speed_kbps: 1385,
        }]);
        assert_eq!(z.page_length(), 34);
        assert_eq!(z.write_speed_descriptors().count(), 1);
        assert_eq!(
            z.into_inner().len(),
            CapabilitiesPage::<Vec<u8>>::len_for(1)
        );
    }

    /// Page 01h with every field distinct.
    const ERROR_RECOVERY: [u8; 12] = [
        0x81, // B0: PS 1, page code 01h
        0x0A, // B1: page length 10
        0xA5, // B2: AWRE 1, ARRE 0, TB 1, RC 0, EER 0, PER 1, DTE 0, DCR 1
        0x05, // B3: read retry count 5
        0x00, 0x00, 0x00, // B4-6: obsolete
        0x02, // B7: EMCDR 2
        0x07, // B8: write retry count 7
        0x01, 0x02, 0x03, // B9-11: error reporting window 010203h blocks
    ];

    #[test]
    fn error_recovery_page_hand_bytes_parse() {
        let p = ErrorRecoveryPage::new_checked(&ERROR_RECOVERY[..]).unwrap();
        assert!(p.ps());
        assert_eq!(p.page_length(), 0x0A);
        assert!(p.awre() && !p.arre() && p.tb() && !p.rc());
        assert!(!p.eer() && p.per() && !p.dte() && p.dcr());
        assert_eq!(p.read_retry_count(), 5);
        assert_eq!(p.emcdr(), 2);
        assert_eq!(p.write_retry_count(), 7);
        assert_eq!(p.error_reporting_window_blocks(), 0x01_0203);
    }

    #[test]
    fn error_recovery_page_rejects_short_or_other_page() {
        assert_eq!(
            ErrorRecoveryPage::new_checked(&ERROR_RECOVERY[..11]).unwrap_err(),
            ParseError::Truncated {
                what: "read/write error recovery page",
                need: 12,
                got: 11
            }
        );
        let mut other = ERROR_RECOVERY;
        other[0] = 0x08;
        assert!(ErrorRecoveryPage::new_checked(&other[..]).is_err());
    }

    #[test]
    fn error_recovery_page_builder_writes_exact_bytes() {
        let mut buf = [0xa5u8; 12];
        let mut p = ErrorRecoveryPage::new_unchecked(&mut buf[..]);
        p.set_header(0x0A);
        p.set_ps(false);
        p.set_awre(false);
        p.set_arre(true);
        p.set_tb(false);
        p.set_rc(true);
        p.set_eer(true);
        p.set_per(false);
        p.set_dte(true);
        p.set_dcr(false);
        p.set_read_retry_count(3);
        p.set_emcdr(1);
        p.set_write_retry_count(9);
        p.set_error_reporting_window_blocks(0xFF_12_34_56); // high byte dropped
        assert_eq!(
            buf,
            [
                0x01, // B0: PS 0, SPF 0, page code 01h
                0x0A, // B1: page length 10
                0x5A, // B2: ARRE, RC, EER, DTE
                0x03, // B3: read retry count 3
                0xa5, 0xa5, 0xa5, // B4-6: obsolete, untouched
                0xa5, // B7: b7-2 untouched (101001b), EMCDR 01b
                0x09, // B8: write retry count 9
                0x12, 0x34, 0x56, // B9-11: window 123456h
            ]
        );
        assert_eq!(
            ErrorRecoveryPage::new_zeroed().into_inner(),
            [0x01, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] // header, every field 0
        );
    }

    /// Page 08h with every B2 bit distinct.
    const CACHING: [u8; 12] = [
        0x88, // B0: PS 1, page code 08h
        0x0A, // B1: page length 10
        0x96, // B2: IC 1, ABPF 0, CAP 0, DISC 1, SIZE 0, WCE 1, MF 1, RCD 0
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // B3-11: not modelled
    ];

    #[test]
    fn caching_page_hand_bytes_parse() {
        let p = CachingPage::new_checked(&CACHING[..]).unwrap();
        assert!(p.ps());
        assert_eq!(p.page_length(), 0x0A);
        assert!(p.ic() && !p.abpf() && !p.cap() && p.disc());
        assert!(!p.size() && p.wce() && p.mf() && !p.rcd());
        assert!(CachingPage::new_checked(&CACHING[..11]).is_err());
        let mut other = CACHING;
        other[0] = 0x01;
        assert!(CachingPage::new_checked(&other[..]).is_err());
    }

    #[test]
    fn caching_page_builder_writes_exact_bytes() {
        let mut buf = [0xa5u8; 12];
        let mut p = CachingPage::new_unchecked(&mut buf[..]);
        p.set_header(0x0A);
        p.set_ps(true);
        p.set_ic(false);
        p.set_abpf(true);
        p.set_cap(true);
        p.set_disc(false);
        p.set_size(true);
        p.set_wce(false);
        p.set_mf(false);
        p.set_rcd(true);
        let mut expected = [0xa5u8; 12]; // B3-11: untouched
        expected[0] = 0x88; // B0: PS 1, SPF 0, page code 08h
        expected[1] = 0x0A; // B1: page length 10
        expected[2] = 0x69; // B2: ABPF, CAP, SIZE, RCD
        assert_eq!(buf, expected);
        assert_eq!(
            CachingPage::new_zeroed().into_inner(),
            [0x08, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] // header, every field 0
        );
    }

    /// Page 1Ah: idle timer on (1 min), standby timer off.
    const POWER_CONDITION: [u8; 12] = [
        0x9A, // B0: PS 1, page code 1Ah
        0x0A, // B1: page length 10
        0x00, // B2: reserved
        0x02, // B3: Idle 1, Standby 0
        0x00, 0x00, 0x02, 0x58, // B4-7: idle condition timer 600 (60 s)
        0x00, 0x01, 0x00, 0x02, // B8-11: standby condition timer 10002h
    ];

    #[test]
    fn power_condition_page_hand_bytes_parse() {
        let p = PowerConditionPage::new_checked(&POWER_CONDITION[..]).unwrap();
        assert!(p.ps());
        assert_eq!(p.page_length(), 0x0A);
        assert!(p.idle() && !p.standby());
        assert_eq!(p.idle_condition_timer_100ms(), 600);
        assert_eq!(p.standby_condition_timer_100ms(), 0x0001_0002);
        assert!(PowerConditionPage::new_checked(&POWER_CONDITION[..11]).is_err());
        let mut other = POWER_CONDITION;
        other[0] = 0x1D;
        assert!(PowerConditionPage::new_checked(&other[..]).is_err());
    }

    #[test]
    fn power_condition_page_builder_writes_exact_bytes() {
        let mut buf = [0xa5u8; 12];
        let mut p = PowerConditionPage::new_unchecked(&mut buf[..]);
        p.set_header(0x0A);
        p.set_ps(false);
        p.set_idle(false);
        p.set_standby(true);
        p.set_idle_condition_timer_100ms(0x0102_0304);
        p.set_standby_condition_timer_100ms(3000);
        assert_eq!(
            buf,
            [
                0x1A, // B0: PS 0, SPF 0, page code 1Ah
                0x0A, // B1: page length 10
                0xa5, // B2: reserved, untouched
                0xa5, // B3: b7-2 untouched (101001b), Idle 0, Standby 1
                0x01, 0x02, 0x03, 0x04, // B4-7: idle condition timer 01020304h
                0x00, 0x00, 0x0B, 0xB8, // B8-11: standby condition timer 3000 (5 min)
            ]
        );
        assert_eq!(
            PowerConditionPage::new_zeroed().into_inner(),
            [0x1A, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] // header, timers off and 0
        );
    }

    /// Page 1Dh: G3Enable and SWPP, three distinct timeouts.
    const TIMEOUT_PROTECT: [u8; 12] = [
        0x9D, // B0: PS 1, page code 1Dh
        0x0A, // B1: page length 10
        0x00, 0x00, // B2-3: reserved
        0x09, // B4: G3Enable 1, TMOE 0, DISP 0, SWPP 1
        0x00, // B5: reserved
        0x00, 0x3C, // B6-7: group 1 minimum timeout 60 s
        0x01, 0x2C, // B8-9: group 2 minimum timeout 300 s
        0x0E, 0x10, // B10-11: group 3 timeout 3600 s
    ];

    #[test]
    fn timeout_protect_page_hand_bytes_parse() {
        let p = TimeoutProtectPage::new_checked(&TIMEOUT_PROTECT[..]).unwrap();
        assert!(p.ps());
        assert_eq!(p.page_length(), 0x0A);
        assert!(p.g3_enable() && !p.tmoe() && !p.disp() && p.swpp());
        assert_eq!(p.group1_minimum_timeout_s(), 60);
        assert_eq!(p.group2_minimum_timeout_s(), 300);
        assert_eq!(p.group3_timeout_s(), 3600);
        assert!(TimeoutProtectPage::new_checked(&TIMEOUT_PROTECT[..11]).is_err());
        let mut other = TIMEOUT_PROTECT;
        other[0] = 0x1A;
        assert!(TimeoutProtectPage::new_checked(&other[..]).is_err());
    }

    #[test]
    fn timeout_protect_page_builder_writes_exact_bytes() {
        let mut buf = [0xa5u8; 12];
        let mut p = TimeoutProtectPage::new_unchecked(&mut buf[..]);
        p.set_header(0x0A);
        p.set_ps(false);
        p.set_g3_enable(false);
        p.set_tmoe(true);
        p.set_disp(true);
        p.set_swpp(false);
        p.set_group1_minimum_timeout_s(1);
        p.set_group2_minimum_timeout_s(0x0203);
        p.set_group3_timeout_s(0xFFFE);
        assert_eq!(
            buf,
            [
                0x1D, // B0: PS 0, SPF 0, page code 1Dh
                0x0A, // B1: page length 10
                0xa5, 0xa5, // B2-3: reserved, untouched
                0xa6, // B4: b7-4 untouched (1010b), G3Enable 0, TMOE 1, DISP 1, SWPP 0
                0xa5, // B5: reserved, untouched
                0x00, 0x01, // B6-7: group 1 minimum timeout 1 s
                0x02, 0x03, // B8-9: group 2 minimum timeout 515 s
                0xFF, 0xFE, // B10-11: group 3 timeout 65534 s
            ]
        );
        assert_eq!(
            TimeoutProtectPage::new_zeroed().into_inner(),
            [0x1D, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] // header, every field 0
        );
    }
}
