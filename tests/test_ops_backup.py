"""Backups (docs/operations.md): ``deploy/backup.sh`` and ``deploy/restore.sh`` take a seeded
site, database and media, into a new empty database and media folder with nothing lost.

PostgreSQL only. The site is built as an operator's would be, by subprocesses against scratch
databases on the test server (made and dropped here as ``DATABASE_URL``'s role, which may
create databases): ``manage.py migrate`` and ``seed_demo`` (DEBUG settings), an image and a
document in the media folder, then the scripts, with the machine's pg_dump and pg_restore.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg2
import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="backups are pg_dump and pg_restore: PostgreSQL only (set DATABASE_URL to run)",
)

PROJECT = Path(__file__).resolve().parent.parent
BACKUP = PROJECT / "deploy" / "backup.sh"
RESTORE = PROJECT / "deploy" / "restore.sh"
SCRATCH = f"ops_backup_{os.getpid()}"
ROWS_SQL = "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"

# Run in the source site by `manage.py shell`: an uploaded image and a document of random bytes.
UPLOAD_MEDIA = """
import os
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
get_image_model().objects.create(title="Spine model", file=get_test_image_file("spine.png"))
get_document_model().objects.create(
    title="Pacing leaflet", file=ContentFile(os.urandom(4096), name="pacing-leaflet.txt")
)
"""

# Run in the restored site: a seeded article as a visitor gets it, each document as served
# and each image's stored file (SHA-256 of the bytes), as JSON.
PROBE_SITE = """
import hashlib, json
from django.test import Client
from django.utils.html import escape
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from portal.models import ArticlePage

def digest(data):
    return hashlib.sha256(data).hexdigest()

def stored(image):
    with image.file.open("rb") as file:
        return digest(file.read())

client = Client(HTTP_HOST="localhost")
article = ArticlePage.objects.live().public().order_by("pk").first()
page = client.get(article.url)
documents = {}
for document in get_document_model().objects.all():
    response = client.get(document.url, follow=True)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    documents[document.file.name] = [response.status_code, digest(body)]
print(json.dumps({
    "article": [page.status_code, escape(article.title) in page.content.decode()],
    "documents": documents,
    "images": {image.file.name: stored(image) for image in get_image_model().objects.all()},
}))
"""


@dataclass(frozen=True)
class Server:
    """The test server, as ``DATABASE_URL``'s role (the owner of what it creates)."""

    params: dict[str, Any]

    def url(self, database: str) -> str:
        user = quote(self.params["user"], safe="")
        return f"postgres://{user}@{self.params['host']}:{self.params['port']}/{database}"

    def connect(self, database: str) -> Any:
        return psycopg2.connect(dbname=database, **self.params)

    def admin(self, sql: str) -> None:
        with closing(self.connect("postgres")) as conn:
            conn.autocommit = True
            with conn.cursor() as cursor:
                cursor.execute(sql)

    def create_database(self, name: str, template: str = "template0") -> None:
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')

    def drop_database(self, name: str) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass(frozen=True)
class Site:
    database: str
    media: Path


@dataclass(frozen=True)
class Backup:
    site: Site
    folder: Path
    manifest: dict[str, str]


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300
    )


def run_ok(command: list[str], env: dict[str, str]) -> str:
    done = run(command, env)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def environment(server: Server, site: Site) -> dict[str, str]:
    """A deployment's environment for ``site``: one role for everything (``DATABASE_URL``'s),
    DEBUG settings, the password (if any) in PGPASSWORD rather than in the URLs."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "BACKUP_DATABASE_URL"
    }
    url = server.url(site.database)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DEBUG="true",
        ALLOWED_HOSTS="localhost",
        DATABASE_URL=url,
        MIGRATION_DATABASE_URL=url,
        MEDIA_ROOT=str(site.media),
        PYTHON=sys.executable,
    )
    if "password" in server.params:
        env["PGPASSWORD"] = server.params["password"]
    return env


def manage(server: Server, site: Site, *args: str) -> str:
    return run_ok([sys.executable, "manage.py", *args], environment(server, site))


def read_manifest(folder: Path) -> dict[str, str]:
    lines = (folder / "MANIFEST").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines)


def backups_in(root: Path) -> list[Path]:
    return sorted(path for path in root.iterdir() if (path / "MANIFEST").exists())


def snapshot(server: Server, database: str) -> dict[str, Any]:
    """Every table's row count and a digest of its rows, each sequence's position, and the
    triggers, functions, indexes and constraints of the schema."""
    with closing(server.connect(database)) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
        )
        rows = {}
        for (table,) in cursor.fetchall():
            cursor.execute(f'{ROWS_SQL} FROM "{table}" t')
            rows[table] = cursor.fetchone()
        catalog = {
            "sequences": "SELECT sequencename, last_value FROM pg_sequences"
            " WHERE schemaname = 'public'",
            "triggers": "SELECT tgrelid::regclass::text, pg_get_triggerdef(oid) FROM pg_trigger"
            " WHERE NOT tgisinternal",
            "functions": "SELECT proname, pg_get_functiondef(oid) FROM pg_proc"
            " WHERE pronamespace = 'public'::regnamespace",
            # By name: PostgreSQL may print a restored expression differently (IN lists).
            "indexes": "SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public'",
            "constraints": "SELECT conrelid::regclass::text, conname, contype FROM pg_constraint"
            " WHERE connamespace = 'public'::regnamespace",
        }
        found: dict[str, Any] = {"rows": rows}
        for name, sql in catalog.items():
            cursor.execute(sql)
            found[name] = sorted(cursor.fetchall())
        return found


def files_in(folder: Path) -> dict[str, str]:
    """Every file under ``folder``: relative path → SHA-256 of its bytes."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def server() -> Server:
    db = settings.DATABASES["default"]
    params = {
        "host": db["HOST"] or "127.0.0.1",
        "port": str(db["PORT"] or 5432),
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
    }
    made = Server({key: value for key, value in params.items() if value is not None})
    # The application's role, as tests/audit_role_fixtures.py makes it when it is missing.
    role = settings.TEST_DATABASE_APP_ROLE
    made.admin(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}')"
        f' THEN CREATE ROLE "{role}" NOLOGIN; END IF; END $$'
    )
    return made


@pytest.fixture(scope="module")
def scratch(server: Server) -> Iterator[list[str]]:
    """Names of the scratch databases a test made; all dropped at the end."""
    names: list[str] = []
    yield names
    # Each DROP DATABASE waits for a checkpoint; dropped together, they share one or two.
    with ThreadPoolExecutor(max_workers=max(len(names), 1)) as pool:
        list(pool.map(server.drop_database, names))


def new_site(server: Server, scratch: list[str], tmp: Path, name: str, **create: str) -> Site:
    database = f"{SCRATCH}_{name}"
    scratch.append(database)
    server.create_database(database, **create)
    return Site(database, tmp / f"{name}_media")


@pytest.fixture(scope="module")
def backup(server: Server, scratch: list[str], tmp_path_factory) -> Backup:
    """A seeded site with an image and a document, backed up once."""
    tmp = tmp_path_factory.mktemp("ops_backup")
    site = new_site(server, scratch, tmp, "source")
    manage(server, site, "migrate", "--noinput", "-v", "0")
    manage(server, site, "seed_demo")
    manage(server, site, "shell", "--no-imports", "-c", UPLOAD_MEDIA)
    run_ok([str(BACKUP), str(tmp / "backups")], environment(server, site))
    (folder,) = backups_in(tmp / "backups")
    return Backup(site, folder, read_manifest(folder))


def restore(server: Server, backup_folder: Path, site: Site) -> subprocess.CompletedProcess[str]:
    command = [str(RESTORE), str(backup_folder), settings.TEST_DATABASE_APP_ROLE]
    return run(command, environment(server, site))


def test_a_backup_restored_into_an_empty_database_and_media_folder_loses_nothing(
    server, scratch, backup, tmp_path
):
    source = snapshot(server, backup.site.database)
    assert source["rows"]["audit_auditevent"][0] > 0
    assert source["rows"]["portal_articlepage"][0] > 0
    assert len(files_in(backup.site.media)) >= 2
    site = new_site(server, scratch, tmp_path, "restored")

    done = restore(server, backup.folder, site)

    assert done.returncode == 0, done.stderr
    restored = snapshot(server, site.database)
    assert restored["rows"] == source["rows"]
    for part in ("sequences", "triggers", "functions", "indexes", "constraints"):
        assert restored[part] == source[part], part
    assert files_in(site.media) == files_in(backup.site.media)
    # The audit trail verifies on the copy, through the head the backup kept, and ends there.
    head = backup.manifest["audit_head"]
    assert len(head) == 64
    assert f"OK: {source['rows']['audit_auditevent'][0]} audit events, head {head}" in done.stdout
    # The application's role has its rights again: it may add audit events, never remove them.
    with closing(server.connect(site.database)) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT privilege, has_table_privilege(%s, 'audit_auditevent', privilege)"
            " FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) privilege",
            [settings.TEST_DATABASE_APP_ROLE],
        )
        rights = dict(cursor.fetchall())
    assert rights == {
        "SELECT": True,
        "INSERT": True,
        "UPDATE": False,
        "DELETE": False,
        "TRUNCATE": False,
    }
    # The restored site serves a seeded article, and the media its rows point at.
    probe_output = manage(server, site, "shell", "--no-imports", "-c", PROBE_SITE)
    probe = json.loads(probe_output.strip().splitlines()[-1])
    assert probe["article"] == [200, True]
    source_files = files_in(backup.site.media)
    assert probe["documents"] and probe["images"]
    for name, (status, digest) in probe["documents"].items():
        assert (status, digest) == (200, source_files[name]), name
    for name, digest in probe["images"].items():
        assert digest == source_files[name], name


def test_restore_refuses_a_database_that_already_has_tables(server, backup, tmp_path):
    media = tmp_path / "media"
    before = snapshot(server, backup.site.database)["rows"]

    done = restore(server, backup.folder, Site(backup.site.database, media))

    assert done.returncode == 1
    assert "restore only into a new, empty database" in done.stderr
    assert snapshot(server, backup.site.database)["rows"] == before
    assert not media.exists()


def test_restore_refuses_a_backup_whose_files_do_not_match_their_checksums(
    server, backup, tmp_path
):
    altered = tmp_path / "altered"
    shutil.copytree(backup.folder, altered)
    dump = altered / "database.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    # A database that does not exist: the files are checked before anything is touched.
    site = Site(f"{SCRATCH}_never_created", tmp_path / "media")

    done = restore(server, altered, site)

    assert done.returncode == 1
    assert "do not match SHA256SUMS" in done.stderr
    assert not site.media.exists()


def test_a_backup_after_audit_events_were_removed_from_the_end_still_runs_and_fails(
    server, scratch, backup, tmp_path
):
    """The next backup checks the trail against the head the last one kept: removing the
    newest events (which the chain alone cannot show) makes it exit 1, with the copy made."""
    site = new_site(server, scratch, tmp_path, "truncated", template=backup.site.database)
    shutil.copytree(backup.site.media, site.media)
    with closing(server.connect(site.database)) as conn, conn.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only;"
            " DELETE FROM audit_auditevent"
            "  WHERE chain_seq = (SELECT max(chain_seq) FROM audit_auditevent);"
            " ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only"
        )
        conn.commit()
    root = tmp_path / "backups"
    shutil.copytree(backup.folder, root / backup.folder.name)

    done = run([str(BACKUP), str(root)], environment(server, site))

    assert done.returncode == 1
    assert (
        f"the audit trail does not verify against the head {backup.manifest['audit_head']}"
        f" kept by {backup.folder.name}"
    ) in " ".join(done.stderr.split())
    newest = backups_in(root)[-1]
    assert newest != root / backup.folder.name
    assert read_manifest(newest)["audit_head"] == ""
    assert (newest / "database.dump").stat().st_size > 0
