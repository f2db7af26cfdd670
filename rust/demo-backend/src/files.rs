//! The `hash_files` method: a streaming, cancellable directory walk.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use qrustbridge::{Context, Error};
use serde_json::{json, Value};

/// `{"path": DIR}` → one chunk per regular file (sorted by relative path),
/// `{"file", "bytes", "hash" (FNV-1a 64, 16 hex digits), "done", "total"}`,
/// then `{"files": N, "bytes": TOTAL}`. Symlinks are not followed.
pub fn hash_files(params: Value, ctx: &Context) -> Result<Value, Error> {
    let root = PathBuf::from(params["path"].as_str().ok_or("invalid params: missing \"path\"")?);
    let mut files = Vec::new();
    let meta = fs::symlink_metadata(&root).map_err(|e| format!("cannot read {}: {}", root.display(), e))?;
    if meta.is_file() {
        let name = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        files.push((name, root.clone()));
    } else {
        walk(&root, "", &mut files).map_err(|e| format!("cannot list {}: {}", root.display(), e))?;
    }
    files.sort();

    let total = files.len();
    let mut total_bytes = 0u64;
    for (done, (rel, path)) in files.iter().enumerate() {
        if ctx.is_cancelled() {
            return Err("cancelled".into());
        }
        let (bytes, hash) = fnv1a_file(path, ctx).map_err(|e| format!("cannot read {}: {}", rel, e))?;
        total_bytes += bytes;
        ctx.send_chunk(json!({
            "file": rel,
            "bytes": bytes,
            "hash": format!("{:016x}", hash),
            "done": done + 1,
            "total": total,
        }));
    }
    Ok(json!({ "files": total, "bytes": total_bytes }))
}

fn walk(dir: &Path, rel: &str, out: &mut Vec<(String, PathBuf)>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel_child = if rel.is_empty() { name } else { format!("{}/{}", rel, name) };
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&entry.path(), &rel_child, out)?;
        } else if kind.is_file() {
            out.push((rel_child, entry.path()));
        }
    }
    Ok(())
}

/// Size and FNV-1a 64 hash of a file; stops early when cancelled.
fn fnv1a_file(path: &Path, ctx: &Context) -> io::Result<(u64, u64)> {
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 || ctx.is_cancelled() {
            return Ok((size, hash));
        }
        for &b in &buf[..n] {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        size += n as u64;
    }
}
