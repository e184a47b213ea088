"""Uploaded images are re-encoded before they are stored (no metadata, nothing hidden
after the pixels); SVG and other markup is refused. Covers both places people upload
images: provider logos (back office) and gratitude pictures (the public form)."""

import io

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from gratitude.models import Post
from tests import factories
from tests.gratitude.conftest import make_wall, post_data
from trec.validators import validate_image

GPS = 0x8825
SMUGGLED = b"<?php system($_GET['c']); ?><script>alert(1)</script>"
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
)


def photo(fmt="JPEG", size=(64, 48)) -> bytes:
    """A photo with EXIF (camera, GPS position, a comment) and a payload after the image."""
    image = Image.new("RGB", size, (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x9286] = "home address: 12 Elm St"  # UserComment
    exif[GPS] = {1: "N", 2: (32.0, 13.0, 0.0), 3: "W", 4: (110.0, 58.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, exif=exif.tobytes())
    return buffer.getvalue() + SMUGGLED


def assert_clean(data: bytes, fmt: str) -> None:
    assert SMUGGLED not in data
    assert b"SecretCam" not in data and b"Elm St" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == fmt
        assert not image.getexif()
        assert "exif" not in image.info


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_the_validator_re_encodes_an_upload_in_place(fmt):
    original = photo(fmt)
    assert b"SecretCam" in original  # the test file does carry the metadata
    upload = SimpleUploadedFile(f"photo.{fmt.lower()}", original)
    validate_image(upload)
    upload.seek(0)
    data = upload.read()
    assert upload.size == len(data)
    assert_clean(data, fmt)


def test_an_upright_photo_stays_upright():
    """EXIF orientation is applied before the metadata goes."""
    image = Image.new("RGB", (40, 20), (0, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    upload = SimpleUploadedFile("rotated.jpg", buffer.getvalue())
    validate_image(upload)
    upload.seek(0)
    with Image.open(upload) as stored:
        assert stored.size == (20, 40)


@pytest.mark.parametrize(
    "name, content",
    [
        ("logo.svg", SVG),
        ("logo.png", SVG),  # the name does not matter: the content is markup
        ("page.jpg", b"\xef\xbb\xbf  <html><script>alert(1)</script></html>"),
    ],
)
def test_svg_and_markup_are_refused(name, content):
    with pytest.raises(ValidationError) as refused:
        validate_image(SimpleUploadedFile(name, content))
    assert refused.value.code == "invalid_type"


def test_a_decompression_bomb_is_refused():
    buffer = io.BytesIO()
    Image.new("1", (8000, 8000)).save(buffer, format="PNG")  # tiny file, 64 Mpx
    with pytest.raises(ValidationError) as refused:
        validate_image(SimpleUploadedFile("bomb.png", buffer.getvalue()))
    assert refused.value.code == "too_many_pixels"


# --- Provider logos: the back office ---------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_provider_logo_is_stored_re_encoded(db, media):
    provider = factories.ProviderFactory()
    provider.logo = SimpleUploadedFile("logo.jpg", photo("JPEG"), content_type="image/jpeg")
    provider.full_clean()
    provider.save()
    provider.refresh_from_db()
    assert_clean(provider.logo.read(), "JPEG")


def test_a_provider_svg_logo_is_refused(db, media):
    provider = factories.ProviderFactory()
    provider.logo = SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml")
    with pytest.raises(ValidationError) as refused:
        provider.full_clean()
    assert "logo" in refused.value.message_dict


def test_a_provider_logo_uploaded_in_the_back_office_is_re_encoded(client, db, media):
    provider = factories.ProviderFactory(name="Provider A")
    client.force_login(factories.CoordinatorFactory())
    url = reverse("admin:providers_provider_change", args=[provider.pk])
    page = BeautifulSoup(client.get(url).content, "html.parser")
    form = page.find("form", id="provider_form")
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.get("type") in ("file", "submit", "checkbox"):
            continue
        if field.name == "select":
            chosen = field.find_all("option", selected=True)
            if field.has_attr("multiple"):
                data[name] = [option["value"] for option in chosen]
            elif chosen:
                data[name] = chosen[0]["value"]
        elif field.name == "textarea":
            data[name] = field.get_text()
        else:
            data[name] = field.get("value", "")
    for box in form.find_all("input", type="checkbox"):
        if box.has_attr("checked"):
            data[box["name"]] = box.get("value", "on")
    data["logo"] = SimpleUploadedFile("logo.jpg", photo("JPEG"), content_type="image/jpeg")
    response = client.post(url, data)
    assert response.status_code == 302, BeautifulSoup(response.content, "html.parser").select(
        ".errorlist"
    )
    provider.refresh_from_db()
    assert_clean(provider.logo.read(), "JPEG")

    data["logo"] = SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml")
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert BeautifulSoup(refused.content, "html.parser").select(".errorlist")


# --- Gratitude pictures: the public form -----------------------------------------------


def test_a_gratitude_picture_is_stored_re_encoded(client, db, media):
    wall = make_wall()
    upload = SimpleUploadedFile("class.jpg", photo("JPEG"), content_type="image/jpeg")
    data = {**post_data(image_alt="Our class"), "image": upload}
    response = client.post(reverse("gratitude:post", args=[wall.slug]), data)
    assert response.status_code == 302
    post = Post.objects.get()
    assert_clean(post.image.read(), "JPEG")


def test_a_gratitude_svg_is_refused(client, db, media):
    wall = make_wall()
    upload = SimpleUploadedFile("class.svg", SVG, content_type="image/svg+xml")
    data = {**post_data(image_alt="Our class"), "image": upload}
    response = client.post(reverse("gratitude:post", args=[wall.slug]), data)
    assert response.status_code == 400  # the form again, with the error
    assert not Post.objects.exists()
    errors = BeautifulSoup(response.content, "html.parser").select(".form-errors, .errorlist")
    assert errors
