"""The limits on failed progress lookups as a deployment sees them: `onestop serve` with three
gunicorn worker processes and no Redis (each process's cache is its own memory), on the suite's
database engine. Clients come from several loopback addresses (127.0.0.0/8), each request on a
new connection, so that the worker processes take turns answering (docs/adr/0004).
"""

import pytest

from tests.factories import FORM, TWO_PERMITS_SCANS, profile, scan

from .served import DEMO_EMPLOYER, database, deployment_environment, onestop, serving

pytestmark = pytest.mark.process

PASSPORT = FORM["passport_number"]
FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}  # ASCII -> full-width


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The served deployment and the number of an application filed through it."""
    folder = tmp_path_factory.mktemp("throttle")
    with database(folder, "throttle") as url:
        env = deployment_environment(url, folder / "var")
        onestop(env, "prepare", "--demo")
        with serving(env, folder, workers=3) as server:
            handler = server.client("127.0.0.2")
            handler.sign_in("handler")
            filed = handler.post_json(
                "/api/v1/applications",
                {
                    "region": "beijing",
                    "bundle": "two_permits",
                    "employer": DEMO_EMPLOYER,
                    "profile": profile("B"),
                    "form": {**FORM, "employer_credit_code": DEMO_EMPLOYER},
                    "files": [scan(*given) for given in TWO_PERMITS_SCANS],
                },
            )
            assert filed.status == 201, filed.text
            yield server, filed.json()["number"]


def progress(client, number: str, passport: str) -> int:
    path = f"/api/v1/applications/{number}/progress"
    return client.get(path, **{"X-Passport-Number": passport}).status


def test_ten_failures_per_address_mean_ten_across_worker_processes(site):
    server, _ = site
    guesser = server.client("127.0.0.20")

    answers = [progress(guesser, f"BJ2099{n:07d}", "E99999999") for n in range(25)]

    assert answers == [404] * 10 + [429] * 15


def test_the_applicant_gets_progress_after_strangers_failed_on_the_number(site):
    server, number = site
    strangers = [server.client(f"127.0.0.{30 + n}") for n in range(8)]
    for stranger in strangers:
        for guess in range(12):
            progress(stranger, number, f"E{guess:08d}9")
    # A stranger who failed on the number is refused even with the right passport number.
    assert progress(strangers[-1], number, PASSPORT) == 429

    assert progress(server.client("127.0.0.50"), number, PASSPORT) == 200


def test_a_passport_number_typed_full_width_on_the_page_matches(site):
    server, number = site
    applicant = server.client("127.0.0.60")

    answer = applicant.post_form(
        "/progress/",
        {
            "number": "".join(FULL_WIDTH.get(c, c) for c in number.lower()),
            "passport_number": "\u3000".join(FULL_WIDTH[c] for c in PASSPORT),
        },
    )

    assert answer.status == 200, answer.text[-2000:]
    assert number in answer.text
