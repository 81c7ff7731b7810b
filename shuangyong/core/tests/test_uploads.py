import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from shuangyong.core.uploads import DOCUMENTS, SPREADSHEETS, check_upload, safe_filename


def xlsx_bytes():
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name,expected",
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\台账 2026.xlsx", "台账 2026.xlsx"),
        ("evil<script>.pdf", "evil_script_.pdf"),
        ("..", "file"),
        ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
        ("报告\x00.pdf", "报告_.pdf"),
        # 150 bytes: 48 characters of 3 bytes and ".pdf" (120 would be 360 bytes, past
        # what a file system takes in one name once the stored prefix is added)
        ("纪要" * 100 + ".pdf", "纪要" * 24 + ".pdf"),
        ("纪要" * 100, "纪要" * 25),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_a_real_workbook_passes():
    upload = SimpleUploadedFile("名单.xlsx", xlsx_bytes())
    assert check_upload(upload, allowed=SPREADSHEETS, max_bytes=10**6) == "名单.xlsx"


@pytest.mark.parametrize(
    "name,content,code",
    [
        ("photo.jpg", b"%PDF-1.7 not a photo", "content"),
        ("report.pdf", b"\x89PNG\r\n\x1a\n....", "content"),
        ("sheet.xlsx", b"PK\x03\x04 a zip but not a workbook", "content"),
        ("virus.exe", b"MZ\x90\x00", "type"),
        ("data.csv", b"a,b\x00,c", "content"),
    ],
)
def test_content_must_match_the_extension(name, content, code):
    with pytest.raises(ValidationError) as info:
        check_upload(SimpleUploadedFile(name, content), allowed=DOCUMENTS, max_bytes=10**6)
    assert info.value.code == code


def test_size_limit():
    with pytest.raises(ValidationError) as info:
        check_upload(
            SimpleUploadedFile("a.pdf", b"%PDF-" + b"x" * 2000), allowed=DOCUMENTS, max_bytes=1000
        )
    assert info.value.code == "size"


def test_gb18030_csv_is_text():
    upload = SimpleUploadedFile("名单.csv", "姓名,单位\n张三,甲局\n".encode("gb18030"))
    assert check_upload(upload, allowed=SPREADSHEETS, max_bytes=10**6) == "名单.csv"
