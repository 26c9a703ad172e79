"""The Class and Class board pages (AppTest): start, join by link, the messages, and who may see the board."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from embedlab.classes.records import create_class, load_class
from embedlab.classes.store import ClassStore
from embedlab.data.builtins import builtin_dataset


@pytest.fixture
def app(project_root, tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("EMBEDLAB_RUNS_DIR", str(tmp_path / "runs"))

    def visitor(page: str = "pages/classes.py", **params) -> AppTest:
        at = AppTest.from_file(str(project_root / page), default_timeout=60)
        at.session_state["workspace"] = "classTestWorkspace7"
        at.query_params.update(params)
        return at

    return visitor


def errors(at: AppTest) -> str:
    return "\n".join(error.value for error in at.main.error)


def join(at: AppTest, name: str) -> AppTest:
    at.text_input(key="classes.join_name").input(name).run()
    return at.button(key="classes.join").click().run()


def test_an_instructor_starts_a_class_and_gets_its_links(app):
    at = app().run()
    at.button(key="classes.start").click().run()
    assert not at.exception
    code = at.session_state["classes.instructing"]["code"]
    assert load_class(code).dataset_name == builtin_dataset("pang-lee-200").name
    assert f"class?class={code}" in at.text_input(key="classes.join_link").value
    assert f"class-board?class={code}&key=" in at.text_input(key="classes.board_link").value


def test_a_student_joins_by_link_and_gets_the_class_dataset(app, tmp_path):
    small = builtin_dataset("pang-lee-200")
    record, _ = create_class(small, store=ClassStore(tmp_path / "runs"))
    at = join(app(**{"class": record.code}).run(), "Ana")
    assert not at.exception and not errors(at)
    assert at.session_state["classes.member"]["name"] == "Ana"
    assert at.session_state["dataset"].fingerprint == record.dataset_fingerprint
    assert at.query_params["class"] == record.code and at.query_params["member"]
    assert "You are in class" in at.main.success[0].value
    # A reload (a new session with the same link) finds the membership again.
    again = app(**{"class": record.code, "member": at.query_params["member"]}).run()
    assert again.session_state["classes.member"]["name"] == "Ana"
    again.button(key="classes.leave").click().run()
    assert "classes.member" not in again.session_state and "member" not in again.query_params
    assert again.button(key="classes.join")  # the join form again, for another class


@pytest.mark.parametrize("code, message", [("XYZ", "'XYZ' is not a class code"),
                                           ("K7QX2M", "no class has the code K7QX2M")])
def test_a_bad_code_is_said(app, code, message):
    at = join(app(**{"class": code}).run(), "Ana")
    assert message in errors(at).replace("\\", "")


def test_a_taken_name_and_a_full_class_are_said(app, tmp_path):
    record, _ = create_class(builtin_dataset("pang-lee-200"), max_members=1, store=ClassStore(tmp_path / "runs"))
    assert not errors(join(app(**{"class": record.code}).run(), "Ana"))
    assert "the name 'Ana' is already taken" in errors(join(app(**{"class": record.code}).run(), "ana"))
    assert "is full (1 members)" in errors(join(app(**{"class": record.code}).run(), "Ben"))


def test_the_board_needs_the_instructor_key(app, tmp_path):
    record, key = create_class(builtin_dataset("pang-lee-200"), store=ClassStore(tmp_path / "runs"))
    for params in ({"class": record.code}, {"class": record.code, "key": "wrong"}):
        at = app("pages/class_board.py", **params).run()
        assert "for the class's instructor" in at.main.warning[0].value
    at = app("pages/class_board.py", **{"class": record.code, "key": key}).run()
    assert not at.exception and f"Class board · {record.code}" in at.title[0].value
    assert "No runs yet" in at.main.info[0].value


def test_a_member_sees_the_class_runs_as_numbers(app, tmp_path):
    from embedlab.classes.board import BoardRow

    store = ClassStore(tmp_path / "runs")
    record, _ = create_class(builtin_dataset("pang-lee-200"), store=store)
    row = BoardRow(student="Ben", run="Ben's run", embedding="random", encoder="pooling", rows=160, accuracy=0.7,
                   test_rows=40, when="2026-12-07T08:00:00Z", test_fingerprint=record.test_fingerprint)
    store.write_json(f"{record.code}/board/x.json", row.to_json(curves=True))
    at = join(app(**{"class": record.code}).run(), "Ana")
    table = at.dataframe[0].value
    assert list(table["student"]) == ["Ben"] and list(table["accuracy"]) == [0.7]
    assert "workspace" not in " ".join(table.columns)


def test_the_instructor_finds_the_board_again_from_their_workspace(app):
    at = app().run()
    at.button(key="classes.start").click().run()
    code = at.session_state["classes.instructing"]["code"]
    # Later, in a new session of the same workspace (the same link, or the same login), without the key:
    again = app().run()
    assert code in " ".join(block.value for block in again.markdown)
    board = app("pages/class_board.py", **{"class": code}).run()
    assert f"Class board · {code}" in board.title[0].value
    stranger = app("pages/class_board.py", **{"class": code})
    stranger.session_state["workspace"] = "anotherWorkspace9"
    assert "for the class's instructor" in stranger.run().main.warning[0].value


def test_the_board_shows_a_hostile_display_name_as_typed(app, tmp_path):
    from embedlab.classes.board import BoardRow

    store = ClassStore(tmp_path / "runs")
    record, key = create_class(builtin_dataset("pang-lee-200"), store=store)
    name = "[x](https://evil.example) **b**"
    row = BoardRow(student=name, run="run", embedding="random", encoder="pooling", rows=160, accuracy=0.7,
                   test_rows=40, when="2026-12-07T08:00:00Z", test_fingerprint=record.test_fingerprint)
    store.write_json(f"{record.code}/board/x.json", row.to_json(curves=True))
    for presenter in (False, True):
        at = app("pages/class_board.py", **{"class": record.code, "key": key})
        at.session_state["class_board.presenter"] = presenter
        at.run()
        shown = [metric.label for metric in at.metric] + [block.value for block in at.markdown]
        assert any("\\[x\\](https\\:\u2060//evil.example) \\*\\*b\\*\\*" in text for text in shown), shown
        assert not any("[x](https://evil.example)" in text for text in shown)
