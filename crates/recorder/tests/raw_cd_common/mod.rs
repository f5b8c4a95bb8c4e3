//! Shared helpers of the raw CD tests: emulated drives with chosen ATIP and Data Block Types,
//! a transport that records opcodes, PCM and WAV makers.
#![allow(dead_code)]

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use discmaster::{Lba, RawCdImage, Recorder};
use discmaster_core::Msf;
use discmaster_emu::{EmulatedDrive, MediaKind, MediaOptions};
use discmaster_transport::{Completion, DataPhase, Transport, TransportError};

/// Records the opcode of every command that passes.
pub struct Recording<T> {
    pub inner: T,
    pub opcodes: Arc<Mutex<Vec<u8>>>,
}

impl<T: Transport> Transport for Recording<T> {
    fn execute(
        &mut self,
        cdb: &[u8],
        data: DataPhase<'_>,
        timeout: Duration,
    ) -> Result<Completion, TransportError> {
        self.opcodes.lock().unwrap().push(cdb[0]);
        self.inner.execute(cdb, data, timeout)
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
}

/// WRITE(10), the command that changes a CD.
pub const WRITE10: u8 = 0x2A;

pub fn msf(m: u8, s: u8, f: u8) -> Msf {
    Msf::new(m, s, f).unwrap()
}

/// A drive directory with a blank `media` whose ATIP lead-in starts at `lead_in` (and whose
/// last possible lead-out is `last_lead_out`), accepting raw Data Block Types `dbts`.
pub fn drive(
    media: MediaKind,
    lead_in: Option<Msf>,
    last_lead_out: Option<Msf>,
    dbts: &[u8],
) -> (tempfile::TempDir, Recorder, Arc<Mutex<Vec<u8>>>) {
    let dir = tempfile::tempdir().unwrap();
    let mut drive = EmulatedDrive::open(dir.path()).unwrap();
    drive.set_raw_data_block_types(dbts).unwrap();
    if media.is_cd() {
        drive
            .load_blank_with(
                media,
                MediaOptions {
                    atip_lead_in_start: lead_in,
                    atip_last_lead_out_start: last_lead_out,
                    ..MediaOptions::default()
                },
            )
            .unwrap();
    } else {
        drive.load_blank(media).unwrap();
    }
    let opcodes = Arc::new(Mutex::new(Vec::new()));
    let rec = Recorder::from_transport(
        Box::new(Recording {
            inner: drive,
            opcodes: opcodes.clone(),
        }),
        format!("emu:{}", dir.path().display()),
    );
    (dir, rec, opcodes)
}

/// `blocks` sectors of a recognisable 16-bit stereo PCM pattern (seeded).
pub fn pcm(blocks: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..blocks * 2352)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 11) as u8
        })
        .collect()
}

/// Writes `pcm` as a WAV file with the given format (16-bit samples; `pcm` is stereo 16-bit
/// little-endian and is reinterpreted sample by sample).
pub fn write_wav(path: &Path, pcm: &[u8], rate: u32, channels: u16) {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for s in pcm.chunks_exact(2) {
        w.write_sample(i16::from_le_bytes([s[0], s[1]])).unwrap();
    }
    w.finalize().unwrap();
}

/// The main channel (2352 bytes) of image block `lba`.
pub fn image_main(image: &mut RawCdImage, lba: Lba) -> Vec<u8> {
    let block = image.layout().block_bytes() as u64;
    let start = image.layout().image_start().0;
    let offset = (i64::from(lba.0) - i64::from(start)) as u64 * block;
    image.seek(SeekFrom::Start(offset)).unwrap();
    let mut b = vec![0u8; block as usize];
    image.read_exact(&mut b).unwrap();
    b.truncate(2352);
    b
}

/// Whether `tool` is on the PATH.
pub fn has(tool: &str) -> bool {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}
