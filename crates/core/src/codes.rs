//! The registry of every IMAPI2 HRESULT discmaster uses, plus discmaster's own `0xC0AA_Fxxx` codes.
//!
//! Values are the `imapi2error.h` header values (`../shared/reference/imapi2.md` §4; where
//! Microsoft's pages disagree, the header wins, §0.4). Our own codes live in `0xC0AA_F000..`
//! and are never reused. `docs/error-codes.md` is generated from this table
//! (`cargo run -p discmaster-core --example error_codes_md`).

use crate::ErrorCode;

macro_rules! registry {
    ($($name:ident = $value:expr, $meaning:expr;)*) => {
        impl ErrorCode {
            $(
                #[doc = $meaning]
                pub const $name: ErrorCode = ErrorCode($value);
            )*
        }
        /// Every registered code as `(code, name, meaning)`, sorted by numeric value.
        pub const REGISTRY: &[(ErrorCode, &str, &str)] = &[
            $((ErrorCode($value), stringify!($name), $meaning),)*
        ];
    };
}

registry! {
    S_OK = 0x0000_0000, "success";
    S_FALSE = 0x0000_0001, "success, negative answer (IsRecorderSupported, IsCurrentMediaSupported)";
    S_IMAPI_SPEEDADJUSTED = 0x00AA_0004, "SUCCESS: requested write speed unsupported, nearest supported speed used";
    S_IMAPI_ROTATIONADJUSTED = 0x00AA_0005, "SUCCESS: requested rotation control unsupported, another one used";
    S_IMAPI_BOTHADJUSTED = 0x00AA_0006, "SUCCESS: both speed and rotation had to be changed";
    S_IMAPI_COMMAND_HAS_SENSE_DATA = 0x00AA_0200, "SUCCESS code: the device rejected the command but sense data was returned in SenseBuffer";
    S_IMAPI_WRITE_NOT_IN_PROGRESS = 0x00AA_0302, "SUCCESS: the WriteSection has not started yet, cannot cancel now; retry CancelWrite";
    S_IMAPI_RAW_IMAGE_TRACK_INDEX_ALREADY_EXISTS = 0x00AA_0A08, "SUCCESS: an index at that offset already exists";
    IMAPI_S_IMAGE_FEATURE_NOT_SUPPORTED = 0x00AA_B15F, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    E_NOTIMPL = 0x8000_4001, "not implemented (Data.Write list, LastWrittenAddressOfPreviousSession, UseStreamingWrite12 = TRUE, RandomWrite.LastWrittenAddress when the drive can't report)";
    E_POINTER = 0x8000_4003, "invalid (output) pointer; some pages add that it does not necessarily mean NULL; RawCD.SupportedSectorTypes also uses it for \"no recorder set\"";
    E_FAIL = 0x8000_4005, "unspecified failure";
    E_ACCESSDENIED = 0x8007_0005, "AcquireExclusiveAccess: device in use by another application (page spells it `E_ACCESS_DENIED`)";
    HRESULT_FROM_WIN32_ERROR_INVALID_HANDLE = 0x8007_0006, "device handle invalid (docs wrongly print \"6\")";
    E_OUTOFMEMORY = 0x8007_000E, "allocation failure";
    HRESULT_FROM_WIN32_ERROR_DEV_NOT_EXIST = 0x8007_0037, "device gone (unplugged) (docs wrongly print \"55\")";
    E_INVALIDARG = 0x8007_0057, "bad argument";
    E_IMAPI_ERASE_RECORDER_IN_USE = 0x80AA_0900, "Recorder is busy erasing; cannot change/clear it";
    E_IMAPI_ERASE_ONLY_ONE_RECORDER_SUPPORTED = 0x80AA_0901, "Erase object holds one recorder; clear before setting another";
    E_IMAPI_ERASE_DISC_INFORMATION_TOO_SMALL = 0x80AA_0902, "READ DISC INFORMATION returned too little data";
    E_IMAPI_ERASE_MODE_PAGE_2A_TOO_SMALL = 0x80AA_0903, "MODE SENSE page 0x2A returned too little data";
    E_IMAPI_ERASE_MEDIA_IS_NOT_ERASABLE = 0x80AA_0904, "Drive says disc is not erasable";
    E_IMAPI_ERASE_DRIVE_FAILED_ERASE_COMMAND = 0x80AA_0905, "BLANK/FORMAT command failed";
    E_IMAPI_ERASE_TOOK_LONGER_THAN_ONE_HOUR = 0x80AA_0906, "Erase did not finish within one hour (also: CD-RW/DVD-RW erase failed due to bad media/drive)";
    E_IMAPI_ERASE_UNEXPECTED_DRIVE_RESPONSE_DURING_ERASE = 0x80AA_0907, "Unexpected error during erase; state unknown (maybe still erasing)";
    E_IMAPI_ERASE_DRIVE_FAILED_SPINUP_COMMAND = 0x80AA_0908, "START STOP UNIT (spin-up) failed";
    E_IMAPI_RAW_IMAGE_IS_READ_ONLY = 0x80AA_0A00, "CreateResultImage already called; object frozen";
    E_IMAPI_RAW_IMAGE_TOO_MANY_TRACKS = 0x80AA_0A01, "Track numbers limited to 1..99";
    E_IMAPI_RAW_IMAGE_SECTOR_TYPE_NOT_SUPPORTED = 0x80AA_0A02, "Sector type not supported";
    E_IMAPI_RAW_IMAGE_NO_TRACKS = 0x80AA_0A03, "Needs at least one track";
    E_IMAPI_RAW_IMAGE_TRACKS_ALREADY_ADDED = 0x80AA_0A04, "Only allowed before the first track is added";
    E_IMAPI_RAW_IMAGE_INSUFFICIENT_SPACE = 0x80AA_0A05, "Would push lead-out start past the limit";
    E_IMAPI_RAW_IMAGE_TOO_MANY_TRACK_INDEXES = 0x80AA_0A06, "More than 99 indexes in a track";
    E_IMAPI_RAW_IMAGE_TRACK_INDEX_NOT_FOUND = 0x80AA_0A07, "No index at that offset";
    E_IMAPI_RAW_IMAGE_TRACK_INDEX_OFFSET_ZERO_CANNOT_BE_CLEARED = 0x80AA_0A09, "Index 1 (offset 0) is mandatory";
    E_IMAPI_RAW_IMAGE_TRACK_INDEX_TOO_CLOSE_TO_OTHER_INDEX = 0x80AA_0A0A, "Indexes must be at least 10 sectors apart";
    E_IMAPI_REQUEST_CANCELLED = 0xC0AA_0002, "Operation was cancelled (CancelWrite/CancelAddTrack or cancel during write)";
    E_IMAPI_RECORDER_REQUIRED = 0xC0AA_0003, "No recorder has been assigned to the format object yet";
    E_IMAPI_BURN_VERIFICATION_FAILED = 0xC0AA_0007, "Post-burn verification failed; disc may be corrupt/unusable";
    E_IMAPI_RECORDER_NO_SUCH_MODE_PAGE = 0xC0AA_0201, "Device says the requested mode page (and page-control type) does not exist";
    E_IMAPI_RECORDER_MEDIA_NO_MEDIA = 0xC0AA_0202, "No disc in the drive";
    E_IMAPI_RECORDER_MEDIA_INCOMPATIBLE = 0xC0AA_0203, "Disc incompatible or of unknown physical format";
    E_IMAPI_RECORDER_MEDIA_UPSIDE_DOWN = 0xC0AA_0204, "Disc inserted upside down";
    E_IMAPI_RECORDER_MEDIA_BECOMING_READY = 0xC0AA_0205, "Drive is becoming ready; retry later";
    E_IMAPI_RECORDER_MEDIA_FORMAT_IN_PROGRESS = 0xC0AA_0206, "Disc is being formatted; wait for completion";
    E_IMAPI_RECORDER_MEDIA_BUSY = 0xC0AA_0207, "Drive busy with a long operation (e.g. finishing a write), may stay unusable a long time";
    E_IMAPI_RECORDER_INVALID_MODE_PARAMETERS = 0xC0AA_0208, "MODE SELECT parameter combination rejected by the drive";
    E_IMAPI_RECORDER_MEDIA_WRITE_PROTECTED = 0xC0AA_0209, "Drive reports the disc write-protected";
    E_IMAPI_RECORDER_NO_SUCH_FEATURE = 0xC0AA_020A, "Requested feature not supported by the device";
    E_IMAPI_RECORDER_FEATURE_IS_NOT_CURRENT = 0xC0AA_020B, "Feature supported but not current (e.g. not for the present media)";
    E_IMAPI_RECORDER_GET_CONFIGURATION_NOT_SUPPORTED = 0xC0AA_020C, "Drive does not implement GET CONFIGURATION";
    E_IMAPI_RECORDER_COMMAND_TIMEOUT = 0xC0AA_020D, "Command not completed within the timeout (drive wedged or timeout too short)";
    E_IMAPI_RECORDER_DVD_STRUCTURE_NOT_PRESENT = 0xC0AA_020E, "Requested DVD structure absent (drive/media mismatch)";
    E_IMAPI_RECORDER_MEDIA_SPEED_MISMATCH = 0xC0AA_020F, "Media speed class outside the drive's supported range";
    E_IMAPI_RECORDER_LOCKED = 0xC0AA_0210, "Device is exclusively locked by another client; query ExclusiveAccessOwner";
    E_IMAPI_RECORDER_CLIENT_NAME_IS_NOT_VALID = 0xC0AA_0211, "Client name rejected";
    E_IMAPI_RECORDER_MEDIA_NOT_FORMATTED = 0xC0AA_0212, "Disc must be formatted before use";
    E_IMAPI_RECORDER_INVALID_RESPONSE_FROM_DEVICE = 0xC0AA_02FF, "Device returned malformed/unexpected data";
    E_IMAPI_LOSS_OF_STREAMING = 0xC0AA_0300, "Buffer underrun: data not delivered fast enough (fixes: local source, lower speed, enable BUF)";
    E_IMAPI_UNEXPECTED_RESPONSE_FROM_DEVICE = 0xC0AA_0301, "Write failed with unrecoverable error information from the drive";
    E_IMAPI_DF2DATA_WRITE_IN_PROGRESS = 0xC0AA_0400, "A Write is running (property changes/Write refused)";
    E_IMAPI_DF2DATA_WRITE_NOT_IN_PROGRESS = 0xC0AA_0401, "No Write running";
    E_IMAPI_DF2DATA_INVALID_MEDIA_STATE = 0xC0AA_0402, "Operation needs supported media";
    E_IMAPI_DF2DATA_STREAM_NOT_SUPPORTED = 0xC0AA_0403, "Stream unsuitable — size must be a multiple of 2048";
    E_IMAPI_DF2DATA_STREAM_TOO_LARGE_FOR_CURRENT_MEDIA = 0xC0AA_0404, "Stream larger than the space on the disc";
    E_IMAPI_DF2DATA_MEDIA_NOT_BLANK = 0xC0AA_0405, "Overwriting non-blank media needs ForceOverwrite = TRUE";
    E_IMAPI_DF2DATA_MEDIA_IS_NOT_SUPPORTED = 0xC0AA_0406, "Current media type unsupported by the data writer";
    E_IMAPI_DF2DATA_RECORDER_NOT_SUPPORTED = 0xC0AA_0407, "Recorder lacks what the data format needs";
    E_IMAPI_DF2DATA_CLIENT_NAME_IS_NOT_VALID = 0xC0AA_0408, "Client name rejected";
    E_IMAPI_DF2TAO_WRITE_IN_PROGRESS = 0xC0AA_0500, "A track write is running";
    E_IMAPI_DF2TAO_WRITE_NOT_IN_PROGRESS = 0xC0AA_0501, "No track write running";
    E_IMAPI_DF2TAO_MEDIA_IS_NOT_PREPARED = 0xC0AA_0502, "PrepareMedia has not been called";
    E_IMAPI_DF2TAO_MEDIA_IS_PREPARED = 0xC0AA_0503, "Not allowed while prepared (before ReleaseMedia)";
    E_IMAPI_DF2TAO_PROPERTY_FOR_BLANK_MEDIA_ONLY = 0xC0AA_0504, "Property fixed once the disc has been written";
    E_IMAPI_DF2TAO_TABLE_OF_CONTENTS_EMPTY_DISC = 0xC0AA_0505, "No TOC on an empty disc";
    E_IMAPI_DF2TAO_MEDIA_IS_NOT_BLANK = 0xC0AA_0506, "TAO needs blank CD-R/RW";
    E_IMAPI_DF2TAO_MEDIA_IS_NOT_SUPPORTED = 0xC0AA_0507, "TAO needs blank CD-R/RW (wrong media type)";
    E_IMAPI_DF2TAO_TRACK_LIMIT_REACHED = 0xC0AA_0508, "CD limit of 99 audio tracks reached";
    E_IMAPI_DF2TAO_NOT_ENOUGH_SPACE = 0xC0AA_0509, "Track does not fit in remaining space";
    E_IMAPI_DF2TAO_NO_RECORDER_SPECIFIED = 0xC0AA_050A, "PrepareMedia called before a recorder was set";
    E_IMAPI_DF2TAO_INVALID_ISRC = 0xC0AA_050B, "ISRC malformed";
    E_IMAPI_DF2TAO_INVALID_MCN = 0xC0AA_050C, "Media Catalog Number malformed";
    E_IMAPI_DF2TAO_STREAM_NOT_SUPPORTED = 0xC0AA_050D, "Audio stream invalid";
    E_IMAPI_DF2TAO_RECORDER_NOT_SUPPORTED = 0xC0AA_050E, "Recorder lacks TAO capability";
    E_IMAPI_DF2TAO_CLIENT_NAME_IS_NOT_VALID = 0xC0AA_050F, "Client name rejected";
    E_IMAPI_DF2RAW_WRITE_IN_PROGRESS = 0xC0AA_0600, "A raw write is running";
    E_IMAPI_DF2RAW_WRITE_NOT_IN_PROGRESS = 0xC0AA_0601, "No raw write running";
    E_IMAPI_DF2RAW_MEDIA_IS_NOT_PREPARED = 0xC0AA_0602, "PrepareMedia has not been called";
    E_IMAPI_DF2RAW_MEDIA_IS_PREPARED = 0xC0AA_0603, "Not allowed while prepared";
    E_IMAPI_DF2RAW_CLIENT_NAME_IS_NOT_VALID = 0xC0AA_0604, "Client name rejected";
    E_IMAPI_DF2RAW_MEDIA_IS_NOT_BLANK = 0xC0AA_0606, "DAO needs blank CD-R/RW";
    E_IMAPI_DF2RAW_MEDIA_IS_NOT_SUPPORTED = 0xC0AA_0607, "DAO needs CD-R/RW (wrong media type); also RawCD.IsRecorderSupported \"no\" result";
    E_IMAPI_DF2RAW_NOT_ENOUGH_SPACE = 0xC0AA_0609, "Session does not fit on the disc";
    E_IMAPI_DF2RAW_NO_RECORDER_SPECIFIED = 0xC0AA_060A, "PrepareMedia called before a recorder was set";
    E_IMAPI_DF2RAW_STREAM_NOT_SUPPORTED = 0xC0AA_060D, "Stream invalid (the docs reuse the TAO \"audio stream\" wording)";
    E_IMAPI_DF2RAW_DATA_BLOCK_TYPE_NOT_SUPPORTED = 0xC0AA_060E, "Requested sub-channel data block type not supported by this drive";
    E_IMAPI_DF2RAW_STREAM_LEADIN_TOO_SHORT = 0xC0AA_060F, "Stream has too few lead-in sectors for this disc's lead-in start";
    E_IMAPI_DF2RAW_RECORDER_NOT_SUPPORTED = 0xC0AA_0610, "Recorder lacks raw DAO capability";
    E_IMAPI_ERASE_MEDIA_IS_NOT_SUPPORTED = 0xC0AA_0909, "Media type not supported for erase";
    E_IMAPI_ERASE_RECORDER_NOT_SUPPORTED = 0xC0AA_090A, "Recorder lacks erase capability";
    E_IMAPI_ERASE_CLIENT_NAME_IS_NOT_VALID = 0xC0AA_090B, "Client name rejected";
    IMAPI_E_FSI_INTERNAL_ERROR = 0xC0AA_B100, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_INVALID_PARAM = 0xC0AA_B101, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_READONLY = 0xC0AA_B102, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_NO_OUTPUT = 0xC0AA_B103, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_INVALID_VOLUME_NAME = 0xC0AA_B104, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_INVALID_DATE = 0xC0AA_B105, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_FILE_SYSTEM_NOT_EMPTY = 0xC0AA_B106, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_NOT_FILE = 0xC0AA_B108, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_NOT_DIR = 0xC0AA_B109, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_DIR_NOT_EMPTY = 0xC0AA_B10A, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_NOT_IN_FILE_SYSTEM = 0xC0AA_B10B, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_INVALID_PATH = 0xC0AA_B110, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_RESTRICTED_NAME_VIOLATION = 0xC0AA_B111, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_DUP_NAME = 0xC0AA_B112, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_NO_UNIQUE_NAME = 0xC0AA_B113, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_ITEM_NOT_FOUND = 0xC0AA_B118, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_FILE_NOT_FOUND = 0xC0AA_B119, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_DIR_NOT_FOUND = 0xC0AA_B11A, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_IMAGE_SIZE_LIMIT = 0xC0AA_B120, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_IMAGE_TOO_BIG = 0xC0AA_B121, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_DATA_STREAM_INCONSISTENCY = 0xC0AA_B128, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_DATA_STREAM_READ_FAILURE = 0xC0AA_B129, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_DATA_STREAM_CREATE_FAILURE = 0xC0AA_B12A, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_DIRECTORY_READ_FAILURE = 0xC0AA_B12B, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_TOO_MANY_DIRS = 0xC0AA_B130, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_ISO9660_LEVELS = 0xC0AA_B131, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_DATA_TOO_BIG = 0xC0AA_B132, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_INCOMPATIBLE_PREVIOUS_SESSION = 0xC0AA_B133, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_STASHFILE_OPEN_FAILURE = 0xC0AA_B138, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_STASHFILE_SEEK_FAILURE = 0xC0AA_B139, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_STASHFILE_WRITE_FAILURE = 0xC0AA_B13A, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_STASHFILE_READ_FAILURE = 0xC0AA_B13B, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_INVALID_WORKING_DIRECTORY = 0xC0AA_B140, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_WORKING_DIRECTORY_SPACE = 0xC0AA_B141, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_STASHFILE_MOVE = 0xC0AA_B142, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_BOOT_IMAGE_DATA = 0xC0AA_B148, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_BOOT_OBJECT_CONFLICT = 0xC0AA_B149, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_BOOT_EMULATION_IMAGE_SIZE_MISMATCH = 0xC0AA_B14A, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_EMPTY_DISC = 0xC0AA_B150, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_NO_SUPPORTED_FILE_SYSTEM = 0xC0AA_B151, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_FILE_SYSTEM_NOT_FOUND = 0xC0AA_B152, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_FILE_SYSTEM_READ_CONSISTENCY_ERROR = 0xC0AA_B153, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_FILE_SYSTEM_FEATURE_NOT_SUPPORTED = 0xC0AA_B154, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_IMPORT_TYPE_COLLISION_FILE_EXISTS_AS_DIRECTORY = 0xC0AA_B155, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_IMPORT_SEEK_FAILURE = 0xC0AA_B156, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_IMPORT_READ_FAILURE = 0xC0AA_B157, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_DISC_MISMATCH = 0xC0AA_B158, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_IMPORT_MEDIA_NOT_ALLOWED = 0xC0AA_B159, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_UDF_NOT_WRITE_COMPATIBLE = 0xC0AA_B15A, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_INCOMPATIBLE_MULTISESSION_TYPE = 0xC0AA_B15B, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_NO_COMPATIBLE_MULTISESSION_TYPE = 0xC0AA_B15C, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_MULTISESSION_NOT_SET = 0xC0AA_B15D, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_IMPORT_TYPE_COLLISION_DIRECTORY_EXISTS_AS_FILE = 0xC0AA_B15E, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_PROPERTY_NOT_ACCESSIBLE = 0xC0AA_B160, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_UDF_REVISION_CHANGE_NOT_ALLOWED = 0xC0AA_B161, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_BAD_MULTISESSION_PARAMETER = 0xC0AA_B162, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_FILE_SYSTEM_CHANGE_NOT_ALLOWED = 0xC0AA_B163, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_IMAGEMANAGER_IMAGE_NOT_ALIGNED = 0xC0AA_B200, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_IMAGEMANAGER_NO_VALID_VD_FOUND = 0xC0AA_B201, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_IMAGEMANAGER_NO_IMAGE = 0xC0AA_B202, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    IMAPI_E_IMAGEMANAGER_IMAGE_TOO_BIG = 0xC0AA_B203, "IMAPI2FS (imapi2fserror.h, imapi2.md §4.10): file-system image builder code";
    E_DISCMASTER_INVALID_ADDRESS = 0xC0AA_F001, "The drive address could not be parsed or names no drive";
    E_DISCMASTER_IO = 0xC0AA_F002, "A file or device could not be read or written by the host";
    E_DISCMASTER_VERIFY_MISMATCH = 0xC0AA_F003, "Read-back data differs from the source (burn verification); detail of E_IMAPI_BURN_VERIFICATION_FAILED";
    E_DISCMASTER_TRANSPORT = 0xC0AA_F004, "The transport failed to deliver a command (host, driver or connection error)";
    E_DISCMASTER_IMAGE_BUILD = 0xC0AA_F005, "Building the ISO 9660 image from a directory failed";
    E_DISCMASTER_NO_SUCH_TRACK = 0xC0AA_F006, "The requested track does not exist on the medium";
}
