"""Helpers shared by the provider tests."""

import io
import os

from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def png(size=(8, 8), *, noise: bool = False, name: str = "logo.png") -> SimpleUploadedFile:
    """A real PNG upload; noise=True makes it incompressible (big)."""
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (11, 85, 99))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
