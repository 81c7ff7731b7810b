from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shuangyong.core.testing import read_xlsx, write_xlsx
from shuangyong.org.models import Person

URL = reverse("core:import", args=["people"])
HEADER = ["姓名", "单位", "职务", "联系电话", "电子邮箱", "公民身份号码"]


def upload(tmp_path, rows, name="people.xlsx"):
    path = write_xlsx(tmp_path / name, rows)
    return SimpleUploadedFile(name, path.read_bytes())


def test_office_imports_people_in_the_browser(client, people, district, tmp_path):
    client.force_login(people.office)
    response = client.post(URL, {"file": upload(tmp_path, [HEADER, ["王五", "A", "", "", ""]])})
    assert response.status_code == 200
    assert response.context["result"].created == 1
    assert Person.objects.filter(name="王五", unit=district.a).exists()


def test_faults_are_listed_and_the_error_workbook_is_only_for_the_uploader(
    client, people, district, tmp_path
):
    client.force_login(people.office)
    rows = [HEADER, ["王五", "A", "", "", ""], ["赵六", "无此单位", "", "", ""]]
    response = client.post(URL, {"file": upload(tmp_path, rows), "partial": "on"})
    result = response.context["result"]
    assert (result.created, result.rejected) == (1, 1)
    token = response.context["error_token"]
    download = client.get(reverse("core:import_errors", args=[token]))
    assert download.status_code == 200
    workbook = read_xlsx(__import__("io").BytesIO(b"".join(download.streaming_content)))
    assert workbook[1][:2] == ["赵六", "无此单位"]
    other = type(client)()
    other.force_login(people.admin)
    assert other.get(reverse("core:import_errors", args=[token])).status_code == 404


def test_nothing_written_without_partial(client, people, district, tmp_path):
    client.force_login(people.office)
    rows = [HEADER, ["王五", "A", "", "", ""], ["赵六", "A", "", "bad", ""]]
    response = client.post(URL, {"file": upload(tmp_path, rows)})
    assert response.context["result"].rejected == 1
    assert not Person.objects.filter(name="王五").exists()


def test_a_non_spreadsheet_is_refused_before_reading(client, people):
    client.force_login(people.office)
    bad = SimpleUploadedFile("notes.exe", b"MZ\x90\x00")
    response = client.post(URL, {"file": bad})
    assert "file" in response.context["form"].errors


def test_corrupt_spreadsheet_is_explained(client, people):
    client.force_login(people.office)
    bad = SimpleUploadedFile("people.xlsx", b"PK\x03\x04broken")
    response = client.post(URL, {"file": bad})
    assert "file" in response.context["form"].errors
    truncated = SimpleUploadedFile("people.csv", b"\xff\xfe\x00\x00")
    response = client.post(URL, {"file": truncated})
    assert "file" in response.context["form"].errors or response.context["file_error"]


def test_template_download_has_the_headers(client, people):
    client.force_login(people.office)
    response = client.get(reverse("core:import_template", args=["people"]))
    import io

    assert read_xlsx(io.BytesIO(response.content))[0] == HEADER


def test_liaison_cannot_import(client, people, tmp_path):
    client.force_login(people.liaison_a)
    response = client.post(URL, {"file": upload(tmp_path, [HEADER, ["王五", "A", "", "", ""]])})
    assert response.status_code == 403
    assert not Person.objects.filter(name="王五").exists()


def test_unknown_kind_is_404(client, people):
    client.force_login(people.office)
    assert client.get(reverse("core:import", args=["nonsense"])).status_code == 404
