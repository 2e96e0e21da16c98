"""pytest-xdist hooks, registered only when xdist is active: the controller owns the run's session.

See ``conformance.parallel`` for the protocol. Kept apart from ``plugin.py`` because xdist's hooks
exist only when xdist is installed (``optionalhook``), and because this is all that parallel runs add.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from conformance.parallel import WORKERINPUT_RUN_ID, WORKERINPUT_SOCKET, Request, SessionService
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

    @pytest.hookimpl(optionalhook=True, tryfirst=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        """Plain ``-n N`` (xdist's ``load``) becomes ``loadgroup``, so shared-Gateway groups take turns.

        An explicit ``--dist`` other than ``load`` is respected (at the user's risk of overlaps).
        """
        if config.getoption("dist") != "load":
            return None
        from xdist.scheduler import LoadGroupScheduling

        return LoadGroupScheduling(config, log)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        # Runs after every worker has finished and before the results listener writes the reports.
        if self.service is None:
            return
        problems = self.service.close()
        reporter = self._config.pluginmanager.get_plugin("terminalreporter")
        for problem in problems:
            if reporter is not None:
                reporter.write_line(f"gateway-conformance cleanup: {problem}", yellow=True)
