"""Which ledger a command uses (SPEC §6): --ledger, then $TONGNAN_LEDGER, then the ledger that
`ledger init` saved in the user's configuration; a named ledger that does not exist is refused by
every command and nothing is created; a run without a ledger says so in every output.

Every test has its own $XDG_CONFIG_HOME (conftest.py): the real user's configuration is never read.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import pytest
from ledger_helpers import new_ledger, sql, write_history
from typer.testing import CliRunner, Result

from tongnan_calc.cli.app import app
from tongnan_calc.ledger import LedgerError, home, read_prior

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example.xlsx"
E05 = "91500223MA605P185C"  # the example's spun-off enterprise: spin_off payable in 2016 and, without a ledger, 2017


def cli(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "300", **(env or {})})


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def config_path(config_home: Path) -> Path:
    return config_home / "tongnan-calc" / "config.toml"


# --- a ledger that does not exist is refused by every command, and nothing is created ------------------


def commands(folder: Path) -> dict[str, list[str | Path]]:
    """Every command that reads or writes a ledger, without the ledger."""
    history = write_history(folder / "history.xlsx", [])
    return {
        "run": ["run", EXAMPLE, "--year", "2016"],
        "explain": ["explain", E05, EXAMPLE, "--year", "2016"],
        "compare": ["compare", EXAMPLE, "--year", "2016", "--baseline", home_rules(), "--reform", home_rules()],
        "ledger import": ["ledger", "import", history],
        "ledger record": ["ledger", "record", folder / "payout.xlsx"],
        "ledger list": ["ledger", "list"],
        "ledger export": ["ledger", "export", folder / "export.xlsx"],
        "ledger reverse": ["ledger", "reverse", "1", "--reason", "x"],
    }


def home_rules() -> Path:
    from tongnan_calc.rules.load import DEFAULT_RULES

    return Path(DEFAULT_RULES)


def missing_zh(path: Path, how: str) -> str:
    return f"错误：台账 {path}（{how}）不存在，未创建任何文件：请检查路径；新建本局的台账请用 `tongnan-calc ledger init {path}`\n"


def missing_en(path: Path, how: str) -> str:
    return (
        f"error: ledger {path} ({how}) does not exist, nothing was created: check the path;"
        f" to create the bureau's ledger, use `tongnan-calc ledger init {path}`\n"
    )


COMMANDS = (
    "run",
    "explain",
    "compare",
    "ledger import",
    "ledger record",
    "ledger list",
    "ledger export",
    "ledger reverse",
)


@pytest.mark.parametrize("name", COMMANDS)
def test_a_typod_ledger_is_refused_by_every_command_and_no_file_is_created(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    args = commands(folder)[name]
    typo = folder / "tongnan-ledgr.sqlite"
    before = listing(tmp_path)

    zh = cli(*args, "--ledger", typo)
    en = cli(*args, "--ledger", typo, "--lang", "en")
    by_env = cli(*args, "--lang", "en", env={"TONGNAN_LEDGER": str(typo)})

    assert (zh.exit_code, zh.stdout, zh.stderr) == (2, "", missing_zh(typo, "由 --ledger 指定"))
    assert (en.exit_code, en.stdout, en.stderr) == (2, "", missing_en(typo, "named with --ledger"))
    assert (by_env.exit_code, by_env.stderr) == (2, missing_en(typo, "named by $TONGNAN_LEDGER"))
    assert listing(tmp_path) == before  # no ledger, no journal, no output


def test_a_configured_ledger_that_no_longer_exists_is_refused(tmp_path: Path, own_configuration: Path) -> None:
    ledger = tmp_path / "moved.sqlite"
    assert cli("ledger", "init", ledger).exit_code == 0
    ledger.unlink()
    config = config_path(own_configuration)

    run = cli("run", EXAMPLE, "--year", "2016", "--lang", "en")
    record = cli("ledger", "record", tmp_path / "payout.xlsx")

    assert (run.exit_code, run.stderr) == (2, missing_en(ledger, f"the ledger saved in {config}"))
    assert (record.exit_code, record.stderr) == (2, missing_zh(ledger, f"配置文件 {config} 中记录的台账"))
    assert not ledger.exists()


def test_a_ledger_command_without_any_ledger_is_refused(tmp_path: Path) -> None:
    zh = cli("ledger", "list")
    en = cli("ledger", "record", tmp_path / "payout.xlsx", "--lang", "en")

    assert (zh.exit_code, zh.stderr) == (
        2,
        "错误：没有台账：请用 --ledger 或环境变量 TONGNAN_LEDGER 指定台账，或用 `tongnan-calc ledger init PATH` 建立本局的台账\n",
    )
    assert (en.exit_code, en.stderr) == (
        2,
        "error: no ledger: name one with --ledger or $TONGNAN_LEDGER, or create the bureau's ledger with"
        " `tongnan-calc ledger init PATH`\n",
    )
    assert listing(tmp_path) == []


# --- ledger init ---------------------------------------------------------------------------------------


def test_init_creates_the_ledger_and_saves_its_absolute_location(
    tmp_path: Path, own_configuration: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config = config_path(own_configuration)

    zh = cli("ledger", "init", "bureau.sqlite")

    ledger = tmp_path / "bureau.sqlite"
    assert (zh.exit_code, zh.stderr) == (0, "")
    assert zh.stdout == (
        f"已建立台账 {ledger}，并已记入配置文件 {config}：此后在任何文件夹运行的命令都默认使用该台账\n"
    )
    assert read_prior(ledger).entries == 0
    assert tomllib.loads(config.read_text(encoding="utf-8")) == {"ledger": str(ledger), "require_ledger": False}
    assert [p.name for p in config.parent.iterdir()] == ["config.toml"]  # no temporary file left

    again = cli("ledger", "init", ledger, "--lang", "en")
    assert (again.exit_code, again.stdout) == (
        0,
        f"{ledger} is already a ledger; saved in {config}: commands run from any folder now use it by default\n",
    )

    other = tmp_path / "other.sqlite"
    switched = cli("ledger", "init", other, "--lang", "en")
    assert switched.stdout == (
        f"created ledger {other}; saved in {config}: commands run from any folder now use it by default"
        f" (instead of {ledger})\n"
    )
    assert home.read_config() == home.Config(other, False)


@pytest.mark.parametrize(
    ("content", "why_zh", "why_en"),
    [
        (b"", "空文件", "an empty file"),
        (b"not a ledger at all" * 10, "不是 SQLite 数据库", "not an SQLite database"),
    ],
)
def test_init_refuses_an_existing_file_that_is_not_a_ledger(
    tmp_path: Path, own_configuration: Path, content: bytes, why_zh: str, why_en: str
) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(content)

    zh = cli("ledger", "init", path)
    en = cli("ledger", "init", path, "--lang", "en")

    assert (zh.exit_code, zh.stderr) == (2, f"错误：{path} 不是 tongnan-calc 台账（{why_zh}），文件未作任何改动\n")
    assert (en.exit_code, en.stderr) == (
        2,
        f"error: {path} is not a tongnan-calc ledger ({why_en}); it was left unchanged\n",
    )
    assert path.read_bytes() == content
    assert not config_path(own_configuration).exists()


def test_init_refuses_another_programs_database(tmp_path: Path, own_configuration: Path) -> None:
    path = tmp_path / "other.sqlite"
    sql(path, "CREATE TABLE invoices (id INTEGER)")
    before = path.read_bytes()

    result = cli("ledger", "init", path, "--lang", "en")

    assert (result.exit_code, result.stderr) == (
        2,
        f"error: {path} is not a tongnan-calc ledger (an SQLite database of another program); it was left unchanged\n",
    )
    assert path.read_bytes() == before
    assert not config_path(own_configuration).exists()


def test_the_configuration_round_trips_any_path(tmp_path: Path) -> None:
    odd = tmp_path / 'a "quoted" \\ folder\t' / "台账.sqlite"
    written = home.write_config(home.Config(odd, True), tmp_path / "config.toml")
    assert home.read_config(written) == home.Config(odd, True)


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        ("ledger = [1]\n", "ledger 应为台账文件的路径", "ledger should be a ledger file's path"),
        (
            'ledger = "x"\nrequire_ledger = "yes"\n',
            "require_ledger 应为 true 或 false",
            "require_ledger should be true or false",
        ),
    ],
)
def test_a_broken_configuration_is_one_line(
    tmp_path: Path, own_configuration: Path, text: str, zh: str, en: str
) -> None:
    config = config_path(own_configuration)
    config.parent.mkdir(parents=True)
    config.write_text(text, encoding="utf-8")

    result_zh = cli("run", EXAMPLE, "--year", "2016")
    result_en = cli("ledger", "list", "--lang", "en")

    assert (result_zh.exit_code, result_zh.stderr) == (
        2,
        f"错误：配置文件 {config} 有误：{zh}（可用 `tongnan-calc ledger init PATH` 重新写入台账位置）\n",
    )
    assert (result_en.exit_code, result_en.stderr) == (
        2,
        f"error: configuration file {config} is not valid: {en} (`tongnan-calc ledger init PATH` writes it again)\n",
    )


def test_a_relative_path_written_by_hand_is_relative_to_the_configuration(tmp_path: Path) -> None:
    config = tmp_path / "cfg" / "config.toml"
    config.parent.mkdir()
    config.write_text('ledger = "ledger.sqlite"\n', encoding="utf-8")
    assert home.read_config(config).ledger == tmp_path / "cfg" / "ledger.sqlite"


# --- precedence ---------------------------------------------------------------------------------------


def test_precedence_option_then_environment_then_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    configured, from_env, from_option = (new_ledger(tmp_path / f"{n}.sqlite") for n in ("configured", "env", "option"))
    home.write_config(home.Config(configured))

    assert home.find(None) == home.Found(configured, "config")
    monkeypatch.setenv("TONGNAN_LEDGER", str(from_env))
    assert home.find(None) == home.Found(from_env, "env")
    assert home.find(from_option) == home.Found(from_option, "option")
    monkeypatch.setenv("TONGNAN_LEDGER", "  ")  # blank: as if unset
    assert home.find(None) == home.Found(configured, "config")


def test_no_ledger_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tongnan-ledger.sqlite").touch()  # a file in the current folder is no longer a default
    assert home.find(None) is None
    with pytest.raises(LedgerError):
        home.required(None)


# --- one ledger from any folder ---------------------------------------------------------------------------


def spin_off(document: dict[str, object], code: str) -> tuple[object, object]:
    entitlements = document["entitlements"]
    assert isinstance(entitlements, list)
    line = next(e for e in entitlements if e["credit_code"] == code and e["measure"] == "spin_off")
    return line["status"], line["amount"]


def test_a_run_from_another_folder_reads_the_configured_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    office, elsewhere = tmp_path / "office", tmp_path / "elsewhere"
    office.mkdir()
    elsewhere.mkdir()
    monkeypatch.chdir(office)
    assert cli("ledger", "init", "ledger.sqlite").exit_code == 0
    first = cli("run", EXAMPLE, "--year", "2016", "--out", "payout-2016.xlsx")
    assert first.exit_code == 1  # the example's planted input errors
    recorded = cli("ledger", "record", "payout-2016.xlsx", "--example", "--lang", "en")
    assert recorded.exit_code == 0, recorded.stderr

    monkeypatch.chdir(elsewhere)
    with_ledger = cli("run", EXAMPLE, "--year", "2017", "--json", "-", "--lang", "en")
    without = cli("run", EXAMPLE, "--year", "2017", "--json", "-", "--no-ledger", "--lang", "en")

    document = json.loads(with_ledger.stdout)
    assert document["ledger"] == {"path": str(office / "ledger.sqlite"), "prior_payouts_read": 10}
    assert document["warnings"] == []
    assert spin_off(document, E05)[0] == "ineligible"  # paid in 2016: not a second time
    assert spin_off(json.loads(without.stdout), E05) == ("payable", "20000.00")  # what the trap paid
    assert os.listdir(elsewhere) == []


# --- no ledger at all ---------------------------------------------------------------------------------------

NO_LEDGER_ZH = "未使用发放台账：一次性奖励、期限和累计上限均未核对（未读取以往发放记录），可能重复发放或超过上限"
NO_LEDGER_EN = (
    "NO LEDGER: one-time rewards, periods and lifetime caps were not checked (no prior payouts were read);"
    " they may be paid twice or above their caps"
)


@pytest.mark.parametrize(("lang", "text"), [("zh", NO_LEDGER_ZH), ("en", NO_LEDGER_EN)])
def test_a_run_without_a_ledger_says_so_in_the_terminal_and_the_json(tmp_path: Path, lang: str, text: str) -> None:
    result = cli("run", EXAMPLE, "--year", "2016", "--json", "-", "--lang", lang)

    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["ledger"] is None
    assert document["warnings"] == [{"code": "no_ledger", "message": text}]
    assert text + "\n" in result.stderr  # the terminal's tables went to stderr with --json -


def test_require_ledger_refuses_to_compute_without_one(tmp_path: Path, own_configuration: Path) -> None:
    config = config_path(own_configuration)
    out = tmp_path / "payout.xlsx"

    zh = cli("run", EXAMPLE, "--year", "2016", "--require-ledger", "--out", out)
    en = cli("run", EXAMPLE, "--year", "2016", "--require-ledger", "--no-ledger", "--lang", "en")

    assert (zh.exit_code, zh.stdout) == (2, "")
    assert zh.stderr == (
        "错误：没有台账（未用 --ledger 或环境变量 TONGNAN_LEDGER 指定，配置中也没有），"
        f"而 --require-ledger 或配置文件 {config} 中的 require_ledger = true 要求使用台账"
        "（否则一次性奖励、期限和累计上限无法核对）：请用 --ledger 指定台账，或用 `tongnan-calc ledger init PATH` 建立本局的台账\n"
    )
    assert en.stderr == (
        f"error: --no-ledger was given, but --require-ledger or require_ledger = true in {config} requires one"
        " (without it one-time rewards, periods and lifetime caps cannot be checked): name one with --ledger,"
        " or create the bureau's ledger with `tongnan-calc ledger init PATH`\n"
    )
    assert not out.exists()


def test_require_ledger_in_the_configuration(tmp_path: Path, own_configuration: Path) -> None:
    home.write_config(home.Config(None, require_ledger=True))

    refused = cli("run", EXAMPLE, "--year", "2016", "--lang", "en")
    home.write_config(home.Config(new_ledger(tmp_path / "ledger.sqlite"), require_ledger=True))
    allowed = cli("run", EXAMPLE, "--year", "2016", "--lang", "en")

    assert refused.exit_code == 2 and refused.stderr.startswith("error: no ledger (none named")
    assert allowed.exit_code == 1  # computed (the example's planted input errors)
