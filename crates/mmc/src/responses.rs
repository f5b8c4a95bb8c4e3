//! Response views for the data-in commands: standard INQUIRY data, READ CAPACITY data, disc
//! information, track information and the READ TOC formats 0 and 1.
//!
//! Each view wraps `B: AsRef<[u8]>` (smoltcp `wire` style): `new_checked` checks the minimum
//! length once, after which no getter panics; setters live in the `AsMut` impl and panic only
//! when the buffer is shorter than the field (use `new_zeroed()`, which allocates `LEN` bytes
//! with the length field preset). Fields that only longer versions of a structure define read
//! as `Option`; they count as present when they lie inside both the buffer and the length the
//! structure's own length field announces (a host may truncate with a small allocation length).
//!
//! Spec: reference `mmc.md` §1.4, §1.8, §1.9, §1.10, §1.12.

use discmaster_core::{Lba, Msf};

use crate::cdb::ParseError;
use crate::enums::{DiscStatus, SessionState};
use crate::wire::{
    be16, be32, get_flag, opt_be16, opt_be32, put16, put32, put_space_padded, set_bits, set_flag,
    trimmed_ascii,
};

fn check_min(what: &'static str, got: usize, need: usize) -> Result<(), ParseError> {
    if got < need {
        Err(ParseError::Truncated { what, need, got })
    } else {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// INQUIRY
// ---------------------------------------------------------------------------------------------

mod inquiry_field {
    use core::ops::Range;
    pub const PERIPHERAL: usize = 0;
    pub const RMB: usize = 1;
    pub const VERSION: usize = 2;
    pub const FORMAT: usize = 3;
    pub const ADDITIONAL_LENGTH: usize = 4;
    pub const VENDOR: Range<usize> = 8..16;
    pub const PRODUCT: Range<usize> = 16..32;
    pub const REVISION: Range<usize> = 32..36;
    pub const VERSION_DESCRIPTORS: usize = 58;
}

/// Standard INQUIRY data (EVPD = 0).
///
/// Shape: B0 b7-5 peripheral qualifier, b4-0 peripheral device type (05h = CD/DVD); B1 b7 RMB;
/// B2 version; B3 b5 NormACA, b4 HiSup, b3-0 response data format (2); B4 additional length
/// (total − 5); B8-15 vendor identification, B16-31 product identification, B32-35 product
/// revision level (ASCII, space padded); B58-73 eight version descriptors (2 bytes each).
///
/// Units: lengths in bytes. `LEN` = 96 (with version descriptors); `MIN_LEN` = 36.
///
/// # Errors
/// `new_checked`: [`ParseError::Truncated`] below 36 bytes.
///
/// Spec: SPC-4 §6.6.2 (reference `mmc.md` §1.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InquiryData<B: AsRef<[u8]>> {
    buffer: B,
}

impl<B: AsRef<[u8]>> InquiryData<B> {
    /// Full size with the version descriptors (additional length 91).
    pub const LEN: usize = 96;
    /// Size of the mandatory part (additional length 31).
    pub const MIN_LEN: usize = 36;

    /// Wraps `buffer` without checking its length.
    pub fn new_unchecked(buffer: B) -> Self {
        InquiryData { buffer }
    }

    /// Wraps `buffer` after checking it holds at least [`Self::MIN_LEN`] bytes.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] when shorter.
    pub fn new_checked(buffer: B) -> Result<Self, ParseError> {
        check_min("INQUIRY data", buffer.as_ref().len(), Self::MIN_LEN)?;
        Ok(InquiryData { buffer })
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> B {
        self.buffer
    }

    /// Peripheral qualifier, B0 bits 7–5 (0 = device connected).
    pub fn peripheral_qualifier(&self) -> u8 {
        self.buffer.as_ref()[inquiry_field::PERIPHERAL] >> 5
    }

    /// Peripheral device type, B0 bits 4–0 (05h = CD/DVD device).
    pub fn peripheral_device_type(&self) -> u8 {
        self.buffer.as_ref()[inquiry_field::PERIPHERAL] & 0x1F
    }

    get_flag! {
        /// RMB, B1 bit 7: removable medium.
        #[doc(alias = "RMB")]
        removable: inquiry_field::RMB, 7
    }

    /// Version, B2 (0 ATAPI, 5 SPC-3, 6 SPC-4).
    pub fn version(&self) -> u8 {
        self.buffer.as_ref()[inquiry_field::VERSION]
    }

    get_flag! {
        /// NormACA, B3 bit 5.
        norm_aca: inquiry_field::FORMAT, 5
    }

    get_flag! {
        /// HiSup, B3 bit 4.
        hi_sup: inquiry_field::FORMAT, 4
    }

    /// Response data format, B3 bits 3–0 (2).
    pub fn response_data_format(&self) -> u8 {
        self.buffer.as_ref()[inquiry_field::FORMAT] & 0x0F
    }

    /// Additional length, B4: bytes following byte 4.
    pub fn additional_length(&self) -> u8 {
        self.buffer.as_ref()[inquiry_field::ADDITIONAL_LENGTH]
    }

    /// Vendor identification, B8–15 (8 ASCII bytes, space padded).
    pub fn vendor_identification(&self) -> &[u8] {
        &self.buffer.as_ref()[inquiry_field::VENDOR]
    }

    /// Product identification, B16–31 (16 ASCII bytes).
    pub fn product_identification(&self) -> &[u8] {
        &self.buffer.as_ref()[inquiry_field::PRODUCT]
    }

    /// Product revision level, B32–35 (4 ASCII bytes).
    pub fn product_revision_level(&self) -> &[u8] {
        &self.buffer.as_ref()[inquiry_field::REVISION]
    }

    /// Vendor identification without trailing spaces.
    pub fn vendor_identification_str(&self) -> String {
        trimmed_ascii(self.vendor_identification())
    }

    /// Product identification without trailing spaces.
    pub fn product_identification_str(&self) -> String {
        trimmed_ascii(self.product_identification())
    }

    /// Product revision level without trailing spaces.
    pub fn product_revision_level_str(&self) -> String {
        trimmed_ascii(self.product_revision_level())
    }

    /// Version descriptor `index` (0..8), B58 + 2·index; `None` when beyond the data or
    /// `index` ≥ 8.
    pub fn version_descriptor(&self, index: usize) -> Option<u16> {
        if index >= 8 {
            return None;
        }
        let b = self.buffer.as_ref();
        let end = b.len().min(5 + usize::from(self.additional_length()));
        opt_be16(&b[..end], inquiry_field::VERSION_DESCRIPTORS + 2 * index)
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> InquiryData<B> {
    /// Sets the peripheral qualifier (3 bits).
    pub fn set_peripheral_qualifier(&mut self, value: u8) {
        set_bits(
            self.buffer.as_mut(),
            inquiry_field::PERIPHERAL,
            0xE0,
            5,
            value,
        );
    }

    /// Sets the peripheral device type (5 bits).
    pub fn set_peripheral_device_type(&mut self, value: u8) {
        set_bits(
            self.buffer.as_mut(),
            inquiry_field::PERIPHERAL,
            0x1F,
            0,
            value,
        );
    }

    set_flag! {
        /// Sets RMB.
        set_removable: inquiry_field::RMB, 7
    }

    /// Sets the version byte.
    pub fn set_version(&mut self, value: u8) {
        self.buffer.as_mut()[inquiry_field::VERSION] = value;
    }

    set_flag! {
        /// Sets NormACA.
        set_norm_aca: inquiry_field::FORMAT, 5
    }

    set_flag! {
        /// Sets HiSup.
        set_hi_sup: inquiry_field::FORMAT, 4
    }

    /// Sets the response data format (4 bits).
    pub fn set_response_data_format(&mut self, value: u8) {
        set_bits(self.buffer.as_mut(), inquiry_field::FORMAT, 0x0F, 0, value);
    }

    /// Sets the additional length.
    pub fn set_additional_length(&mut self, value: u8) {
        self.buffer.as_mut()[inquiry_field::ADDITIONAL_LENGTH] = value;
    }

    /// Sets the vendor identification, space padded / truncated to 8 bytes.
    pub fn set_vendor_identification(&mut self, text: &str) {
        put_space_padded(&mut self.buffer.as_mut()[inquiry_field::VENDOR], text);
    }

    /// Sets the product identification, space padded / truncated to 16 bytes.
    pub fn set_product_identification(&mut self, text: &str) {
        put_space_padded(&mut self.buffer.as_mut()[inquiry_field::PRODUCT], text);
    }

    /// Sets the product revision level, space padded / truncated to 4 bytes.
    pub fn set_product_revision_level(&mut self, text: &str) {
        put_space_padded(&mut self.buffer.as_mut()[inquiry_field::REVISION], text);
    }

    /// Sets version descriptor `index` (0..8). Panics if `index` ≥ 8 or the buffer is shorter
    /// than [`Self::LEN`].
    pub fn set_version_descriptor(&mut self, index: usize, value: u16) {
        assert!(index < 8, "version descriptor index {index}");
        put16(
            self.buffer.as_mut(),
            inquiry_field::VERSION_DESCRIPTORS + 2 * index,
            value,
        );
    }
}

impl InquiryData<Vec<u8>> {
    /// [`Self::LEN`] zero bytes with the additional length set to 91.
    pub fn new_zeroed() -> Self {
        let mut v = InquiryData {
            buffer: vec![0u8; Self::LEN],
        };
        v.set_additional_length((Self::LEN - 5) as u8);
        v
    }
}

// ---------------------------------------------------------------------------------------------
// READ CAPACITY
// ---------------------------------------------------------------------------------------------

/// READ CAPACITY(10) data.
///
/// Shape: B0-3 last logical block address; B4-7 block length in bytes.
///
/// Units: block length in bytes (2048).
///
/// # Errors
/// `new_checked`: [`ParseError::Truncated`] below 8 bytes.
///
/// Spec: MMC-6 §6.23 (reference `mmc.md` §1.8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadCapacityData<B: AsRef<[u8]>> {
    buffer: B,
}

impl<B: AsRef<[u8]>> ReadCapacityData<B> {
    /// Size in bytes.
    pub const LEN: usize = 8;

    /// Wraps `buffer` without checking its length.
    pub fn new_unchecked(buffer: B) -> Self {
        ReadCapacityData { buffer }
    }

    /// Wraps `buffer` after checking it holds at least [`Self::LEN`] bytes.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] when shorter.
    pub fn new_checked(buffer: B) -> Result<Self, ParseError> {
        check_min("READ CAPACITY data", buffer.as_ref().len(), Self::LEN)?;
        Ok(ReadCapacityData { buffer })
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> B {
        self.buffer
    }

    /// Last logical block address, B0–3.
    pub fn last_logical_block_address(&self) -> Lba {
        Lba(be32(self.buffer.as_ref(), 0) as i32)
    }

    /// Block length in bytes, B4–7.
    pub fn block_length(&self) -> u32 {
        be32(self.buffer.as_ref(), 4)
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> ReadCapacityData<B> {
    /// Sets the last logical block address.
    pub fn set_last_logical_block_address(&mut self, lba: Lba) {
        put32(self.buffer.as_mut(), 0, lba.0 as u32);
    }

    /// Sets the block length in bytes.
    pub fn set_block_length(&mut self, bytes: u32) {
        put32(self.buffer.as_mut(), 4, bytes);
    }
}

impl ReadCapacityData<Vec<u8>> {
    /// [`Self::LEN`] zero bytes.
    pub fn new_zeroed() -> Self {
        ReadCapacityData {
            buffer: vec![0u8; Self::LEN],
        }
    }
}

// ---------------------------------------------------------------------------------------------
// READ DISC INFORMATION
// ---------------------------------------------------------------------------------------------

mod disc_field {
    pub const LENGTH: usize = 0;
    pub const STATUS: usize = 2;
    pub const FIRST_TRACK: usize = 3;
    pub const SESSIONS_LSB: usize = 4;
    pub const FIRST_IN_LAST_LSB: usize = 5;
    pub const LAST_IN_LAST_LSB: usize = 6;
    pub const VALIDITY: usize = 7;
    pub const DISC_TYPE: usize = 8;
    pub const SESSIONS_MSB: usize = 9;
    pub const FIRST_IN_LAST_MSB: usize = 10;
    pub const LAST_IN_LAST_MSB: usize = 11;
    pub const DISC_ID: usize = 12;
    pub const LEAD_IN: usize = 16;
    pub const LEAD_OUT: usize = 20;
    pub const BAR_CODE: usize = 24;
    pub const APPLICATION_CODE: usize = 32;
    pub const OPC_COUNT: usize = 33;
    pub const OPC_TABLE: usize = 34;
}

/// One OPC table entry of the disc information (8 bytes).
///
/// Shape: B0-1 speed (kB/s), B2-7 OPC value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OpcTableEntry {
    /// Recording speed, kB/s (k = 1000).
    pub speed_kbps: u16,
    /// The drive's OPC value for that speed.
    pub value: [u8; 6],
}

/// READ DISC INFORMATION data, data type 000b (standard disc information).
///
/// Shape: B0-1 disc information length (total − 2); B2 b7-5 data type, b4 Erasable, b3-2
/// state of last session, b1-0 disc status; B3 first track number; B4/B9 number of sessions
/// (LSB/MSB); B5/B10 first track in last session; B6/B11 last track in last session; B7 b7
/// DID_V, b6 DBC_V, b5 URU, b4 DAC_V, b2 Dbit, b1-0 BG format status; B8 disc type; B12-15
/// disc identification; B16-19 last session lead-in start address; B20-23 last possible
/// lead-out start address (CD: `00 M S F`; DVD/BD: LBA); B24-31 disc bar code; B32 disc
/// application code; B33 number of OPC tables n; B34… n × 8-byte OPC entries.
///
/// Units: addresses raw as sent (see `*_msf` helpers for CD); `LEN` = 34 (no OPC tables).
///
/// # Errors
/// `new_checked`: [`ParseError::Truncated`] below 34 bytes.
///
/// Spec: MMC-6 §6.22.3 (reference `mmc.md` §1.9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscInformation<B: AsRef<[u8]>> {
    buffer: B,
}

impl<B: AsRef<[u8]>> DiscInformation<B> {
    /// Size without OPC tables.
    pub const LEN: usize = 34;

    /// Wraps `buffer` without checking its length.
    pub fn new_unchecked(buffer: B) -> Self {
        DiscInformation { buffer }
    }

    /// Wraps `buffer` after checking it holds at least [`Self::LEN`] bytes.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] when shorter.
    pub fn new_checked(buffer: B) -> Result<Self, ParseError> {
        check_min("disc information", buffer.as_ref().len(), Self::LEN)?;
        Ok(DiscInformation { buffer })
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> B {
        self.buffer
    }

    fn b(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    /// Disc information length, B0–1: bytes following byte 1 (32 + 8·n).
    pub fn disc_information_length(&self) -> u16 {
        be16(self.b(), disc_field::LENGTH)
    }

    /// Disc information data type, B2 bits 7–5 (0 = standard).
    pub fn disc_information_data_type(&self) -> u8 {
        self.b()[disc_field::STATUS] >> 5
    }

    get_flag! {
        /// Erasable, B2 bit 4 (CD-RW, DVD-RW, …).
        erasable: disc_field::STATUS, 4
    }

    /// State of last session, B2 bits 3–2.
    pub fn state_of_last_session(&self) -> SessionState {
        SessionState::from((self.b()[disc_field::STATUS] >> 2) & 0x03)
    }

    /// Disc status, B2 bits 1–0.
    pub fn disc_status(&self) -> DiscStatus {
        DiscStatus::from(self.b()[disc_field::STATUS] & 0x03)
    }

    /// Number of first track on disc, B3.
    pub fn number_of_first_track(&self) -> u8 {
        self.b()[disc_field::FIRST_TRACK]
    }

    /// Number of sessions, B9 (MSB) and B4 (LSB).
    pub fn number_of_sessions(&self) -> u16 {
        u16::from_be_bytes([
            self.b()[disc_field::SESSIONS_MSB],
            self.b()[disc_field::SESSIONS_LSB],
        ])
    }

    /// First track number in last session, B10 (MSB) and B5 (LSB).
    pub fn first_track_number_in_last_session(&self) -> u16 {
        u16::from_be_bytes([
            self.b()[disc_field::FIRST_IN_LAST_MSB],
            self.b()[disc_field::FIRST_IN_LAST_LSB],
        ])
    }

    /// Last track number in last session, B11 (MSB) and B6 (LSB); includes the invisible
    /// track on appendable media.
    pub fn last_track_number_in_last_session(&self) -> u16 {
        u16::from_be_bytes([
            self.b()[disc_field::LAST_IN_LAST_MSB],
            self.b()[disc_field::LAST_IN_LAST_LSB],
        ])
    }

    get_flag! {
        /// DID_V, B7 bit 7: disc identification valid.
        #[doc(alias = "DID_V")]
        did_v: disc_field::VALIDITY, 7
    }

    get_flag! {
        /// DBC_V, B7 bit 6: disc bar code valid.
        #[doc(alias = "DBC_V")]
        dbc_v: disc_field::VALIDITY, 6
    }

    get_flag! {
        /// URU, B7 bit 5: unrestricted use.
        #[doc(alias = "URU")]
        uru: disc_field::VALIDITY, 5
    }

    get_flag! {
        /// DAC_V, B7 bit 4: disc application code valid.
        #[doc(alias = "DAC_V")]
        dac_v: disc_field::VALIDITY, 4
    }

    get_flag! {
        /// Dbit, B7 bit 2: dirty bit (MRW / DVD+RW).
        #[doc(alias = "Dbit")]
        dbit: disc_field::VALIDITY, 2
    }

    /// BG format status, B7 bits 1–0 (0 none, 1 started and stopped, 2 in progress, 3 done).
    pub fn bg_format_status(&self) -> u8 {
        self.b()[disc_field::VALIDITY] & 0x03
    }

    /// Disc type, B8 (00h CD-DA/CD-ROM, 10h CD-I, 20h CD-ROM XA, FFh undefined).
    pub fn disc_type(&self) -> u8 {
        self.b()[disc_field::DISC_TYPE]
    }

    /// Disc identification, B12–15.
    pub fn disc_identification(&self) -> u32 {
        be32(self.b(), disc_field::DISC_ID)
    }

    /// Last session lead-in start address, B16–19, raw (CD: `00 M S F`; DVD/BD: LBA).
    pub fn last_session_lead_in_start_address(&self) -> u32 {
        be32(self.b(), disc_field::LEAD_IN)
    }

    /// Last possible lead-out start address, B20–23, raw (CD: `00 M S F`, `00 FF FF FF` if
    /// unknown; DVD/BD: LBA).
    pub fn last_possible_lead_out_start_address(&self) -> u32 {
        be32(self.b(), disc_field::LEAD_OUT)
    }

    /// The lead-in start as CD time, `None` unless byte 16 is 0 and M/S/F are in range.
    pub fn last_session_lead_in_start_msf(&self) -> Option<Msf> {
        raw_msf(self.last_session_lead_in_start_address())
    }

    /// The last possible lead-out start as CD time, `None` unless byte 20 is 0 and M/S/F are
    /// in range (`FF FF FF` = unknown gives `None`).
    pub fn last_possible_lead_out_start_msf(&self) -> Option<Msf> {
        raw_msf(self.last_possible_lead_out_start_address())
    }

    /// Disc bar code, B24–31.
    pub fn disc_bar_code(&self) -> [u8; 8] {
        let mut out = [0u8; 8];
        out.copy_from_slice(&self.b()[disc_field::BAR_CODE..disc_field::BAR_CODE + 8]);
        out
    }

    /// Disc application code, B32.
    pub fn disc_application_code(&self) -> u8 {
        self.b()[disc_field::APPLICATION_CODE]
    }

    /// Number of OPC tables, B33.
    pub fn number_of_opc_tables(&self) -> u8 {
        self.b()[disc_field::OPC_COUNT]
    }

    /// The OPC table entries present in both the buffer and the announced length (at most
    /// [`Self::number_of_opc_tables`]).
    pub fn opc_table_entries(&self) -> impl Iterator<Item = OpcTableEntry> + '_ {
        let b = self.b();
        let end = b.len().min(2 + usize::from(self.disc_information_length()));
        let table = b.get(disc_field::OPC_TABLE..end).unwrap_or(&[]);
        table
            .chunks_exact(8)
            .take(usize::from(self.number_of_opc_tables()))
            .map(|e| {
                let mut value = [0u8; 6];
                value.copy_from_slice(&e[2..8]);
                OpcTableEntry {
                    speed_kbps: u16::from_be_bytes([e[0], e[1]]),
                    value,
                }
            })
    }
}

/// `00 M S F` → `Msf`, `None` if byte 0 is not zero or M/S/F are out of range.
fn raw_msf(raw: u32) -> Option<Msf> {
    let [z, m, s, f] = raw.to_be_bytes();
    if z != 0 {
        return None;
    }
    Msf::new(m, s, f)
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> DiscInformation<B> {
    fn bm(&mut self) -> &mut [u8] {
        self.buffer.as_mut()
    }

    /// Sets the disc information length.
    pub fn set_disc_information_length(&mut self, value: u16) {
        put16(self.bm(), disc_field::LENGTH, value);
    }

    /// Sets the disc information data type (3 bits).
    pub fn set_disc_information_data_type(&mut self, value: u8) {
        set_bits(self.bm(), disc_field::STATUS, 0xE0, 5, value);
    }

    set_flag! {
        /// Sets Erasable.
        set_erasable: disc_field::STATUS, 4
    }

    /// Sets the state of last session.
    pub fn set_state_of_last_session(&mut self, value: SessionState) {
        set_bits(self.bm(), disc_field::STATUS, 0x0C, 2, u8::from(value));
    }

    /// Sets the disc status.
    pub fn set_disc_status(&mut self, value: DiscStatus) {
        set_bits(self.bm(), disc_field::STATUS, 0x03, 0, u8::from(value));
    }

    /// Sets the number of the first track.
    pub fn set_number_of_first_track(&mut self, value: u8) {
        self.bm()[disc_field::FIRST_TRACK] = value;
    }

    /// Sets the number of sessions (B9 MSB, B4 LSB).
    pub fn set_number_of_sessions(&mut self, value: u16) {
        let [hi, lo] = value.to_be_bytes();
        self.bm()[disc_field::SESSIONS_MSB] = hi;
        self.bm()[disc_field::SESSIONS_LSB] = lo;
    }

    /// Sets the first track number in the last session (B10 MSB, B5 LSB).
    pub fn set_first_track_number_in_last_session(&mut self, value: u16) {
        let [hi, lo] = value.to_be_bytes();
        self.bm()[disc_field::FIRST_IN_LAST_MSB] = hi;
        self.bm()[disc_field::FIRST_IN_LAST_LSB] = lo;
    }

    /// Sets the last track number in the last session (B11 MSB, B6 LSB).
    pub fn set_last_track_number_in_last_session(&mut self, value: u16) {
        let [hi, lo] = value.to_be_bytes();
        self.bm()[disc_field::LAST_IN_LAST_MSB] = hi;
        self.bm()[disc_field::LAST_IN_LAST_LSB] = lo;
    }

    set_flag! {
        /// Sets DID_V.
        set_did_v: disc_field::VALIDITY, 7
    }

    set_flag! {
        /// Sets DBC_V.
        set_dbc_v: disc_field::VALIDITY, 6
    }

    set_flag! {
        /// Sets URU.
        set_uru: disc_field::VALIDITY, 5
    }

    set_flag! {
        /// Sets DAC_V.
        set_dac_v: disc_field::VALIDITY, 4
    }

    set_flag! {
        /// Sets Dbit.
        set_dbit: disc_field::VALIDITY, 2
    }

    /// Sets the BG format status (2 bits).
    pub fn set_bg_format_status(&mut self, value: u8) {
        set_bits(self.bm(), disc_field::VALIDITY, 0x03, 0, value);
    }

    /// Sets the disc type.
    pub fn set_disc_type(&mut self, value: u8) {
        self.bm()[disc_field::DISC_TYPE] = value;
    }

    /// Sets the disc identification.
    pub fn set_disc_identification(&mut self, value: u32) {
        put32(self.bm(), disc_field::DISC_ID, value);
    }

    /// Sets the last session lead-in start address (raw).
    pub fn set_last_session_lead_in_start_address(&mut self, value: u32) {
        put32(self.bm(), disc_field::LEAD_IN, value);
    }

    /// Sets the last possible lead-out start address (raw).
    pub fn set_last_possible_lead_out_start_address(&mut self, value: u32) {
        put32(self.bm(), disc_field::LEAD_OUT, value);
    }

    /// Sets the disc bar code.
    pub fn set_disc_bar_code(&mut self, value: [u8; 8]) {
        self.bm()[disc_field::BAR_CODE..disc_field::BAR_CODE + 8].copy_from_slice(&value);
    }

    /// Sets the disc application code.
    pub fn set_disc_application_code(&mut self, value: u8) {
        self.bm()[disc_field::APPLICATION_CODE] = value;
    }

    /// Sets the number of OPC tables (the caller provides the entries' bytes).
    pub fn set_number_of_opc_tables(&mut self, value: u8) {
        self.bm()[disc_field::OPC_COUNT] = value;
    }
}

impl DiscInformation<Vec<u8>> {
    /// [`Self::LEN`] zero bytes with the disc information length set to 32.
    pub fn new_zeroed() -> Self {
        let mut v = DiscInformation {
            buffer: vec![0u8; Self::LEN],
        };
        v.set_disc_information_length((Self::LEN - 2) as u16);
        v
    }
}

// ---------------------------------------------------------------------------------------------
// READ TRACK INFORMATION
// ---------------------------------------------------------------------------------------------

mod track_field {
    pub const LENGTH: usize = 0;
    pub const TRACK_LSB: usize = 2;
    pub const SESSION_LSB: usize = 3;
    pub const MODE: usize = 5;
    pub const DATA: usize = 6;
    pub const VALIDITY: usize = 7;
    pub const START: usize = 8;
    pub const NWA: usize = 12;
    pub const FREE: usize = 16;
    pub const PACKET: usize = 20;
    pub const SIZE: usize = 24;
    pub const LRA: usize = 28;
    pub const TRACK_MSB: usize = 32;
    pub const SESSION_MSB: usize = 33;
    pub const READ_COMPAT: usize = 36;
    pub const NEXT_JUMP: usize = 40;
    pub const LAST_JUMP: usize = 44;
}

/// READ TRACK INFORMATION data.
///
/// Shape: B0-1 data length (total − 2; MMC-5: 46, older drives 34 or 26); B2/B32 track number
/// (LSB/MSB); B3/B33 session number; B5 b7-6 LJRS, b5 Damage, b4 Copy, b3-0 track mode; B6 b7
/// RT, b6 Blank, b5 Packet/Inc, b4 FP, b3-0 data mode; B7 b1 LRA_V, b0 NWA_V; B8-11 track
/// start address; B12-15 next writable address; B16-19 free blocks; B20-23 fixed packet size;
/// B24-27 track size; B28-31 last recorded address; B36-39 read compatibility LBA; B40-43
/// next layer jump address; B44-47 last layer jump address.
///
/// Units: addresses are LBAs; sizes in blocks. `LEN` = 48, `MIN_LEN` = 28 (old drives). Fields
/// from byte 28 on read as `None` when outside the buffer or the announced data length; the
/// MSBs at 32/33 then read as 0.
///
/// # Errors
/// `new_checked`: [`ParseError::Truncated`] below 28 bytes.
///
/// Spec: MMC-6 §6.27.3 (reference `mmc.md` §1.10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackInformation<B: AsRef<[u8]>> {
    buffer: B,
}

impl<B: AsRef<[u8]>> TrackInformation<B> {
    /// Full size (data length 46).
    pub const LEN: usize = 48;
    /// Shortest accepted (old drives: data length 26).
    pub const MIN_LEN: usize = 28;

    /// Wraps `buffer` without checking its length.
    pub fn new_unchecked(buffer: B) -> Self {
        TrackInformation { buffer }
    }

    /// Wraps `buffer` after checking it holds at least [`Self::MIN_LEN`] bytes.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] when shorter.
    pub fn new_checked(buffer: B) -> Result<Self, ParseError> {
        check_min("track information", buffer.as_ref().len(), Self::MIN_LEN)?;
        Ok(TrackInformation { buffer })
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> B {
        self.buffer
    }

    fn b(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    /// The bytes the structure defines: the buffer cut at `2 + data length`.
    fn defined(&self) -> &[u8] {
        let b = self.b();
        &b[..b.len().min(2 + usize::from(self.data_length()))]
    }

    /// Data length, B0–1: bytes following byte 1.
    pub fn data_length(&self) -> u16 {
        be16(self.b(), track_field::LENGTH)
    }

    /// Track number, B32 (MSB, 0 if absent) and B2 (LSB).
    pub fn track_number(&self) -> u16 {
        let msb = self
            .defined()
            .get(track_field::TRACK_MSB)
            .copied()
            .unwrap_or(0);
        u16::from_be_bytes([msb, self.b()[track_field::TRACK_LSB]])
    }

    /// Session number, B33 (MSB, 0 if absent) and B3 (LSB).
    pub fn session_number(&self) -> u16 {
        let msb = self
            .defined()
            .get(track_field::SESSION_MSB)
            .copied()
            .unwrap_or(0);
        u16::from_be_bytes([msb, self.b()[track_field::SESSION_LSB]])
    }

    /// LJRS, B5 bits 7–6: layer jump recording status.
    #[doc(alias = "LJRS")]
    pub fn lj_rs(&self) -> u8 {
        self.b()[track_field::MODE] >> 6
    }

    get_flag! {
        /// Damage, B5 bit 5.
        damage: track_field::MODE, 5
    }

    get_flag! {
        /// Copy, B5 bit 4.
        copy: track_field::MODE, 4
    }

    /// Track mode, B5 bits 3–0 (the Q CONTROL nibble: 4 data uninterrupted, 5 data
    /// incremental, 0–3 audio).
    pub fn track_mode(&self) -> u8 {
        self.b()[track_field::MODE] & 0x0F
    }

    get_flag! {
        /// RT, B6 bit 7: reserved track.
        #[doc(alias = "RT")]
        rt: track_field::DATA, 7
    }

    get_flag! {
        /// Blank, B6 bit 6.
        blank: track_field::DATA, 6
    }

    get_flag! {
        /// Packet/Inc, B6 bit 5: packet or incremental recording.
        packet_inc: track_field::DATA, 5
    }

    get_flag! {
        /// FP, B6 bit 4: fixed packets.
        #[doc(alias = "FP")]
        fp: track_field::DATA, 4
    }

    /// Data mode, B6 bits 3–0 (1 Mode 1, 2 Mode 2, Fh unknown).
    pub fn data_mode(&self) -> u8 {
        self.b()[track_field::DATA] & 0x0F
    }

    get_flag! {
        /// LRA_V, B7 bit 1: last recorded address valid.
        #[doc(alias = "LRA_V")]
        lra_v: track_field::VALIDITY, 1
    }

    get_flag! {
        /// NWA_V, B7 bit 0: next writable address valid.
        #[doc(alias = "NWA_V")]
        nwa_v: track_field::VALIDITY, 0
    }

    /// Track start address, B8–11.
    pub fn track_start_address(&self) -> Lba {
        Lba(be32(self.b(), track_field::START) as i32)
    }

    /// Next writable address, B12–15 (meaningful when [`Self::nwa_v`]).
    #[doc(alias = "NWA")]
    pub fn next_writable_address(&self) -> Lba {
        Lba(be32(self.b(), track_field::NWA) as i32)
    }

    /// Free blocks, B16–19.
    pub fn free_blocks(&self) -> u32 {
        be32(self.b(), track_field::FREE)
    }

    /// Fixed packet size / blocking factor in blocks, B20–23.
    pub fn fixed_packet_size(&self) -> u32 {
        be32(self.b(), track_field::PACKET)
    }

    /// Track size in blocks, B24–27.
    pub fn track_size(&self) -> u32 {
        be32(self.b(), track_field::SIZE)
    }

    /// Last recorded address, B28–31 (meaningful when [`Self::lra_v`]); `None` when absent.
    pub fn last_recorded_address(&self) -> Option<Lba> {
        opt_be32(self.defined(), track_field::LRA).map(|v| Lba(v as i32))
    }

    /// Read compatibility LBA, B36–39; `None` when absent.
    pub fn read_compatibility_lba(&self) -> Option<Lba> {
        opt_be32(self.defined(), track_field::READ_COMPAT).map(|v| Lba(v as i32))
    }

    /// Next layer jump address, B40–43; `None` when absent.
    pub fn next_layer_jump_address(&self) -> Option<Lba> {
        opt_be32(self.defined(), track_field::NEXT_JUMP).map(|v| Lba(v as i32))
    }

    /// Last layer jump address, B44–47; `None` when absent.
    pub fn last_layer_jump_address(&self) -> Option<Lba> {
        opt_be32(self.defined(), track_field::LAST_JUMP).map(|v| Lba(v as i32))
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> TrackInformation<B> {
    fn bm(&mut self) -> &mut [u8] {
        self.buffer.as_mut()
    }

    /// Sets the data length.
    pub fn set_data_length(&mut self, value: u16) {
        put16(self.bm(), track_field::LENGTH, value);
    }

    /// Sets the track number (B2 LSB; B32 MSB — needs a buffer of at least 33 bytes when the
    /// MSB is not zero, and writes it whenever the buffer has byte 32).
    pub fn set_track_number(&mut self, value: u16) {
        let [hi, lo] = value.to_be_bytes();
        let b = self.bm();
        b[track_field::TRACK_LSB] = lo;
        if let Some(m) = b.get_mut(track_field::TRACK_MSB) {
            *m = hi;
        } else {
            assert!(hi == 0, "track number {value} needs byte 32");
        }
    }

    /// Sets the session number (B3 LSB; B33 MSB, as for the track number).
    pub fn set_session_number(&mut self, value: u16) {
        let [hi, lo] = value.to_be_bytes();
        let b = self.bm();
        b[track_field::SESSION_LSB] = lo;
        if let Some(m) = b.get_mut(track_field::SESSION_MSB) {
            *m = hi;
        } else {
            assert!(hi == 0, "session number {value} needs byte 33");
        }
    }

    /// Sets LJRS (2 bits).
    pub fn set_lj_rs(&mut self, value: u8) {
        set_bits(self.bm(), track_field::MODE, 0xC0, 6, value);
    }

    set_flag! {
        /// Sets Damage.
        set_damage: track_field::MODE, 5
    }

    set_flag! {
        /// Sets Copy.
        set_copy: track_field::MODE, 4
    }

    /// Sets the track mode (4 bits).
    pub fn set_track_mode(&mut self, value: u8) {
        set_bits(self.bm(), track_field::MODE, 0x0F, 0, value);
    }

    set_flag! {
        /// Sets RT.
        set_rt: track_field::DATA, 7
    }

    set_flag! {
        /// Sets Blank.
        set_blank: track_field::DATA, 6
    }

    set_flag! {
        /// Sets Packet/Inc.
        set_packet_inc: track_field::DATA, 5
    }

    set_flag! {
        /// Sets FP.
        set_fp: track_field::DATA, 4
    }

    /// Sets the data mode (4 bits).
    pub fn set_data_mode(&mut self, value: u8) {
        set_bits(self.bm(), track_field::DATA, 0x0F, 0, value);
    }

    set_flag! {
        /// Sets LRA_V.
        set_lra_v: track_field::VALIDITY, 1
    }

    set_flag! {
        /// Sets NWA_V.
        set_nwa_v: track_field::VALIDITY, 0
    }

    /// Sets the track start address.
    pub fn set_track_start_address(&mut self, lba: Lba) {
        put32(self.bm(), track_field::START, lba.0 as u32);
    }

    /// Sets the next writable address.
    pub fn set_next_writable_address(&mut self, lba: Lba) {
        put32(self.bm(), track_field::NWA, lba.0 as u32);
    }

    /// Sets the free blocks.
    pub fn set_free_blocks(&mut self, value: u32) {
        put32(self.bm(), track_field::FREE, value);
    }

    /// Sets the fixed packet size.
    pub fn set_fixed_packet_size(&mut self, value: u32) {
        put32(self.bm(), track_field::PACKET, value);
    }

    /// Sets the track size.
    pub fn set_track_size(&mut self, value: u32) {
        put32(self.bm(), track_field::SIZE, value);
    }

    /// Sets the last recorded address (needs ≥ 32 bytes).
    pub fn set_last_recorded_address(&mut self, lba: Lba) {
        put32(self.bm(), track_field::LRA, lba.0 as u32);
    }

    /// Sets the read compatibility LBA (needs ≥ 40 bytes).
    pub fn set_read_compatibility_lba(&mut self, lba: Lba) {
        put32(self.bm(), track_field::READ_COMPAT, lba.0 as u32);
    }

    /// Sets the next layer jump address (needs ≥ 44 bytes).
    pub fn set_next_layer_jump_address(&mut self, lba: Lba) {
        put32(self.bm(), track_field::NEXT_JUMP, lba.0 as u32);
    }

    /// Sets the last layer jump address (needs 48 bytes).
    pub fn set_last_layer_jump_address(&mut self, lba: Lba) {
        put32(self.bm(), track_field::LAST_JUMP, lba.0 as u32);
    }
}

impl TrackInformation<Vec<u8>> {
    /// [`Self::LEN`] zero bytes with the data length set to 46.
    pub fn new_zeroed() -> Self {
        let mut v = TrackInformation {
            buffer: vec![0u8; Self::LEN],
        };
        v.set_data_length((Self::LEN - 2) as u16);
        v
    }
}

// ---------------------------------------------------------------------------------------------
// READ TOC/PMA/ATIP formats 0 and 1
// ---------------------------------------------------------------------------------------------

/// One 8-byte track descriptor of READ TOC format 0 (or the single descriptor of format 1).
///
/// Shape: B0 reserved; B1 b7-4 ADR, b3-0 CONTROL; B2 track number (AAh = lead-out); B3
/// reserved; B4-7 start address (LBA, or `00 M S F` when MSF was requested).
///
/// Spec: MMC-6 §6.32.3 (reference `mmc.md` §1.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TocDescriptor {
    /// ADR (4 bits; 1 = Q mode 1 position).
    #[doc(alias = "ADR")]
    pub adr: u8,
    /// CONTROL (4 bits; 4 = data track, 0 = audio).
    pub control: u8,
    /// Track number (AAh = lead-out).
    pub track_number: u8,
    /// Start address as sent: LBA (two's complement) or `00 M S F`.
    pub address: u32,
}

impl TocDescriptor {
    /// Size in bytes.
    pub const LEN: usize = 8;
    /// Track number of the lead-out descriptor.
    pub const LEAD_OUT: u8 = 0xAA;

    /// Parses 8 bytes.
    pub fn parse(bytes: &[u8; 8]) -> TocDescriptor {
        TocDescriptor {
            adr: bytes[1] >> 4,
            control: bytes[1] & 0x0F,
            track_number: bytes[2],
            address: be32(bytes, 4),
        }
    }

    /// Encodes 8 bytes (ADR and CONTROL masked to 4 bits).
    pub fn to_bytes(&self) -> [u8; 8] {
        let mut b = [0u8; 8];
        b[1] = (self.adr << 4) | (self.control & 0x0F);
        b[2] = self.track_number;
        put32(&mut b, 4, self.address);
        b
    }

    /// The address read as an LBA (for a TOC requested without MSF).
    pub fn lba(&self) -> Lba {
        Lba(self.address as i32)
    }

    /// The address read as `00 M S F` (for a TOC requested with MSF); `None` if malformed.
    pub fn msf(&self) -> Option<Msf> {
        raw_msf(self.address)
    }
}

/// READ TOC/PMA/ATIP response in format 0 (formatted TOC) or 1 (multi-session information).
///
/// Shape: B0-1 data length (total − 2); B2 first track (format 0) / first complete session
/// (format 1); B3 last track / last complete session; B4… 8-byte [`TocDescriptor`]s.
///
/// # Errors
/// `new_checked`: [`ParseError::Truncated`] below 4 bytes.
///
/// Spec: MMC-6 §6.32.3–4 (reference `mmc.md` §1.12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toc<B: AsRef<[u8]>> {
    buffer: B,
}

impl<B: AsRef<[u8]>> Toc<B> {
    /// Header size.
    pub const HEADER_LEN: usize = 4;

    /// Wraps `buffer` without checking its length.
    pub fn new_unchecked(buffer: B) -> Self {
        Toc { buffer }
    }

    /// Wraps `buffer` after checking it holds the 4-byte header.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] when shorter.
    pub fn new_checked(buffer: B) -> Result<Self, ParseError> {
        check_min("TOC", buffer.as_ref().len(), Self::HEADER_LEN)?;
        Ok(Toc { buffer })
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> B {
        self.buffer
    }

    /// Data length, B0–1: bytes following byte 1.
    pub fn data_length(&self) -> u16 {
        be16(self.buffer.as_ref(), 0)
    }

    /// First track number (format 0) or first complete session (format 1), B2.
    pub fn first(&self) -> u8 {
        self.buffer.as_ref()[2]
    }

    /// Last track number (format 0) or last complete session (format 1), B3.
    pub fn last(&self) -> u8 {
        self.buffer.as_ref()[3]
    }

    /// The descriptors present in both the buffer and the announced length; a trailing
    /// partial descriptor is dropped.
    pub fn descriptors(&self) -> impl Iterator<Item = TocDescriptor> + '_ {
        let b = self.buffer.as_ref();
        let end = b.len().min(2 + usize::from(self.data_length()));
        let body = b.get(Self::HEADER_LEN..end).unwrap_or(&[]);
        body.chunks_exact(TocDescriptor::LEN)
            .filter_map(|c| <&[u8; 8]>::try_from(c).ok().map(TocDescriptor::parse))
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> Toc<B> {
    /// Sets the data length.
    pub fn set_data_length(&mut self, value: u16) {
        put16(self.buffer.as_mut(), 0, value);
    }

    /// Sets B2.
    pub fn set_first(&mut self, value: u8) {
        self.buffer.as_mut()[2] = value;
    }

    /// Sets B3.
    pub fn set_last(&mut self, value: u8) {
        self.buffer.as_mut()[3] = value;
    }
}

impl Toc<Vec<u8>> {
    /// Builds a whole response: header (data length = 2 + 8·n) and the descriptors in order.
    /// (The 16-bit length saturates beyond 8191 descriptors; a real TOC has at most 100.)
    pub fn emit(first: u8, last: u8, descriptors: &[TocDescriptor]) -> Vec<u8> {
        let mut out = vec![0u8; Toc::<Vec<u8>>::HEADER_LEN];
        for d in descriptors {
            out.extend_from_slice(&d.to_bytes());
        }
        let length = u16::try_from(out.len() - 2).unwrap_or(u16::MAX);
        let mut toc = Toc { buffer: out };
        toc.set_data_length(length);
        toc.set_first(first);
        toc.set_last(last);
        toc.buffer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inquiry_hand_bytes_parse() {
        let mut b = vec![
            0x05, // B0: qualifier 0, device type 05h
            0x80, // B1: RMB
            0x05, // B2: version 5 (SPC-3)
            0x02, // B3: response data format 2
            0x1F, // B4: additional length 31 (36 bytes)
            0x00, 0x00, 0x00, // B5-7: flags
        ];
        b.extend_from_slice(b"HL-DT-ST"); // B8-15 vendor
        b.extend_from_slice(b"DVDRAM GH24NSD1 "); // B16-31 product
        b.extend_from_slice(b"LG00"); // B32-35 revision
        let inq = InquiryData::new_checked(&b[..]).unwrap();
        assert_eq!(inq.peripheral_qualifier(), 0);
        assert_eq!(inq.peripheral_device_type(), 5);
        assert!(inq.removable());
        assert_eq!(inq.version(), 5);
        assert_eq!(inq.response_data_format(), 2);
        assert_eq!(inq.additional_length(), 31);
        assert_eq!(inq.vendor_identification(), b"HL-DT-ST");
        assert_eq!(inq.product_identification_str(), "DVDRAM GH24NSD1");
        assert_eq!(inq.product_revision_level_str(), "LG00");
        assert_eq!(inq.version_descriptor(0), None);
        assert!(InquiryData::new_checked(&b[..35]).is_err());
    }

    #[test]
    fn inquiry_builder_sets_only_its_fields() {
        let mut buf = [0xa5u8; 96];
        let mut inq = InquiryData::new_unchecked(&mut buf[..]);
        inq.set_peripheral_qualifier(0);
        inq.set_peripheral_device_type(5);
        inq.set_removable(false);
        inq.set_version(6);
        inq.set_norm_aca(false);
        inq.set_hi_sup(true);
        inq.set_response_data_format(2);
        inq.set_additional_length(91);
        inq.set_vendor_identification("DISCMSTR");
        inq.set_product_identification("EMU RECORDER");
        inq.set_product_revision_level("1.0");
        for (i, v) in [0x04E0u16, 0x0460, 0, 0, 0, 0, 0, 0x0300]
            .into_iter()
            .enumerate()
        {
            inq.set_version_descriptor(i, v);
        }
        let mut expected = vec![
            0x05, // B0: qualifier 000b, type 00101b
            0x25, // B1: RMB=0, reserved bits 6-0 untouched (a5 & 7F)
            0x06, // B2: version 6
            0x92, // B3: b7-6 untouched (10b), NormACA 0, HiSup 1, format 0010b
            0x5B, // B4: additional length 91
            0xa5, 0xa5, 0xa5, // B5-7 untouched
        ];
        expected.extend_from_slice(b"DISCMSTR"); // B8-15
        expected.extend_from_slice(b"EMU RECORDER    "); // B16-31 space padded
        expected.extend_from_slice(b"1.0 "); // B32-35 space padded
        expected.extend_from_slice(&[0xa5; 22]); // B36-57 untouched
        expected.extend_from_slice(&[
            0x04, 0xE0, 0x04, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x03, 0x00, // B58-73
        ]);
        expected.extend_from_slice(&[0xa5; 22]); // B74-95 untouched
        assert_eq!(&buf[..], &expected[..]);
        let inq = InquiryData::new_checked(&buf[..]).unwrap();
        assert_eq!(inq.version_descriptor(0), Some(0x04E0));
        assert_eq!(inq.version_descriptor(7), Some(0x0300));
        assert_eq!(inq.version_descriptor(8), None);
    }

    #[test]
    fn inquiry_new_zeroed_presets_additional_length() {
        let inq = InquiryData::new_zeroed();
        assert_eq!(inq.additional_length(), 91);
        assert_eq!(inq.into_inner().len(), 96);
    }

    #[test]
    fn read_capacity_both_directions() {
        let bytes = [
            0x00, 0x05, 0x12, 0x34, // B0-3 last LBA 51234h
            0x00, 0x00, 0x08, 0x00, // B4-7 block length 2048
        ];
        let rc = ReadCapacityData::new_checked(&bytes[..]).unwrap();
        assert_eq!(rc.last_logical_block_address(), Lba(0x51234));
        assert_eq!(rc.block_length(), 2048);
        let mut buf = [0xa5u8; 8];
        let mut w = ReadCapacityData::new_unchecked(&mut buf[..]);
        w.set_last_logical_block_address(Lba(0x51234));
        w.set_block_length(2048);
        assert_eq!(buf, bytes);
        assert!(ReadCapacityData::new_checked(&bytes[..7]).is_err());
    }

    /// Disc information (all fields non-trivial) with one OPC table entry.
    const DISC_INFO: [u8; 42] = [
        0x00, 0x28, // B0-1: length 40 (32 + 8)
        0x06, // B2: data type 0, Erasable 0, last session 01b (incomplete), disc status 10b
        0x01, // B3: first track 1
        0x02, // B4: sessions LSB 2
        0x03, // B5: first track in last session LSB 3
        0x03, // B6: last track in last session LSB 3
        0xB2, // B7: DID_V 1, DBC_V 0, URU 1, DAC_V 1, b3 0, Dbit 0, BG 10b
        0x20, // B8: disc type 20h CD-ROM XA
        0x00, // B9: sessions MSB
        0x00, // B10: first track in last session MSB
        0x01, // B11: last track in last session MSB
        0xDE, 0xAD, 0xBE, 0xEF, // B12-15: disc identification
        0x00, 0x4F, 0x3B, 0x47, // B16-19: lead-in start 79:59:71
        0x00, 0x4F, 0x3B, 0x4A, // B20-23: last possible lead-out 79:59:74
        1, 2, 3, 4, 5, 6, 7, 8,    // B24-31: bar code
        0x00, // B32: application code
        0x01, // B33: one OPC table
        0x0B, 0x04, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, // B34-41: speed 2820 kB/s, value
    ];

    #[test]
    fn disc_information_hand_bytes_parse() {
        let d = DiscInformation::new_checked(&DISC_INFO[..]).unwrap();
        assert_eq!(d.disc_information_length(), 40);
        assert_eq!(d.disc_information_data_type(), 0);
        assert!(!d.erasable());
        assert_eq!(d.state_of_last_session(), SessionState::Incomplete);
        assert_eq!(d.disc_status(), DiscStatus::Complete);
        assert_eq!(d.number_of_first_track(), 1);
        assert_eq!(d.number_of_sessions(), 2);
        assert_eq!(d.first_track_number_in_last_session(), 3);
        assert_eq!(d.last_track_number_in_last_session(), 0x0103);
        assert!(d.did_v() && !d.dbc_v() && d.uru() && d.dac_v() && !d.dbit());
        assert_eq!(d.bg_format_status(), 2);
        assert_eq!(d.disc_type(), 0x20);
        assert_eq!(d.disc_identification(), 0xDEAD_BEEF);
        assert_eq!(d.last_session_lead_in_start_address(), 0x004F_3B47);
        assert_eq!(d.last_session_lead_in_start_msf(), Msf::new(79, 59, 71));
        assert_eq!(d.last_possible_lead_out_start_msf(), Msf::new(79, 59, 74));
        assert_eq!(d.disc_bar_code(), [1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(d.disc_application_code(), 0);
        assert_eq!(d.number_of_opc_tables(), 1);
        let opc: Vec<_> = d.opc_table_entries().collect();
        assert_eq!(
            opc,
            vec![OpcTableEntry {
                speed_kbps: 2820,
                value: [0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6]
            }]
        );
        // Truncated by a 34-byte allocation length: header fields stay, OPC entries vanish.
        let short = DiscInformation::new_checked(&DISC_INFO[..34]).unwrap();
        assert_eq!(short.opc_table_entries().count(), 0);
        assert!(DiscInformation::new_checked(&DISC_INFO[..33]).is_err());
    }

    #[test]
    fn disc_information_unknown_lead_out_has_no_msf() {
        let mut b = DISC_INFO;
        b[20..24].copy_from_slice(&[0x00, 0xFF, 0xFF, 0xFF]); // B20-23 unknown
        let d = DiscInformation::new_checked(&b[..]).unwrap();
        assert_eq!(d.last_possible_lead_out_start_address(), 0x00FF_FFFF);
        assert_eq!(d.last_possible_lead_out_start_msf(), None);
    }

    #[test]
    fn disc_information_builder_writes_exact_bytes() {
        let mut buf = [0xa5u8; 34];
        let mut d = DiscInformation::new_unchecked(&mut buf[..]);
        d.set_disc_information_length(32);
        d.set_disc_information_data_type(0);
        d.set_erasable(true);
        d.set_state_of_last_session(SessionState::Empty);
        d.set_disc_status(DiscStatus::Empty);
        d.set_number_of_first_track(1);
        d.set_number_of_sessions(1);
        d.set_first_track_number_in_last_session(1);
        d.set_last_track_number_in_last_session(0x0102);
        d.set_did_v(true);
        d.set_dbc_v(false);
        d.set_uru(false);
        d.set_dac_v(true);
        d.set_dbit(false);
        d.set_bg_format_status(2);
        d.set_disc_type(0x00);
        d.set_disc_identification(0x0102_0304);
        d.set_last_session_lead_in_start_address(0x0061_2217);
        d.set_last_possible_lead_out_start_address(0x004F_3B4A);
        d.set_disc_bar_code([0; 8]);
        d.set_disc_application_code(0x11);
        d.set_number_of_opc_tables(0);
        let expected = [
            0x00, 0x20, // B0-1 length 32
            0x10, // B2: type 000b, Erasable 1, session 00b, status 00b
            0x01, // B3 first track
            0x01, // B4 sessions LSB
            0x01, // B5 first track in last session LSB
            0x02, // B6 last track in last session LSB
            0x92, // B7: DID_V 1, DBC_V 0, URU 0, DAC_V 1, b3 untouched 0, Dbit 0, BG 10b
            0x00, // B8 disc type
            0x00, // B9 sessions MSB
            0x00, // B10 first track MSB
            0x01, // B11 last track MSB
            0x01, 0x02, 0x03, 0x04, // B12-15 disc id
            0x00, 0x61, 0x22, 0x17, // B16-19 lead-in 97:34:23
            0x00, 0x4F, 0x3B, 0x4A, // B20-23 lead-out 79:59:74
            0, 0, 0, 0, 0, 0, 0, 0,    // B24-31 bar code
            0x11, // B32 application code
            0x00, // B33 OPC tables
        ];
        assert_eq!(buf, expected);
        let z = DiscInformation::new_zeroed();
        assert_eq!(z.disc_information_length(), 32);
        assert_eq!(z.into_inner().len(), 34);
    }

    /// Track information of the invisible track on a DVD+R, 48 bytes.
    const TRACK_INFO: [u8; 48] = [
        0x00, 0x2E, // B0-1: data length 46
        0x02, // B2: track 2 (LSB)
        0x01, // B3: session 1 (LSB)
        0x00, // B4: reserved
        0x67, // B5: LJRS 01b, Damage 1, Copy 0, track mode 7
        0x5F, // B6: RT 0, Blank 1, Packet/Inc 0, FP 1, data mode Fh
        0x03, // B7: LRA_V 1, NWA_V 1
        0x00, 0x00, 0x40, 0x00, // B8-11: track start 4000h
        0x00, 0x00, 0x40, 0x10, // B12-15: NWA 4010h
        0x00, 0x22, 0xF1, 0x30, // B16-19: free blocks 22F130h
        0x00, 0x00, 0x00, 0x10, // B20-23: fixed packet size 16
        0x00, 0x22, 0xF1, 0x40, // B24-27: track size
        0x00, 0x00, 0x40, 0x0F, // B28-31: last recorded address 400Fh
        0x01, // B32: track MSB → track 0102h
        0x00, // B33: session MSB
        0x00, 0x00, // B34-35: reserved
        0x00, 0x00, 0x00, 0x20, // B36-39: read compatibility LBA 20h
        0x00, 0x10, 0x00, 0x00, // B40-43: next layer jump 100000h
        0xFF, 0xFF, 0xFF, 0xFF, // B44-47: last layer jump -1
    ];

    #[test]
    fn track_information_hand_bytes_parse() {
        let t = TrackInformation::new_checked(&TRACK_INFO[..]).unwrap();
        assert_eq!(t.data_length(), 46);
        assert_eq!(t.track_number(), 0x0102);
        assert_eq!(t.session_number(), 1);
        assert_eq!(t.lj_rs(), 1);
        assert!(t.damage() && !t.copy());
        assert_eq!(t.track_mode(), 7);
        assert!(!t.rt() && t.blank() && !t.packet_inc() && t.fp());
        assert_eq!(t.data_mode(), 0x0F);
        assert!(t.lra_v() && t.nwa_v());
        assert_eq!(t.track_start_address(), Lba(0x4000));
        assert_eq!(t.next_writable_address(), Lba(0x4010));
        assert_eq!(t.free_blocks(), 0x22_F130);
        assert_eq!(t.fixed_packet_size(), 16);
        assert_eq!(t.track_size(), 0x22_F140);
        assert_eq!(t.last_recorded_address(), Some(Lba(0x400F)));
        assert_eq!(t.read_compatibility_lba(), Some(Lba(0x20)));
        assert_eq!(t.next_layer_jump_address(), Some(Lba(0x10_0000)));
        assert_eq!(t.last_layer_jump_address(), Some(Lba(-1)));
    }

    #[test]
    fn track_information_old_28_byte_form_gives_none_for_tail() {
        let mut b = TRACK_INFO[..28].to_vec();
        b[1] = 26; // B1: data length 26
        let t = TrackInformation::new_checked(&b[..]).unwrap();
        assert_eq!(t.track_number(), 2); // MSB absent → LSB only
        assert_eq!(t.next_writable_address(), Lba(0x4010));
        assert_eq!(t.last_recorded_address(), None);
        assert_eq!(t.read_compatibility_lba(), None);
        assert_eq!(t.last_layer_jump_address(), None);
        assert!(TrackInformation::new_checked(&b[..27]).is_err());
    }

    #[test]
    fn track_information_data_length_bounds_tail_fields() {
        let mut b = TRACK_INFO;
        b[1] = 0x20; // B1: data length 32 → bytes 0..34 defined (MMC-1 drives)
        let t = TrackInformation::new_checked(&b[..]).unwrap();
        assert_eq!(t.track_number(), 0x0102);
        assert_eq!(t.last_recorded_address(), Some(Lba(0x400F)));
        assert_eq!(t.read_compatibility_lba(), None);
    }

    #[test]
    fn track_information_builder_writes_exact_bytes() {
        let mut buf = [0xa5u8; 48];
        let mut t = TrackInformation::new_unchecked(&mut buf[..]);
        t.set_data_length(46);
        t.set_track_number(0x0102);
        t.set_session_number(1);
        t.set_lj_rs(1);
        t.set_damage(true);
        t.set_copy(false);
        t.set_track_mode(7);
        t.set_rt(false);
        t.set_blank(true);
        t.set_packet_inc(false);
        t.set_fp(true);
        t.set_data_mode(0x0F);
        t.set_lra_v(true);
        t.set_nwa_v(true);
        t.set_track_start_address(Lba(0x4000));
        t.set_next_writable_address(Lba(0x4010));
        t.set_free_blocks(0x22_F130);
        t.set_fixed_packet_size(16);
        t.set_track_size(0x22_F140);
        t.set_last_recorded_address(Lba(0x400F));
        t.set_read_compatibility_lba(Lba(0x20));
        t.set_next_layer_jump_address(Lba(0x10_0000));
        t.set_last_layer_jump_address(Lba(-1));
        let mut expected = TRACK_INFO;
        expected[4] = 0xa5; // B4 reserved, untouched
        expected[7] = 0xa7; // B7: b7-2 untouched (101001b), LRA_V 1, NWA_V 1
        expected[34] = 0xa5; // B34-35 reserved, untouched
        expected[35] = 0xa5;
        assert_eq!(buf, expected);
        let z = TrackInformation::new_zeroed();
        assert_eq!(z.data_length(), 46);
    }

    #[test]
    fn toc_format0_hand_bytes_parse() {
        let bytes = [
            0x00, 0x1A, // B0-1: data length 26 = 2 + 3·8
            0x01, // B2: first track 1
            0x02, // B3: last track 2
            0x00, 0x14, 0x01, 0x00, 0x00, 0x00, 0x00,
            0x00, // track 1: ADR 1, CONTROL 4, LBA 0
            0x00, 0x10, 0x02, 0x00, 0x00, 0x00, 0x2E,
            0xE0, // track 2: ADR 1, CONTROL 0, LBA 12000
            0x00, 0x10, 0xAA, 0x00, 0x00, 0x00, 0x55, 0xF0, // lead-out: LBA 22000
        ];
        let toc = Toc::new_checked(&bytes[..]).unwrap();
        assert_eq!((toc.data_length(), toc.first(), toc.last()), (26, 1, 2));
        let d: Vec<_> = toc.descriptors().collect();
        assert_eq!(d.len(), 3);
        assert_eq!(
            d[0],
            TocDescriptor {
                adr: 1,
                control: 4,
                track_number: 1,
                address: 0
            }
        );
        assert_eq!(d[1].lba(), Lba(12000));
        assert_eq!(d[2].track_number, TocDescriptor::LEAD_OUT);
        // Truncated mid-descriptor (allocation length 16): only the first one is whole.
        assert_eq!(
            Toc::new_checked(&bytes[..16])
                .unwrap()
                .descriptors()
                .count(),
            1
        );
        assert!(Toc::new_checked(&bytes[..3]).is_err());
    }

    #[test]
    fn toc_format1_msf_descriptor_parses() {
        let bytes = [
            0x00, 0x0A, // B0-1: data length 10
            0x01, 0x02, // B2-3: first/last complete session 1..2
            0x00, 0x14, 0x03, 0x00, // rsvd, ADR 1 / CONTROL 4, track 3, rsvd
            0x00, 0x1B, 0x21, 0x05, // 00 M S F = 27:33:05
        ];
        let toc = Toc::new_checked(&bytes[..]).unwrap();
        let d = toc.descriptors().next().unwrap();
        assert_eq!(d.track_number, 3);
        assert_eq!(d.msf(), Msf::new(27, 33, 5));
    }

    #[test]
    fn toc_emit_writes_exact_bytes() {
        let out = Toc::emit(
            1,
            1,
            &[
                TocDescriptor {
                    adr: 1,
                    control: 4,
                    track_number: 1,
                    address: 0,
                },
                TocDescriptor {
                    adr: 1,
                    control: 4,
                    track_number: 0xAA,
                    address: (-150i32) as u32,
                },
            ],
        );
        let expected = [
            0x00, 0x12, // data length 18
            0x01, 0x01, // first, last
            0x00, 0x14, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, // track 1
            0x00, 0x14, 0xAA, 0x00, 0xFF, 0xFF, 0xFF, 0x6A, // lead-out at -150
        ];
        assert_eq!(out, expected);
    }
}
