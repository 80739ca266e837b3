"""Where document files live: a local directory by default (nothing to set up on one
machine), or any S3-compatible object store when several application servers share them.
Files are kept under random keys; the database holds their names and checksums."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol


class Storage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...
    def keys(self) -> Iterator[str]: ...


class Missing(Exception):
    """A stored file is not there."""


def new_key() -> str:
    return secrets.token_hex(20)


class LocalStorage:
    """Files in ``root`` (outside the web root), two levels of directories by key."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not key.isalnum():
            raise ValueError("bad storage key")
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_bytes(data)
        os.replace(partial, path)  # whole or not at all

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self) -> Iterator[str]:
        if self.root.exists():
            for path in sorted(self.root.glob("*/*")):
                if path.is_file() and path.suffix != ".part":
                    yield path.name


class S3Storage:
    """An S3-compatible bucket (AWS, MinIO, Ceph…), through boto3."""

    def __init__(self, endpoint_url: str, bucket: str, access_key: str, secret_key: str,
                 region: str = "us-east-1") -> None:
        import boto3

        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=endpoint_url or None,
                                   aws_access_key_id=access_key,
                                   aws_secret_access_key=secret_key, region_name=region)

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data)

    def get(self, key: str) -> bytes:
        try:
            return bytes(self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read())
        except self.client.exceptions.NoSuchKey as exc:
            raise Missing(key) from exc

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def keys(self) -> Iterator[str]:
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            for item in page.get("Contents", []):
                yield str(item["Key"])


def from_config(config: Mapping[str, Any]) -> Storage:
    """``DOCUMENTS_S3_BUCKET`` set: that bucket (``DOCUMENTS_S3_URL``, ``…_KEY``,
    ``…_SECRET``); otherwise the directory ``DOCUMENTS_DIR``."""
    if config.get("DOCUMENTS_S3_BUCKET"):
        return S3Storage(config.get("DOCUMENTS_S3_URL", ""), config["DOCUMENTS_S3_BUCKET"],
                         config.get("DOCUMENTS_S3_KEY", ""),
                         config.get("DOCUMENTS_S3_SECRET", ""),
                         config.get("DOCUMENTS_S3_REGION", "us-east-1"))
    return LocalStorage(Path(config["DOCUMENTS_DIR"]))
