//! [`ImageFile`]: the image's output file, write-buffered, remembering its first IO error.
//!
//! The writer (`hadris-iso`) emits many small directory-record writes and seeks back to
//! patch descriptors, and it reduces IO errors to an `ErrorKind`. This wrapper batches
//! sequential writes into one buffer of [`BUFFER_BYTES`] and keeps the first
//! [`std::io::Error`] so that the caller can report it with the output path.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};

/// Size of the write-back buffer, in bytes. Peak memory of the output side.
pub(crate) const BUFFER_BYTES: usize = 1 << 20;

/// A seekable output file with a write-back buffer.
///
/// Invariant: `buffer` holds the bytes of the image at `buffer_start ..
/// buffer_start + buffer.len()`, not yet written to `file`; `position` is the logical
/// cursor; `file_position` is the real cursor of `file` (`None` if unknown).
pub(crate) struct ImageFile {
    file: File,
    buffer: Vec<u8>,
    buffer_start: u64,
    position: u64,
    file_position: Option<u64>,
    first_error: Option<io::Error>,
}

impl ImageFile {
    /// Wraps `file`, which must be positioned at 0.
    pub(crate) fn new(file: File) -> Self {
        Self {
            file,
            buffer: Vec::with_capacity(BUFFER_BYTES),
            buffer_start: 0,
            position: 0,
            file_position: Some(0),
            first_error: None,
        }
    }

    /// The first IO error seen, if any.
    pub(crate) fn take_error(&mut self) -> Option<io::Error> {
        self.first_error.take()
    }

    /// Writes out the buffer and returns the file.
    pub(crate) fn finish(mut self) -> io::Result<File> {
        self.flush()?;
        Ok(self.file)
    }

    fn remember<T>(&mut self, result: io::Result<T>) -> io::Result<T> {
        if let Err(error) = &result {
            if self.first_error.is_none() {
                self.first_error = Some(io::Error::new(error.kind(), error.to_string()));
            }
        }
        result
    }

    fn seek_file(&mut self, to: u64) -> io::Result<()> {
        if self.file_position != Some(to) {
            self.file_position = None;
            let result = self.file.seek(SeekFrom::Start(to));
            self.remember(result)?;
            self.file_position = Some(to);
        }
        Ok(())
    }

    fn flush_buffer(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        self.seek_file(self.buffer_start)?;
        let result = self.file.write_all(&self.buffer);
        if result.is_err() {
            self.file_position = None;
        }
        self.remember(result)?;
        let len = self.buffer.len() as u64;
        self.file_position = Some(self.buffer_start + len);
        self.buffer.clear();
        Ok(())
    }
}

impl Write for ImageFile {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let buffer_end = self.buffer_start + self.buffer.len() as u64;
        if !self.buffer.is_empty() && self.position != buffer_end {
            self.flush_buffer()?;
        }
        if self.buffer.is_empty() {
            self.buffer_start = self.position;
        }
        let room = BUFFER_BYTES - self.buffer.len();
        let taken = bytes.len().min(room);
        self.buffer.extend_from_slice(&bytes[..taken]);
        self.position += taken as u64;
        if self.buffer.len() >= BUFFER_BYTES {
            self.flush_buffer()?;
        }
        Ok(taken)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.flush_buffer()?;
        let result = self.file.flush();
        self.remember(result)
    }
}

impl Seek for ImageFile {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(offset) => Some(offset),
            SeekFrom::Current(delta) => self.position.checked_add_signed(delta),
            SeekFrom::End(delta) => {
                self.flush_buffer()?;
                let result = self.file.metadata();
                let len = self.remember(result)?.len();
                len.checked_add_signed(delta)
            }
        };
        match target {
            Some(target) => {
                self.position = target;
                Ok(target)
            }
            None => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek to a negative or overflowing position",
            )),
        }
    }
}

impl Read for ImageFile {
    fn read(&mut self, into: &mut [u8]) -> io::Result<usize> {
        self.flush_buffer()?;
        self.seek_file(self.position)?;
        let result = self.file.read(into);
        if result.is_err() {
            self.file_position = None;
        }
        let read = self.remember(result)?;
        self.position += read as u64;
        self.file_position = Some(self.position);
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_file_scattered_writes_and_reads_match_a_plain_buffer() {
        let file = tempfile::tempfile().expect("tempfile");
        let mut image = ImageFile::new(file);
        let mut model = vec![0u8; 3 * BUFFER_BYTES];
        let mut model_len = 0usize;
        let mut write_at = |image: &mut ImageFile, at: usize, bytes: &[u8]| {
            image.seek(SeekFrom::Start(at as u64)).expect("seek");
            image.write_all(bytes).expect("write");
            model[at..at + bytes.len()].copy_from_slice(bytes);
            model_len = model_len.max(at + bytes.len());
            model_len
        };
        write_at(&mut image, 0, &[1; 100]);
        write_at(&mut image, 100, &vec![2; BUFFER_BYTES + 17]);
        write_at(&mut image, 50, &[3; 10]);
        let len = write_at(&mut image, 2 * BUFFER_BYTES, &[4; 4096]);

        image.seek(SeekFrom::Start(40)).expect("seek");
        let mut back = [0u8; 30];
        image.read_exact(&mut back).expect("read");
        assert_eq!(&back[..], &model[40..70]);

        let mut file = image.finish().expect("finish");
        let mut all = Vec::new();
        file.seek(SeekFrom::Start(0)).expect("seek");
        file.read_to_end(&mut all).expect("read");
        assert_eq!(all.len(), len);
        assert_eq!(&all[..], &model[..len]);
    }

    #[test]
    fn image_file_seek_before_start_fails() {
        let file = tempfile::tempfile().expect("tempfile");
        let mut image = ImageFile::new(file);
        assert!(image.seek(SeekFrom::Current(-1)).is_err());
    }
}
