//! Track sources: raw files or memory (2048-byte user data, 2352-byte sectors, little- or
//! big-endian PCM) and decoded audio containers (WAV through `hound`, FLAC through `claxon`),
//! read by byte offset of their content (decoded PCM for audio containers).
//!
//! Invariants: a source's content length is known when it is described; reading past the
//! end yields zeros (the silence that pads a partial last audio sector); audio containers
//! must hold 44 100 Hz, 16-bit, 2-channel PCM (Red Book), else the description is refused.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use discmaster_core::ErrorCode;

use crate::error::{Error, Result};

/// Where a track's bytes come from (IMAPI passes an `IStream`).
///
/// For an audio track a file starting with `RIFF` is decoded as WAV and one starting with
/// `fLaC` as FLAC; any other file or memory is raw little-endian 16-bit stereo PCM. For a
/// Mode 1 track the bytes are 2048-byte user-data sectors (an ISO 9660 image).
#[derive(Debug, Clone)]
pub enum TrackSource {
    /// A file, opened again whenever the image is generated.
    File(PathBuf),
    /// Bytes in memory.
    Memory(Arc<Vec<u8>>),
}

impl TrackSource {
    /// A file source.
    pub fn file(path: impl Into<PathBuf>) -> TrackSource {
        TrackSource::File(path.into())
    }

    /// An in-memory source.
    pub fn memory(bytes: Vec<u8>) -> TrackSource {
        TrackSource::Memory(Arc::new(bytes))
    }
}

/// How the content of a source is obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SourceFormat {
    /// The bytes as stored.
    Raw,
    /// 16-bit big-endian samples (cue `MOTOROLA`), swapped to little-endian.
    SwappedPcm,
    /// A RIFF WAVE file, decoded.
    Wav,
    /// A FLAC file, decoded.
    Flac,
}

/// A described source: origin, format and content length.
#[derive(Debug, Clone)]
pub(crate) struct SourceSpec {
    pub(crate) origin: TrackSource,
    pub(crate) format: SourceFormat,
    /// Content bytes (decoded PCM for audio containers). Units: bytes.
    pub(crate) len: u64,
}

fn io_err(path: &Path, e: std::io::Error) -> Error {
    Error::io(path.display().to_string(), e)
}

fn not_cd_audio(name: &str, rate: u32, channels: u32, bits: u32) -> Error {
    Error::refused(
        ErrorCode::E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED,
        format!(
            "{name}: {rate} Hz, {channels} channel(s), {bits}-bit; a CD audio track needs \
             44100 Hz, 2 channels, 16-bit PCM (convert it, e.g. `sox IN -r 44100 -c 2 -b 16 OUT.wav`)"
        ),
    )
}

fn bad_container(name: &str, what: &str, e: impl std::fmt::Display) -> Error {
    Error::refused(
        ErrorCode::E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED,
        format!("{name}: not a readable {what} file: {e}"),
    )
}

impl SourceSpec {
    /// The raw bytes of `origin`.
    ///
    /// # Errors
    /// `E_DISCMASTER_IO` when the file cannot be read.
    pub(crate) fn raw(origin: TrackSource) -> Result<SourceSpec> {
        let len = match &origin {
            TrackSource::File(p) => std::fs::metadata(p).map_err(|e| io_err(p, e))?.len(),
            TrackSource::Memory(m) => m.len() as u64,
        };
        Ok(SourceSpec {
            origin,
            format: SourceFormat::Raw,
            len,
        })
    }

    /// Big-endian PCM bytes of `origin` (cue `MOTOROLA`).
    ///
    /// # Errors
    /// As [`SourceSpec::raw`].
    pub(crate) fn swapped(origin: TrackSource) -> Result<SourceSpec> {
        let mut s = SourceSpec::raw(origin)?;
        s.format = SourceFormat::SwappedPcm;
        Ok(s)
    }

    /// An audio source: WAV or FLAC by their magic bytes, else raw PCM.
    ///
    /// # Errors
    /// `E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED` for audio that is not 44.1 kHz 16-bit
    /// stereo or a damaged container; `E_DISCMASTER_IO`.
    pub(crate) fn audio(origin: TrackSource) -> Result<SourceSpec> {
        let TrackSource::File(path) = &origin else {
            return SourceSpec::raw(origin);
        };
        let mut magic = [0u8; 4];
        let mut f = File::open(path).map_err(|e| io_err(path, e))?;
        let n = read_full(&mut f, &mut magic).map_err(|e| io_err(path, e))?;
        match &magic[..n] {
            b"RIFF" => SourceSpec::wav(path),
            b"fLaC" => SourceSpec::flac(path),
            _ => SourceSpec::raw(origin),
        }
    }

    /// A WAV file (must be 44.1 kHz, 2 channels, 16-bit integer PCM).
    ///
    /// # Errors
    /// As [`SourceSpec::audio`].
    pub(crate) fn wav(path: &Path) -> Result<SourceSpec> {
        let name = path.display().to_string();
        let reader = hound::WavReader::open(path).map_err(|e| match e {
            hound::Error::IoError(io) => io_err(path, io),
            other => bad_container(&name, "WAV", other),
        })?;
        let spec = reader.spec();
        if spec.sample_rate != 44_100
            || spec.channels != 2
            || spec.bits_per_sample != 16
            || spec.sample_format != hound::SampleFormat::Int
        {
            return Err(not_cd_audio(
                &name,
                spec.sample_rate,
                u32::from(spec.channels),
                u32::from(spec.bits_per_sample),
            ));
        }
        Ok(SourceSpec {
            origin: TrackSource::File(path.to_path_buf()),
            format: SourceFormat::Wav,
            len: u64::from(reader.duration()) * 4,
        })
    }

    /// A FLAC file (must be 44.1 kHz, 2 channels, 16-bit, with its length in STREAMINFO).
    ///
    /// # Errors
    /// As [`SourceSpec::audio`].
    pub(crate) fn flac(path: &Path) -> Result<SourceSpec> {
        let name = path.display().to_string();
        let reader = claxon::FlacReader::open(path).map_err(|e| match e {
            claxon::Error::IoError(io) => io_err(path, io),
            other => bad_container(&name, "FLAC", other),
        })?;
        let info = reader.streaminfo();
        if info.sample_rate != 44_100 || info.channels != 2 || info.bits_per_sample != 16 {
            return Err(not_cd_audio(
                &name,
                info.sample_rate,
                info.channels,
                info.bits_per_sample,
            ));
        }
        let Some(samples) = info.samples else {
            return Err(bad_container(
                &name,
                "FLAC",
                "STREAMINFO does not give the number of samples",
            ));
        };
        Ok(SourceSpec {
            origin: TrackSource::File(path.to_path_buf()),
            format: SourceFormat::Flac,
            len: samples * 4,
        })
    }

    /// A short name for messages.
    pub(crate) fn name(&self) -> String {
        match &self.origin {
            TrackSource::File(p) => p.display().to_string(),
            TrackSource::Memory(_) => "memory".into(),
        }
    }

    /// Opens a reader positioned at content offset 0.
    pub(crate) fn open(&self) -> std::io::Result<SourceReader> {
        let kind = match (&self.origin, self.format) {
            (TrackSource::Memory(m), _) => ReaderKind::Memory(m.clone()),
            (TrackSource::File(p), SourceFormat::Raw | SourceFormat::SwappedPcm) => {
                ReaderKind::File(BufReader::with_capacity(1 << 16, File::open(p)?))
            }
            (TrackSource::File(p), SourceFormat::Wav) => {
                ReaderKind::Wav(Box::new(hound::WavReader::open(p).map_err(to_io)?))
            }
            (TrackSource::File(p), SourceFormat::Flac) => ReaderKind::Flac {
                reader: Box::new(claxon::FlacReader::open(p).map_err(to_io)?),
                pending: Vec::new(),
                used: 0,
                buffer: Vec::new(),
            },
        };
        Ok(SourceReader {
            pos: 0,
            swap: self.format == SourceFormat::SwappedPcm,
            kind,
        })
    }
}

fn to_io(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string())
}

/// Reads until `buf` is full or EOF; returns the bytes read.
pub(crate) fn read_full(r: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

enum ReaderKind {
    File(BufReader<File>),
    Memory(Arc<Vec<u8>>),
    Wav(Box<hound::WavReader<BufReader<File>>>),
    Flac {
        reader: Box<claxon::FlacReader<File>>,
        /// Decoded bytes of the current block.
        pending: Vec<u8>,
        /// Bytes of `pending` already consumed.
        used: usize,
        /// Sample buffer reused across blocks.
        buffer: Vec<i32>,
    },
}

/// A reader over a source's content, addressed by byte offset.
pub(crate) struct SourceReader {
    pos: u64,
    swap: bool,
    kind: ReaderKind,
}

impl SourceReader {
    /// Fills `buf` with content bytes from offset `at`; bytes past the end of the content are
    /// zero. Returns how many bytes came from the content.
    ///
    /// # Errors
    /// IO or decoding errors (`InvalidData`); a backward move on a FLAC stream needs
    /// [`SourceSpec::open`] again (the caller reopens).
    pub(crate) fn read_at(&mut self, at: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = match &mut self.kind {
            ReaderKind::Memory(m) => {
                let start = usize::try_from(at).unwrap_or(usize::MAX).min(m.len());
                let end = start.saturating_add(buf.len()).min(m.len());
                let n = end - start;
                buf[..n].copy_from_slice(&m[start..end]);
                n
            }
            ReaderKind::File(f) => {
                if at != self.pos {
                    f.seek(SeekFrom::Start(at))?;
                }
                read_full(f, buf)?
            }
            ReaderKind::Wav(w) => {
                if at != self.pos {
                    let frame = u32::try_from(at / 4).map_err(to_io)?;
                    w.seek(frame)?;
                }
                let mut n = 0;
                let mut samples = w.samples::<i16>();
                while n + 2 <= buf.len() {
                    match samples.next() {
                        Some(Ok(s)) => {
                            buf[n..n + 2].copy_from_slice(&s.to_le_bytes());
                            n += 2;
                        }
                        Some(Err(e)) => return Err(to_io(e)),
                        None => break,
                    }
                }
                n
            }
            ReaderKind::Flac {
                reader,
                pending,
                used,
                buffer,
            } => {
                if at < self.pos {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::Unsupported,
                        "FLAC streams are read forward only",
                    ));
                }
                let mut skip = at - self.pos;
                let mut n = 0;
                loop {
                    if skip == 0 && n == buf.len() {
                        break;
                    }
                    if *used == pending.len() {
                        let block = reader
                            .blocks()
                            .read_next_or_eof(std::mem::take(buffer))
                            .map_err(to_io)?;
                        let Some(block) = block else { break };
                        pending.clear();
                        *used = 0;
                        for (l, r) in block.channel(0).iter().zip(block.channel(1)) {
                            pending.extend_from_slice(&(*l as i16).to_le_bytes());
                            pending.extend_from_slice(&(*r as i16).to_le_bytes());
                        }
                        *buffer = block.into_buffer();
                        if pending.is_empty() {
                            continue;
                        }
                    }
                    let available = pending.len() - *used;
                    if skip > 0 {
                        let k = (skip.min(available as u64)) as usize;
                        *used += k;
                        skip -= k as u64;
                        continue;
                    }
                    let k = available.min(buf.len() - n);
                    buf[n..n + k].copy_from_slice(&pending[*used..*used + k]);
                    *used += k;
                    n += k;
                }
                n
            }
        };
        buf[n..].fill(0);
        if self.swap {
            for pair in buf[..n].chunks_exact_mut(2) {
                pair.swap(0, 1);
            }
        }
        self.pos = at + n as u64;
        Ok(n)
    }

    /// Whether reading at `at` needs a fresh reader (FLAC cannot move backward).
    pub(crate) fn needs_reopen(&self, at: u64) -> bool {
        matches!(self.kind, ReaderKind::Flac { .. }) && at < self.pos
    }
}
