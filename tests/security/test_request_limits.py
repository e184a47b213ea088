"""A request body larger than settings.REQUEST_BODY_MAX_BYTES is refused with a 413
before it is read: nothing buffered, nothing written to a temporary file (issue 15,
item 9). The upload handler stops a multipart body at the same cap."""

import io
from wsgiref.util import is_hop_by_hop

import pytest
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory, override_settings
from django.urls import reverse

from tests.gratitude.conftest import make_wall, post_data
from trec.uploads import BodyLimitUploadHandler

MB = 1024 * 1024


class CountingPayload(io.BytesIO):
    """A request body that remembers whether anyone read it."""

    read_bytes = 0

    def read(self, size=-1):
        data = super().read(size)
        self.read_bytes += len(data)
        return data


@pytest.fixture
def wall(db):
    return make_wall()


def test_an_anonymous_200_mb_upload_is_refused_before_it_is_read(client, wall, tmp_path):
    payload = CountingPayload(b"x" * 1024)
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(tmp_path)):
        response = client.generic(
            "POST",
            reverse("gratitude:post", args=[wall.slug]),
            data=b"",
            content_type="multipart/form-data; boundary=BoUnDaRy",
            CONTENT_LENGTH=str(200 * MB),
            **{"wsgi.input": payload},
        )
    assert response.status_code == 413
    assert "The hub accepts at most 10 MB" in response.content.decode()
    assert not any(is_hop_by_hop(header) for header in response.headers)  # WSGI forbids them
    assert payload.read_bytes == 0
    assert list(tmp_path.iterdir()) == []


@override_settings(REQUEST_BODY_MAX_BYTES=64 * 1024)
def test_a_real_body_over_the_cap_is_a_413_and_nothing_is_stored(client, wall, tmp_path):
    picture = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (100 * 1024), "image/jpeg")
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(tmp_path), FILE_UPLOAD_MAX_MEMORY_SIZE=1):
        response = client.post(
            reverse("gratitude:post", args=[wall.slug]), {**post_data(), "image": picture}
        )
    assert response.status_code == 413
    assert list(tmp_path.iterdir()) == []
    assert not wall.posts.exists()


def test_a_body_under_the_cap_still_goes_through(client, wall):
    response = client.post(reverse("gratitude:post", args=[wall.slug]), post_data())
    assert response.status_code == 302


@override_settings(REQUEST_BODY_MAX_BYTES=64 * 1024)
def test_the_upload_handler_refuses_an_announced_body_over_the_cap():
    """Without the middleware (a request built by hand) the parser still refuses."""
    big = SimpleUploadedFile("big.csv", b"a,b\n" * (40 * 1024), "text/csv")
    request = RequestFactory().post("/anywhere/", {"import_file": big})
    with pytest.raises(RequestDataTooBig):
        request.FILES  # noqa: B018 - parsing is what is tested


@override_settings(REQUEST_BODY_MAX_BYTES=64 * 1024)
def test_the_upload_handler_stops_a_body_longer_than_announced():
    """An ASGI body is not cut at its Content-Length: the handler counts what arrives."""
    big = SimpleUploadedFile("big.csv", b"a,b\n" * (40 * 1024), "text/csv")
    request = RequestFactory().post("/anywhere/", {"import_file": big})
    body = request.read()
    meta = {**request.META, "CONTENT_LENGTH": "1000"}
    parser = MultiPartParser(
        meta, io.BytesIO(body), [BodyLimitUploadHandler(), MemoryFileUploadHandler()], "utf-8"
    )
    with pytest.raises(RequestDataTooBig):
        parser.parse()
