//! Where dossier files live: a content-addressed blob store (the key is the SHA-256 of the
//! bytes, in hex). The local disk by default (`<dir>/ab/cd/<sha256>`), S3-compatible object
//! storage by configuration for several instances behind a load balancer.
//!
//! An upload is first *staged*: written to a temporary file while it is hashed, its first bytes
//! sniffed and its size checked against the limit, so a 2 GB upload is cut off at the limit and
//! never held in memory. Only a staged file that the command accepts is put in the store.

use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use zhixing_domain::dossier::{self, MediaType};

use crate::error::{AppError, AppResult};

/// The default per-file limit: 50 MB.
pub const DEFAULT_MAX_UPLOAD: u64 = 50 * 1024 * 1024;

/// A readable blob.
pub type BlobReader = Pin<Box<dyn AsyncRead + Send>>;

/// A content-addressed store of files.
#[async_trait::async_trait]
pub trait BlobStore: Send + Sync + std::fmt::Debug {
    /// Stores a staged file under its SHA-256; `false` if the content was already there.
    async fn put(&self, staged: &Staged) -> AppResult<bool>;
    /// Opens a stored blob for reading.
    async fn open(&self, sha256: &str) -> AppResult<BlobReader>;
    async fn exists(&self, sha256: &str) -> AppResult<bool>;
    async fn delete(&self, sha256: &str) -> AppResult<()>;
    /// Where uploads are staged before they are accepted.
    fn staging_dir(&self) -> PathBuf;
}

/// What configuration chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobConfig {
    Local {
        dir: PathBuf,
    },
    S3 {
        endpoint: String,
        bucket: String,
        access_key: String,
        secret_key: String,
        region: String,
        /// Local directory for staging uploads.
        staging: PathBuf,
    },
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("blob store: {e}"))
}

fn config_error(zh: String, en: String) -> AppError {
    AppError::invalid("blob.config", zh, en)
}

impl BlobConfig {
    /// From `ZHIXING_BLOB_DIR`, or `ZHIXING_BLOB_S3_ENDPOINT` with `_BUCKET`, `_KEY`, `_SECRET`
    /// and `_REGION` (default `us-east-1`); without either, `blobs/` beside a SQLite database
    /// file, else `data/blobs`.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>, db_url: &str) -> AppResult<BlobConfig> {
        let get = |k: &str| {
            var(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let local_dir = get("ZHIXING_BLOB_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| default_dir(db_url));
        if let Some(endpoint) = get("ZHIXING_BLOB_S3_ENDPOINT") {
            if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
                return Err(config_error(
                    format!("对象存储地址须以 http:// 或 https:// 开头：{endpoint}"),
                    format!("the object storage endpoint must start with http:// or https://: {endpoint}"),
                ));
            }
            let mut missing = Vec::new();
            let mut need = |k: &'static str| {
                get(k).unwrap_or_else(|| {
                    missing.push(k);
                    String::new()
                })
            };
            let bucket = need("ZHIXING_BLOB_S3_BUCKET");
            let access_key = need("ZHIXING_BLOB_S3_KEY");
            let secret_key = need("ZHIXING_BLOB_S3_SECRET");
            if !missing.is_empty() {
                return Err(config_error(
                    format!("已配置对象存储，但缺少 {}", missing.join("、")),
                    format!(
                        "object storage is configured but {} is missing",
                        missing.join(", ")
                    ),
                ));
            }
            return Ok(BlobConfig::S3 {
                endpoint,
                bucket,
                access_key,
                secret_key,
                region: get("ZHIXING_BLOB_S3_REGION").unwrap_or_else(|| "us-east-1".into()),
                staging: local_dir.join("tmp"),
            });
        }
        Ok(BlobConfig::Local { dir: local_dir })
    }

    pub fn from_env(db_url: &str) -> AppResult<BlobConfig> {
        BlobConfig::from_vars(|k| std::env::var(k).ok(), db_url)
    }

    pub fn build(&self) -> AppResult<Arc<dyn BlobStore>> {
        Ok(match self {
            BlobConfig::Local { dir } => Arc::new(LocalBlobs::new(dir.clone())),
            BlobConfig::S3 { .. } => Arc::new(S3Blobs::new(self)?),
        })
    }
}

/// `blobs/` beside a SQLite database file; `data/blobs` otherwise.
fn default_dir(db_url: &str) -> PathBuf {
    let u = db_url.trim();
    if u.starts_with("postgres") || u.contains(":memory:") {
        return PathBuf::from("data/blobs");
    }
    let path = u
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or("");
    match Path::new(path).parent() {
        Some(p) if !path.is_empty() => p.join("blobs"),
        _ => PathBuf::from("data/blobs"),
    }
}

/// A key is 64 lowercase hex digits, nothing else reaches a path.
fn check_key(sha256: &str) -> AppResult<()> {
    if sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        Ok(())
    } else {
        Err(internal(format!("bad key {sha256}")))
    }
}

/// `ab/cd/<sha256>`.
pub fn key_path(sha256: &str) -> String {
    format!("{}/{}/{}", &sha256[..2], &sha256[2..4], sha256)
}

// ---------------------------------------------------------------- staging

/// A file received, hashed and checked, waiting in the staging directory. Dropping it removes
/// the temporary file (a no-op once the store has moved it).
#[derive(Debug)]
pub struct Staged {
    pub path: PathBuf,
    pub sha256: String,
    pub size: u64,
    pub media: MediaType,
}

impl Drop for Staged {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// An upload being received: written to a temporary file while it is hashed; refused as soon
/// as its first bytes are not PDF/JPEG/PNG or it grows past the limit.
pub struct Staging {
    path: PathBuf,
    file: Option<tokio::io::BufWriter<tokio::fs::File>>,
    hasher: Sha256,
    size: u64,
    limit: u64,
    head: Vec<u8>,
    media: Option<MediaType>,
    tail: Vec<u8>,
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.file.is_some() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// The refusal of a file over the limit (the web answers it with 413).
pub fn too_large(limit: u64) -> AppError {
    let mb = limit as f64 / (1024.0 * 1024.0);
    AppError::invalid(
        "dossier.too_large",
        format!("文件超过大小上限 {mb:.0} MB，未保存"),
        format!("the file exceeds the {mb:.0} MB limit and was not stored"),
    )
}

impl Staging {
    pub async fn begin(dir: &Path, limit: u64) -> AppResult<Staging> {
        tokio::fs::create_dir_all(dir).await.map_err(internal)?;
        let name = format!(
            "upload-{}-{:016x}.part",
            std::process::id(),
            rand::random::<u64>()
        );
        let path = dir.join(name);
        let file = tokio::fs::File::create(&path).await.map_err(internal)?;
        Ok(Staging {
            path,
            file: Some(tokio::io::BufWriter::with_capacity(1 << 20, file)),
            hasher: Sha256::new(),
            size: 0,
            limit,
            head: Vec::with_capacity(dossier::SNIFF_LEN),
            media: None,
            tail: Vec::with_capacity(2048),
        })
    }

    pub async fn write(&mut self, chunk: &[u8]) -> AppResult<()> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(too_large(self.limit));
        }
        if self.media.is_none() {
            let want = dossier::SNIFF_LEN - self.head.len();
            self.head.extend_from_slice(&chunk[..want.min(chunk.len())]);
            if self.head.len() >= dossier::SNIFF_LEN {
                self.media = Some(dossier::sniff(&self.head)?);
            }
        }
        self.hasher.update(chunk);
        if chunk.len() >= 1024 {
            self.tail.clear();
            self.tail.extend_from_slice(&chunk[chunk.len() - 1024..]);
        } else {
            self.tail.extend_from_slice(chunk);
            if self.tail.len() > 1024 {
                self.tail.drain(..self.tail.len() - 1024);
            }
        }
        let file = self
            .file
            .as_mut()
            .ok_or_else(|| internal("staging closed"))?;
        file.write_all(chunk).await.map_err(internal)
    }

    /// The whole file is in: sniff (if it was shorter than the sniffing window), check that it
    /// is complete, and hand over the staged file.
    pub async fn finish(mut self) -> AppResult<Staged> {
        let media = match self.media {
            Some(m) => m,
            None => dossier::sniff(&self.head)?,
        };
        dossier::check_complete(media, self.size, &self.tail)?;
        let mut file = self.file.take().ok_or_else(|| internal("staging closed"))?;
        let staged = Staged {
            path: self.path.clone(),
            sha256: hex::encode(std::mem::take(&mut self.hasher).finalize()),
            size: self.size,
            media,
        };
        file.flush().await.map_err(internal)?;
        file.into_inner().sync_all().await.map_err(internal)?;
        Ok(staged)
    }
}

/// Stages a whole in-memory file (tests, small API uploads).
pub async fn stage_bytes(dir: &Path, limit: u64, bytes: &[u8]) -> AppResult<Staged> {
    let mut s = Staging::begin(dir, limit).await?;
    for chunk in bytes.chunks(64 * 1024) {
        s.write(chunk).await?;
    }
    s.finish().await
}

/// Stores bytes the system made itself (an issued document's PDF or DOCX): written to the
/// staging directory, then put like an accepted upload. Returns the key and whether the
/// content was new (only then may a failed command delete it again).
pub async fn put_bytes(store: &dyn BlobStore, bytes: &[u8]) -> AppResult<(String, bool)> {
    let dir = store.staging_dir();
    tokio::fs::create_dir_all(&dir).await.map_err(internal)?;
    let sha256 = hex::encode(Sha256::digest(bytes));
    let path = dir.join(format!(
        "made-{}-{:016x}.part",
        std::process::id(),
        rand::random::<u64>()
    ));
    tokio::fs::write(&path, bytes).await.map_err(internal)?;
    // `media` is what sniffing an upload found; the stores key by content alone and a DOCX is
    // no upload type, so nothing reads it here.
    let staged = Staged {
        path,
        sha256: sha256.clone(),
        size: bytes.len() as u64,
        media: MediaType::Pdf,
    };
    let created = store.put(&staged).await?;
    Ok((sha256, created))
}

/// A whole stored blob in memory (small files: issued documents).
pub async fn read_all(store: &dyn BlobStore, sha256: &str) -> AppResult<Vec<u8>> {
    let mut out = Vec::new();
    store
        .open(sha256)
        .await?
        .read_to_end(&mut out)
        .await
        .map_err(internal)?;
    Ok(out)
}

// ---------------------------------------------------------------- local disk

/// Files on the local disk: `<dir>/ab/cd/<sha256>`, written by renaming the staged file (same
/// file system: staging is `<dir>/tmp`).
#[derive(Debug, Clone)]
pub struct LocalBlobs {
    dir: PathBuf,
}

impl LocalBlobs {
    pub fn new(dir: PathBuf) -> LocalBlobs {
        LocalBlobs { dir }
    }

    pub fn path_of(&self, sha256: &str) -> PathBuf {
        self.dir.join(key_path(sha256))
    }
}

#[async_trait::async_trait]
impl BlobStore for LocalBlobs {
    async fn put(&self, staged: &Staged) -> AppResult<bool> {
        check_key(&staged.sha256)?;
        let target = self.path_of(&staged.sha256);
        if tokio::fs::try_exists(&target).await.map_err(internal)? {
            return Ok(false);
        }
        if let Some(parent) = target.parent() {
            tokio::fs::create_dir_all(parent).await.map_err(internal)?;
        }
        match tokio::fs::rename(&staged.path, &target).await {
            Ok(()) => Ok(true),
            // Another staging dir (another file system): copy, then rename within the target.
            Err(_) => {
                let part = target.with_extension("part");
                tokio::fs::copy(&staged.path, &part)
                    .await
                    .map_err(internal)?;
                tokio::fs::rename(&part, &target).await.map_err(internal)?;
                Ok(true)
            }
        }
    }

    async fn open(&self, sha256: &str) -> AppResult<BlobReader> {
        check_key(sha256)?;
        let f = tokio::fs::File::open(self.path_of(sha256))
            .await
            .map_err(internal)?;
        Ok(Box::pin(f))
    }

    async fn exists(&self, sha256: &str) -> AppResult<bool> {
        check_key(sha256)?;
        tokio::fs::try_exists(self.path_of(sha256))
            .await
            .map_err(internal)
    }

    async fn delete(&self, sha256: &str) -> AppResult<()> {
        check_key(sha256)?;
        match tokio::fs::remove_file(self.path_of(sha256)).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(internal(e)),
        }
    }

    fn staging_dir(&self) -> PathBuf {
        self.dir.join("tmp")
    }
}

// ---------------------------------------------------------------- S3-compatible

/// S3-compatible object storage (MinIO, Ceph, a cloud's), through `object_store`. Objects are
/// named `ab/cd/<sha256>`; large files go up in 8 MB parts read from the staged file.
#[derive(Debug)]
pub struct S3Blobs {
    store: object_store::aws::AmazonS3,
    staging: PathBuf,
}

impl S3Blobs {
    pub fn new(config: &BlobConfig) -> AppResult<S3Blobs> {
        let BlobConfig::S3 {
            endpoint,
            bucket,
            access_key,
            secret_key,
            region,
            staging,
        } = config
        else {
            return Err(internal("not an S3 configuration"));
        };
        let store = object_store::aws::AmazonS3Builder::new()
            .with_endpoint(endpoint)
            .with_bucket_name(bucket)
            .with_access_key_id(access_key)
            .with_secret_access_key(secret_key)
            .with_region(region)
            .with_allow_http(endpoint.starts_with("http://"))
            .with_virtual_hosted_style_request(false)
            .build()
            .map_err(internal)?;
        Ok(S3Blobs {
            store,
            staging: staging.clone(),
        })
    }
}

fn object_path(sha256: &str) -> object_store::path::Path {
    object_store::path::Path::from(key_path(sha256))
}

#[async_trait::async_trait]
impl BlobStore for S3Blobs {
    async fn put(&self, staged: &Staged) -> AppResult<bool> {
        use object_store::ObjectStore;
        check_key(&staged.sha256)?;
        if self.exists(&staged.sha256).await? {
            return Ok(false);
        }
        let upload = self
            .store
            .put_multipart(&object_path(&staged.sha256))
            .await
            .map_err(internal)?;
        let mut writer = object_store::WriteMultipart::new_with_chunk_size(upload, 8 << 20);
        let mut file = tokio::fs::File::open(&staged.path)
            .await
            .map_err(internal)?;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = file.read(&mut buf).await.map_err(internal)?;
            if n == 0 {
                break;
            }
            writer.wait_for_capacity(4).await.map_err(internal)?;
            writer.write(&buf[..n]);
        }
        writer.finish().await.map_err(internal)?;
        Ok(true)
    }

    async fn open(&self, sha256: &str) -> AppResult<BlobReader> {
        use futures::TryStreamExt;
        use object_store::ObjectStore;
        check_key(sha256)?;
        let got = self
            .store
            .get(&object_path(sha256))
            .await
            .map_err(internal)?;
        let stream = got.into_stream().map_err(std::io::Error::other);
        Ok(Box::pin(tokio_util::io::StreamReader::new(stream)))
    }

    async fn exists(&self, sha256: &str) -> AppResult<bool> {
        use object_store::ObjectStore;
        check_key(sha256)?;
        match self.store.head(&object_path(sha256)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(internal(e)),
        }
    }

    async fn delete(&self, sha256: &str) -> AppResult<()> {
        use object_store::ObjectStore;
        check_key(sha256)?;
        match self.store.delete(&object_path(sha256)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(internal(e)),
        }
    }

    fn staging_dir(&self) -> PathBuf {
        self.staging.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn configuration_chooses_the_store() {
        assert_eq!(
            BlobConfig::from_vars(vars(&[]), "data/zhixing.db").unwrap(),
            BlobConfig::Local {
                dir: PathBuf::from("data/blobs")
            }
        );
        assert_eq!(
            BlobConfig::from_vars(vars(&[]), "sqlite:///srv/zx/z.db?mode=rwc").unwrap(),
            BlobConfig::Local {
                dir: PathBuf::from("/srv/zx/blobs")
            }
        );
        assert_eq!(
            BlobConfig::from_vars(vars(&[("ZHIXING_BLOB_DIR", "/x/b")]), "postgres://h/db")
                .unwrap(),
            BlobConfig::Local {
                dir: PathBuf::from("/x/b")
            }
        );
        let s3 = BlobConfig::from_vars(
            vars(&[
                ("ZHIXING_BLOB_S3_ENDPOINT", "http://127.0.0.1:9000"),
                ("ZHIXING_BLOB_S3_BUCKET", "dossier"),
                ("ZHIXING_BLOB_S3_KEY", "k"),
                ("ZHIXING_BLOB_S3_SECRET", "s"),
            ]),
            "postgres://h/db",
        )
        .unwrap();
        assert!(
            matches!(&s3, BlobConfig::S3 { bucket, region, .. } if bucket == "dossier" && region == "us-east-1")
        );
        // Building the client needs no network.
        let store = s3.build().unwrap();
        assert!(store.staging_dir().ends_with("tmp"));
        let e = BlobConfig::from_vars(
            vars(&[("ZHIXING_BLOB_S3_ENDPOINT", "http://minio:9000")]),
            "x.db",
        )
        .unwrap_err();
        assert!(
            e.message_zh().contains("ZHIXING_BLOB_S3_BUCKET"),
            "{}",
            e.message_zh()
        );
        assert!(
            BlobConfig::from_vars(vars(&[("ZHIXING_BLOB_S3_ENDPOINT", "minio:9000")]), "x")
                .is_err()
        );
    }

    #[tokio::test]
    async fn local_store_is_content_addressed_and_idempotent() {
        let dir = std::env::temp_dir().join(format!("zx-blobs-{}", rand::random::<u64>()));
        let store = LocalBlobs::new(dir.clone());
        let mut pdf = b"%PDF-1.4\n".to_vec();
        pdf.extend(std::iter::repeat_n(b'x', 200));
        pdf.extend(b"\n%%EOF\n");
        let a = stage_bytes(&store.staging_dir(), 1 << 20, &pdf)
            .await
            .unwrap();
        assert!(store.put(&a).await.unwrap());
        let b = stage_bytes(&store.staging_dir(), 1 << 20, &pdf)
            .await
            .unwrap();
        assert!(!store.put(&b).await.unwrap());
        let path = store.path_of(&a.sha256);
        assert!(path.starts_with(dir.join(&a.sha256[..2]).join(&a.sha256[2..4])));
        drop((a, b));
        let mut back = Vec::new();
        let key = hex::encode(Sha256::digest(&pdf));
        store
            .open(&key)
            .await
            .unwrap()
            .read_to_end(&mut back)
            .await
            .unwrap();
        assert_eq!(back, pdf);
        // Nothing left in staging; an over-limit upload leaves nothing either.
        let e = stage_bytes(&store.staging_dir(), 100, &pdf)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "dossier.too_large");
        assert_eq!(std::fs::read_dir(store.staging_dir()).unwrap().count(), 0);
        let _ = std::fs::remove_dir_all(dir);
    }
}
