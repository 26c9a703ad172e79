"""Many visitors at once on one server, with no browser: the server's own answer times and costs.

Each visitor is a websocket client that speaks Streamlit's own protocol to ``/_stcore/stream``
(``BackMsg`` protobufs out, ``ForwardMsg`` ones in), as Streamlit's JavaScript frontend does,
so nothing on this machine draws pages: the CPU that moves with the number of visitors is the
server's. bench/bench_load.py makes the same journey with real browsers (Chromium), whose
drawing shares the 2 cores with the server there; this bench is its protocol-level twin.

Each visitor, in their own workspace (holding one small trained run), makes this journey on
one websocket (one browser tab), each step timed from the ``rerun_script`` sent to the
``script_finished`` that ends the run it asked for:

1. ``analogies``: a new session opens ``/analogies?workspace=…`` (the first ``rerun_script``
   names the page by its URL path, as the frontend does); the default question
   king − man + woman must answer "queen" first;
2. ``c changed``: the "+ c (add)" text input (key ``analogies.c``) set to "girl", every other
   widget keeping its value; the ranked answers must change (GloVe still puts queen first)
   and "girl" must be on the analogy map;
3. ``predict open``: the Predict page (a rerun with its page hash from the ``navigation``
   message), until its live text box (the ``streamlit-keyup`` component) is there;
4. ``predict answer``: "a wonderful and beautiful film" typed into that box, a key every
   ``--key-interval`` seconds. The component sends its value (``{"value": text}`` as the
   widget's JSON) only after ``debounce`` ms without a key (Predict asks for 200 ms), so at
   40 ms a key one rerun goes, 200 ms after the last key; ``--every-key`` sends one rerun
   per key instead, the next key when the previous run has finished (a slow typist, the
   server's worst case). Timed from the last rerun sent; the run's label must be "positive";
5. ``explore``: the Explore page, until its default map (2,000 GloVe words, UMAP) is drawn
   with its "Drawn in … s" caption.

A step fails (counted, not timed) on a timeout, a ``script_finished`` that is not a success,
an exception element in the run, or a wrong answer. A run the app itself ends early to rerun
(``FINISHED_EARLY_FOR_RERUN``, e.g. a fresh server's first deep link) is not the end of the
step: the step ends with the run after it.

What the frontend does and this client does too: the first rerun carries ``page_name`` (the
URL path) and an empty page hash, later ones the current page's hash; a rerun carries the
value of every widget of the last run (the value the visitor set, else the one the server
declared), a page change only those app.py drew (the sidebar); ``context_info`` (time zone,
locale, URL) goes with every rerun; messages the server marks cacheable are kept and their
hashes sent back, so the server answers with references as it would to a browser. What it
leaves out: the HTTP requests a browser makes first (the page, its JavaScript, the health
and host-config checks) and drawing. No widget is touched while a run is going except in the
debounced typing, where the real component does not wait either.

The rounds: for each N of ``--visitors``, ``--repeats`` rounds of N journeys at once (or
starting evenly over ``--arrive-over`` seconds, with ``--think`` seconds between steps),
after one warm-up journey that is not counted (in the first visitor's workspace, so in the
first round the other visitors' ``predict open`` still loads their own copy of the model, as
in bench_load.py). Times are taken as this client reads the messages. Per N it prints, per step, the answer time's
p50 / p95 / max and the errors; the journeys completed (every step right); each round's wall
time, from the first visitor's start until the last one's end; the server's CPU seconds per
journey (user + system time of the server's whole process tree, the children it has reaped
included, read from /proc before and after each round); the server tree's resident memory,
peak and last, sampled every half second; and this client's own CPU seconds, also as a share
of the server's (it parses every message the server sends, so at high N it is not free: keep
it well under the server's figure, or the times include waiting for the client).

By default the bench trains one small run, copies it into every visitor's workspace under a
temporary runs folder and starts ``streamlit run app.py`` on a free port with that folder
(``--server-command`` starts any other server instead, e.g. ``python -m embedlab serve --port
{port}``; ``{port}`` is replaced, and EMBEDLAB_RUNS_DIR is set). With ``--url`` it uses a running
server: the workspaces go into its runs folder (``--runs-dir``, else read from the server
process's EMBEDLAB_RUNS_DIR) and are removed afterwards, and its CPU and memory are read when
its process is found (``--server-pid``, else the process listening on the port). The server the
bench starts inherits the bench's priority: run it with ``nice`` on a shared machine.

    nice python bench/bench_serve.py                                # N = 1, 8, 16, 32
    nice python bench/bench_serve.py --visitors 1 4 --json /tmp/serve.json
    nice python bench/bench_serve.py --visitors 32 --arrive-over 30 --think 2 --repeats 3
    nice python bench/bench_serve.py --server-command "python -m embedlab serve --port {port}"
    nice python bench/bench_serve.py --url http://127.0.0.1:8501 --visitors 8
    nice python bench/bench_serve.py --visitors 1 --trace           # every message of the warm-up journey
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import math
import os
import re
import secrets
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Streamlit's protobufs (its own package) and the websocket client Streamlit itself depends on
# (Streamlit 1.67 serves with Starlette and uvicorn: tornado is no longer installed with it);
# no TensorFlow in this process, so its CPU time is the client's alone.
from websockets.asyncio.client import connect  # noqa: E402 (kept with the Streamlit import below, which needs sys.path)

from embedlab_ui.streamlit_internals import protocol_messages  # noqa: E402 (sys.path set above)

BackMsg, ForwardMsg, NumberInput, WidgetState = protocol_messages()

STEPS = ("analogies", "c changed", "predict open", "predict answer", "explore")
SENTENCE = "a wonderful and beautiful film"
C_WORD = "girl"
SUCCESS = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
DRAWN = re.compile(r"Drawn in [0-9.]+ s")
LABEL = re.compile(r'class="embedlab-label" data-label="([^"]*)"')
PROBABILITY = re.compile(r"</span> <span[^>]*>([0-9.]+%)</span>")
# The frontend's placeholder when it has no XSRF cookie (the server checks the token only for auth cookies).
NO_TOKEN = "PLACEHOLDER_AUTH_TOKEN"


class StepError(Exception):
    """A step that did not end as it should (timeout, failed run, exception element, wrong answer)."""


# ---------------------------------------------------------------------------------------------
# One browser tab, in protobufs.

@dataclass
class Run:
    """One script run as the client saw it: from its ``new_session`` to its ``script_finished``."""

    run_id: str
    page_hash: str
    main_hash: str
    started: float
    elements: dict = field(default_factory=dict)  # delta path → (kind, element proto, active script hash)
    status: int | None = None
    finished: float | None = None
    errors: list = field(default_factory=list)  # exception elements, compile errors, page not found

    def of_kind(self, *kinds: str) -> list:
        return [element for kind, element, _ in self.elements.values() if kind in kinds]

    def widgets(self) -> dict:
        """Widget id → (kind, element, active script hash) for every element of the run that has an id."""
        found = {}
        for kind, element, script in self.elements.values():
            widget_id = getattr(element, "id", "")
            if widget_id:
                found[widget_id] = (kind, element, script)
        return found

    def texts(self) -> list[str]:
        """The bodies of the run's markdown, captions and HTML."""
        return [element.body for element in self.of_kind("markdown", "html")]


def _present(message, name: str) -> bool:
    """Whether a field was set (for fields with presence; plain proto3 scalars always count)."""
    return message.HasField(name) if message.DESCRIPTOR.fields_by_name[name].has_presence else True


def declared_state(kind: str, element) -> WidgetState | None:
    """The value the frontend would give a widget from its element: the one the server set, else its default.

    Only the kinds EmbedLab's journey pages draw; a widget of another kind is left out of the
    reruns (the server then keeps its previous value, as it does for a widget the browser did not send).
    """
    state = WidgetState(id=element.id)
    forced = getattr(element, "set_value", False)
    if kind in ("text_input", "text_area"):
        if forced and _present(element, "value"):
            state.string_value = element.value
        elif _present(element, "default"):
            state.string_value = element.default
        else:
            return None
    elif kind == "checkbox":  # st.toggle too
        state.bool_value = element.value if forced else element.default
    elif kind in ("radio", "selectbox"):
        if forced and _present(element, "raw_value"):
            state.string_value = element.raw_value
        elif _present(element, "default") and 0 <= element.default < len(element.options):
            state.string_value = element.options[element.default]
        else:
            return None
    elif kind == "number_input":
        if forced and _present(element, "value"):
            value = element.value
        elif _present(element, "default"):
            value = element.default
        else:
            return None
        if element.data_type == NumberInput.INT:  # the frontend sends whole numbers as int_value
            state.int_value = int(value)
        else:
            state.double_value = value
    elif kind == "multiselect":
        values = element.raw_values if forced else [element.options[i] for i in element.default
                                                     if 0 <= i < len(element.options)]
        state.string_array_value.data.extend(values)
    elif kind == "slider":
        state.double_array_value.data.extend(element.value if forced else element.default)
    else:
        return None
    return state


class Tab:
    """A websocket session on the server, kept as Streamlit's frontend keeps it.

    A background reader parses every ``ForwardMsg``, files deltas under the run that the last
    ``new_session`` opened, and wakes whoever waits for a run to end.
    """

    def __init__(self, base_url: str, workspace: str, trace: bool = False) -> None:
        parsed = urlparse(base_url)
        self.base_url = base_url.rstrip("/")
        self.ws_url = f"{'wss' if parsed.scheme == 'https' else 'ws'}://{parsed.netloc}{parsed.path.rstrip('/')}/_stcore/stream"
        self.workspace = workspace
        self.trace = trace
        self.runs: list[Run] = []
        self.by_id: dict[str, Run] = {}
        self.pages: dict[str, str] = {}  # URL path → page script hash (from the ``navigation`` message)
        self.page_hash = ""  # the page this tab shows, as the frontend's currentPageScriptHash
        self.values: dict[str, WidgetState] = {}  # the frontend's widget manager: id → the value it would send
        self.fragments: dict[str, str] = {}  # widget id → the st.fragment it is drawn in
        self.cache: dict[str, ForwardMsg] = {}  # cacheable messages by hash
        self.references = 0  # messages the server sent as a reference to one cached here
        self.received_bytes = 0
        self.messages = 0
        self.reader_error: BaseException | None = None
        self._changed = asyncio.Event()
        self._websocket = None
        self._reader = None
        self._opened = time.perf_counter()

    async def open(self) -> None:
        # The frontend offers ["streamlit", xsrf token or placeholder, last session id]; the server takes the first.
        # ping_interval=None: a browser sends no pings, and a busy server answering one late would close the socket.
        self._websocket = await connect(self.ws_url, subprotocols=["streamlit", NO_TOKEN], max_size=None,
                                        ping_interval=None, open_timeout=60,
                                        origin=self.base_url)
        self._reader = asyncio.get_running_loop().create_task(self._read())

    async def close(self) -> None:
        if self._websocket is not None:
            await self._websocket.close()
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)

    # -- messages in ---------------------------------------------------------------------------

    async def _read(self) -> None:
        try:
            async for raw in self._websocket:
                self.received_bytes += len(raw)
                self.messages += 1
                self._handle(ForwardMsg.FromString(raw))
                self._changed.set()
        except Exception as error:  # the socket closed under us: waiters see it
            self.reader_error = error
        finally:
            if self.reader_error is None:
                self.reader_error = ConnectionError("the server closed the websocket")
            self._changed.set()

    def _handle(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "ref_hash":  # the server trusts our cache: put the cached message in its place
            cached = self.cache.get(message.ref_hash)
            if cached is None:
                self._current_errors().append(f"reference to a message not cached here: {message.ref_hash}")
                return
            self.references += 1
            metadata = message.metadata
            message = ForwardMsg()
            message.CopyFrom(cached)
            message.metadata.CopyFrom(metadata)
            kind = message.WhichOneof("type")
        elif message.metadata.cacheable and message.hash:
            self.cache[message.hash] = message
        now = time.perf_counter()
        if self.trace:
            self._print_trace(now, message, kind)
        if kind == "new_session":
            run = Run(message.metadata.run.script_run_id, message.new_session.page_script_hash,
                      message.new_session.main_script_hash, now)
            self.runs.append(run)
            self.by_id[run.run_id] = run
        elif kind == "navigation":
            for page in message.navigation.app_pages:
                self.pages[page.url_pathname] = page.page_script_hash
            if message.navigation.page_script_hash:
                self.page_hash = message.navigation.page_script_hash
        elif kind == "delta" and self.runs:
            delta = message.delta
            if delta.WhichOneof("type") == "new_element":
                element_kind = delta.new_element.WhichOneof("type")
                element = getattr(delta.new_element, element_kind)
                if delta.fragment_id and getattr(element, "id", ""):  # a widget drawn inside an st.fragment
                    self.fragments[element.id] = delta.fragment_id
                self.runs[-1].elements[tuple(message.metadata.delta_path)] = (
                    element_kind, element, message.metadata.active_script_hash)
                if element_kind == "exception":
                    self.runs[-1].errors.append(f"exception {element.type}: {element.message[:300]}")
        elif kind == "script_finished":
            run = self.by_id.get(message.metadata.run.script_run_id) or (self.runs[-1] if self.runs else None)
            if run is not None:
                run.status, run.finished = message.script_finished, now
                if run.status in SUCCESS:
                    self._remember_widgets(run)
        elif kind == "session_event" and message.session_event.HasField("script_compilation_exception"):
            error = message.session_event.script_compilation_exception
            self._current_errors().append(f"compile error: {error.message}")
        elif kind == "page_not_found":
            self._current_errors().append(f"page not found: {message.page_not_found.page_name}")

    def _current_errors(self) -> list:
        if not self.runs:
            self.runs.append(Run("", "", "", time.perf_counter()))
        return self.runs[-1].errors

    def _remember_widgets(self, run: Run) -> None:
        """What the frontend's widget manager holds after a run: the active widgets, each with the value
        the visitor gave it, else the one the server set or declared; widgets no longer drawn are dropped.
        A fragment's run draws only the fragment, so the rest of the page's widgets stay as they were."""
        kept = dict(self.values) if run.status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY else {}
        for widget_id, (kind, element, _) in run.widgets().items():
            declared = declared_state(kind, element)
            if getattr(element, "set_value", False) and declared is not None:
                kept[widget_id] = declared  # the script set it (session_state): the page shows the script's value
            elif widget_id in self.values:
                kept[widget_id] = self.values[widget_id]
            elif declared is not None:
                kept[widget_id] = declared
        self.values = kept

    def _print_trace(self, now: float, message: ForwardMsg, kind: str) -> None:
        detail = ""
        if kind == "delta":
            delta_kind = message.delta.WhichOneof("type")
            detail = delta_kind
            if delta_kind == "new_element":
                element_kind = message.delta.new_element.WhichOneof("type")
                element = getattr(message.delta.new_element, element_kind)
                detail = f"{element_kind} {getattr(element, 'id', '')} {getattr(element, 'label', '')!r}".rstrip()
            detail = f"{list(message.metadata.delta_path)} {detail}"
        elif kind == "new_session":
            detail = f"run {message.metadata.run.script_run_id[:8]} page {message.new_session.page_script_hash[:8]}"
        elif kind == "script_finished":
            detail = (f"{ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)} "
                      f"run {message.metadata.run.script_run_id[:8]}")
        elif kind == "navigation":
            detail = ", ".join(f"{page.url_pathname or '/'}={page.page_script_hash[:8]}"
                               for page in message.navigation.app_pages)
        print(f"    [{self.workspace} {now - self._opened:7.2f} s] {kind} {detail}"[:220], flush=True)

    # -- messages out --------------------------------------------------------------------------

    async def rerun(self, *, page_name: str = "", page_hash: str | None = None,
                    widgets: list[WidgetState] | None = None, fragment_id: str = "") -> tuple[float, int]:
        """Send one ``rerun_script``; returns when it went and how many runs the tab had seen by then.

        ``fragment_id``: the fragment of the widget that changed, as the browser sends it, so the
        server reruns only that fragment.
        """
        message = BackMsg()
        state = message.rerun_script
        state.fragment_id = fragment_id
        state.query_string = f"workspace={self.workspace}"
        state.page_name = page_name
        state.page_script_hash = self.page_hash if page_hash is None else page_hash
        if widgets is None:
            widgets = list(self.values.values())
        state.widget_states.widgets.extend(widgets)
        state.cached_message_hashes.extend(self.cache)
        path = next((name for name, hashed in self.pages.items() if hashed == state.page_script_hash), page_name)
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = "UTC", 0, "en-US"
        info.url, info.is_embedded, info.color_scheme = (f"{self.base_url}/{path}?workspace={self.workspace}",
                                                          False, "light")
        payload = message.SerializeToString()
        if self.trace:
            values = ", ".join(f"{w.id.rsplit('-', 1)[-1]}={getattr(w, w.WhichOneof('value'))!r}".replace("\n", " ")
                               for w in widgets if w.WhichOneof("value"))
            print(f"    [{self.workspace} {time.perf_counter() - self._opened:7.2f} s] SENT rerun_script page "
                  f"{state.page_script_hash[:8] or repr(page_name)}: {values}"[:600], flush=True)
        seen = len(self.runs)
        sent = time.perf_counter()
        await self._websocket.send(payload)
        return sent, seen

    async def finished(self, since: int, timeout: float, accept=None) -> Run:
        """The first run opened after the ``since``-th that ends in success (and that ``accept`` takes, if given).

        Runs the app ends early to rerun are passed over; a run that fails, or shows an exception, raises.
        """
        deadline = time.perf_counter() + timeout
        while True:
            for run in self.runs[since:]:
                if run.errors:
                    raise StepError("; ".join(run.errors))
                if run.status is None or run.status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                if run.status not in SUCCESS:
                    raise StepError(f"script_finished {ForwardMsg.ScriptFinishedStatus.Name(run.status)}")
                if accept is None or accept(run):
                    return run
            if self.reader_error is not None:
                raise StepError(f"websocket: {self.reader_error}")
            left = deadline - time.perf_counter()
            if left <= 0:
                raise StepError(f"no finished run in {timeout:.0f} s")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except TimeoutError:
                pass

    def last_run(self) -> Run:
        if not self.runs:
            raise StepError("no run yet")
        return next((run for run in reversed(self.runs) if run.status in SUCCESS), self.runs[-1])

    def widget(self, kind: str, key: str, label: str | None = None):
        """The element of the last finished run's widget of ``kind`` whose id holds ``key`` (or labelled ``label``)."""
        for widget_id, (found_kind, element, _) in self.last_run().widgets().items():
            if found_kind == kind and (widget_id.endswith(f"-{key}")  # ids end in "-<key>" for keyed widgets
                                       or (label is not None and getattr(element, "label", None) == label)):
                return element
        raise StepError(f"no {kind} widget {key!r} on the page")

    def app_widgets(self) -> list[WidgetState]:
        """What the frontend sends on a page change: the values of the widgets app.py drew (the page's are cleared)."""
        run = self.last_run()
        return [self.values[widget_id] for widget_id, (_, _, script) in run.widgets().items()
                if widget_id in self.values and script == run.main_hash]


# ---------------------------------------------------------------------------------------------
# What each step checks in its run.

def dataframe_words(run: Run) -> list[list[str]]:
    """The "word" column of each dataframe of the run that has one, in page order (Arrow IPC bytes)."""
    import pyarrow as pa

    words = []
    for path in sorted(run.elements):
        kind, element, _ = run.elements[path]
        if kind != "dataframe" or not element.arrow_data.data:
            continue
        data = element.arrow_data.data
        try:
            table = pa.ipc.open_stream(data).read_all()
        except (pa.ArrowInvalid, OSError):
            continue
        if "word" in table.column_names and table.num_rows:
            words.append(table.column("word").to_pylist())
    return words


def keyup_box(run: Run):
    """The Predict page's live text box (a ``streamlit-keyup`` component, Streamlit components v2)."""
    for kind, element, _ in run.elements.values():
        if kind == "bidi_component" and "predict.text" in element.id:
            return element
    raise StepError("no live text box (st_keyup) on the Predict page")


def keyup_data(element) -> dict:
    """The data the Python side gave the box (label, value shown, debounce, …): a dict, sent as "mixed" JSON."""
    text = element.mixed.json if element.HasField("mixed") else element.json
    try:
        data = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def keyup_state(element, text: str) -> WidgetState:
    """The box's value as the component sends it: its whole state, ``{"value": text}``, as the widget's JSON."""
    return WidgetState(id=element.id, json_value=json.dumps({"value": text}))


# ---------------------------------------------------------------------------------------------
# A visitor.

@dataclass
class Options:
    think: float = 0.0
    timeout: float = 300.0
    key_interval: float = 0.04
    every_key: bool = False
    trace: bool = False


async def journey(base_url: str, workspace: str, options: Options, start_after: float = 0.0) -> dict:
    """One visit on one websocket; per step its seconds (or a StepError), plus what the checks read."""
    await asyncio.sleep(start_after)
    tab = Tab(base_url, workspace, trace=options.trace)
    result: dict = {"workspace": workspace, "seen": {}}
    timeout = options.timeout

    async def step(name: str, action) -> None:
        if result.get("_gave_up"):
            result[name] = StepError("an earlier step lost the connection")
            return
        try:
            result[name] = await action()
        except StepError as error:
            result[name] = error
        except Exception as error:  # noqa: BLE001  e.g. the socket closed (websockets' ConnectionClosed): counted
            result[name] = StepError(f"{type(error).__name__}: {error}")
            result["_gave_up"] = True

    async def analogies() -> float:
        sent, seen = await tab.rerun(page_name="analogies", page_hash="")  # a fresh tab: the URL names the page
        run = await tab.finished(seen, timeout)
        answers = dataframe_words(run)  # 3CosAdd's ranked words, then 3CosMul's
        result["seen"]["analogies"] = answers[0][:3] if answers else None
        if not answers or answers[0][0] != "queen":
            raise StepError(f"king − man + woman answered {answers[0][:3] if answers else 'nothing'}, not queen first")
        result["answers"] = answers
        return run.finished - sent

    async def c_changed() -> float:
        box = tab.widget("text_input", "analogies.c", label="+ c (add)")
        tab.values[box.id] = WidgetState(id=box.id, string_value=C_WORD)  # as typed, then Enter
        sent, seen = await tab.rerun()
        run = await tab.finished(seen, timeout)
        answers = dataframe_words(run)
        result["seen"]["c changed"] = answers[0][:3] if answers else None
        # GloVe answers queen first to king − man + girl too, so the check is that the ranked answers changed
        # and that the analogy map (the query words, answers and their neighbours) holds the new word.
        on_map = f'"{C_WORD}"' in "".join(chart.spec for chart in run.of_kind("plotly_chart"))
        if not answers or answers == result.get("answers") or not on_map:
            raise StepError(f"king − man + {C_WORD} answered {answers[0][:3] if answers else 'nothing'}, "
                            f"{'the same as' if answers == result.get('answers') else 'unlike'} with woman, "
                            f"{C_WORD!r} {'on' if on_map else 'not on'} the map: the new c was not used")
        return run.finished - sent

    async def predict_open() -> float:
        if "predict" not in tab.pages:
            raise StepError(f"no predict page in the navigation ({sorted(tab.pages)})")
        sent, seen = await tab.rerun(page_hash=tab.pages["predict"], widgets=tab.app_widgets())
        run = await tab.finished(seen, timeout)
        keyup_box(run)
        return run.finished - sent

    async def predict_answer() -> float:
        box = keyup_box(tab.last_run())
        debounce = float(keyup_data(box).get("debounce") or 0) / 1000

        def shows(text: str):
            def accept(run: Run) -> bool:  # the run that read this text (the box echoes the value it got)
                try:
                    return keyup_data(keyup_box(run)).get("value") == text
                except StepError:
                    return False
            return accept

        typed, last = "", None
        for position, character in enumerate(SENTENCE):
            typed += character
            if options.every_key:  # one rerun per key, the next key once the page has answered
                last = (typed, *await tab.rerun(widgets=[*tab.values.values(), keyup_state(box, typed)],
                                                fragment_id=tab.fragments.get(box.id, "")))
                await tab.finished(last[2], timeout, shows(typed))
                continue
            final = position == len(SENTENCE) - 1
            if final or options.key_interval >= debounce:  # the debounce timer runs out before the next key
                await asyncio.sleep(debounce)
                last = (typed, *await tab.rerun(widgets=[*tab.values.values(), keyup_state(box, typed)],
                                                fragment_id=tab.fragments.get(box.id, "")))
                if not final:
                    await asyncio.sleep(options.key_interval - debounce)
            else:
                await asyncio.sleep(options.key_interval)
        text, sent, seen = last
        tab.values[box.id] = keyup_state(box, text)
        run = await tab.finished(seen, timeout, shows(text))
        label = next((LABEL.search(body) for body in run.texts() if LABEL.search(body)), None)
        probability = next((PROBABILITY.search(body) for body in run.texts() if PROBABILITY.search(body)), None)
        result["seen"]["predict answer"] = (label.group(1) if label else None,
                                            probability.group(1) if probability else None)
        # The box lives in an st.fragment: its answer should rerun that fragment, not the page and its frame.
        result["seen"]["predict rerun"] = ("fragment" if run.status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
                                           else "whole page")
        if label is None or label.group(1) != "positive":
            raise StepError(f"{text!r} was labelled {label.group(1) if label else 'nothing'}, not positive")
        return run.finished - sent

    async def explore() -> float:
        if "explore" not in tab.pages:
            raise StepError(f"no explore page in the navigation ({sorted(tab.pages)})")
        sent, seen = await tab.rerun(page_hash=tab.pages["explore"], widgets=tab.app_widgets())
        run = await tab.finished(seen, timeout)
        caption = next((DRAWN.search(body).group(0) for body in run.texts() if DRAWN.search(body)), None)
        result["seen"]["explore"] = caption
        if caption is None or not run.of_kind("plotly_chart"):
            raise StepError("the Explore run ended without a drawn map (no 'Drawn in … s' caption or chart)")
        return run.finished - sent

    started = time.perf_counter()
    try:
        await tab.open()
    except Exception as error:  # noqa: BLE001  every step of this journey fails the same way
        for name in STEPS:
            result[name] = StepError(f"could not connect: {type(error).__name__}: {error}")
        return result
    try:
        for position, (name, action) in enumerate(zip(STEPS, (analogies, c_changed, predict_open, predict_answer,
                                                               explore))):
            if position and options.think:  # the visitor reads the page before the next step
                await asyncio.sleep(options.think)
            await step(name, action)
    finally:
        await tab.close()
    result["seconds"] = time.perf_counter() - started
    result["messages"], result["bytes"], result["references"] = tab.messages, tab.received_bytes, tab.references
    result.pop("_gave_up", None)
    result.pop("answers", None)
    return result


# ---------------------------------------------------------------------------------------------
# The server: its process tree's CPU time and memory, from /proc.

TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    return children


def tree(pid: int) -> list[int]:
    """``pid`` and its living descendants."""
    children, found, todo = _children_map(), [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its living descendants, with the children each has reaped.

    /proc/PID/stat fields 14-17: utime, stime and cutime, cstime (the waited-for children's, their own
    reaped children included), in clock ticks. A worker that ended moves from its own count to its
    parent's children count, so the sum keeps it."""
    total = 0
    for current in tree(pid):
        try:
            with open(f"/proc/{current}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(value) for value in fields[11:15])  # after the name: state is fields[0], utime fields[11]
    return total / TICKS


def tree_rss_mb(pid: int) -> float:
    total = 0
    for current in tree(pid):
        try:
            with open(f"/proc/{current}/statm") as statm:
                total += int(statm.read().split()[1]) * PAGE
        except OSError:
            continue
    return total / 2**20


class MemoryWatch:
    """Samples the server tree's resident memory every half second while a round runs."""

    def __init__(self, pid: int | None) -> None:
        self.pid, self.samples, self._task = pid, [], None

    async def _sample(self) -> None:
        while True:
            self.samples.append(tree_rss_mb(self.pid))
            await asyncio.sleep(0.5)

    def start(self) -> None:
        self.samples = []
        if self.pid is not None:
            self._task = asyncio.get_running_loop().create_task(self._sample())

    async def stop(self) -> tuple[float | None, float | None]:
        if self._task is None:
            return None, None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        self.samples.append(tree_rss_mb(self.pid))
        return max(self.samples), self.samples[-1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen | None, log_path: Path | None, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited early (code {process.returncode}); see {log_path}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer {url}/_stcore/health in {seconds:.0f} s; see {log_path}")


class Server:
    """The server this bench starts: ``streamlit run app.py`` as tests/browser/conftest.AppServer runs it,
    or any ``--server-command`` (``{port}`` replaced) that serves Streamlit's endpoints on that port."""

    def __init__(self, runs_dir: Path, log_path: Path, command: str | None) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.runs_dir, self.log_path = runs_dir, log_path
        self.command = (shlex.split(command.replace("{port}", str(self.port))) if command else
                        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                         "--server.port", str(self.port), "--server.address", "127.0.0.1",
                         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"])
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {**os.environ, "EMBEDLAB_RUNS_DIR": str(self.runs_dir), "TF_CPP_MIN_LOG_LEVEL": "2"}
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        wait_healthy(self.url, self.process, self.log_path)

    def stop(self) -> None:
        """End the server, then any process of its tree that outlived it (each by its id)."""
        if self.process is None or self.process.poll() is not None:
            return
        family = tree(self.process.pid)[1:]
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for pid in family:
            try:
                os.kill(pid, 15)
            except ProcessLookupError:
                pass


def listening_pid(url: str) -> int | None:
    """The process listening on ``url``'s port on this machine, if one can be found."""
    port = urlparse(url).port or (443 if url.startswith("https") else 80)
    try:
        import psutil

        for connection in psutil.net_connections(kind="tcp"):
            if connection.status == psutil.CONN_LISTEN and connection.laddr.port == port and connection.pid:
                return connection.pid
    except (ImportError, OSError):
        return None
    return None


def server_runs_dir(pid: int | None) -> Path | None:
    """The runs folder of a running server process: its EMBEDLAB_RUNS_DIR (else ./runs) from its cwd."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/environ", "rb") as environ:
            values = dict(item.split(b"=", 1) for item in environ.read().split(b"\0") if b"=" in item)
        cwd = Path(os.readlink(f"/proc/{pid}/cwd"))
    except OSError:
        return None
    location = values.get(b"EMBEDLAB_RUNS_DIR", b"runs").decode()
    if "://" in location:
        return None  # object storage: this bench copies runs into local folders only
    return cwd / Path(location).expanduser()


def prepare_workspaces(runs_dir: Path, names: list[str]) -> list[Path]:
    """One small trained run in every visitor's workspace (Predict needs one), trained once in a child process
    (keeps TensorFlow out of this client) with the tests' recipe, then copied into each ``runs_dir/<name>``."""
    template = Path(tempfile.mkdtemp(prefix="embedlab-bench-serve-run-"))
    code = ("import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
            "from tests.conftest import train_tiny_run; print(train_tiny_run(Path(sys.argv[2])).path)")
    done = subprocess.run([sys.executable, "-c", code, str(ROOT), str(template)], capture_output=True, text=True,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"training the small run failed:\n{done.stderr[-2000:]}")
    run = Path(done.stdout.strip().splitlines()[-1])
    made = []
    for name in names:
        target = runs_dir / name
        shutil.copytree(run, target / run.name)
        made.append(target)
    shutil.rmtree(template, ignore_errors=True)
    return made


# ---------------------------------------------------------------------------------------------
# Rounds and figures.

def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


async def one_round(base_url: str, names: list[str], options: Options, arrive_over: float,
                    server_pid: int | None) -> dict:
    n = len(names)
    memory = MemoryWatch(server_pid)
    memory.start()
    server_before = tree_cpu_seconds(server_pid) if server_pid else None
    client_before = time.process_time()
    started = time.perf_counter()
    results = await asyncio.gather(*(journey(base_url, name, options, start_after=arrive_over * i / n)
                                     for i, name in enumerate(names)))
    wall = time.perf_counter() - started
    client = time.process_time() - client_before
    server = tree_cpu_seconds(server_pid) - server_before if server_pid else None
    peak, last = await memory.stop()
    return {"results": results, "wall": wall, "client_cpu": client, "server_cpu": server,
            "peak_mb": peak, "last_mb": last}


def summarise(n: int, rounds: list[dict]) -> dict:
    results = [result for one in rounds for result in one["results"]]
    row: dict = {"visitors": n, "rounds": len(rounds), "journeys": len(results),
                 "completed": sum(all(isinstance(r.get(s), float) for s in STEPS) for r in results),
                 "wall_seconds": [one["wall"] for one in rounds], "steps": {}, "errors": []}
    for name in STEPS:
        values = [r[name] for r in results if isinstance(r.get(name), float)]
        failures = [f"{r['workspace']}: {r[name]}" for r in results if isinstance(r.get(name), Exception)]
        row["steps"][name] = {
            "p50": statistics.median(values) if values else None,
            "p95": percentile(values, 0.95) if values else None,
            "max": max(values) if values else None,
            "errors": len(failures), "samples": sorted(values),
        }
        row["errors"] += [f"{name}: {text[:240]}" for text in failures]
    server = [one["server_cpu"] for one in rounds if one["server_cpu"] is not None]
    client = sum(one["client_cpu"] for one in rounds)
    row["server_cpu_seconds"] = sum(server) if server else None
    row["server_cpu_per_journey"] = sum(server) / len(results) if server and results else None
    row["client_cpu_seconds"] = client
    row["client_cpu_share_of_server"] = client / sum(server) if server and sum(server) > 0 else None
    peaks = [one["peak_mb"] for one in rounds if one["peak_mb"] is not None]
    row["server_rss_peak_mb"] = max(peaks) if peaks else None
    row["server_rss_last_mb"] = rounds[-1]["last_mb"]
    read = collections.Counter()
    for result in results:  # what the checks read, so a reader sees the answers, not only "no errors"
        for name, value in result.get("seen", {}).items():
            shown = (" ".join(map(str, value[:2])) if isinstance(value, list)  # the top two answers
                     else value[0] if isinstance(value, tuple) else value)  # Predict's label, not its probability
            read[f"{name}: {re.sub(r'[0-9.]+ s$', '… s', str(shown))}"] += 1
    row["read"] = dict(read)
    row["messages_per_journey"] = statistics.mean(r.get("messages", 0) for r in results) if results else 0
    row["megabytes_per_journey"] = statistics.mean(r.get("bytes", 0) for r in results) / 2**20 if results else 0
    row["references_per_journey"] = statistics.mean(r.get("references", 0) for r in results) if results else 0
    return row


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def print_row(row: dict) -> None:
    walls = ", ".join(f"{wall:.1f} s" for wall in row["wall_seconds"])
    print(f"\n{row['visitors']} visitor(s): {row['completed']}/{row['journeys']} journeys completed; "
          f"round wall time {walls}")
    print("| step | p50 s | p95 s | max s | errors |")
    print("|---|---|---|---|---|")
    for name in STEPS:
        step = row["steps"][name]
        print(f"| {name} | {_seconds(step['p50'])} | {_seconds(step['p95'])} | {_seconds(step['max'])} "
              f"| {step['errors']} |")
    cpu = row["server_cpu_per_journey"]
    print(f"server CPU: {_seconds(cpu)} s per journey ({_seconds(row['server_cpu_seconds'])} s in all); "
          f"server memory peak {_mb(row['server_rss_peak_mb'])} / last {_mb(row['server_rss_last_mb'])}")
    share = row["client_cpu_share_of_server"]
    print(f"client CPU: {row['client_cpu_seconds']:.2f} s"
          + (f" ({share:.1%} of the server's)" if share is not None else "")
          + f"; per journey {row['messages_per_journey']:.0f} messages, {row['megabytes_per_journey']:.1f} MB, "
            f"{row['references_per_journey']:.0f} sent as references to the client's cache")
    print("read in the runs: " + ", ".join(f"{what} ×{count}" for what, count in sorted(row["read"].items())))
    for error in row["errors"][:8]:
        print(f"  error: {error}")


def _mb(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} MB"


def print_summary(rows: list[dict]) -> None:
    print("\n| visitors | journeys done | " + " | ".join(f"{s} p50 / p95 / max" for s in STEPS)
          + " | errors | round wall | server CPU / journey | server RSS peak / last | client CPU (share) |")
    print("|---" * (len(STEPS) + 7) + "|")
    for row in rows:
        cells = " | ".join(f"{_seconds(row['steps'][s]['p50'])} / {_seconds(row['steps'][s]['p95'])} / "
                           f"{_seconds(row['steps'][s]['max'])}" for s in STEPS)
        errors = sum(row["steps"][s]["errors"] for s in STEPS)
        share = row["client_cpu_share_of_server"]
        print(f"| {row['visitors']} | {row['completed']}/{row['journeys']} | {cells} | {errors} | "
              f"{max(row['wall_seconds']):.1f} s | {_seconds(row['server_cpu_per_journey'])} s | "
              f"{_mb(row['server_rss_peak_mb'])} / {_mb(row['server_rss_last_mb'])} | "
              f"{row['client_cpu_seconds']:.1f} s ({'—' if share is None else f'{share:.0%}'}) |")


def describe_warm(result: dict) -> str:
    parts = []
    for name in STEPS:
        value = result.get(name)
        parts.append(f"{name} {value:.2f} s" if isinstance(value, float) else f"{name} FAILED ({value})")
    seen = result.get("seen", {})
    return (", ".join(parts) + f"\n  read: analogies top {seen.get('analogies')}, with c={C_WORD} "
            f"{seen.get('c changed')}, Predict label / probability {seen.get('predict answer')}, "
            f"Explore {seen.get('explore')!r}")


async def main_async(args) -> int:
    options = Options(think=args.think, timeout=args.timeout, key_interval=args.key_interval,
                      every_key=args.every_key)
    most = max(args.visitors)
    tag = secrets.token_hex(3)
    names = [f"serve{tag}x{i}" for i in range(most)]
    folder = Path(tempfile.mkdtemp(prefix="embedlab-bench-serve-"))
    server, made = None, []
    try:
        if args.url:
            base_url = args.url.rstrip("/")
            wait_healthy(base_url, None, None, 30)
            server_pid = args.server_pid or listening_pid(base_url)
            runs_dir = Path(args.runs_dir) if args.runs_dir else server_runs_dir(server_pid)
            if runs_dir is None:
                raise SystemExit("cannot tell where the server keeps its runs: give --runs-dir (a local folder)")
            print(f"server {base_url}, process {server_pid or 'not found (no CPU or memory figures)'}, "
                  f"runs in {runs_dir}", flush=True)
            made = prepare_workspaces(runs_dir, names)
        else:
            made = prepare_workspaces(folder / "runs", names)
            server = Server(folder / "runs", folder / "server.log", args.server_command)
            print(f"starting: {shlex.join(server.command)}  (log {server.log_path})", flush=True)
            server.start()
            base_url, server_pid = server.url, server.process.pid
        print(f"{len(made)} workspaces with a small run each; load average {os.getloadavg()[0]:.1f}; "
              f"server memory {_mb(tree_rss_mb(server_pid) if server_pid else None)}", flush=True)

        warm_options = Options(**{**options.__dict__, "trace": args.trace})
        warm = await journey(base_url, names[0], warm_options)
        print("warm-up journey (not counted): " + describe_warm(warm), flush=True)

        rows = []
        for n in args.visitors:
            rounds = []
            for repeat in range(args.repeats):
                rounds.append(await one_round(base_url, names[:n], options, args.arrive_over, server_pid))
                print(f"  {n} visitor(s), round {repeat + 1}/{args.repeats}: {rounds[-1]['wall']:.1f} s, "
                      f"load average {os.getloadavg()[0]:.1f}", flush=True)
            rows.append(summarise(n, rounds))
            print_row(rows[-1])
        print_summary(rows)
        if args.json:
            report = {"args": vars(args), "server": {"url": base_url, "pid": server_pid,
                                                     "command": server.command if server else None},
                      "warm_up": {name: (warm[name] if isinstance(warm.get(name), float) else str(warm.get(name)))
                                  for name in STEPS} | {"seen": warm.get("seen")},
                      "rows": rows}
            Path(args.json).write_text(json.dumps(report, indent=2, default=str))
            print(f"\nwrote {args.json}")
        return 0 if all(row["completed"] == row["journeys"] for row in rows) else 1
    finally:
        if server is not None:
            server.stop()
        if args.url:
            for workspace in made:  # only the folders this bench made in the server's runs folder
                shutil.rmtree(workspace, ignore_errors=True)
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visitors", type=int, nargs="+", default=[1, 8, 16, 32],
                        help="N, one round each (default 1 8 16 32)")
    parser.add_argument("--repeats", type=int, default=1, help="rounds per N (default 1)")
    parser.add_argument("--arrive-over", type=float, default=0.0,
                        help="seconds over which a round's visitors start, evenly (default 0: all at once)")
    parser.add_argument("--think", type=float, default=0.0, help="seconds a visitor pauses after each step")
    parser.add_argument("--key-interval", type=float, default=0.04,
                        help="seconds between keys when typing (default 0.04, as bench_load.py types)")
    parser.add_argument("--every-key", action="store_true",
                        help="one rerun per key, each once the previous has finished, instead of the "
                             "component's debounce")
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="seconds a step may take before it counts as an error")
    parser.add_argument("--url", help="use the server running at this address (e.g. http://127.0.0.1:8501)")
    parser.add_argument("--server-pid", type=int, help="with --url: the server's process (else the one on the port)")
    parser.add_argument("--runs-dir", help="with --url: the server's runs folder (else its EMBEDLAB_RUNS_DIR)")
    parser.add_argument("--server-command",
                        help='start this instead of streamlit run app.py; "{port}" is replaced, e.g. '
                             '"python -m embedlab serve --port {port}"')
    parser.add_argument("--json", help="write every figure (and each step's samples) to this file")
    parser.add_argument("--trace", action="store_true", help="print every message of the warm-up journey")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (runs, server log)")
    args = parser.parse_args()
    if args.url and args.server_command:
        parser.error("--url uses a running server; --server-command starts one: give one of them")
    if args.repeats < 1 or min(args.visitors) < 1:
        parser.error("--repeats and every --visitors must be at least 1")
    sys.exit(asyncio.run(main_async(args)))


if __name__ == "__main__":
    main()
