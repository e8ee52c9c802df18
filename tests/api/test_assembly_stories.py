"""Stories: what a lifter stored becomes the engine's input (DR §8.3), read from the snapshot."""

from __future__ import annotations

from typing import Any

from api.persistence.tables import SessionRow
from shared_types.inputs import JITInput
from tests.api.client import Api, Lifter
from training_engine.defaults import FEMALE_FORMULA_CONFIG, FEMALE_LANDMARKS, MALE_LANDMARKS


def _snapshot(api: Api, sid: str) -> JITInput:
    [row] = api.rows(SessionRow, id=sid)
    return JITInput.model_validate(row.jit_input_snapshot)


def _do(
    api: Api,
    who: Lifter,
    session: dict[str, Any],
    key: str,
    sets: list[dict[str, Any]],
    *,
    session_rpe: float | None = None,
) -> dict[str, Any]:
    generated = api.generate(who, session["id"], key=key, body={"strategy": "formula"})
    assert generated.status_code == 200, generated.text
    for logged in sets:
        assert api.log_set(who, session["id"], **logged).status_code == 201
    done = api.post(who, f"/v1/me/sessions/{session['id']}/complete", {"session_rpe": session_rpe})
    assert done.status_code == 200
    body: dict[str, Any] = generated.json()
    return body


def test_a_female_lifter_gets_the_female_defaults(api: Api) -> None:
    """Parakeet forgot sex when loading the formula config (§10.2-1); we do not."""
    who = api.lifter(biological_sex="female", date_of_birth="1990-06-15", bodyweight_kg=62)
    api.set_max(who, "squat", 100)
    api.program(who)
    sid = api.sessions(who)[0]["id"]
    api.generate(who, sid)
    inp = _snapshot(api, sid)
    assert inp.formula_config == FEMALE_FORMULA_CONFIG
    assert inp.mrv_mev_config == FEMALE_LANDMARKS
    assert inp.warmup_config is not None
    assert inp.warmup_config.model_dump() == {
        "type": "preset",
        "name": "standard_female",
    }
    assert (inp.bar_weight_kg, inp.user_age, inp.biological_sex) == (15.0, 35, "female")
    assert (inp.one_rm_kg, inp.one_rm_source) == (100.0, "stored")
    assert inp.all_one_rm_kg == {"squat": 100.0}


def test_overrides_are_merged_onto_the_sex_defaults(api: Api) -> None:
    who = api.lifter(biological_sex="male")
    api.set_max(who, "squat", 140)
    api.put(who, "/v1/me/config/formula", {"overrides": {"block1": {"heavy": {"sets": 3}}}})
    api.put(who, "/v1/me/config/volume-landmarks", {"overrides": {"quads": {"mev": 9, "mrv": 18}}})
    api.put(
        who, "/v1/me/config/warmups", {"warmups": {"squat": {"type": "preset", "name": "minimal"}}}
    )
    api.put(who, "/v1/me/config/rest", {"overrides": [{"lift": "squat", "rest_seconds": 200}]})
    api.put(
        who, "/v1/me/config/plates", {"bar_weight_kg": 15, "available_plates_kg": [20, 10, 5, 2.5]}
    )
    api.program(who)
    sid = api.sessions(who)[0]["id"]
    out = api.generate(who, sid).json()
    inp = _snapshot(api, sid)
    assert inp.formula_config.block1.heavy.sets == 3
    assert inp.formula_config.block1.explosive.sets == 3  # untouched male default
    assert (inp.mrv_mev_config.quads.mev, inp.mrv_mev_config.quads.mrv) == (9, 18)
    assert inp.mrv_mev_config.chest == MALE_LANDMARKS.chest
    assert inp.warmup_config_explicit is True
    assert (inp.bar_weight_kg, inp.weight_increment_kg) == (15.0, 5.0)
    assert out["prescription"]["rest_recommendations"]["main_lift"] == [200, 200, 200]
    assert len(out["prescription"]["main_lift_sets"]) == 3


def test_a_logged_week_becomes_weekly_volume_recent_logs_and_history(api: Api) -> None:
    who = api.lifter(biological_sex="male")
    for lift, kg in (("squat", 140), ("bench", 100), ("deadlift", 180)):
        api.set_max(who, lift, kg)
    api.program(who, total_weeks=4)
    squat, bench, deadlift, *_ = api.sessions(who)
    _do(
        api,
        who,
        squat,
        "d1",
        [
            {"set_number": 1, "weight_kg": 112.5, "reps": 5, "rpe": 8},
            {"set_number": 2, "weight_kg": 112.5, "reps": 5, "rpe": 9},
            {
                "kind": "auxiliary",
                "exercise": "Pause Squat",
                "set_number": 1,
                "weight_kg": 90,
                "reps": 5,
                "rpe": 7,
            },
        ],
        session_rpe=8.5,
    )
    bench_out = _do(
        api,
        who,
        bench,
        "d2",
        [
            {"set_number": 1, "weight_kg": 70, "reps": 10, "rpe": 7},
            {"set_number": 2, "weight_kg": 70, "reps": 10},
        ],
        session_rpe=7.5,
    )
    api.generate(who, deadlift["id"], key="d3")
    inp = _snapshot(api, deadlift["id"])
    # squat: 0.85 + 1.0 effective main sets; Pause Squat 0.65 (quads 1.0, glutes 1.0)
    # bench: 0.65 + 1.0 (unrecorded RPE counts as a full set)
    volume = inp.weekly_volume_to_date
    assert volume["quads"] == 1.85 + 0.65
    assert volume["chest"] == 1.65
    assert volume["triceps"] == 0.66  # 1.65 x 0.4
    assert volume["glutes"] == round(1.85 * 0.55 + 0.65 * 1.0, 2)
    assert inp.recent_logs == ()  # no deadlift was done yet
    assert (inp.session_index, inp.total_sessions_this_week, inp.upcoming_lifts) == (3, 3, ())
    assert "pause-squat" in (inp.aux_history or {})
    [entry] = (inp.aux_history or {})["pause-squat"]
    assert entry.sets[0].weight_kg == 90
    assert inp.recent_aux_exercises == ("Pause Squat",)
    # Bench next week: its own target RPE (rep day: 8.0), not parakeet's constant 8.5 (§10.2-3)
    bench_week2 = next(
        s for s in api.sessions(who) if s["week_number"] == 2 and s["primary_lift"] == "bench"
    )
    api.generate(who, bench_week2["id"], key="w2")
    logs = _snapshot(api, bench_week2["id"]).recent_logs
    target = bench_out["prescription"]["main_lift_sets"][0]["rpe_target"]
    assert [(log.actual_rpe, log.target_rpe) for log in logs] == [(7.5, target)]
    assert target == 8.0
    assert logs[0].actual_max_weight_kg == 70
    assert logs[0].estimated_one_rm_kg == 70 * (1 + 10 / 30)


def test_without_a_max_the_profile_estimate_is_used(api: Api) -> None:
    who = api.lifter(biological_sex="male", bodyweight_kg=90, date_of_birth="1980-01-01")
    api.program(who)
    sid = api.sessions(who)[0]["id"]
    body = api.generate(who, sid).json()
    # 90 x 1.35 (male squat) x 0.92 (age 46) x 0.6 (novice) = 67.07 -> 67.5
    assert (body["one_rm_kg"], body["one_rm_source"]) == (67.5, "profile_estimate")
    assert body["notes"] == ["No stored 1RM for squat: 67.5 kg estimated from the profile"]


def test_three_strong_sessions_give_a_working_max(api: Api) -> None:
    who = api.lifter(biological_sex="male")
    api.set_max(who, "squat", 140)
    api.program(who, total_weeks=12)
    squats = [s for s in api.sessions(who) if s["primary_lift"] == "squat"]
    for i, session in enumerate(squats[:3]):
        _do(
            api,
            who,
            session,
            f"s{i}",
            [{"set_number": 1, "weight_kg": 130, "reps": 3, "rpe": 9}],
            session_rpe=9,
        )
    body = api.generate(who, squats[3]["id"], key="s3").json()
    # P13: 130 kg x 3 @ 9, read against what each session prescribed, is more than 110 % of
    # 140 kg: the cap holds it at 154, on the 2.5 kg step 155.
    assert (body["one_rm_kg"], body["one_rm_source"]) == (155.0, "working")
    inp = _snapshot(api, squats[3]["id"])
    assert (inp.stored_one_rm_kg, inp.one_rm_source) == (140.0, "working")


def test_disruptions_injury_soreness_and_the_rehab_cap(api: Api) -> None:
    who = api.lifter(biological_sex="male")
    api.set_max(who, "squat", 140)
    api.program(who)
    injury = api.post(
        who,
        "/v1/me/disruptions",
        {
            "disruption_type": "injury",
            "severity": "moderate",
            "affected_lifts": ["squat"],
            "description": "tweaked knee",
        },
    ).json()
    api.post(
        who,
        "/v1/me/disruptions",
        {"disruption_type": "travel", "severity": "minor", "affected_date_start": "2026-03-20"},
    )
    resolved = api.post(
        who, "/v1/me/disruptions", {"disruption_type": "illness", "severity": "major"}
    ).json()
    api.post(who, f"/v1/me/disruptions/{resolved['id']}/resolve")
    api.post(who, "/v1/me/rehab-caps", {"lift": "squat", "cap_kg": 80})
    api.post(who, "/v1/me/rehab-caps", {"lift": "bench", "cap_kg": 50})
    sid = api.sessions(who)[0]["id"]
    body = api.generate(who, sid, body={"soreness": {"quads": 3, "chest": 8}}).json()
    inp = _snapshot(api, sid)
    assert [d.id for d in inp.active_disruptions] == [injury["id"]]  # not future, not resolved
    assert inp.active_disruptions[0].description == "tweaked knee"
    assert inp.soreness_ratings == {
        "quads": 7,
        "hamstrings": 7,
        "glutes": 7,
        "lower_back": 7,
        "chest": 8,
    }
    assert inp.active_rehab_cap is not None
    assert inp.active_rehab_cap.cap_kg == 80
    assert all(s["weight_kg"] <= 80 for s in body["prescription"]["main_lift_sets"])
    assert "Injury soreness added for quads, hamstrings, glutes, lower_back" in body["notes"]
    logged = api.log_set(who, sid, set_number=1, weight_kg=60, reps=5).json()
    assert logged["during_rehab"] is True


def test_the_volume_view_compares_the_week_with_the_landmarks(api: Api) -> None:
    who = api.lifter(biological_sex="female")
    api.set_max(who, "bench", 60)
    api.program(who)
    bench = api.sessions(who)[1]
    _do(
        api,
        who,
        bench,
        "v",
        [{"set_number": n, "weight_kg": 40, "reps": 10, "rpe": 9} for n in (1, 2, 3)],
    )
    report = api.get(who, "/v1/me/volume", params={"week": 1}).json()
    chest = next(m for m in report["muscles"] if m["muscle"] == "chest")
    assert chest == {
        "muscle": "chest",
        "sets": 3.0,
        "mev": 10.0,
        "mrv": 26.0,
        "status": "below_mev",
    }
    assert api.get(who, "/v1/me/volume").json()["week"] == 1
    assert api.get(api.lifter(), "/v1/me/volume").status_code == 404
