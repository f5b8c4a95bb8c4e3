//! Read-only views used by decoders: ATIP (READ TOC/PMA/ATIP format 4) and READ FORMAT
//! CAPACITIES data.

use discmaster_core::Msf;

use crate::cdb::ParseError;
use crate::wire::be32;

/// ATIP data, READ TOC/PMA/ATIP format 0100b: 4-byte header + 24 bytes.
///
/// Shape (offsets include the header): B0-1 data length; B4.6-4 indicative target writing
/// power, B4.2-0 reference speed; B5.6 URU; B6.6 disc type (1 = CD-RW), B6.5-3 sub-type,
/// B6.2/1/0 A1/A2/A3 valid; B8-10 start time of lead-in (M/S/F, binary); B12-14 last
/// possible start time of lead-out; B16.6-4 lowest / B16.3-0 highest CLV speed (A1).
///
/// Spec: MMC-6 §6.26.3.6 (`mmc.md` §1.12).
#[derive(Debug, Clone)]
pub struct Atip<B: AsRef<[u8]>> {
    buffer: B,
}

impl<B: AsRef<[u8]>> Atip<B> {
    /// Bytes needed: header + the fields up to B16.
    pub const MIN_LEN: usize = 17;

    /// Checks the length.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] below [`Atip::MIN_LEN`] bytes.
    pub fn new_checked(buffer: B) -> Result<Self, ParseError> {
        let got = buffer.as_ref().len();
        if got < Self::MIN_LEN {
            return Err(ParseError::Truncated {
                what: "ATIP",
                need: Self::MIN_LEN,
                got,
            });
        }
        Ok(Atip { buffer })
    }

    fn b(&self, i: usize) -> u8 {
        self.buffer.as_ref()[i]
    }

    /// Data length (bytes after the length field).
    pub fn data_length(&self) -> u16 {
        u16::from_be_bytes([self.b(0), self.b(1)])
    }

    /// Indicative target writing power (3 bits).
    pub fn indicative_target_writing_power(&self) -> u8 {
        (self.b(4) >> 4) & 0x07
    }

    /// Reference speed (3 bits).
    pub fn reference_speed(&self) -> u8 {
        self.b(4) & 0x07
    }

    /// URU: unrestricted use disc.
    pub fn unrestricted_use(&self) -> bool {
        self.b(5) & 0x40 != 0
    }

    /// Disc type: true for CD-RW.
    pub fn rewritable(&self) -> bool {
        self.b(6) & 0x40 != 0
    }

    /// Disc sub-type (3 bits).
    pub fn disc_sub_type(&self) -> u8 {
        (self.b(6) >> 3) & 0x07
    }

    /// A1, A2, A3 valid bits.
    pub fn a_valid(&self) -> (bool, bool, bool) {
        (self.b(6) & 4 != 0, self.b(6) & 2 != 0, self.b(6) & 1 != 0)
    }

    /// Start time of lead-in (`None` if the fields are out of MSF range).
    pub fn lead_in_start(&self) -> Option<Msf> {
        Msf::new(self.b(8), self.b(9), self.b(10))
    }

    /// Last possible start time of lead-out.
    pub fn last_possible_lead_out_start(&self) -> Option<Msf> {
        Msf::new(self.b(12), self.b(13), self.b(14))
    }

    /// Lowest and highest CLV recording speed codes (A1), when A1 is valid.
    pub fn clv_speed_range(&self) -> Option<(u8, u8)> {
        self.a_valid()
            .0
            .then(|| ((self.b(16) >> 4) & 0x07, self.b(16) & 0x0F))
    }
}

/// One 8-byte capacity descriptor of READ FORMAT CAPACITIES.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CapacityDescriptor {
    /// Number of blocks.
    pub blocks: u32,
    /// Byte 4: for the current/maximum descriptor B4.1-0 is the descriptor type
    /// (1 unformatted, 2 formatted, 3 no medium); for formattable descriptors B4.7-2 is the
    /// format type.
    pub type_byte: u8,
    /// Bytes 5-7: block length or type-dependent parameter.
    pub parameter: u32,
}

impl CapacityDescriptor {
    /// Descriptor type of a current/maximum capacity descriptor (B4.1-0).
    pub fn descriptor_type(&self) -> u8 {
        self.type_byte & 0x03
    }

    /// Format type of a formattable capacity descriptor (B4.7-2).
    pub fn format_type(&self) -> u8 {
        self.type_byte >> 2
    }
}

/// READ FORMAT CAPACITIES data: B3 capacity list length, then the current/maximum capacity
/// descriptor and formattable capacity descriptors (8 bytes each).
///
/// Spec: MMC-6 §6.24 (`mmc.md` §1.14).
#[derive(Debug, Clone)]
pub struct FormatCapacities<B: AsRef<[u8]>> {
    buffer: B,
}

impl<B: AsRef<[u8]>> FormatCapacities<B> {
    /// Checks the 4-byte header is present.
    ///
    /// # Errors
    /// [`ParseError::Truncated`] below 4 bytes.
    pub fn new_checked(buffer: B) -> Result<Self, ParseError> {
        let got = buffer.as_ref().len();
        if got < 4 {
            return Err(ParseError::Truncated {
                what: "READ FORMAT CAPACITIES data",
                need: 4,
                got,
            });
        }
        Ok(FormatCapacities { buffer })
    }

    /// Capacity list length (bytes of descriptors announced).
    pub fn capacity_list_length(&self) -> u8 {
        self.buffer.as_ref()[3]
    }

    /// The descriptors present in both the buffer and the announced list (first = current/maximum).
    pub fn descriptors(&self) -> impl Iterator<Item = CapacityDescriptor> + '_ {
        let b = self.buffer.as_ref();
        let end = (4 + usize::from(self.capacity_list_length())).min(b.len());
        b[4..end].chunks_exact(8).map(|d| CapacityDescriptor {
            blocks: be32(d, 0),
            type_byte: d[4],
            parameter: u32::from_be_bytes([0, d[5], d[6], d[7]]),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atip_hand_bytes_parse() {
        let b = [
            0x00, 0x1A, 0, 0,    // header: length 26
            0xD5, // B4: bit7=1, power 5, ref speed 5
            0x40, // B5: URU
            0xC4, // B6: bit7=1, CD-RW, sub-type 0, A1 valid
            0x00, 97, 26, 65, 0x00, // B8-10 lead-in 97:26:65
            79, 59, 74, 0x00, // B12-14 lead-out 79:59:74
            0x2A, // B16: lowest 2, highest 10
        ];
        let a = Atip::new_checked(&b[..]).unwrap();
        assert_eq!(a.data_length(), 26);
        assert_eq!(a.indicative_target_writing_power(), 5);
        assert_eq!(a.reference_speed(), 5);
        assert!(a.unrestricted_use());
        assert!(a.rewritable());
        assert_eq!(a.a_valid(), (true, false, false));
        assert_eq!(a.lead_in_start().unwrap().to_lba().0, -11_635);
        assert_eq!(
            a.last_possible_lead_out_start().unwrap().to_lba().0,
            359_849
        );
        assert_eq!(a.clv_speed_range(), Some((2, 10)));
        assert!(Atip::new_checked(&b[..16]).is_err());
    }

    #[test]
    fn format_capacities_hand_bytes_parse() {
        let b = [
            0, 0, 0, 16, // header: list length 16
            0x00, 0xB4, 0x71, 0x00, 0x02, 0x00, 0x08,
            0x00, // 11 825 408 blocks, formatted, 2048
            0x00, 0xB4, 0x71, 0x00, 0xC0, 0x00, 0x30, 0x00, // type 30h, spare 3000h
        ];
        let f = FormatCapacities::new_checked(&b[..]).unwrap();
        let d: Vec<_> = f.descriptors().collect();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].blocks, 0x00B4_7100);
        assert_eq!(d[0].descriptor_type(), 2);
        assert_eq!(d[0].parameter, 2048);
        assert_eq!(d[1].format_type(), 0x30);
        assert_eq!(d[1].parameter, 0x3000);
        // Truncated list: only whole descriptors inside the buffer.
        assert_eq!(
            FormatCapacities::new_checked(&b[..15])
                .unwrap()
                .descriptors()
                .count(),
            1
        );
    }
}
