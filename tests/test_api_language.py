"""The API answers in Bahasa Indonesia by default and in English when the client asks."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/hotspots/nearest/?lat=abc&lon=112.4"
BAHASA = ("Parameter lat wajib berupa angka: lintang WGS 84 dalam derajat (-90 sampai 90).")
ENGLISH = ("The lat parameter is required and must be a number: WGS 84 latitude in degrees "
           "(-90 to 90).")


@pytest.mark.parametrize(
    ("accept", "language", "message"),
    [
        (None, "id", BAHASA),
        ("id-ID,id;q=0.9", "id", BAHASA),
        ("en-US,en;q=0.9", "en", ENGLISH),
        ("fr-FR", "id", BAHASA),  # not offered: the default
    ],
)
def test_api_messages_follow_accept_language(client, accept, language, message):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    response = client.get(URL, **headers)
    assert response.status_code == 400
    assert response.json() == {"lat": [message]}
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]


def test_pages_keep_the_language_of_their_url(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "id"
    assert client.get("/en/", HTTP_ACCEPT_LANGUAGE="id")["Content-Language"] == "en"
