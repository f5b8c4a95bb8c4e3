//! A bounded ring of buffers between a reader thread (fills from the image stream) and the
//! writer thread (sends WRITE commands). Peak memory is `depth × chunk_bytes` whatever the
//! image size (issue #2 item 5).

use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;

/// A filled buffer: `len` valid bytes.
pub(crate) struct Chunk {
    pub(crate) buf: Vec<u8>,
    pub(crate) len: usize,
}

/// The consumer end of the ring.
pub(crate) struct Ring {
    full: Receiver<std::io::Result<Chunk>>,
    empty: SyncSender<Vec<u8>>,
    reader: Option<JoinHandle<()>>,
    /// Bytes currently held in filled buffers (read, not yet written).
    pub(crate) used: Arc<AtomicU64>,
}

impl Ring {
    /// Starts the reader thread over `source`, with `depth` buffers of `chunk_bytes`.
    /// The reader reads exactly `limit` bytes (or stops early at EOF).
    pub(crate) fn start<R: Read + Send + 'static>(
        mut source: R,
        limit: u64,
        chunk_bytes: usize,
        depth: usize,
    ) -> Ring {
        let (full_tx, full_rx) = sync_channel::<std::io::Result<Chunk>>(depth);
        let (empty_tx, empty_rx) = sync_channel::<Vec<u8>>(depth);
        for _ in 0..depth {
            // Cannot fail: the channel has room for `depth` buffers and the receiver lives.
            let _ = empty_tx.send(vec![0u8; chunk_bytes]);
        }
        let used = Arc::new(AtomicU64::new(0));
        let used_r = used.clone();
        let reader = std::thread::Builder::new()
            .name("discmaster-reader".into())
            .spawn(move || {
                let mut remaining = limit;
                while remaining > 0 {
                    let Ok(mut buf) = empty_rx.recv() else { return };
                    let want = (buf.len() as u64).min(remaining) as usize;
                    let mut len = 0;
                    let result = loop {
                        if len == want {
                            break Ok(());
                        }
                        match source.read(&mut buf[len..want]) {
                            Ok(0) => break Ok(()),
                            Ok(n) => len += n,
                            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                            Err(e) => break Err(e),
                        }
                    };
                    match result {
                        Err(e) => {
                            let _ = full_tx.send(Err(e));
                            return;
                        }
                        Ok(()) => {
                            remaining -= len as u64;
                            used_r.fetch_add(len as u64, Ordering::SeqCst);
                            let eof = len < want;
                            if full_tx.send(Ok(Chunk { buf, len })).is_err() || eof {
                                return;
                            }
                        }
                    }
                }
            })
            .ok();
        Ring {
            full: full_rx,
            empty: empty_tx,
            reader,
            used,
        }
    }

    /// The next filled chunk; `None` when the reader has finished.
    pub(crate) fn next(&mut self) -> Option<std::io::Result<Chunk>> {
        self.full.recv().ok()
    }

    /// Gives a buffer back to the reader.
    pub(crate) fn recycle(&mut self, chunk: Chunk) {
        self.used.fetch_sub(chunk.len as u64, Ordering::SeqCst);
        let _ = self.empty.send(chunk.buf);
    }
}

impl Drop for Ring {
    fn drop(&mut self) {
        // Drain so the reader thread can exit, then join it.
        while let Ok(c) = self.full.try_recv() {
            drop(c);
        }
        let (dummy_tx, _) = sync_channel(0);
        self.empty = dummy_tx;
        while self.full.recv().is_ok() {}
        if let Some(h) = self.reader.take() {
            let _ = h.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_delivers_all_bytes_in_order() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let mut ring = Ring::start(
            std::io::Cursor::new(data.clone()),
            data.len() as u64,
            4096,
            3,
        );
        let mut out = Vec::new();
        while let Some(c) = ring.next() {
            let c = c.unwrap();
            out.extend_from_slice(&c.buf[..c.len]);
            ring.recycle(c);
        }
        assert_eq!(out, data);
    }

    #[test]
    fn ring_stops_at_limit() {
        let data = vec![7u8; 10_000];
        let mut ring = Ring::start(std::io::Cursor::new(data), 5000, 4096, 2);
        let mut n = 0;
        while let Some(c) = ring.next() {
            let c = c.unwrap();
            n += c.len;
            ring.recycle(c);
        }
        assert_eq!(n, 5000);
    }

    #[test]
    fn ring_dropped_early_joins_reader() {
        let data = vec![1u8; 1 << 20];
        let mut ring = Ring::start(std::io::Cursor::new(data), 1 << 20, 4096, 2);
        let c = ring.next().unwrap().unwrap();
        ring.recycle(c);
        drop(ring); // must not hang
    }
}
