"""regen: keep generated regions of Markdown documentation true to their data."""

from regen.api import Report, adopt, check, update, update_text
from regen.config import Config, find_config, load_config
from regen.errors import ExitCode, Problem, RegenError
from regen.scan import scan_text

__version__ = "0.1.0"

__all__ = [
    "Config",
    "ExitCode",
    "Problem",
    "RegenError",
    "Report",
    "__version__",
    "adopt",
    "check",
    "find_config",
    "load_config",
    "scan_text",
    "update",
    "update_text",
]
