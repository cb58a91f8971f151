"""The signature policy against forgeries that passed before and genuine files refused before.

One test per class of issue 11 (overlays, bytes after the end, metadata after signing, the
signer's own clock, encapsulated content; document timestamps, DSS, LTV rounds, certified
documents, multi-signed files), each with the verdict and the reason id it must get. The files
are made at test time by tests/sigattacks.py on top of tests/sigfixtures.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sigattacks as A
import sigfixtures as F
from poppler import pdfsig

from hoso.config.models import People
from hoso.pdf.verify import FileVerdict, verify_pdf

FORMER_HEAD_UNTIL = "2024-08-31"


def check(data: bytes, **kwargs: Any) -> FileVerdict:
    kwargs.setdefault("trust_roots", F.pki_fixture().trust)
    kwargs.setdefault("people", F.people())
    return verify_pdf(data, **kwargs)


def assert_refused(verdict: FileVerdict, reason: str, status: str = "invalid") -> None:
    assert verdict.status == status, (verdict.status, verdict.reasons, verdict.details)
    assert reason in verdict.reasons, (verdict.reasons, verdict.details)


# ---- 1. appearances over the signed content -------------------------------------------------


def test_opaque_full_page_appearance_is_refused() -> None:
    data = A.opaque_overlay(F.signed(), F.pki_fixture().to_truong, "Sig2-to-truong")
    verdict = check(data)
    assert_refused(verdict, "sig.appearance-covers-content")
    first = verdict.signatures[0]
    assert first.indication == "TOTAL_FAILED" and first.sub_indication == "FORMAT_FAILURE"


def test_small_white_box_over_one_line_is_refused() -> None:
    # only the line "Nội dung gốc đã được ký." (y = 730) is covered
    data = A.opaque_overlay(F.signed(), F.pki_fixture().to_truong, "Sig2", box=(60, 722, 400, 748))
    assert_refused(check(data), "sig.appearance-covers-content")


def test_opaque_box_on_blank_paper_is_accepted() -> None:
    # the same white box where the page has no ink hides nothing
    data = A.opaque_overlay(F.signed(), F.pki_fixture().to_truong, "Sig2", box=(60, 300, 300, 360))
    verdict = check(data)
    assert verdict.status == "valid", (verdict.reasons, verdict.details)


def test_visible_counter_signatures_on_blank_paper_are_accepted() -> None:
    verdict = check(F.counter_signed())
    assert verdict.status == "valid", verdict.details
    assert [s.indication for s in verdict.signatures] == ["TOTAL_PASSED"] * 4


# ---- 2. bytes after the end ----------------------------------------------------------------


@pytest.mark.parametrize("attack", [A.append_zip, A.append_blank_lines, F.append_garbage])
def test_bytes_after_the_last_eof_are_refused(attack: Any) -> None:
    verdict = check(attack(F.counter_signed()))
    assert_refused(verdict, "file.bytes-after-end")
    assert all(s.indication == "TOTAL_FAILED" for s in verdict.signatures)


def test_zip_polyglot_still_looks_like_a_pdf_end() -> None:
    data = A.append_zip(F.signed())
    assert data.rstrip().endswith(b"%%EOF")  # the attack: a tail that reads like a revision
    assert_refused(check(data), "file.bytes-after-end")


def test_one_end_of_line_after_eof_is_fine() -> None:
    data = F.signed()
    assert data.endswith(b"%%EOF\n")
    assert check(data).status == "valid"


# ---- 3. metadata after signing -------------------------------------------------------------


@pytest.mark.parametrize("attack", [A.retitle, A.add_xmp_title])
def test_metadata_changed_after_signing_is_refused(attack: Any) -> None:
    verdict = check(attack(F.counter_signed()))
    assert_refused(verdict, "sig.metadata-changed")


def test_metadata_changed_between_signatures_is_refused() -> None:
    p = F.pki_fixture()
    data = A.retitle(F.signed())
    data = F.sign(data, p.to_truong, "Sig2-to-truong", when=datetime(2024, 9, 14, 11, 22))
    verdict = check(data)
    assert_refused(verdict, "sig.metadata-changed")
    assert "sig.metadata-changed" in verdict.signatures[0].reasons
    assert "sig.metadata-changed" not in verdict.signatures[1].reasons  # it signed the new title


# ---- 4. the signer's own clock -------------------------------------------------------------


def people_with_former_head() -> People:
    """people(): the tổ trưởng's term ended on FORMER_HEAD_UNTIL."""
    data = F.people().model_dump(by_alias=True, exclude_none=True, mode="json")
    for person in data["people"]:
        for role in person["roles"]:
            if role["role"] == "to-truong":
                role["until"] = FORMER_HEAD_UNTIL
    return People.model_validate(data)


def test_claimed_time_in_a_former_term_grants_no_role() -> None:
    p = F.pki_fixture()
    # the former tổ trưởng approves a lesson plan later, claiming a time inside his old term
    data = F.sign(F.source_pdf(), p.teacher, "Sig1", when=datetime(2024, 8, 20, 8, 0))
    data = F.sign(data, p.to_truong, "Sig2", when=datetime(2024, 8, 28, 9, 0))
    verdict = check(data, people=people_with_former_head())
    assert_refused(verdict, "sig.role-ended-before-arrival", "untrusted")
    head = verdict.signatures[1]
    assert head.time_source == "claimed" and [r.role for r in head.roles] == ["giao-vien"]
    assert head.indication == "INDETERMINATE"
    # the same file, arrived inside the term (e.g. the commit that brought it): the role holds
    arrived = datetime(2024, 8, 29, tzinfo=UTC)
    inside = check(data, people=people_with_former_head(), arrival=arrived)
    assert inside.status == "valid", inside.reasons
    assert {r.role for r in inside.signatures[1].roles} == {"giao-vien", "to-truong"}


def test_trusted_timestamp_inside_the_term_keeps_the_role() -> None:
    p = F.pki_fixture()
    data = F.sign(F.source_pdf(), p.teacher, "Sig1", when=datetime(2024, 8, 20, 8, 0))
    data = A.timestamped_sign(data, p.to_truong, "Sig2", when=datetime(2024, 8, 28, 9, 0))
    verdict = check(data, people=people_with_former_head())
    assert verdict.status == "valid", (verdict.reasons, verdict.details)
    head = verdict.signatures[1]
    assert head.time_source == "timestamp"
    assert head.timestamp_time is not None and head.timestamp_time.startswith("2024-08-28")
    assert "to-truong" in {r.role for r in head.roles}


def test_claimed_time_in_the_future_is_refused() -> None:
    p = F.pki_fixture()
    data = F.sign(F.source_pdf(), p.teacher, "Sig1", when=datetime(2044, 9, 12, 8, 0))
    verdict = check(data)
    assert_refused(verdict, "sig.time-after-arrival", "untrusted")
    # and against an explicit arrival: signed after it reached the repository
    early = check(F.signed(), arrival=datetime(2024, 9, 1, tzinfo=UTC))
    assert_refused(early, "sig.time-after-arrival", "untrusted")


def test_claimed_time_before_the_previous_signature_is_refused() -> None:
    p = F.pki_fixture()
    data = F.sign(F.source_pdf(), p.teacher, "Sig1", when=datetime(2024, 9, 12, 8, 0))
    data = F.sign(data, p.to_truong, "Sig2", when=datetime(2024, 9, 1, 8, 0))
    verdict = check(data)
    assert_refused(verdict, "sig.time-before-previous", "untrusted")
    assert verdict.signatures[0].reasons == []


def test_report_says_which_time_was_used() -> None:
    verdict = check(F.signed(), arrival=datetime(2024, 9, 20, tzinfo=UTC))
    sig = verdict.signatures[0].__dict__
    assert sig["time_source"] == "claimed"
    assert sig["signing_time"] == sig["claimed_time"] == "2024-09-12T08:05:00+07:00"
    assert sig["arrival_time"] == "2024-09-20T00:00:00+00:00"
    assert "revocation-offline" in sig["not_checked"]


# ---- 5. encapsulated content ---------------------------------------------------------------


def test_encapsulated_content_is_refused() -> None:
    verdict = check(A.encapsulate(F.signed()))
    assert_refused(verdict, "sig.encapsulated-content")
    assert verdict.signatures[0].sub_indication == "FORMAT_FAILURE"


# ---- 6. genuine long-term files ------------------------------------------------------------


def test_document_timestamp_after_the_last_signature_is_accepted() -> None:
    data = A.doc_timestamp(F.counter_signed(), datetime(2024, 9, 20, 9, 0))
    verdict = check(data)
    assert verdict.status == "valid", (verdict.reasons, verdict.details)
    assert [s.kind for s in verdict.signatures][-1] == "doc-timestamp"
    assert verdict.signatures[-1].time_source == "timestamp"


def test_dss_and_several_ltv_rounds_are_accepted() -> None:
    data = A.add_dss(F.counter_signed())
    data = A.doc_timestamp(data, datetime(2024, 9, 20, 9, 0), "DocTS1")
    data = A.add_dss(data)
    data = A.doc_timestamp(data, datetime(2025, 9, 20, 9, 0), "DocTS2")
    verdict = check(data)
    assert verdict.status == "valid", (verdict.reasons, verdict.details)
    assert [s.kind for s in verdict.signatures].count("doc-timestamp") == 2


def test_certified_document_with_later_approvals_is_accepted() -> None:
    p = F.pki_fixture()
    data = A.certified(p.teacher, "Sig1-giao-vien", later=("Sig2-to-truong", "Sig3-hieu-truong"))
    data = F.sign(data, p.to_truong, "Sig2-to-truong", when=datetime(2024, 9, 14, 11, 22))
    data = F.sign(data, p.hieu_truong, "Sig3-hieu-truong", when=F.COUNTER_SIGNED_AT)
    verdict = check(data)
    assert verdict.status == "valid", (verdict.reasons, verdict.details)


def test_certified_no_changes_document_refuses_later_changes() -> None:
    p = F.pki_fixture()
    certified = A.certified(p.teacher, "Sig1-giao-vien", permission="NO_CHANGES")
    assert check(certified).status == "valid"
    # pyHanko refuses to sign it; a hand-made update filling a form field is the attack
    assert_refused(check(F.fill_form(certified)), "sig.forbidden-modification")


def test_form_filling_before_a_document_timestamp_is_still_refused() -> None:
    data = A.doc_timestamp(F.fill_form(F.counter_signed()), datetime(2024, 9, 20, 9, 0))
    verdict = check(data)
    assert verdict.status == "invalid", verdict.reasons


# ---- every file hoso accepts here, pdfsig accepts too ---------------------------------------


def test_pdfsig_agrees_on_the_accepted_files(tmp_path: Path) -> None:
    p = F.pki_fixture()
    accepted = {
        "doc-timestamp": A.doc_timestamp(F.counter_signed(), datetime(2024, 9, 20, 9, 0)),
        "dss": A.add_dss(F.counter_signed()),
        "certified": F.sign(A.certified(p.teacher, "S1", later=("S2",)), p.to_truong, "S2"),
        "timestamped": A.timestamped_sign(F.signed(), p.to_truong, "S2", datetime(2024, 9, 14, 9, 0)),
        "blank-box": A.opaque_overlay(F.signed(), p.to_truong, "S2", box=(60, 300, 300, 360)),
    }
    for name, data in accepted.items():
        assert check(data).integrity, name
        said = pdfsig(data, tmp_path, name, "-nocert")
        assert "Signature is Valid." in said.values(), (name, said)
        assert not {"Digest Mismatch.", "Signature is Invalid."} & set(said.values()), (name, said)


def test_verify_json_carries_the_indication(tmp_path: Path) -> None:
    from hoso.pdf.verify import FileVerdict

    data = A.opaque_overlay(F.signed(), F.pki_fixture().to_truong, "Sig2")
    as_json = json.loads(json.dumps(check(data).as_json()))
    assert as_json["signatures"][0]["indication"] == "TOTAL_FAILED"
    assert FileVerdict.from_json(as_json).as_json() == as_json


# ---- forgeries found by review -------------------------------------------------------------


def test_prepared_field_signed_later_over_the_text_is_refused() -> None:
    assert_refused(check(A.prepared_field_overlay()), "sig.appearance-covers-content")


def test_later_signature_with_javascript_is_refused() -> None:
    data = A.scripted_widget(F.signed(), F.pki_fixture().to_truong, "Sig2-to-truong")
    assert b"/JavaScript" in data
    assert_refused(check(data), "sig.forbidden-modification")


def test_need_appearances_after_signing_is_refused() -> None:
    p = F.pki_fixture()
    data = A.need_appearances(F.signed())
    data = F.sign(data, p.to_truong, "Sig2-to-truong", when=datetime(2024, 9, 14, 11, 22), visible=False)
    assert_refused(check(data), "sig.forbidden-modification")


def test_later_signature_over_a_form_field_is_refused() -> None:
    # the signed, empty text field "ghi_chu" (72, 600)-(372, 624): a box written into it
    data = A.opaque_overlay(F.signed(), F.pki_fixture().to_truong, "Sig2", box=(80, 602, 300, 622))
    assert_refused(check(data), "sig.appearance-covers-content")


@pytest.mark.parametrize("base", ["signed", "counter_signed"])
def test_object_hidden_from_the_cross_reference_table_is_refused(base: str) -> None:
    assert_refused(check(A.shadow_object(getattr(F, base)())), "sig.forbidden-modification")


def test_a_page_too_costly_to_render_is_refused_in_seconds() -> None:
    import time

    p = F.pki_fixture()
    data = F.sign(A.costly_page(), p.teacher, "Sig1")
    data = F.sign(data, p.to_truong, "Sig2", when=datetime(2024, 9, 14, 11, 22))
    started = time.monotonic()
    verdict = check(data)
    assert time.monotonic() - started < 5
    assert_refused(verdict, "sig.appearance-covers-content")
    assert any("too costly" in d for d in verdict.details)


def test_history_arrival_bounds_a_claimed_time() -> None:
    # in history, the arrival is found on demand (a callable): a claim after it is refused too
    verdict = check(F.counter_signed(), arrival=lambda: datetime(2024, 9, 13, tzinfo=UTC))
    assert_refused(verdict, "sig.time-after-arrival", "untrusted")
    assert verdict.signatures[0].reasons == []  # signed 2024-09-12: before the arrival


def test_zip_inside_a_well_formed_revision_is_refused() -> None:
    import io
    import zipfile

    data = A.zip_revision(F.counter_signed())
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["diem-that.txt"]  # the polyglot works
    verdict = check(data)
    assert_refused(verdict, "sig.forbidden-modification")
    assert any("belong to no object" in d for d in verdict.details)
