"""Where the bureau's ledger lives (SPEC §6): one ledger, found the same way from any folder.

The ledger a command uses is, in this order:

1. the file named with ``--ledger``;
2. the file named by ``$TONGNAN_LEDGER``;
3. the file that ``tongnan-calc ledger init PATH`` saved in the user's configuration
   (``ledger = "..."`` in ``config.toml``, see ``config_file``).

A ledger named in any of these three ways must exist: a mistyped path, an unmounted
drive or a moved file is refused by every command (never a run without the ledger's
prior payouts, never a new empty ledger); only ``ledger init`` creates a ledger.
When none of the three names a ledger, there is no ledger: ``run`` still computes
and says in every output that one-time rewards, periods and lifetime caps were not
checked, unless ``--require-ledger`` or ``require_ledger = true`` in the configuration
makes that an error.

The configuration is a small TOML file read with ``tomllib`` and written here by hand
(two keys, ``ledger`` and ``require_ledger``), atomically: a temporary file in the
same folder, then renamed over the old one.
"""

from __future__ import annotations

import os
import sys
import tempfile
import tomllib
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from tongnan_calc.core.say import Say
from tongnan_calc.ledger.schema import LedgerError

LEDGER_ENV: Final = "TONGNAN_LEDGER"
APP_DIR: Final = "tongnan-calc"
CONFIG_NAME: Final = "config.toml"
LEDGER_KEY: Final = "ledger"
REQUIRE_KEY: Final = "require_ledger"
CONFIG_MAX_BYTES: Final = 64 * 1024  # a configuration of two keys; anything larger is not ours

Named = Literal["option", "env", "config"]

# How the ledger was named, in messages: (中文, English)
NAMED_BY: Final[dict[Named, tuple[str, str]]] = {
    "option": ("由 --ledger 指定", "named with --ledger"),
    "env": (f"由环境变量 {LEDGER_ENV} 指定", f"named by ${LEDGER_ENV}"),
    "config": ("配置文件 {config} 中记录的台账", "the ledger saved in {config}"),
}


def config_dir() -> Path:
    """The platform's folder for this user's configuration of tongnan-calc.

    ``$XDG_CONFIG_HOME/tongnan-calc`` when that variable is set (on any platform: tests
    and unusual setups set it), else ``%APPDATA%\\tongnan-calc`` on Windows,
    ``~/Library/Application Support/tongnan-calc`` on macOS, ``~/.config/tongnan-calc``
    elsewhere.
    """
    xdg = os.environ.get("XDG_CONFIG_HOME", "").strip()
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / APP_DIR
    if sys.platform == "win32":
        appdata = os.environ.get("APPDATA", "").strip()
        return (Path(appdata) if appdata else Path.home() / "AppData" / "Roaming") / APP_DIR
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_DIR
    return Path.home() / ".config" / APP_DIR


def config_file() -> Path:
    return config_dir() / CONFIG_NAME


@dataclass(frozen=True)
class Config:
    """What the user's configuration says (its defaults when there is no file)."""

    ledger: Path | None = None
    require_ledger: bool = False


def _bad_config(path: Path, why: Say) -> LedgerError:
    return LedgerError(
        Say(
            f"配置文件 {path} 有误：{why.zh}（可用 `tongnan-calc ledger init PATH` 重新写入台账位置）",
            f"configuration file {path} is not valid: {why.en} (`tongnan-calc ledger init PATH` writes it again)",
        )
    )


def read_config(path: Path | None = None) -> Config:
    """The configuration at ``path`` (``config_file()`` when None); the defaults when it does not exist."""
    path = config_file() if path is None else path
    try:
        with path.open("rb") as handle:
            data = handle.read(CONFIG_MAX_BYTES + 1)
    except FileNotFoundError:
        return Config()
    except OSError as exc:
        raise _bad_config(path, Say(f"无法读取（{exc.strerror}）", f"cannot be read ({exc.strerror})")) from None
    if len(data) > CONFIG_MAX_BYTES:
        raise _bad_config(path, Say("文件过大", "the file is too large"))
    try:
        table = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise _bad_config(path, Say("不是 UTF-8 文本", "not UTF-8 text")) from None
    except tomllib.TOMLDecodeError as exc:
        raise _bad_config(path, Say(f"不是有效的 TOML（{exc}）", f"not valid TOML ({exc})")) from None
    ledger = table.get(LEDGER_KEY)
    if ledger is not None and (not isinstance(ledger, str) or not ledger.strip()):
        raise _bad_config(path, Say(f"{LEDGER_KEY} 应为台账文件的路径", f"{LEDGER_KEY} should be a ledger file's path"))
    require = table.get(REQUIRE_KEY, False)
    if not isinstance(require, bool):
        raise _bad_config(path, Say(f"{REQUIRE_KEY} 应为 true 或 false", f"{REQUIRE_KEY} should be true or false"))
    where = None if ledger is None else Path(ledger)
    if where is not None and not where.is_absolute():  # written by hand: relative to the configuration's folder
        where = path.parent / where
    return Config(where, require)


def _toml_string(text: str) -> str:
    """``text`` as a TOML basic string (quotes, backslashes and control characters escaped)."""
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def config_text(config: Config) -> str:
    lines = [
        "# tongnan-calc: the bureau's payout ledger, written by `tongnan-calc ledger init PATH`.",
        "# --ledger and $TONGNAN_LEDGER take precedence over this file.",
    ]
    if config.ledger is not None:
        lines.append(f"{LEDGER_KEY} = {_toml_string(str(config.ledger))}")
    lines.append(f"{REQUIRE_KEY} = {'true' if config.require_ledger else 'false'}")
    return "\n".join(lines) + "\n"


def write_config(config: Config, path: Path | None = None) -> Path:
    """Write ``config`` at ``path`` (``config_file()`` when None) atomically; the path written."""
    path = config_file() if path is None else path
    cannot = Say(f"无法写入配置文件 {path}", f"cannot write configuration file {path}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".config-", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise LedgerError(cannot + Say(f"：{exc.strerror}", f": {exc.strerror}")) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(config_text(config))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        with suppress(OSError):
            os.unlink(temporary)
        raise LedgerError(cannot + Say(f"：{exc.strerror}", f": {exc.strerror}")) from None
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise
    return path


@dataclass(frozen=True)
class Found:
    """The ledger a command uses and how it was named."""

    path: Path
    named: Named


def _named_text(named: Named, config: Path) -> Say:
    zh, en = NAMED_BY[named]
    return Say(zh.format(config=config), en.format(config=config))


def missing(path: Path, named: Named, config: Path | None = None) -> Say:
    """A named ledger that does not exist (one line; nothing was created)."""
    how = _named_text(named, config or config_file())
    return Say(
        f"台账 {path}（{how.zh}）不存在，未创建任何文件：请检查路径；"
        f"新建本局的台账请用 `tongnan-calc ledger init {path}`",
        f"ledger {path} ({how.en}) does not exist, nothing was created: check the path;"
        f" to create the bureau's ledger, use `tongnan-calc ledger init {path}`",
    )


NO_LEDGER_CONFIGURED: Final = Say(
    "没有台账：请用 --ledger 或环境变量 TONGNAN_LEDGER 指定台账，或用 `tongnan-calc ledger init PATH` 建立本局的台账",
    "no ledger: name one with --ledger or $TONGNAN_LEDGER, or create the bureau's ledger with"
    " `tongnan-calc ledger init PATH`",
)


def _exists(path: Path) -> bool:
    """Whether something is at ``path`` (a special file too, and a symbolic link to a missing file:
    opening it refuses it with its own message, ``connection._precheck``)."""
    try:
        path.lstat()
    except FileNotFoundError:
        return False
    except OSError:
        return True  # unreadable, a loop of links...: opening it says why
    return True


def find(option: Path | None, config: Config | None = None) -> Found | None:
    """The ledger named by ``--ledger`` (``option``), ``$TONGNAN_LEDGER`` or the configuration; None when
    none names one.  A named ledger that does not exist is refused (``LedgerError``): nothing is created."""
    named: Named
    if option is not None:
        path, named = option, "option"
    elif value := os.environ.get(LEDGER_ENV, "").strip():
        path, named = Path(value), "env"
    else:
        configured = (read_config() if config is None else config).ledger
        if configured is None:
            return None
        path, named = configured, "config"
    if not _exists(path):
        raise LedgerError(missing(path, named))
    return Found(path, named)


def required(option: Path | None) -> Path:
    """The ledger a ledger command works on: as ``find``, and one must be named."""
    found = find(option)
    if found is None:
        raise LedgerError(NO_LEDGER_CONFIGURED)
    return found.path
