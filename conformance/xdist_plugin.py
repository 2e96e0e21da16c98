"""pytest-xdist hooks, registered only when xdist is active: the controller owns the run's session.

See ``conformance.parallel`` for the protocol. Kept apart from ``plugin.py`` because xdist's hooks
exist only when xdist is installed (``optionalhook``), and because this is all that parallel runs add.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from conformance.parallel import WORKERINPUT_GROUPS, WORKERINPUT_RUN_ID, WORKERINPUT_SOCKET, Request, SessionService
from conformance.session import ConformanceSession

if TYPE_CHECKING:
    from conformance.listener import ResultsListener
    from conformance.options import Options


class XdistController:
    def __init__(self, config: pytest.Config, options: Options, listener: ResultsListener) -> None:
        self._config = config
        self._options = options
        self._listener = listener
        self.service: SessionService | None = None

    def _session(self, request: Request) -> ConformanceSession:
        from conformance.fixtures import terminal_progress

        self._listener.catalogue = request.catalogue
        return ConformanceSession(
            self._options,
            report_dir=self._listener.report_dir,
            run_test_features=frozenset(request.run_test_features),
            progress=terminal_progress(self._config),
        )

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        if self.service is None:  # a socket only; nothing is set up until a worker asks
            self.service = SessionService(self._session, self._listener.set_facts)
        node.workerinput[WORKERINPUT_SOCKET] = self.service.path
        node.workerinput[WORKERINPUT_RUN_ID] = self._listener.run_id
        node.workerinput[WORKERINPUT_GROUPS] = self.service.groups_path

    @pytest.hookimpl(optionalhook=True, tryfirst=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        """Tests in one group (conformance.grouping, or marked ``xdist_group``) go to one worker, in order.

        Replaces xdist's ``load`` (plain ``-n N``) and ``loadgroup``. xdist's own ``loadgroup`` learns the
        groups from a suffix its workers append to test ids, which pytest 9.2 no longer lets it do, so
        every test would be scheduled on its own; here the workers write the groups to a file instead
        (plugin._mark_groups), read once all of them have collected. Other ``--dist`` modes are respected.
        """
        if config.getoption("dist") not in ("load", "loadgroup") or self.service is None:
            return None
        return make_group_scheduler(config, log, Path(self.service.groups_path))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        # Runs after every worker has finished and before the results listener writes the reports.
        if self.service is None:
            return
        problems = self.service.close()
        reporter = self._config.pluginmanager.get_plugin("terminalreporter")
        for problem in problems:
            if reporter is not None:
                reporter.write_line(f"gateway-conformance cleanup: {problem}", yellow=True)


def make_group_scheduler(config: pytest.Config, log: Any, groups_file: Path) -> Any:
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):  # type: ignore[misc]
        """xdist's scope scheduling with each test's scope read from the workers' groups file: a test
        without a group is a scope of its own, so everything else spreads as under ``load``."""

        def __init__(self) -> None:
            super().__init__(config, log)
            self._groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self._groups is None:  # first asked in schedule(), after every worker has collected
                self._groups = _read_groups(groups_file)
            group = self._groups.get(nodeid)
            return f"group:{group}" if group is not None else nodeid

    return GroupScheduling()


def _read_groups(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        # Workers on another machine cannot write here: run as plain ``load``, and say what that risks.
        warnings.warn(
            f"gateway-conformance: no test groups from the xdist workers ({err}); tests that share a "
            "Gateway or an object may overlap",
            stacklevel=1,
        )
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
