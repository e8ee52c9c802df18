"""Per-device tokens (revision 0005): issue, list, refresh, revoke, expiry; admin routes off."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from api.persistence.tables import ApiTokenRow
from tests.api.client import ADMIN, Api, Lifter


def _device(api: Api, who: Lifter, device: str, **fields: Any) -> Lifter:
    response = api.post(who, "/v1/me/tokens", {"device": device, **fields})
    assert response.status_code == 201, response.text
    return Lifter(who.id, response.json()["token"])


def test_a_token_per_device_listed_without_secrets(api: Api) -> None:
    who = api.lifter()
    phone = _device(api, who, "phone", expires_in_days=30)
    assert api.get(phone, "/v1/me").status_code == 200
    listed = api.get(phone, "/v1/me/tokens").json()["items"]
    assert [(t["device"], t["current"], t["expired"]) for t in listed] == [
        ("default", False, False),
        ("phone", True, False),
    ]
    assert listed[1]["expires_at"] == "2026-04-01T09:00:00Z"
    assert listed[0]["expires_at"] is None
    assert listed[1]["last_used_at"] == "2026-03-02T09:00:00Z"
    assert phone.token not in str(listed)
    assert who.token not in str(listed)
    assert set(listed[0]) == {
        "id", "device", "created_at", "last_used_at", "expires_at", "expired", "current"
    }  # fmt: skip


def test_revoking_stops_the_token_at_once_and_spares_the_others(api: Api) -> None:
    who = api.lifter()
    phone = _device(api, who, "phone")
    assert api.get(phone, "/v1/me").status_code == 200  # the lookup is now cached
    phone_id = next(
        t["id"] for t in api.get(who, "/v1/me/tokens").json()["items"] if t["current"] is False
    )
    assert api.client.delete(f"/v1/me/tokens/{phone_id}", headers=who.auth).status_code == 204
    refused = api.get(phone, "/v1/me")
    assert refused.status_code == 401
    assert api.get(who, "/v1/me").status_code == 200
    assert api.client.delete(f"/v1/me/tokens/{phone_id}", headers=who.auth).status_code == 404
    other = api.lifter()
    mine = api.get(who, "/v1/me/tokens").json()["items"][0]["id"]
    assert api.client.delete(f"/v1/me/tokens/{mine}", headers=other.auth).status_code == 404
    assert api.get(who, "/v1/me").status_code == 200


def test_refreshing_one_device_keeps_the_others_signed_in(api: Api) -> None:
    who = api.lifter()
    phone = _device(api, who, "phone", expires_in_days=10)
    tablet = _device(api, who, "tablet")
    for token in (who, phone, tablet):
        assert api.get(token, "/v1/me").status_code == 200  # cached
    response = api.post(phone, "/v1/me/tokens/refresh")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["device"] == "phone"
    assert body["expires_at"] == "2026-03-12T09:00:00Z"  # the calling token's lifetime
    new_phone = Lifter(who.id, body["token"])
    assert api.get(phone, "/v1/me").status_code == 401
    for token in (who, tablet, new_phone):
        assert api.get(token, "/v1/me").status_code == 200
    live = [t for t in api.rows(ApiTokenRow, lifter_id=who.id) if t.revoked_at is None]
    assert sorted(t.device for t in live) == ["default", "phone", "tablet"]


def test_the_admin_rotation_is_scoped_to_one_device(api: Api) -> None:
    who = api.lifter()
    phone = _device(api, who, "phone")
    rotated = api.client.post(f"/v1/lifters/{who.id}/token", headers=ADMIN)
    assert rotated.status_code == 200
    assert api.get(who, "/v1/me").status_code == 401
    assert api.get(phone, "/v1/me").status_code == 200
    assert api.get(Lifter(who.id, rotated.json()["token"]), "/v1/me").status_code == 200
    by_device = api.client.post(
        f"/v1/lifters/{who.id}/token", params={"device": "phone"}, headers=ADMIN
    )
    assert api.get(phone, "/v1/me").status_code == 401
    assert api.get(Lifter(who.id, by_device.json()["token"]), "/v1/me").status_code == 200


def test_an_expired_token_is_refused_with_a_clear_message(api: Api) -> None:
    who = api.lifter()
    phone = _device(api, who, "phone", expires_in_days=1)
    assert api.get(phone, "/v1/me").status_code == 200  # cached before it expires
    api.clock.set(api.clock() + timedelta(days=1))
    refused = api.get(phone, "/v1/me")
    assert refused.status_code == 401
    assert "expired" in refused.json()["error"]["message"]
    assert api.get(who, "/v1/me").status_code == 200  # the default token never expires
    listed = api.get(who, "/v1/me/tokens").json()["items"]
    assert [t["expired"] for t in listed] == [False, True]


def test_token_requests_are_validated_and_bounded(api: Api) -> None:
    who = api.lifter()
    for body in ({}, {"device": ""}, {"device": "x" * 61}, {"device": "a", "expires_in_days": 0}):
        assert api.post(who, "/v1/me/tokens", body).status_code == 422, body
    for n in range(19):
        _device(api, who, f"d{n}")
    too_many = api.post(who, "/v1/me/tokens", {"device": "one-more"})
    assert too_many.status_code == 409
    assert api.client.get("/v1/me/tokens", headers=ADMIN).status_code == 403


def test_admin_routes_say_they_are_off_without_an_admin_token(make_api: Any) -> None:
    api: Api = make_api(admin_token=None)
    for method, path in (("POST", "/v1/lifters"), ("GET", "/v1/admin/llm-calls")):
        for headers in ({}, ADMIN, {"Authorization": "Bearer jit_whatever"}):
            response = api.client.request(method, path, json={"name": "x"}, headers=headers)
            assert response.status_code == 401
            assert "admin routes are off" in response.json()["error"]["message"]


def test_the_token_list_is_paged_and_marks_the_current_token_on_any_page(api: Api) -> None:
    who = api.lifter()
    devices = [f"phone-{n}" for n in range(4)]  # after "default" at the same instant
    last = [_device(api, who, device) for device in devices][-1]
    first = api.get(last, "/v1/me/tokens", params={"limit": 3}).json()
    assert (first["total"], first["limit"], first["offset"], first["next_offset"]) == (5, 3, 0, 3)
    assert [t["device"] for t in first["items"]] == ["default", "phone-0", "phone-1"]
    assert not any(t["current"] for t in first["items"])
    rest = api.get(last, "/v1/me/tokens", params={"offset": 3}).json()
    assert (rest["limit"], rest["next_offset"]) == (50, None)
    assert [(t["device"], t["current"]) for t in rest["items"]] == [
        ("phone-2", False),
        ("phone-3", True),
    ]
    beyond = api.get(last, "/v1/me/tokens", params={"offset": 9}).json()
    assert (beyond["items"], beyond["total"], beyond["next_offset"]) == ([], 5, None)
    for bad in ({"limit": 0}, {"limit": 201}, {"offset": -1}):
        assert api.get(last, "/v1/me/tokens", params=bad).status_code == 422, bad
