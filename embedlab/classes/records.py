"""A class: a code students type, a secret instructor key, one dataset, one test split, and its members.

    create_class(dataset)           → (ClassRecord, instructor key)   the key is shown once, stored hashed
    load_class(code)                → ClassRecord                     clear messages for bad or unknown codes
    join_class(record, name)        → (Member, member key)            duplicate names and a full class refused
    class_dataset(record)           → LabelledDataset                 the instructor's data, checked by fingerprint

The test rows are chosen once, when the class is made (seeded, stratified: ``training.splits``), and
every member's run is tested on exactly those rows, so accuracies on the board compare. Files, in the
run storage (``classes.store``)::

    .classes/<CODE>/class.json        the record (code, dataset reference, test rows, limit, key hash)
                    dataset-<fingerprint>.json   the dataset itself (texts, labels, class names), for members;
                                      named by its content, so a code drawn twice never overwrites another's
                    members/<id>.json one per member: display name, key hash, when joined
    .classes/owners/<sha256 of a workspace>/<CODE>.json   the classes a workspace started ("your classes")
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
import unicodedata
from dataclasses import asdict, dataclass

import numpy as np

from embedlab.classes.store import ClassStore
from embedlab.data.labelled import LabelledDataset
from embedlab.errors import EmbedLabError
from embedlab.models.training.splits import check_dataset, stratified_split

# No 0/O, 1/I/L: a code read off a projector is typed right the first time.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
TEST_SHARE = 0.2  # of the class dataset's rows, stratified, the same for every member
TEST_SEED = 0
DEFAULT_MAX_MEMBERS = 60
MAX_NAME_LENGTH = 40
FORMAT = 1  # class.json's layout version


@dataclass(frozen=True)
class ClassRecord:
    """One class as stored in ``class.json``."""

    code: str
    created: str
    dataset_name: str
    dataset_fingerprint: str
    dataset_rows: int
    class_names: tuple[str, ...]
    test_rows: tuple[int, ...]
    max_members: int
    instructor_key_sha256: str
    owner_sha256: str = ""  # the SHA-256 of the instructor's workspace name (their login's, with login on)

    def to_json(self) -> dict:
        return {"format": FORMAT, **asdict(self), "class_names": list(self.class_names),
                "test_rows": list(self.test_rows)}

    @property
    def test_fingerprint(self) -> str:
        """A short hash of the test rows: two runs scored on the same rows carry the same one."""
        return hashlib.sha256(np.asarray(self.test_rows, dtype=np.int64).tobytes()).hexdigest()[:12]

    def train_rows(self) -> tuple[int, ...]:
        """Every row of the class dataset that is not a test row."""
        held = set(self.test_rows)
        return tuple(row for row in range(self.dataset_rows) if row not in held)

    def is_owner(self, workspace: str | None) -> bool:
        """True when ``workspace`` is the one that started the class (so its owner needs no key)."""
        return bool(workspace) and bool(self.owner_sha256) and secrets.compare_digest(_sha256(workspace),
                                                                                     self.owner_sha256)

    def is_instructor(self, key: str | None) -> bool:
        """True when ``key`` is this class's instructor key (compared in constant time)."""
        return bool(key) and secrets.compare_digest(_sha256(key), self.instructor_key_sha256)


@dataclass(frozen=True)
class Member:
    """A member of a class: the display name they chose, and when they joined."""

    name: str
    joined: str
    key_sha256: str = ""

    def holds(self, key: str | None) -> bool:
        return bool(key) and bool(self.key_sha256) and secrets.compare_digest(_sha256(key), self.key_sha256)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def new_code() -> str:
    """A fresh random class code: 6 characters from 31 unambiguous letters and digits (about 887 million codes)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """``text`` as a class code (upper case, spaces and dashes dropped); EmbedLabError if it cannot be one."""
    code = re.sub(r"[\s-]+", "", str(text or "")).upper()
    if len(code) != CODE_LENGTH or any(character not in CODE_ALPHABET for character in code):
        shown = repr(str(text or "")[:20])
        raise EmbedLabError(f"{shown} is not a class code: a class code is {CODE_LENGTH} letters and digits such as "
                            "K7QX2M (no 0, O, 1, I or L); check the code your instructor gave you")
    return code


def normalise_name(text: str) -> str:
    """A display name with spaces collapsed; EmbedLabError if empty, too long or holding control characters."""
    name = " ".join(str(text or "").split())
    if not name:
        raise EmbedLabError("a display name cannot be empty; type the name your class will see")
    if len(name) > MAX_NAME_LENGTH:
        raise EmbedLabError(f"a display name of {len(name)} characters is too long; keep it to {MAX_NAME_LENGTH}")
    if any(unicodedata.category(character).startswith("C") for character in name):
        raise EmbedLabError("a display name cannot hold control or invisible characters; type letters and digits")
    return name


def member_id(name: str) -> str:
    """The file name of a member: one per name whatever its case or accents' encoding (Ana, ANA, ana)."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:16]


def create_class(dataset: LabelledDataset, max_members: int = DEFAULT_MAX_MEMBERS,
                 store: ClassStore | None = None, owner: str = "") -> tuple[ClassRecord, str]:
    """Make a class on ``dataset``: its code, its test rows, the dataset stored for members; returns the key too.

    The instructor key is returned once and stored only as its SHA-256: whoever holds it sees the board.
    """
    store = store or ClassStore()
    check_dataset(dataset)
    if not 1 <= int(max_members) <= 500:
        raise EmbedLabError(f"a class of {max_members} members is out of range; pick 1 to 500")
    _, test = stratified_split(np.asarray(dataset.labels), TEST_SHARE, TEST_SEED)
    key = secrets.token_urlsafe(18)
    for _ in range(20):
        record = ClassRecord(code=new_code(), created=_now(), dataset_name=dataset.name,
                             dataset_fingerprint=dataset.fingerprint, dataset_rows=len(dataset),
                             class_names=tuple(map(str, dataset.class_names)),
                             test_rows=tuple(int(row) for row in test), max_members=int(max_members),
                             instructor_key_sha256=_sha256(key), owner_sha256=_sha256(owner) if owner else "")
        # The dataset first: a class.json is never visible without its data.
        store.write_json(dataset_file(record), {"name": dataset.name, "class_names": record.class_names,
                                                        "labels": [int(label) for label in dataset.labels],
                                                        "texts": list(dataset.texts)})
        if store.create_json(f"{record.code}/class.json", record.to_json()):
            if owner:  # listed for its owner: "your classes", found again from their workspace (or login)
                store.write_json(f"owners/{record.owner_sha256}/{record.code}.json", {"code": record.code})
            return record, key
    raise EmbedLabError("no free class code was found after 20 tries; try again")


def owned_classes(owner: str, store: ClassStore | None = None) -> list[str]:
    """Codes of the classes the workspace ``owner`` started, newest listing order (by code)."""
    store = store or ClassStore()
    return [name.removesuffix(".json") for name in store.names(f"owners/{_sha256(owner)}")] if owner else []


def dataset_file(record: ClassRecord) -> str:
    """Where a class's dataset is stored, relative to the classes folder."""
    return f"{record.code}/dataset-{record.dataset_fingerprint}.json"


def load_class(code: str, store: ClassStore | None = None) -> ClassRecord:
    """The class with ``code``; EmbedLabError for a code that is malformed, unknown, or a damaged record."""
    store = store or ClassStore()
    code = normalise_code(code)
    raw = store.read_json(f"{code}/class.json")
    if raw is None:
        raise EmbedLabError(f"no class has the code {code}; check the code (or link) your instructor gave you")
    try:
        record = ClassRecord(code=str(raw["code"]), created=str(raw["created"]), dataset_name=str(raw["dataset_name"]),
                             dataset_fingerprint=str(raw["dataset_fingerprint"]),
                             dataset_rows=int(raw["dataset_rows"]),
                             class_names=tuple(str(name) for name in raw["class_names"]),
                             test_rows=tuple(int(row) for row in raw["test_rows"]),
                             max_members=int(raw["max_members"]),
                             instructor_key_sha256=str(raw["instructor_key_sha256"]),
                             owner_sha256=str(raw.get("owner_sha256", "")))
    except (KeyError, TypeError, ValueError):
        raise EmbedLabError(f"the record of class {code} is damaged (class.json lacks a field or has a wrong one); "
                            "the instructor can start a new class") from None
    if record.code != code or not record.test_rows or max(record.test_rows) >= record.dataset_rows:
        raise EmbedLabError(f"the record of class {code} is damaged (its code or test rows do not fit); "
                            "the instructor can start a new class")
    return record


def class_dataset(record: ClassRecord, store: ClassStore | None = None) -> LabelledDataset:
    """The class's dataset as the instructor chose it; EmbedLabError if the stored copy is missing or changed."""
    store = store or ClassStore()
    raw = store.read_json(dataset_file(record))
    problem = f"the dataset of class {record.code} is missing or damaged; the instructor can start a new class"
    if raw is None:
        raise EmbedLabError(problem)
    try:
        dataset = LabelledDataset(texts=[str(text) for text in raw["texts"]],
                                  labels=np.asarray(raw["labels"], dtype=np.int64),
                                  class_names=[str(name) for name in raw["class_names"]], name=str(raw["name"]))
    except (KeyError, TypeError, ValueError):
        raise EmbedLabError(problem) from None
    if dataset.fingerprint != record.dataset_fingerprint:
        raise EmbedLabError(problem)
    return dataset


def members(record: ClassRecord, store: ClassStore | None = None) -> list[Member]:
    """The class's members, in the order they joined; a damaged member file is left out."""
    store = store or ClassStore()
    found = []
    for name in store.names(f"{record.code}/members"):
        try:
            raw = store.read_json(f"{record.code}/members/{name}")
            found.append(Member(str(raw["name"]), str(raw["joined"]), str(raw.get("key_sha256", ""))))
        except (EmbedLabError, KeyError, TypeError):
            continue
    return sorted(found, key=lambda member: member.joined)


def find_member(record: ClassRecord, name: str, store: ClassStore | None = None) -> Member | None:
    """The member called ``name`` (any case), or None."""
    store = store or ClassStore()
    raw = store.read_json(f"{record.code}/members/{member_id(normalise_name(name))}.json")
    if raw is None:
        return None
    return Member(str(raw.get("name", name)), str(raw.get("joined", "")), str(raw.get("key_sha256", "")))


def member_by_key(record: ClassRecord, key: str | None, store: ClassStore | None = None) -> Member | None:
    """The member whose key is ``key`` (kept in their link, so a reload or a restart finds them), or None."""
    store = store or ClassStore()
    identity = str(key or "").partition(".")[0]
    if not re.fullmatch(r"[0-9a-f]{16}", identity):
        return None
    raw = store.read_json(f"{record.code}/members/{identity}.json")
    if raw is None:
        return None
    member = Member(str(raw.get("name", "")), str(raw.get("joined", "")), str(raw.get("key_sha256", "")))
    return member if member.holds(key) else None


def join_class(record: ClassRecord, name: str, store: ClassStore | None = None) -> tuple[Member, str]:
    """Add ``name`` to the class; returns the member and their key (kept by their browser, stored hashed).

    EmbedLabError when the name is taken (in any case) or the class has ``max_members`` members.
    """
    store = store or ClassStore()
    name = normalise_name(name)
    key = f"{member_id(name)}.{secrets.token_urlsafe(18)}"  # names its member: a browser's link finds it again
    member = Member(name, _now(), _sha256(key))
    with store.lock(f"{record.code}/members"):  # the count and the new file, one joiner at a time
        taken = find_member(record, name, store)
        if taken is not None:
            raise EmbedLabError(f"the name '{taken.name}' is already taken in class {record.code}; "
                                "pick another display name (add an initial, for example)")
        if len(store.names(f"{record.code}/members")) >= record.max_members:
            raise EmbedLabError(f"class {record.code} is full ({record.max_members} members); "
                                "ask your instructor to start a larger class")
        if not store.create_json(f"{record.code}/members/{member_id(name)}.json", asdict(member)):
            taken = find_member(record, name, store)
            raise EmbedLabError(f"the name '{taken.name if taken else name}' is already taken in class {record.code}; "
                                "pick another display name (add an initial, for example)")
    return member, key
