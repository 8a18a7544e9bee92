"""The archive: the single source of truth (database + content-addressed blobs)."""

from store.archive import Archive, default_data_dir
from store.changes import change_id, change_record
from store.db import ArchiveError

__all__ = ["Archive", "ArchiveError", "change_id", "change_record", "default_data_dir"]
