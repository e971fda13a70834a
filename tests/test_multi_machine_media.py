"""Media in S3-compatible storage (``MEDIA_S3_BUCKET``; config/settings/media_storage.py), so
every web machine sees the same files: uploads through the Wagtail admin land in the bucket
as private objects, pages link images with signed addresses the Content-Security-Policy
allows, and documents, private collections included, are served by the app after Wagtail's
privacy check, never handed out as bucket addresses.

Against a real S3 server in this process (moto's ``ThreadedMotoServer`` on loopback), with
the storage settings production builds from the environment.
"""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from urllib.parse import urlsplit

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from moto.server import ThreadedMotoServer
from storages.backends.s3 import S3Storage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, CollectionViewRestriction

from config.settings.media_storage import S3Media
from tests.careteam_domain_fixtures import make_user
from tests.multi_machine_settings import built_settings
from tests.portal_fixtures import make_article

BUCKET = "clinic-media"
REGION = "eu-west-2"
PUBLIC_GRANTEES = {
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}
PNG_SIGNATURE = b"\x89PNG"
LEAFLET = b"Exercises to do at home, twice a day.\n"


def fake_credentials(monkeypatch) -> None:
    """boto3's own variables, as a server's environment would give them."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-access-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret-key")
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_S3_ACCESS_KEY_ID"):
        monkeypatch.delenv(name, raising=False)


@dataclass(frozen=True)
class Bucket:
    client: object
    endpoint: str
    production: ModuleType

    def holds(self, key: str) -> bool:
        return any(
            item["Key"] == key for item in self.client.list_objects_v2(Bucket=BUCKET)["Contents"]
        )

    def public_grants(self, key: str) -> list[dict]:
        grants = self.client.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
        return [grant for grant in grants if grant["Grantee"].get("URI") in PUBLIC_GRANTEES]

    def fetch_unsigned(self, key: str) -> int:
        """The status an anonymous browser gets asking the bucket directly."""
        return fetch(f"{self.endpoint}/{BUCKET}/{key}")[0]


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as answer:
        return answer.code, b""


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    """An S3 server on loopback with the bucket (moto keeps one state per process, so one
    server and bucket for the module); its address."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{server.get_host_and_port()[1]}"
        with pytest.MonkeyPatch.context() as monkeypatch:
            fake_credentials(monkeypatch)
            boto3.client("s3", endpoint_url=endpoint, region_name=REGION).create_bucket(
                Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
            )
        yield endpoint
    finally:
        server.stop()


@pytest.fixture
def s3_media(s3_server, monkeypatch, settings) -> Bucket:
    """This process's media storage as production builds it for that bucket."""
    fake_credentials(monkeypatch)
    production = built_settings(
        monkeypatch, MEDIA_S3_BUCKET=BUCKET, MEDIA_S3_ENDPOINT_URL=s3_server, MEDIA_S3_REGION=REGION
    )
    settings.STORAGES = {**settings.STORAGES, "default": production.STORAGES["default"]}
    settings.WAGTAILDOCS_SERVE_METHOD = production.WAGTAILDOCS_SERVE_METHOD
    client = boto3.client("s3", endpoint_url=s3_server, region_name=REGION)
    return Bucket(client, s3_server, production)


@pytest.fixture
def admin_client(db) -> Client:
    client = Client()
    client.force_login(make_user("media.admin", is_staff=True, is_superuser=True))
    return client


def upload(admin_client: Client, kind: str, upload_file, collection: Collection):
    response = admin_client.post(
        reverse(f"wagtail{kind}:add"),
        {"title": f"Uploaded {kind}", "file": upload_file, "collection": collection.pk},
    )
    assert response.status_code == 302, response.context["form"].errors
    model = get_image_model() if kind == "images" else get_document_model()
    return model.objects.get(title=f"Uploaded {kind}")


IMG_SRC = re.compile(r'<figure class="article__image"><img[^>]* src="([^"]+)"')


@pytest.mark.django_db
def test_an_uploaded_image_is_a_private_object_that_pages_link_signed(
    s3_media, admin_client, site_tree
):
    png = SimpleUploadedFile("spine.png", get_test_image_file().file.getvalue(), "image/png")
    image = upload(admin_client, "images", png, Collection.get_first_root_node())
    assert image.file.name.startswith("original_images/")
    assert s3_media.holds(image.file.name)
    assert s3_media.public_grants(image.file.name) == []
    assert s3_media.fetch_unsigned(image.file.name) == 403

    article = make_article(site_tree.articles, "Pictured stretches", image=image)
    page = Client().get(article.url)
    assert page.status_code == 200
    src = html.unescape(IMG_SRC.search(page.content.decode())[1])
    origin = S3Media(BUCKET, s3_media.endpoint, REGION).origin
    assert src.startswith(f"{origin}/{BUCKET}/images/")
    assert "X-Amz-Signature=" in src
    status, body = fetch(src)
    assert status == 200 and body.startswith(PNG_SIGNATURE)
    assert s3_media.public_grants(urlsplit(src).path.removeprefix(f"/{BUCKET}/")) == []
    for policy in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_ADMIN"):
        assert origin in getattr(s3_media.production, policy)["DIRECTIVES"]["img-src"]


@pytest.mark.django_db
def test_a_private_collections_document_is_served_by_the_app_only_to_those_signed_in(
    s3_media, admin_client
):
    private = Collection.get_first_root_node().add_child(name="Clinic staff only")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    leaflet = SimpleUploadedFile("home-exercises.txt", LEAFLET, content_type="text/plain")
    document = upload(admin_client, "docs", leaflet, private)
    assert s3_media.holds(document.file.name)
    assert s3_media.public_grants(document.file.name) == []
    assert s3_media.fetch_unsigned(document.file.name) == 403

    anonymous = Client().get(document.url)
    assert anonymous.status_code == 302
    assert urlsplit(anonymous["Location"]).path == "/accounts/login/"
    reader = Client()
    reader.force_login(make_user("leaflet.reader"))
    served = reader.get(document.url)
    assert served.status_code == 200  # streamed by the app, not a redirect to the bucket
    assert b"".join(served.streaming_content) == LEAFLET
    assert served["Content-Security-Policy"] == "default-src 'none'"


@pytest.mark.django_db
def test_a_public_document_is_streamed_by_the_app_too_never_a_bucket_address(
    s3_media, admin_client
):
    leaflet = SimpleUploadedFile("walking-plan.txt", LEAFLET, content_type="text/plain")
    document = upload(admin_client, "docs", leaflet, Collection.get_first_root_node())
    served = Client().get(document.url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == LEAFLET
    assert s3_media.public_grants(document.file.name) == []


# --- Settings ----------------------------------------------------------------------------


def test_amazon_s3_links_are_signed_on_the_buckets_own_host(monkeypatch):
    fake_credentials(monkeypatch)
    production = built_settings(monkeypatch, MEDIA_S3_BUCKET=BUCKET, MEDIA_S3_REGION=REGION)
    storage = production.STORAGES["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["default_acl"] is None  # the bucket's own: private
    assert storage["OPTIONS"]["file_overwrite"] is False
    url = S3Storage(**storage["OPTIONS"]).url("images/spine.png")  # signed here, no request
    origin = f"https://{BUCKET}.s3.{REGION}.amazonaws.com"
    assert url.startswith(f"{origin}/images/spine.png?")
    assert "X-Amz-Signature=" in url
    assert origin in production.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]
    assert production.WAGTAILDOCS_SERVE_METHOD == "serve_view"


def test_a_custom_domain_serves_images_unsigned_and_is_the_allowed_origin(monkeypatch):
    fake_credentials(monkeypatch)
    production = built_settings(
        monkeypatch,
        MEDIA_S3_BUCKET=BUCKET,
        MEDIA_S3_REGION=REGION,
        MEDIA_S3_CUSTOM_DOMAIN="media.clinic.example",
    )
    storage = production.STORAGES["default"]
    url = S3Storage(**storage["OPTIONS"]).url("images/spine.png")
    assert url == "https://media.clinic.example/images/spine.png"
    assert (
        "https://media.clinic.example"
        in (production.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"])
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "MEDIA_S3_REGION is required"),
        ({"MEDIA_S3_REGION": REGION, "MEDIA_S3_URL_EXPIRY_SECONDS": "3600"}, "at least"),
        ({"MEDIA_S3_REGION": REGION, "MEDIA_S3_URL_EXPIRY_SECONDS": "700000"}, "at most"),
    ],
)
def test_production_refuses_media_settings_that_would_break_links(monkeypatch, env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        built_settings(monkeypatch, MEDIA_S3_BUCKET=BUCKET, **env)
