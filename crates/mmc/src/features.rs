//! GET CONFIGURATION responses: the [`Configuration`] view (8-byte feature header plus
//! descriptors), the generic [`FeatureDescriptor`] view, the [`ConfigurationBuilder`] the
//! emulator answers with, and typed features (`parse` from a descriptor, `emit` a whole
//! descriptor).
//!
//! Invariants: [`Configuration::descriptors`] yields only whole descriptors (header and
//! declared payload inside both the buffer and the announced data length) and stops at the
//! first truncated one, so a response cut by a small allocation length never panics. Typed
//! `parse` rejects a wrong feature code and a payload shorter than the fields it reads; extra
//! payload bytes (newer versions) are ignored.
//!
//! Versions emitted: MMC-6 values where `mmc.md` §1.6 states them (Core 2, CD Track at Once
//! 2); the others are from memory of MMC-5/6 and marked **UNVERIFIED** on their `VERSION`
//! constant. Hosts do not check versions (libburn, growisofs, cdrecord read the bits only).
//!
//! Spec: MMC-6 §5.2–§5.3 (reference `mmc.md` §1.6).

use crate::cdb::ParseError;
use crate::enums::{ConfigurationRequestType, FeatureCode, Profile};
use crate::wire::{be16, be32, get_flag, put16, put32, set_bits, set_flag, trimmed_ascii};

mod field {
    pub const CODE: usize = 0;
    pub const FLAGS: usize = 2;
    pub const ADDITIONAL_LENGTH: usize = 3;
    pub const HEADER_LEN: usize = 4;
}

/// One feature descriptor of a GET CONFIGURATION response.
///
/// Shape: B0-1 feature code; B2 b5-2 version, b1 persistent, b0 current; B3 additional length
/// (payload bytes, a multiple of 4); B4… payload.
///
/// # Errors
/// `new_checked`: [`ParseError::Truncated`] when the buffer is shorter than 4 bytes or than
/// `4 + additional length`.
///
/// Spec: MMC-6 §5.2.2 (reference `mmc.md` §1.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureDescriptor<B: AsRef<[u8]>> {
    buffer: B,
}

impl<B: AsRef<[u8]>> FeatureDescriptor<B> {
    /// Header size.
    pub const HEADER_LEN: usize = field::HEADER_LEN;

    /// Wraps `buffer` without checking its length.
    pub fn new_unchecked(buffer: B) -> Self {
        FeatureDescriptor { buffer }
    }

    /// Wraps `buffer` after checking the header and the declared payload are present.
    ///
    /// # Errors
    /// See the type.
    pub fn new_checked(buffer: B) -> Result<Self, ParseError> {
        let b = buffer.as_ref();
        if b.len() < field::HEADER_LEN {
            return Err(ParseError::Truncated {
                what: "feature descriptor",
                need: 4,
                got: b.len(),
            });
        }
        let need = field::HEADER_LEN + usize::from(b[field::ADDITIONAL_LENGTH]);
        if b.len() < need {
            return Err(ParseError::Truncated {
                what: "feature descriptor",
                need,
                got: b.len(),
            });
        }
        Ok(FeatureDescriptor { buffer })
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> B {
        self.buffer
    }

    /// The descriptor bytes (header + payload; the buffer may hold more).
    pub fn as_bytes(&self) -> &[u8] {
        let b = self.buffer.as_ref();
        &b[..b
            .len()
            .min(field::HEADER_LEN + usize::from(self.additional_length()))]
    }

    /// Feature code, B0–1.
    pub fn feature_code(&self) -> FeatureCode {
        FeatureCode(be16(self.buffer.as_ref(), field::CODE))
    }

    /// Version, B2 bits 5–2.
    pub fn version(&self) -> u8 {
        (self.buffer.as_ref()[field::FLAGS] >> 2) & 0x0F
    }

    get_flag! {
        /// Persistent, B2 bit 1: the feature is always current.
        persistent: field::FLAGS, 1
    }

    get_flag! {
        /// Current, B2 bit 0: the feature is usable with the loaded medium.
        current: field::FLAGS, 0
    }

    /// Additional length, B3: payload bytes.
    pub fn additional_length(&self) -> u8 {
        self.buffer.as_ref()[field::ADDITIONAL_LENGTH]
    }

    /// Payload, B4 … 4 + additional length (cut at the buffer end for unchecked views).
    pub fn payload(&self) -> &[u8] {
        let b = self.as_bytes();
        b.get(field::HEADER_LEN..).unwrap_or(&[])
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> FeatureDescriptor<B> {
    /// Sets the feature code.
    pub fn set_feature_code(&mut self, code: FeatureCode) {
        put16(self.buffer.as_mut(), field::CODE, code.0);
    }

    /// Sets the version (4 bits).
    pub fn set_version(&mut self, version: u8) {
        set_bits(self.buffer.as_mut(), field::FLAGS, 0x3C, 2, version);
    }

    set_flag! {
        /// Sets Persistent.
        set_persistent: field::FLAGS, 1
    }

    set_flag! {
        /// Sets Current.
        set_current: field::FLAGS, 0
    }

    /// Sets the additional length.
    pub fn set_additional_length(&mut self, value: u8) {
        self.buffer.as_mut()[field::ADDITIONAL_LENGTH] = value;
    }

    /// Mutable payload (B4 to the end of the buffer).
    pub fn payload_mut(&mut self) -> &mut [u8] {
        &mut self.buffer.as_mut()[field::HEADER_LEN..]
    }
}

impl FeatureDescriptor<Vec<u8>> {
    /// Builds a whole descriptor for any feature: header, then `payload` zero-padded to a
    /// multiple of 4 (at most 252 bytes are kept; the length field is one byte).
    ///
    /// Shape: see the type. Spec: MMC-6 §5.2.2.
    pub fn emit_raw(
        code: FeatureCode,
        version: u8,
        persistent: bool,
        current: bool,
        payload: &[u8],
    ) -> Vec<u8> {
        let body = &payload[..payload.len().min(252)];
        let padded = body.len().div_ceil(4) * 4;
        let mut d = FeatureDescriptor {
            buffer: vec![0u8; field::HEADER_LEN + padded],
        };
        d.set_feature_code(code);
        d.set_version(version);
        d.set_persistent(persistent);
        d.set_current(current);
        d.set_additional_length(padded as u8);
        d.payload_mut()[..body.len()].copy_from_slice(body);
        d.buffer
    }
}

/// A GET CONFIGURATION response.
///
/// Shape: B0-3 data length (total − 4); B4-5 reserved; B6-7 current profile; B8… feature
/// descriptors in ascending feature-code order.
///
/// # Errors
/// `new_checked`: [`ParseError::Truncated`] below the 8-byte header.
///
/// Spec: MMC-6 §6.6.2 (reference `mmc.md` §1.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Configuration<B: AsRef<[u8]>> {
    buffer: B,
}

impl<B: AsRef<[u8]>> Configuration<B> {
    /// Feature header size.
    pub const HEADER_LEN: usize = 8;

    /// Wraps `buffer` without checking its length.
    pub fn new_unchecked(buffer: B) -> Self {
        Configuration { buffer }
    }

    /// Wraps `buffer` after checking the 8-byte header is present.
    ///
    /// # Errors
    /// See the type.
    pub fn new_checked(buffer: B) -> Result<Self, ParseError> {
        let got = buffer.as_ref().len();
        if got < Self::HEADER_LEN {
            return Err(ParseError::Truncated {
                what: "feature header",
                need: Self::HEADER_LEN,
                got,
            });
        }
        Ok(Configuration { buffer })
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> B {
        self.buffer
    }

    /// Data length, B0–3: bytes following byte 3 that the drive has.
    pub fn data_length(&self) -> u32 {
        be32(self.buffer.as_ref(), 0)
    }

    /// Current profile, B6–7 (`NoCurrentProfile` without medium).
    pub fn current_profile(&self) -> Profile {
        Profile::from(be16(self.buffer.as_ref(), 6))
    }

    /// Whole feature descriptors, in the order sent; stops at the first one cut by the
    /// buffer end or the data length.
    pub fn descriptors(&self) -> FeatureDescriptors<'_> {
        let b = self.buffer.as_ref();
        let announced = usize::try_from(self.data_length())
            .unwrap_or(usize::MAX)
            .saturating_add(4);
        let end = b.len().min(announced);
        FeatureDescriptors {
            rest: b.get(Self::HEADER_LEN..end).unwrap_or(&[]),
        }
    }

    /// The first descriptor with feature code `code`.
    pub fn find(&self, code: FeatureCode) -> Option<FeatureDescriptor<&[u8]>> {
        self.descriptors().find(|d| d.feature_code() == code)
    }
}

/// Iterator over the descriptors of a [`Configuration`].
#[derive(Debug, Clone)]
pub struct FeatureDescriptors<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for FeatureDescriptors<'a> {
    type Item = FeatureDescriptor<&'a [u8]>;

    fn next(&mut self) -> Option<Self::Item> {
        let len = field::HEADER_LEN + usize::from(*self.rest.get(field::ADDITIONAL_LENGTH)?);
        if self.rest.len() < len {
            self.rest = &[];
            return None;
        }
        let (d, rest) = self.rest.split_at(len);
        self.rest = rest;
        Some(FeatureDescriptor { buffer: d })
    }
}

/// Builds GET CONFIGURATION responses (the emulator side).
///
/// `descriptors` are whole feature descriptors (from the typed features' `emit` or
/// [`FeatureDescriptor::emit_raw`]); entries shorter than 4 bytes are skipped.
///
/// Spec: MMC-6 §6.6 (reference `mmc.md` §1.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigurationBuilder {
    /// Header bytes 6–7.
    pub current_profile: Profile,
    /// Whole descriptors, any order (emitted sorted by feature code).
    pub descriptors: Vec<Vec<u8>>,
}

impl ConfigurationBuilder {
    /// Every descriptor (as for RT = 00b from feature 0000h), sorted by feature code.
    pub fn emit(&self) -> Vec<u8> {
        self.emit_for(ConfigurationRequestType::All, FeatureCode::PROFILE_LIST)
    }

    /// The response to a GET CONFIGURATION with `rt` and starting feature `starting`: RT 00b
    /// all features ≥ `starting`; 01b only current ones ≥ `starting`; 10b exactly `starting`
    /// (header only if absent). Descriptors sorted by feature code; data length = total − 4.
    /// A reserved RT yields the header only.
    pub fn emit_for(&self, rt: ConfigurationRequestType, starting: FeatureCode) -> Vec<u8> {
        let mut chosen: Vec<&Vec<u8>> = self
            .descriptors
            .iter()
            .filter(|d| d.len() >= field::HEADER_LEN)
            .filter(|d| {
                let code = FeatureCode(be16(d, field::CODE));
                let current = d[field::FLAGS] & 0x01 != 0;
                match rt {
                    ConfigurationRequestType::All => code >= starting,
                    ConfigurationRequestType::Current => code >= starting && current,
                    ConfigurationRequestType::One => code == starting,
                    ConfigurationRequestType::Unknown(_) => false,
                }
            })
            .collect();
        chosen.sort_by_key(|d| be16(d, field::CODE));
        let mut out = vec![0u8; 8];
        for d in chosen {
            out.extend_from_slice(d);
        }
        let data_length = u32::try_from(out.len() - 4).unwrap_or(u32::MAX);
        put32(&mut out, 0, data_length);
        put16(&mut out, 6, u16::from(self.current_profile));
        out
    }
}

/// Checks code and minimum payload for a typed parse.
fn expect(
    d: &FeatureDescriptor<&[u8]>,
    what: &'static str,
    code: FeatureCode,
    min_payload: usize,
) -> Result<(), ParseError> {
    if d.feature_code() != code {
        return Err(ParseError::InvalidField {
            what,
            byte: 0,
            value: u32::from(d.feature_code().0),
        });
    }
    let got = d.payload().len();
    if got < min_payload {
        return Err(ParseError::Truncated {
            what,
            need: field::HEADER_LEN + min_payload,
            got: field::HEADER_LEN + got,
        });
    }
    Ok(())
}

fn bit(byte: u8, n: u32) -> bool {
    byte & (1 << n) != 0
}

fn flag(on: bool, n: u32) -> u8 {
    u8::from(on) << n
}

/// One profile descriptor of the Profile List feature.
///
/// Shape: B0-1 profile number; B2 b0 CurrentP; B3 reserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProfileDescriptor {
    /// Profile number.
    pub profile: Profile,
    /// CurrentP: this profile is the loaded medium's.
    pub current: bool,
}

/// Feature 0000h Profile List: every profile the drive supports.
///
/// Shape: payload = n × 4-byte [`ProfileDescriptor`]s. Version 0, persistent.
///
/// # Errors
/// `parse`: [`ParseError::InvalidField`] for another feature code.
///
/// Spec: MMC-6 §5.3.1 (reference `mmc.md` §1.6).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProfileList {
    /// The profiles, in the order sent (drives often list newest first).
    pub profiles: Vec<ProfileDescriptor>,
}

impl ProfileList {
    /// Feature code 0000h.
    pub const CODE: FeatureCode = FeatureCode::PROFILE_LIST;
    /// Version emitted.
    pub const VERSION: u8 = 0;

    /// Parses the descriptor; a trailing partial profile descriptor is ignored.
    ///
    /// # Errors
    /// See the type.
    pub fn parse(d: &FeatureDescriptor<&[u8]>) -> Result<Self, ParseError> {
        expect(d, "Profile List feature", Self::CODE, 0)?;
        let profiles = d
            .payload()
            .chunks_exact(4)
            .map(|p| ProfileDescriptor {
                profile: Profile::from(be16(p, 0)),
                current: bit(p[2], 0),
            })
            .collect();
        Ok(ProfileList { profiles })
    }

    /// The whole descriptor (persistent; at most 63 profiles fit).
    pub fn emit(&self, current: bool) -> Vec<u8> {
        let mut payload = Vec::with_capacity(4 * self.profiles.len());
        for p in self.profiles.iter().take(63) {
            payload.extend_from_slice(&u16::from(p.profile).to_be_bytes());
            payload.extend_from_slice(&[flag(p.current, 0), 0]);
        }
        FeatureDescriptor::emit_raw(Self::CODE, Self::VERSION, true, current, &payload)
    }

    /// The profile marked current, if any.
    pub fn current_profile(&self) -> Option<Profile> {
        self.profiles.iter().find(|p| p.current).map(|p| p.profile)
    }
}

/// Feature 0001h Core: the physical interface and basic behaviour.
///
/// Shape: B4-7 physical interface standard (1 SCSI, 2 ATAPI, 7 Serial ATAPI, 8 USB, …); B8 b1
/// INQ2, b0 DBE (only in version 2, additional length 8). Version 2, persistent.
///
/// # Errors
/// `parse`: [`ParseError::InvalidField`] for another code, [`ParseError::Truncated`] below 4
/// payload bytes.
///
/// Spec: MMC-6 §5.3.2 (reference `mmc.md` §1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Core {
    /// Physical interface standard.
    pub physical_interface: u32,
    /// INQ2: supports the INQUIRY fields of SPC-3.
    pub inq2: bool,
    /// DBE: device busy events supported.
    #[doc(alias = "DBE")]
    pub dbe: bool,
}

impl Core {
    /// Feature code 0001h.
    pub const CODE: FeatureCode = FeatureCode::CORE;
    /// Version emitted (`mmc.md` §1.6: v2 with 8 bytes of payload).
    pub const VERSION: u8 = 2;

    /// Parses the descriptor (version 0/1 descriptors with 4 bytes give `inq2 = dbe = false`).
    ///
    /// # Errors
    /// See the type.
    pub fn parse(d: &FeatureDescriptor<&[u8]>) -> Result<Self, ParseError> {
        expect(d, "Core feature", Self::CODE, 4)?;
        let p = d.payload();
        let b8 = p.get(4).copied().unwrap_or(0);
        Ok(Core {
            physical_interface: be32(p, 0),
            inq2: bit(b8, 1),
            dbe: bit(b8, 0),
        })
    }

    /// The whole descriptor (persistent, 8 bytes of payload).
    pub fn emit(&self, current: bool) -> Vec<u8> {
        let mut p = [0u8; 8];
        put32(&mut p, 0, self.physical_interface);
        p[4] = flag(self.inq2, 1) | flag(self.dbe, 0);
        FeatureDescriptor::emit_raw(Self::CODE, Self::VERSION, true, current, &p)
    }
}

/// Feature 0003h Removable Medium.
///
/// Shape: B4 b7-5 loading mechanism type (0 caddy/slot, 1 tray, 2 pop-up, 4/5 changer), b4
/// Load, b3 Eject, b2 Pvnt Jmpr, b1 DBML, b0 Lock. Persistent.
///
/// # Errors
/// `parse`: [`ParseError::InvalidField`] for another code, [`ParseError::Truncated`] below 1
/// payload byte.
///
/// Spec: MMC-6 §5.3.? (reference `mmc.md` §1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RemovableMedium {
    /// Loading mechanism type (3 bits).
    pub loading_mechanism: u8,
    /// Load: the drive can load the medium (START STOP UNIT LoEj + Start).
    pub load: bool,
    /// Eject: the drive can eject.
    pub eject: bool,
    /// Pvnt Jmpr: the prevent jumper is absent (0) / present (1).
    #[doc(alias = "Pvnt Jmpr")]
    pub prevent_jumper: bool,
    /// DBML: device busy events for media locking.
    #[doc(alias = "DBML")]
    pub dbml: bool,
    /// Lock: PREVENT ALLOW MEDIUM REMOVAL can lock the medium.
    pub lock: bool,
}

impl RemovableMedium {
    /// Feature code 0003h.
    pub const CODE: FeatureCode = FeatureCode::REMOVABLE_MEDIUM;
    /// Version emitted (MMC-6 with the Load bit; **UNVERIFIED**).
    pub const VERSION: u8 = 2;

    /// Parses the descriptor.
    ///
    /// # Errors
    /// See the type.
    pub fn parse(d: &FeatureDescriptor<&[u8]>) -> Result<Self, ParseError> {
        expect(d, "Removable Medium feature", Self::CODE, 1)?;
        let b = d.payload()[0];
        Ok(RemovableMedium {
            loading_mechanism: b >> 5,
            load: bit(b, 4),
            eject: bit(b, 3),
            prevent_jumper: bit(b, 2),
            dbml: bit(b, 1),
            lock: bit(b, 0),
        })
    }

    /// The whole descriptor (persistent, 4 bytes of payload).
    pub fn emit(&self, current: bool) -> Vec<u8> {
        let b = ((self.loading_mechanism & 0x07) << 5)
            | flag(self.load, 4)
            | flag(self.eject, 3)
            | flag(self.prevent_jumper, 2)
            | flag(self.dbml, 1)
            | flag(self.lock, 0);
        FeatureDescriptor::emit_raw(Self::CODE, Self::VERSION, true, current, &[b, 0, 0, 0])
    }
}

/// Feature 0010h Random Readable.
///
/// Shape: B4-7 logical block size (bytes); B8-9 blocking (CD 1, DVD 16, BD 32); B10 b0 PP
/// (page 01h present). Version 0, not persistent.
///
/// # Errors
/// `parse`: [`ParseError::InvalidField`] for another code, [`ParseError::Truncated`] below 7
/// payload bytes.
///
/// Spec: MMC-6 §5.3.? (reference `mmc.md` §1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RandomReadable {
    /// Logical block size in bytes (2048).
    pub logical_block_size: u32,
    /// Blocking: blocks per ECC unit.
    pub blocking: u16,
    /// PP: page present (read/write error recovery page 01h).
    #[doc(alias = "PP")]
    pub pp: bool,
}

impl RandomReadable {
    /// Feature code 0010h.
    pub const CODE: FeatureCode = FeatureCode::RANDOM_READABLE;
    /// Version emitted (**UNVERIFIED**).
    pub const VERSION: u8 = 0;

    /// Parses the descriptor.
    ///
    /// # Errors
    /// See the type.
    pub fn parse(d: &FeatureDescriptor<&[u8]>) -> Result<Self, ParseError> {
        expect(d, "Random Readable feature", Self::CODE, 7)?;
        let p = d.payload();
        Ok(RandomReadable {
            logical_block_size: be32(p, 0),
            blocking: be16(p, 4),
            pp: bit(p[6], 0),
        })
    }

    /// The whole descriptor (8 bytes of payload).
    pub fn emit(&self, current: bool) -> Vec<u8> {
        let mut p = [0u8; 8];
        put32(&mut p, 0, self.logical_block_size);
        put16(&mut p, 4, self.blocking);
        p[6] = flag(self.pp, 0);
        FeatureDescriptor::emit_raw(Self::CODE, Self::VERSION, false, current, &p)
    }
}

/// Feature 0021h Incremental Streaming Writable (CD packet, DVD-R incremental).
///
/// Shape: B4-5 data block types supported (bit n ⇒ DBT n); B6 b2 TRIO, b1 ARSV, b0 BUF; B7
/// number of link sizes n; B8… n link sizes, padded to a multiple of 4. Not persistent.
///
/// # Errors
/// `parse`: [`ParseError::InvalidField`] for another code, [`ParseError::Truncated`] below 4
/// payload bytes; link sizes beyond the payload are dropped.
///
/// Spec: MMC-6 §5.3.? (reference `mmc.md` §1.6).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IncrementalStreamingWritable {
    /// Data block types supported, bit n ⇒ DBT n.
    pub data_block_types: u16,
    /// TRIO: track resources information (READ DISC INFORMATION data type 001b).
    #[doc(alias = "TRIO")]
    pub trio: bool,
    /// ARSV: RESERVE TRACK with ARSV = 1 supported.
    #[doc(alias = "ARSV")]
    pub arsv: bool,
    /// BUF: buffer underrun free recording.
    #[doc(alias = "BUF")]
    pub buf: bool,
    /// Link sizes (CD: 7; DVD-R: 16).
    pub link_sizes: Vec<u8>,
}

impl IncrementalStreamingWritable {
    /// Feature code 0021h.
    pub const CODE: FeatureCode = FeatureCode::INCREMENTAL_STREAMING_WRITABLE;
    /// Version emitted (MMC-5 with TRIO; **UNVERIFIED**).
    pub const VERSION: u8 = 1;

    /// Parses the descriptor.
    ///
    /// # Errors
    /// See the type.
    pub fn parse(d: &FeatureDescriptor<&[u8]>) -> Result<Self, ParseError> {
        expect(d, "Incremental Streaming Writable feature", Self::CODE, 4)?;
        let p = d.payload();
        let n = usize::from(p[3]);
        let link_sizes = p.get(4..).unwrap_or(&[]).iter().take(n).copied().collect();
        Ok(IncrementalStreamingWritable {
            data_block_types: be16(p, 0),
            trio: bit(p[2], 2),
            arsv: bit(p[2], 1),
            buf: bit(p[2], 0),
            link_sizes,
        })
    }

    /// The whole descriptor (at most 248 link sizes are kept).
    pub fn emit(&self, current: bool) -> Vec<u8> {
        let links = &self.link_sizes[..self.link_sizes.len().min(248)];
        let mut p = vec![0u8; 4];
        put16(&mut p, 0, self.data_block_types);
        p[2] = flag(self.trio, 2) | flag(self.arsv, 1) | flag(self.buf, 0);
        p[3] = links.len() as u8;
        p.extend_from_slice(links);
        FeatureDescriptor::emit_raw(Self::CODE, Self::VERSION, false, current, &p)
    }
}

/// Feature 002Bh DVD+R.
///
/// Shape: B4 b0 Write (the drive can write DVD+R). Not persistent.
///
/// # Errors
/// `parse`: [`ParseError::InvalidField`] for another code, [`ParseError::Truncated`] below 1
/// payload byte.
///
/// Spec: MMC-6 §5.3.? (reference `mmc.md` §1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DvdPlusR {
    /// Write: DVD+R recording supported.
    pub write: bool,
}

impl DvdPlusR {
    /// Feature code 002Bh.
    pub const CODE: FeatureCode = FeatureCode::DVD_PLUS_R;
    /// Version emitted (**UNVERIFIED**).
    pub const VERSION: u8 = 0;

    /// Parses the descriptor.
    ///
    /// # Errors
    /// See the type.
    pub fn parse(d: &FeatureDescriptor<&[u8]>) -> Result<Self, ParseError> {
        expect(d, "DVD+R feature", Self::CODE, 1)?;
        Ok(DvdPlusR {
            write: bit(d.payload()[0], 0),
        })
    }

    /// The whole descriptor (4 bytes of payload).
    pub fn emit(&self, current: bool) -> Vec<u8> {
        FeatureDescriptor::emit_raw(
            Self::CODE,
            Self::VERSION,
            false,
            current,
            &[flag(self.write, 0), 0, 0, 0],
        )
    }
}

/// Feature 002Dh CD Track at Once.
///
/// Shape: B4 b6 BUF, b4 R-W Raw, b3 R-W Pack, b2 Test Write, b1 CD-RW, b0 R-W Sub-code; B5
/// reserved; B6-7 data block types supported (bit n ⇒ DBT n). Version 2, not persistent.
///
/// # Errors
/// `parse`: [`ParseError::InvalidField`] for another code, [`ParseError::Truncated`] below 4
/// payload bytes.
///
/// Spec: MMC-6 §5.3.? (reference `mmc.md` §1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CdTrackAtOnce {
    /// BUF: buffer underrun free recording.
    #[doc(alias = "BUF")]
    pub buf: bool,
    /// R-W Raw: raw R-W sub-code can be recorded.
    pub rw_raw: bool,
    /// R-W Pack: packed R-W sub-code can be recorded.
    pub rw_pack: bool,
    /// Test Write: simulation supported.
    pub test_write: bool,
    /// CD-RW: CD-RW media can be written.
    pub cd_rw: bool,
    /// R-W Sub-code: R-W sub-code can be recorded.
    pub rw_subcode: bool,
    /// Data block types supported, bit n ⇒ DBT n.
    pub data_block_types: u16,
}

impl CdTrackAtOnce {
    /// Feature code 002Dh.
    pub const CODE: FeatureCode = FeatureCode::CD_TRACK_AT_ONCE;
    /// Version emitted (`mmc.md` §1.6: version 2).
    pub const VERSION: u8 = 2;

    /// Parses the descriptor.
    ///
    /// # Errors
    /// See the type.
    pub fn parse(d: &FeatureDescriptor<&[u8]>) -> Result<Self, ParseError> {
        expect(d, "CD Track at Once feature", Self::CODE, 4)?;
        let p = d.payload();
        Ok(CdTrackAtOnce {
            buf: bit(p[0], 6),
            rw_raw: bit(p[0], 4),
            rw_pack: bit(p[0], 3),
            test_write: bit(p[0], 2),
            cd_rw: bit(p[0], 1),
            rw_subcode: bit(p[0], 0),
            data_block_types: be16(p, 2),
        })
    }

    /// The whole descriptor (4 bytes of payload).
    pub fn emit(&self, current: bool) -> Vec<u8> {
        let mut p = [0u8; 4];
        p[0] = flag(self.buf, 6)
            | flag(self.rw_raw, 4)
            | flag(self.rw_pack, 3)
            | flag(self.test_write, 2)
            | flag(self.cd_rw, 1)
            | flag(self.rw_subcode, 0);
        put16(&mut p, 2, self.data_block_types);
        FeatureDescriptor::emit_raw(Self::CODE, Self::VERSION, false, current, &p)
    }
}

/// Feature 002Fh DVD-R/-RW Write.
///
/// Shape: B4 b6 BUF, b3 RDL (DVD-R DL), b2 Test Write, b1 DVD-RW SL. Not persistent.
///
/// # Errors
/// `parse`: [`ParseError::InvalidField`] for another code, [`ParseError::Truncated`] below 1
/// payload byte.
///
/// Spec: MMC-6 §5.3.? (reference `mmc.md` §1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DvdMinusRRwWrite {
    /// BUF: buffer underrun free recording.
    #[doc(alias = "BUF")]
    pub buf: bool,
    /// RDL: DVD-R DL can be written.
    #[doc(alias = "RDL")]
    pub rdl: bool,
    /// Test Write: simulation supported.
    pub test_write: bool,
    /// DVD-RW SL: DVD-RW single layer can be written.
    pub dvd_rw_sl: bool,
}

impl DvdMinusRRwWrite {
    /// Feature code 002Fh.
    pub const CODE: FeatureCode = FeatureCode::DVD_MINUS_R_RW_WRITE;
    /// Version emitted (**UNVERIFIED**).
    pub const VERSION: u8 = 1;

    /// Parses the descriptor.
    ///
    /// # Errors
    /// See the type.
    pub fn parse(d: &FeatureDescriptor<&[u8]>) -> Result<Self, ParseError> {
        expect(d, "DVD-R/-RW Write feature", Self::CODE, 1)?;
        let b = d.payload()[0];
        Ok(DvdMinusRRwWrite {
            buf: bit(b, 6),
            rdl: bit(b, 3),
            test_write: bit(b, 2),
            dvd_rw_sl: bit(b, 1),
        })
    }

    /// The whole descriptor (4 bytes of payload).
    pub fn emit(&self, current: bool) -> Vec<u8> {
        let b = flag(self.buf, 6)
            | flag(self.rdl, 3)
            | flag(self.test_write, 2)
            | flag(self.dvd_rw_sl, 1);
        FeatureDescriptor::emit_raw(Self::CODE, Self::VERSION, false, current, &[b, 0, 0, 0])
    }
}

/// Feature 0041h BD Write.
///
/// Shape: B4 b0 SVNR; B8-15 BD-RE class 0–3 version bitmaps (2 bytes each); B16-23 BD-R class
/// 0–3 version bitmaps. Emitted with additional length 28 (bytes 24–31 zero), the length
/// sg3_utils expects; parsed from 20 bytes on (cdemu sends 20). Not persistent.
///
/// # Errors
/// `parse`: [`ParseError::InvalidField`] for another code, [`ParseError::Truncated`] below 20
/// payload bytes.
///
/// Spec: MMC-6 §5.3.? (reference `mmc.md` §1.6, length **UNVERIFIED** there).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct BdWrite {
    /// SVNR: the drive does not verify after writing when asked not to.
    #[doc(alias = "SVNR")]
    pub svnr: bool,
    /// BD-RE class 0–3 version bitmaps.
    pub bd_re_class_versions: [u16; 4],
    /// BD-R class 0–3 version bitmaps.
    pub bd_r_class_versions: [u16; 4],
}

impl BdWrite {
    /// Feature code 0041h.
    pub const CODE: FeatureCode = FeatureCode::BD_WRITE;
    /// Version emitted (**UNVERIFIED**).
    pub const VERSION: u8 = 1;

    /// Parses the descriptor.
    ///
    /// # Errors
    /// See the type.
    pub fn parse(d: &FeatureDescriptor<&[u8]>) -> Result<Self, ParseError> {
        expect(d, "BD Write feature", Self::CODE, 20)?;
        let p = d.payload();
        let class = |at: usize| {
            [
                be16(p, at),
                be16(p, at + 2),
                be16(p, at + 4),
                be16(p, at + 6),
            ]
        };
        Ok(BdWrite {
            svnr: bit(p[0], 0),
            bd_re_class_versions: class(4),
            bd_r_class_versions: class(12),
        })
    }

    /// The whole descriptor (28 bytes of payload).
    pub fn emit(&self, current: bool) -> Vec<u8> {
        let mut p = [0u8; 28];
        p[0] = flag(self.svnr, 0);
        for (i, v) in self.bd_re_class_versions.iter().enumerate() {
            put16(&mut p, 4 + 2 * i, *v);
        }
        for (i, v) in self.bd_r_class_versions.iter().enumerate() {
            put16(&mut p, 12 + 2 * i, *v);
        }
        FeatureDescriptor::emit_raw(Self::CODE, Self::VERSION, false, current, &p)
    }
}

/// Feature 0108h Drive Serial Number.
///
/// Shape: B4… ASCII serial number, padded with spaces to a multiple of 4. Persistent.
///
/// # Errors
/// `parse`: [`ParseError::InvalidField`] for another code.
///
/// Spec: MMC-6 §5.3.? (reference `mmc.md` §1.6).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct DriveSerialNumber {
    /// The serial number (trailing spaces/NULs removed when parsed).
    pub serial: String,
}

impl DriveSerialNumber {
    /// Feature code 0108h.
    pub const CODE: FeatureCode = FeatureCode::DRIVE_SERIAL_NUMBER;
    /// Version emitted (**UNVERIFIED**).
    pub const VERSION: u8 = 0;

    /// Parses the descriptor.
    ///
    /// # Errors
    /// See the type.
    pub fn parse(d: &FeatureDescriptor<&[u8]>) -> Result<Self, ParseError> {
        expect(d, "Drive Serial Number feature", Self::CODE, 0)?;
        Ok(DriveSerialNumber {
            serial: trimmed_ascii(d.payload()),
        })
    }

    /// The whole descriptor (persistent; at most 252 bytes of serial are kept).
    pub fn emit(&self, current: bool) -> Vec<u8> {
        let bytes = self.serial.as_bytes();
        let body = &bytes[..bytes.len().min(252)];
        let mut padded = body.to_vec();
        padded.resize(body.len().div_ceil(4) * 4, b' ');
        FeatureDescriptor::emit_raw(Self::CODE, Self::VERSION, true, current, &padded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A DVD+R recorder with DVD+R loaded: header, Profile List, Core, Removable Medium.
    const CONFIG: [u8; 40] = [
        0x00, 0x00, 0x00, 0x24, // B0-3: data length 36 = 40 - 4
        0x00, 0x00, // B4-5: reserved
        0x00, 0x1B, // B6-7: current profile 001Bh DVD+R
        // Feature 0000h Profile List
        0x00, 0x00, // code
        0x03, // version 0, persistent, current
        0x08, // additional length 8 (two profiles)
        0x00, 0x1B, 0x01, 0x00, // profile 001Bh, CurrentP
        0x00, 0x08, 0x00, 0x00, // profile 0008h CD-ROM
        // Feature 0001h Core
        0x00, 0x01, // code
        0x0B, // version 2, persistent, current
        0x08, // additional length 8
        0x00, 0x00, 0x00, 0x01, // physical interface 1 = SCSI
        0x01, 0x00, 0x00, 0x00, // DBE
        // Feature 0003h Removable Medium
        0x00, 0x03, // code
        0x0B, // version 2, persistent, current
        0x04, // additional length 4
        0x29, 0x00, 0x00, 0x00, // tray (001b), Eject, Lock
    ];

    #[test]
    fn configuration_hand_bytes_parse() {
        let c = Configuration::new_checked(&CONFIG[..]).unwrap();
        assert_eq!(c.data_length(), 36);
        assert_eq!(c.current_profile(), Profile::DvdPlusR);
        let d: Vec<_> = c.descriptors().collect();
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].feature_code(), FeatureCode::PROFILE_LIST);
        assert!(d[0].persistent() && d[0].current());
        assert_eq!(d[0].version(), 0);
        assert_eq!(d[1].version(), 2);
        assert_eq!(d[2].payload(), &[0x29, 0, 0, 0]);

        let pl = ProfileList::parse(&d[0]).unwrap();
        assert_eq!(
            pl.profiles,
            vec![
                ProfileDescriptor {
                    profile: Profile::DvdPlusR,
                    current: true
                },
                ProfileDescriptor {
                    profile: Profile::CdRom,
                    current: false
                },
            ]
        );
        assert_eq!(pl.current_profile(), Some(Profile::DvdPlusR));
        assert_eq!(
            Core::parse(&d[1]).unwrap(),
            Core {
                physical_interface: 1,
                inq2: false,
                dbe: true
            }
        );
        assert_eq!(
            RemovableMedium::parse(&d[2]).unwrap(),
            RemovableMedium {
                loading_mechanism: 1,
                load: false,
                eject: true,
                prevent_jumper: false,
                dbml: false,
                lock: true
            }
        );
        assert_eq!(
            c.find(FeatureCode::CORE).map(|d| d.additional_length()),
            Some(8)
        );
        assert!(c.find(FeatureCode::BD_WRITE).is_none());
    }

    #[test]
    fn configuration_truncated_response_stops_cleanly() {
        // Allocation length 30 cuts the Core feature after 10 of its 12 bytes.
        let c = Configuration::new_checked(&CONFIG[..30]).unwrap();
        assert_eq!(c.data_length(), 36); // still announces everything
        let codes: Vec<_> = c.descriptors().map(|d| d.feature_code()).collect();
        assert_eq!(codes, vec![FeatureCode::PROFILE_LIST]);
        // Header only (allocation length 8).
        assert_eq!(
            Configuration::new_checked(&CONFIG[..8])
                .unwrap()
                .descriptors()
                .count(),
            0
        );
        assert!(Configuration::new_checked(&CONFIG[..7]).is_err());
        // A data length shorter than the buffer bounds the descriptors too.
        let mut short = CONFIG;
        short[3] = 16; // B3: data length 16 → only the Profile List (12 bytes) is whole
        assert_eq!(
            Configuration::new_checked(&short[..])
                .unwrap()
                .descriptors()
                .count(),
            1
        );
    }

    #[test]
    fn feature_descriptor_setters_touch_only_their_bits() {
        let mut buf = [0xa5u8; 8];
        let mut d = FeatureDescriptor::new_unchecked(&mut buf[..]);
        d.set_feature_code(FeatureCode::DVD_PLUS_R);
        d.set_version(0);
        d.set_persistent(false);
        d.set_current(true);
        d.set_additional_length(4);
        let expected = [
            0x00, 0x2B, // code 002Bh
            0x81, // b7-6 untouched (10b), version 0000b, persistent 0, current 1
            0x04, // additional length
            0xa5, 0xa5, 0xa5, 0xa5, // payload untouched
        ];
        assert_eq!(buf, expected);
        assert!(FeatureDescriptor::new_checked(&expected[..7]).is_err());
        assert!(FeatureDescriptor::new_checked(&expected[..]).is_ok());
    }

    #[test]
    fn profile_list_emit_writes_exact_bytes() {
        let pl = ProfileList {
            profiles: vec![
                ProfileDescriptor {
                    profile: Profile::BdRSrm,
                    current: false,
                },
                ProfileDescriptor {
                    profile: Profile::CdR,
                    current: true,
                },
            ],
        };
        let expected = [
            0x00, 0x00, // code 0000h
            0x03, // version 0, persistent, current
            0x08, // two descriptors
            0x00, 0x41, 0x00, 0x00, // 0041h BD-R SRM
            0x00, 0x09, 0x01, 0x00, // 0009h CD-R, CurrentP
        ];
        assert_eq!(pl.emit(true), expected);
    }

    #[test]
    fn core_emit_and_parse() {
        let c = Core {
            physical_interface: 2,
            inq2: true,
            dbe: true,
        };
        let expected = [
            0x00, 0x01, // code
            0x0B, // version 2 (0010b << 2 = 08h), persistent, current
            0x08, // additional length
            0x00, 0x00, 0x00, 0x02, // ATAPI
            0x03, 0x00, 0x00, 0x00, // INQ2, DBE
        ];
        assert_eq!(c.emit(true), expected);
        // Version 1 descriptor with only 4 payload bytes.
        let v1 = [0x00, 0x01, 0x07, 0x04, 0x00, 0x00, 0x00, 0x08];
        let d = FeatureDescriptor::new_checked(&v1[..]).unwrap();
        assert_eq!(
            Core::parse(&d).unwrap(),
            Core {
                physical_interface: 8,
                inq2: false,
                dbe: false
            }
        );
    }

    #[test]
    fn removable_medium_emit_writes_exact_bytes() {
        let r = RemovableMedium {
            loading_mechanism: 1,
            load: true,
            eject: true,
            prevent_jumper: false,
            dbml: true,
            lock: true,
        };
        let expected = [
            0x00, 0x03, // code
            0x0B, // version 2, persistent, current
            0x04, // additional length
            0x3B, // 001b tray, Load, Eject, no jumper, DBML, Lock
            0x00, 0x00, 0x00,
        ];
        assert_eq!(r.emit(true), expected);
    }

    #[test]
    fn random_readable_both_directions() {
        let bytes = [
            0x00, 0x10, // code
            0x01, // version 0, not persistent, current
            0x08, // additional length
            0x00, 0x00, 0x08, 0x00, // block size 2048
            0x00, 0x10, // blocking 16
            0x01, // PP
            0x00, // reserved
        ];
        let r = RandomReadable {
            logical_block_size: 2048,
            blocking: 16,
            pp: true,
        };
        assert_eq!(r.emit(true), bytes);
        let d = FeatureDescriptor::new_checked(&bytes[..]).unwrap();
        assert_eq!(RandomReadable::parse(&d).unwrap(), r);
    }

    #[test]
    fn incremental_streaming_writable_both_directions() {
        let bytes = [
            0x00, 0x21, // code
            0x05, // version 1, not persistent, current
            0x08, // additional length 8 = 4 + 1 link size padded to 4
            0x01, 0x00, // DBT bitmap: bit 8 (Mode 1)
            0x06, // TRIO 1, ARSV 1, BUF 0
            0x01, // one link size
            0x10, 0x00, 0x00, 0x00, // link size 16, padding
        ];
        let f = IncrementalStreamingWritable {
            data_block_types: 0x0100,
            trio: true,
            arsv: true,
            buf: false,
            link_sizes: vec![16],
        };
        assert_eq!(f.emit(true), bytes);
        let d = FeatureDescriptor::new_checked(&bytes[..]).unwrap();
        assert_eq!(IncrementalStreamingWritable::parse(&d).unwrap(), f);
        // Link count larger than the payload (Pioneer DVR-104 style bogus data): no panic.
        let mut bogus = bytes;
        bogus[7] = 200;
        let d = FeatureDescriptor::new_checked(&bogus[..]).unwrap();
        assert_eq!(
            IncrementalStreamingWritable::parse(&d).unwrap().link_sizes,
            vec![16, 0, 0, 0]
        );
    }

    #[test]
    fn cd_track_at_once_both_directions() {
        let bytes = [
            0x00, 0x2D, // code
            0x08, // version 2, not persistent, not current
            0x04, // additional length
            0x5D, // BUF, R-W Raw, R-W Pack, Test Write, CD-RW 0, R-W Sub-code
            0x00, // reserved
            0x01, 0x0F, // DBT bitmap 0, 1, 2, 3, 8
        ];
        let f = CdTrackAtOnce {
            buf: true,
            rw_raw: true,
            rw_pack: true,
            test_write: true,
            cd_rw: false,
            rw_subcode: true,
            data_block_types: 0x010F,
        };
        assert_eq!(f.emit(false), bytes);
        let d = FeatureDescriptor::new_checked(&bytes[..]).unwrap();
        assert_eq!(CdTrackAtOnce::parse(&d).unwrap(), f);
    }

    #[test]
    fn dvd_plus_r_both_directions() {
        let bytes = [0x00, 0x2B, 0x01, 0x04, 0x01, 0x00, 0x00, 0x00]; // code, v0 current, len 4, Write
        assert_eq!(DvdPlusR { write: true }.emit(true), bytes);
        let d = FeatureDescriptor::new_checked(&bytes[..]).unwrap();
        assert_eq!(DvdPlusR::parse(&d).unwrap(), DvdPlusR { write: true });
    }

    #[test]
    fn dvd_minus_r_rw_write_both_directions() {
        let bytes = [
            0x00, 0x2F, // code
            0x05, // version 1, current
            0x04, // additional length
            0x4E, // BUF, RDL, Test Write, DVD-RW SL
            0x00, 0x00, 0x00,
        ];
        let f = DvdMinusRRwWrite {
            buf: true,
            rdl: true,
            test_write: true,
            dvd_rw_sl: true,
        };
        assert_eq!(f.emit(true), bytes);
        let d = FeatureDescriptor::new_checked(&bytes[..]).unwrap();
        assert_eq!(DvdMinusRRwWrite::parse(&d).unwrap(), f);
    }

    #[test]
    fn bd_write_both_directions() {
        let mut bytes = vec![
            0x00, 0x41, // code
            0x05, // version 1, current
            0x1C, // additional length 28
            0x01, 0x00, 0x00, 0x00, // SVNR, reserved
            0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // BD-RE class 0 versions 1, 2
            0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // BD-R class 0 versions 1, 2
        ];
        bytes.extend_from_slice(&[0; 8]); // B24-31 reserved
        let f = BdWrite {
            svnr: true,
            bd_re_class_versions: [6, 0, 0, 0],
            bd_r_class_versions: [6, 0, 0, 0],
        };
        assert_eq!(f.emit(true), bytes);
        let d = FeatureDescriptor::new_checked(&bytes[..]).unwrap();
        assert_eq!(BdWrite::parse(&d).unwrap(), f);
        // cdemu's 20-byte payload parses too.
        let mut short = bytes[..24].to_vec();
        short[3] = 20;
        let d = FeatureDescriptor::new_checked(&short[..]).unwrap();
        assert_eq!(BdWrite::parse(&d).unwrap(), f);
    }

    #[test]
    fn drive_serial_number_both_directions() {
        let bytes = [
            0x01, 0x08, // code 0108h
            0x03, // version 0, persistent, current
            0x08, // additional length 8
            b'K', b'Z', b'1', b'2', b'3', b'4', b'5', b' ', // serial padded with a space
        ];
        let f = DriveSerialNumber {
            serial: "KZ12345".into(),
        };
        assert_eq!(f.emit(true), bytes);
        let d = FeatureDescriptor::new_checked(&bytes[..]).unwrap();
        assert_eq!(DriveSerialNumber::parse(&d).unwrap(), f);
    }

    #[test]
    fn typed_parse_rejects_wrong_code_and_short_payload() {
        let bytes = [0x00, 0x2B, 0x01, 0x04, 0x01, 0x00, 0x00, 0x00];
        let d = FeatureDescriptor::new_checked(&bytes[..]).unwrap();
        assert_eq!(
            Core::parse(&d),
            Err(ParseError::InvalidField {
                what: "Core feature",
                byte: 0,
                value: 0x2B
            })
        );
        let short = [0x00, 0x10, 0x01, 0x04, 0x00, 0x00, 0x08, 0x00];
        let d = FeatureDescriptor::new_checked(&short[..]).unwrap();
        assert_eq!(
            RandomReadable::parse(&d),
            Err(ParseError::Truncated {
                what: "Random Readable feature",
                need: 11,
                got: 8
            })
        );
    }

    fn builder() -> ConfigurationBuilder {
        ConfigurationBuilder {
            current_profile: Profile::DvdPlusR,
            descriptors: vec![
                DvdPlusR { write: true }.emit(true),
                Core {
                    physical_interface: 1,
                    inq2: false,
                    dbe: true,
                }
                .emit(true),
                IncrementalStreamingWritable::default().emit(false),
            ],
        }
    }

    #[test]
    fn configuration_builder_emit_sorts_and_sets_header() {
        let out = builder().emit();
        let mut expected = vec![
            0x00, 0x00, 0x00, 0x20, // data length 32 = (8 + 12 + 8 + 8) - 4
            0x00, 0x00, // reserved
            0x00, 0x1B, // current profile DVD+R
        ];
        expected.extend_from_slice(&[0x00, 0x01, 0x0B, 0x08, 0, 0, 0, 1, 1, 0, 0, 0]); // Core
        expected.extend_from_slice(&[0x00, 0x21, 0x04, 0x04, 0, 0, 0, 0]); // 0021h, not current
        expected.extend_from_slice(&[0x00, 0x2B, 0x01, 0x04, 1, 0, 0, 0]); // DVD+R
        assert_eq!(out, expected);
    }

    #[test]
    fn configuration_builder_honours_request_type() {
        let b = builder();
        let codes = |bytes: Vec<u8>| -> Vec<u16> {
            Configuration::new_checked(&bytes[..])
                .unwrap()
                .descriptors()
                .map(|d| d.feature_code().0)
                .collect()
        };
        assert_eq!(
            codes(b.emit_for(ConfigurationRequestType::All, FeatureCode(0x0002))),
            vec![0x21, 0x2B]
        );
        assert_eq!(
            codes(b.emit_for(ConfigurationRequestType::Current, FeatureCode(0))),
            vec![0x01, 0x2B]
        );
        assert_eq!(
            codes(b.emit_for(ConfigurationRequestType::One, FeatureCode(0x21))),
            vec![0x21]
        );
        let none = b.emit_for(ConfigurationRequestType::One, FeatureCode(0x38));
        assert_eq!(none, vec![0, 0, 0, 4, 0, 0, 0x00, 0x1B]); // header only, length 4
    }
}
