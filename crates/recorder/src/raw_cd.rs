//! Raw CD: the IMAPI raw image creator (`IRawCDImageCreator`), cue sheet import, the raw
//! Disc-At-Once writer (`IDiscFormat2RawCD`) and reading a CD back (TOC with index points,
//! CD-Text, export to cue/bin).
//!
//! The bytes of every block are made by `discmaster_cd::dao` (no IO there); this module reads
//! the sources, streams the image and talks to the drive.
//!
//! Spec: reference `imapi2.md` §2.9, §2.15, §2.16, §3.11, §3.15, §3.16, §4.6, §4.8, §5.5, §5.7,
//! §5.13; `mmc.md` §1.12, §1.17, §1.23, §2.2, §4.

mod creator;
mod cue;
mod export;
mod source;
mod writer;

pub use creator::{DigitalCopySetting, IndexAdded, RawCdImage, RawCdImageCreator, RawCdTrackInfo};
pub use cue::{cue_file_path, cue_layout, read_cue_sheet};
pub use export::{CdToc, CdTocTrack, CdTrackKind, ExportOutcome};
pub use source::TrackSource;
pub use writer::{
    RawCdCancelHandle, RawCdProgressEvent, RawCdWriteAction, RawCdWriteOutcome, RawCdWriter,
};
