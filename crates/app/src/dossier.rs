//! The electronic dossier (电子卷宗): uploads through the pipeline (`Command::AddDossierItem`,
//! `Command::MoveDossierItem`), the catalogue page's query, logged views and downloads
//! (卷宗保密), and the export package of an archived case.
//!
//! An upload is staged first (`blobs::Staging`: hashed, sniffed and size-checked while it is
//! written to a temporary file); the command then checks role, court, archive and lock, puts
//! the file in the blob store and writes the catalogue row with its event in one transaction.
//! A refused upload leaves no row, no event and no blob.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::json;
use tokio::io::AsyncReadExt;
use zhixing_domain::dossier::{self, DocKind, Move, Volume};
use zhixing_domain::event::EventKind;
use zhixing_domain::lifecycle::Happened;
use zhixing_domain::role::Role;
use zhixing_store::dossier::{DossierAccessRow, DossierItemRow, NewDossierItem};
use zhixing_store::rows::CaseRow;

use crate::blobs::{self, BlobConfig, BlobReader, BlobStore, Staged};
use crate::commands::{case_event, Command, Outcome};
use crate::error::{AppError, AppResult};
use crate::{Actor, App};

use Role::*;

/// Staff of the case's court who file documents into its dossier.
pub const DOSSIER_STAFF: &[Role] = &[Clerk, Officer, Judge, TeamLeader];

/// Who sees the dossier's access log.
pub const ACCESS_LOG_READERS: &[Role] = &[Supervisor, BureauChief];

/// The lock whitelist's key for adding (and ordering) dossier documents.
pub const LOCK_KEY: &str = "add_dossier_item";

/// The blob store and the per-file limit.
#[derive(Debug, Clone)]
pub struct DossierConfig {
    pub blobs: Arc<dyn BlobStore>,
    pub max_upload: u64,
}

impl Default for DossierConfig {
    fn default() -> Self {
        DossierConfig {
            blobs: Arc::new(blobs::LocalBlobs::new(PathBuf::from("data/blobs"))),
            max_upload: blobs::DEFAULT_MAX_UPLOAD,
        }
    }
}

impl DossierConfig {
    /// The blob store from the environment (`blobs::BlobConfig::from_env`) and the limit from
    /// `ZHIXING_MAX_UPLOAD_MB` (default 50).
    pub fn from_env(db_url: &str) -> AppResult<DossierConfig> {
        let max_upload = match std::env::var("ZHIXING_MAX_UPLOAD_MB") {
            Ok(v) if !v.trim().is_empty() => {
                v.trim().parse::<u64>().map_err(|_| {
                    AppError::invalid(
                        "blob.config",
                        format!("ZHIXING_MAX_UPLOAD_MB 须为整数：{v}"),
                        format!("ZHIXING_MAX_UPLOAD_MB must be a whole number: {v}"),
                    )
                })? * 1024
                    * 1024
            }
            _ => blobs::DEFAULT_MAX_UPLOAD,
        };
        Ok(DossierConfig {
            blobs: BlobConfig::from_env(db_url)?.build()?,
            max_upload,
        })
    }
}

/// A staged file and what the clerk said about it.
#[derive(Debug, Clone)]
pub struct DossierUpload {
    pub case_id: i64,
    pub volume: Volume,
    pub kind: DocKind,
    pub title: String,
    pub filename: String,
    pub file: Arc<Staged>,
}

/// One item as the page and the API show it.
#[derive(Debug, Clone)]
pub struct ItemView {
    pub row: DossierItemRow,
    pub kind_zh: &'static str,
    pub kind_en: &'static str,
}

#[derive(Debug, Clone)]
pub struct VolumeView {
    pub volume: Volume,
    pub items: Vec<ItemView>,
}

/// The dossier page of a case.
#[derive(Debug, Clone)]
pub struct DossierView {
    pub case_id: i64,
    pub case_number: String,
    pub archived: bool,
    pub locked: bool,
    pub may_upload: bool,
    pub volumes: Vec<VolumeView>,
    /// `Some` for supervisors and the bureau chief.
    pub access_log: Option<Vec<DossierAccessRow>>,
}

fn archived(row: &CaseRow) -> bool {
    row.stage == "archived"
}

impl App {
    pub fn set_dossier_config(&self, config: DossierConfig) {
        *self.dossier.write().expect("dossier config poisoned") = config;
    }

    pub fn dossier_config(&self) -> DossierConfig {
        self.dossier
            .read()
            .expect("dossier config poisoned")
            .clone()
    }

    /// Starts receiving an upload into the store's staging directory, with the limit.
    pub async fn begin_upload(&self) -> AppResult<blobs::Staging> {
        let c = self.dossier_config();
        blobs::Staging::begin(&c.blobs.staging_dir(), c.max_upload).await
    }

    /// A case the actor may see, else "not found".
    async fn dossier_case(&self, actor: &Actor, case_id: i64) -> AppResult<CaseRow> {
        let row = self
            .store
            .case_by_id(case_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !actor.can_see_court(row.court_id) {
            return Err(AppError::NotFound);
        }
        Ok(row)
    }

    /// Role, court and archive: whether this actor may change this case's dossier (the lock is
    /// checked inside the write, by the pipeline's check).
    async fn check_dossier_write(
        &self,
        actor: &Actor,
        cmd: &Command,
        case_id: i64,
    ) -> AppResult<CaseRow> {
        let row = self.dossier_case(actor, case_id).await?;
        self.court_scope(actor, row.court_id, cmd)?;
        if archived(&row) {
            return Err(dossier::archived_refusal().into());
        }
        Ok(row)
    }

    pub(crate) async fn dossier_command(&self, actor: &Actor, cmd: &Command) -> AppResult<Outcome> {
        match cmd {
            Command::AddDossierItem(up) => self.add_dossier_item(actor, cmd, up).await,
            Command::MoveDossierItem { item_id, to } => {
                self.move_dossier_item(actor, cmd, *item_id, *to).await
            }
            _ => Err(AppError::Internal("not a dossier command".into())),
        }
    }

    async fn add_dossier_item(
        &self,
        actor: &Actor,
        cmd: &Command,
        up: &DossierUpload,
    ) -> AppResult<Outcome> {
        let row = self.check_dossier_write(actor, cmd, up.case_id).await?;
        let filename = dossier::check_filename(&up.filename)?;
        let title = dossier::title_or_filename(&up.title, &filename)?;
        let blobs = self.dossier_config().blobs;
        let created = blobs.put(&up.file).await?;
        let written = async {
            let mut tx = self.store.begin_write().await?;
            // The lock as it stands inside the write, by the pipeline's own check.
            let now = tx
                .case_for_update(row.id)
                .await?
                .ok_or(AppError::NotFound)?;
            self.check_locked_key_in_tx(&mut tx, &now, LOCK_KEY).await?;
            let new = NewDossierItem {
                court_id: row.court_id,
                case_id: row.id,
                volume: up.volume.key().into(),
                kind: up.kind.key().into(),
                title: title.clone(),
                sha256: up.file.sha256.clone(),
                size_bytes: up.file.size as i64,
                media_type: up.file.media.mime().into(),
                filename: filename.clone(),
                uploaded_by: actor.user_id,
                uploaded_by_name: actor.display_name.clone(),
            };
            let (id, position) = tx.insert_dossier_item(&new).await?;
            let h = Happened {
                kind: EventKind::DossierItemAdded,
                payload: json!({
                    "item_id": id, "volume": up.volume.key(), "volume_zh": up.volume.name_zh(),
                    "volume_en": up.volume.name_en(), "kind": up.kind.key(), "title": title,
                    "filename": filename, "sha256": up.file.sha256, "size_bytes": up.file.size,
                    "media_type": up.file.media.mime(), "position": position,
                }),
            };
            tx.append_events(&[case_event(actor, row.court_id, row.id, tx.now, &h)])
                .await?;
            tx.commit().await?;
            AppResult::Ok(id)
        }
        .await;
        match written {
            Ok(id) => Ok(Outcome {
                id: Some(id),
                ..Default::default()
            }),
            Err(e) => {
                // Nothing references a blob this upload created: take it away again.
                if created && !self.store.dossier_blob_referenced(&up.file.sha256).await? {
                    blobs.delete(&up.file.sha256).await?;
                }
                Err(e)
            }
        }
    }

    async fn move_dossier_item(
        &self,
        actor: &Actor,
        cmd: &Command,
        item_id: i64,
        to: Move,
    ) -> AppResult<Outcome> {
        let item = self
            .store
            .dossier_item(item_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let row = self.check_dossier_write(actor, cmd, item.case_id).await?;
        let mut tx = self.store.begin_write().await?;
        let now = tx
            .case_for_update(row.id)
            .await?
            .ok_or(AppError::NotFound)?;
        self.check_locked_key_in_tx(&mut tx, &now, LOCK_KEY).await?;
        let ids = tx.dossier_volume_ids(row.id, &item.volume).await?;
        let order = dossier::reorder(&ids, item_id, to).ok_or(AppError::NotFound)?;
        if order == ids {
            return Ok(Outcome {
                id: Some(item_id),
                ..Default::default()
            });
        }
        tx.set_dossier_order(&order).await?;
        let volume = Volume::from_key(&item.volume)?;
        let position = order.iter().position(|&i| i == item_id).unwrap_or(0) + 1;
        let h = Happened {
            kind: EventKind::DossierReordered,
            payload: json!({
                "item_id": item_id, "title": item.title, "volume": volume.key(),
                "volume_zh": volume.name_zh(), "volume_en": volume.name_en(),
                "from": item.position, "to": position,
            }),
        };
        tx.append_events(&[case_event(actor, row.court_id, row.id, tx.now, &h)])
            .await?;
        tx.commit().await?;
        Ok(Outcome {
            id: Some(item_id),
            ..Default::default()
        })
    }

    /// The dossier page: both volumes in order, and the access log for supervisors.
    pub async fn dossier_view(&self, actor: &Actor, case_id: i64) -> AppResult<DossierView> {
        let row = self.dossier_case(actor, case_id).await?;
        let items = self.store.dossier_items(case_id).await?;
        let volumes = Volume::ALL
            .iter()
            .map(|&v| VolumeView {
                volume: v,
                items: items
                    .iter()
                    .filter(|i| i.volume == v.key())
                    .map(|i| {
                        let kind = DocKind::from_key(&i.kind).ok();
                        ItemView {
                            row: i.clone(),
                            kind_zh: kind.map_or("", |k| k.name_zh()),
                            kind_en: kind.map_or("", |k| k.name_en()),
                        }
                    })
                    .collect(),
            })
            .collect();
        let access_log = if ACCESS_LOG_READERS.contains(&actor.role) {
            Some(self.store.dossier_access(case_id, 200).await?)
        } else {
            None
        };
        Ok(DossierView {
            case_id,
            case_number: row.case_number.clone(),
            archived: archived(&row),
            locked: row.locked != 0,
            may_upload: DOSSIER_STAFF.contains(&actor.role)
                && actor.court_id == row.court_id
                && !archived(&row),
            volumes,
            access_log,
        })
    }

    /// Opens an item for viewing (`download` false) or downloading, and logs it.
    pub async fn open_dossier_item(
        &self,
        actor: &Actor,
        item_id: i64,
        download: bool,
    ) -> AppResult<(DossierItemRow, BlobReader)> {
        let item = self
            .store
            .dossier_item(item_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !actor.can_see_court(item.court_id) {
            return Err(AppError::NotFound);
        }
        let reader = self.dossier_config().blobs.open(&item.sha256).await?;
        let action = if download { "download" } else { "view" };
        self.store
            .log_dossier_access(
                item.id,
                item.case_id,
                actor.user_id,
                &actor.display_name,
                action,
            )
            .await?;
        Ok((item, reader))
    }

    /// The export package of an archived case: a zip file (in the staging directory; the
    /// caller streams and then removes it) with `catalogue.csv`, the files and `SHA256SUMS`.
    /// Returns the package's path and its download name.
    pub async fn export_dossier(&self, actor: &Actor, case_id: i64) -> AppResult<(Staged, String)> {
        let row = self.dossier_case(actor, case_id).await?;
        if !archived(&row) {
            return Err(AppError::invalid(
                "dossier.not_archived",
                "案件归档后才能导出电子卷宗",
                "the dossier can be exported once the case is archived",
            ));
        }
        let items = self.store.dossier_items(case_id).await?;
        let config = self.dossier_config();
        let dir = config.blobs.staging_dir();
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let path = dir.join(format!(
            "export-{case_id}-{:016x}.zip",
            rand::random::<u64>()
        ));
        // The guard removes the file if anything below fails.
        let package = Staged {
            path: path.clone(),
            sha256: String::new(),
            size: 0,
            media: dossier::MediaType::Pdf,
        };
        let io = |e: std::io::Error| AppError::Internal(format!("export: {e}"));
        let ze = |e: zip::result::ZipError| AppError::Internal(format!("export: {e}"));
        let file = std::fs::File::create(&path).map_err(io)?;
        let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(true);
        let mut catalogue = String::from(
            "volume,position,kind,title,filename,media_type,size_bytes,sha256,uploaded_by,created_at,path\n",
        );
        let mut sums = String::new();
        let mut buf = vec![0u8; 256 * 1024];
        for (v, item) in items.iter().enumerate() {
            let volume = Volume::from_key(&item.volume)?;
            let ext =
                dossier::MediaType::from_mime(&item.media_type).map_or("bin", |m| m.extension());
            let name = format!("{}/{:03}-{}.{ext}", volume.key(), item.position, item.id);
            let kind = DocKind::from_key(&item.kind).map_or("", |k| k.name_zh());
            catalogue.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{},{}\n",
                volume.name_zh(),
                item.position,
                csv(kind),
                csv(&item.title),
                csv(&item.filename),
                item.media_type,
                item.size_bytes,
                item.sha256,
                csv(&item.uploaded_by_name),
                item.created_at,
                name
            ));
            sums.push_str(&format!("{}  {}\n", item.sha256, name));
            zip.start_file(name.as_str(), stored).map_err(ze)?;
            let mut reader = config.blobs.open(&item.sha256).await?;
            loop {
                let n = reader.read(&mut buf).await.map_err(io)?;
                if n == 0 {
                    break;
                }
                zip.write_all(&buf[..n]).map_err(io)?;
            }
            self.store
                .log_dossier_access(
                    item.id,
                    case_id,
                    actor.user_id,
                    &actor.display_name,
                    "export",
                )
                .await?;
            let _ = v;
        }
        let deflated = zip::write::SimpleFileOptions::default();
        zip.start_file("catalogue.csv", deflated).map_err(ze)?;
        // A byte-order mark so that Excel reads the Chinese as UTF-8.
        zip.write_all("\u{feff}".as_bytes()).map_err(io)?;
        zip.write_all(catalogue.as_bytes()).map_err(io)?;
        zip.start_file("SHA256SUMS", deflated).map_err(ze)?;
        zip.write_all(sums.as_bytes()).map_err(io)?;
        zip.finish().map_err(ze)?.flush().map_err(io)?;
        let number = row.case_number.clone();
        Ok((package, format!("{number}电子卷宗.zip")))
    }
}

fn csv(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
