"""The command line in the clerk's language: help texts and usage errors, Chinese by default.

Every help text (a command's docstring, an option's ``help=``) is written in both
languages, Chinese first, the English after a line ``—— English ——`` (``bi`` joins
two texts so).  ``TongnanGroup.main`` reads ``--lang`` from the command line
before anything is parsed (help and usage errors come before the command's own
``--lang`` is seen), keeps the one language throughout the command tree, renders
help itself (no terminal markup: ``[`` and ``:`` stay as written) and shows
click's usage errors (missing option, bad value, no such file, no such command)
as one line in that language: ``错误：缺少选项 '--year' / '-y'（…）``.
"""

from __future__ import annotations

import io
import re
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text
from typer import _click
from typer.core import TyperGroup
from typer.exceptions import Abort

from tongnan_calc.core.say import Lang

EN_MARK = "—— English ——"
_SPLIT = re.compile(rf"\s*{EN_MARK}\s*")

ERROR_PREFIX: dict[Lang, str] = {"zh": "错误：", "en": "error: "}


def bi(zh: str, en: str) -> str:
    """One help text in both languages (``pick`` takes one out)."""
    return f"{zh}\n{EN_MARK}\n{en}"


def pick(text: str | None, lang: Lang) -> str | None:
    """The ``lang`` half of a ``bi`` text (a text written once is the same in both)."""
    if text is None or EN_MARK not in text:
        return text
    zh, en = _SPLIT.split(text, maxsplit=1)
    return zh.strip() if lang == "zh" else en.strip()


def argv_lang(args: Sequence[str]) -> Lang:
    """The language asked for on the command line (``--lang en`` or ``--lang=en``); Chinese otherwise."""
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            return "en" if args[index + 1] == "en" else "zh"
        if arg.startswith("--lang="):
            return "en" if arg == "--lang=en" else "zh"
    return "zh"


WORDS: dict[str, tuple[str, str]] = {
    "usage": ("用法：", "Usage: "),
    "options": ("[选项]", "[OPTIONS]"),
    "command": ("命令 [参数]...", "COMMAND [ARGS]..."),
    "arguments_title": ("参数", "Arguments"),
    "options_title": ("选项", "Options"),
    "commands_title": ("命令", "Commands"),
    "required": ("［必填］", "[required]"),
    "default": ("［默认：{}］", "[default: {}]"),
    "help": ("显示本帮助并退出。", "Show this message and exit."),
    "install_completion": ("为当前 shell 安装命令补全。", "Install completion for the current shell."),
    "show_completion": (
        "显示当前 shell 的命令补全脚本，可复制或自行安装。",
        "Show completion for the current shell, to copy it or customize the installation.",
    ),
    "see_help": ("（运行 {command} --help 查看帮助）", " (see {command} --help)"),
}

TYPES: dict[str, tuple[str, str]] = {
    "int": ("整数", "INTEGER"),
    "float": ("数", "NUMBER"),
    "path": ("路径", "PATH"),
    "str": ("文本", "TEXT"),
    "text": ("文本", "TEXT"),
}


def _w(key: str, lang: Lang) -> str:
    return WORDS[key][0 if lang == "zh" else 1]


# --- the tree in one language ----------------------------------------------------------------------


def _walk(command: Any) -> Iterator[Any]:
    yield command
    for sub in (getattr(command, "commands", None) or {}).values():
        yield from _walk(sub)


def localize(root: Any, lang: Lang) -> None:
    """Every help text of the command tree in ``lang``, and help rendered by ``render_help``."""
    for command in _walk(root):
        command.help = pick(command.help, lang)
        command.epilog = pick(command.epilog, lang)
        command.short_help = pick(command.short_help, lang)
        for param in command.params:
            if param.name in ("install_completion", "show_completion"):
                param.help = _w(param.name, lang)
            else:
                param.help = pick(getattr(param, "help", None), lang)
        command.format_help = _help_writer(command, lang)


def _help_writer(command: Any, lang: Lang) -> Callable[[Any, Any], None]:
    def format_help(ctx: Any, formatter: Any) -> None:
        formatter.write(render_help(command, ctx, lang))

    return format_help


def _paragraphs(text: str) -> list[str]:
    """A docstring's paragraphs, each on one line (the line breaks of the source are not the screen's)."""
    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        joined = ""
        for line in lines:
            cjk_join = joined and (ord(joined[-1]) > 0x2E80 or ord(line[0]) > 0x2E80)
            joined = f"{joined}{'' if cjk_join or not joined else ' '}{line}"
        out.append(joined)
    return out


_CLICK_TYPES = {"integer": "int", "float": "float", "path": "path", "text": "str", "filename": "path"}
"""click's name of a parameter type, as the help shows it (``TYPES``)."""


def _shown_type(param: Any) -> str:
    """A parameter's type for the help: its metavar, its choices (``zh|en``) or its type's name."""
    if param.metavar is not None:
        return str(param.metavar)
    kind = param.type
    choices = getattr(kind, "choices", None)
    if choices is not None:
        return "|".join(str(getattr(choice, "value", choice)) for choice in choices)
    return _CLICK_TYPES.get(kind.name, str(kind.name))


def _type_word(param: Any, ctx: Any, lang: Lang) -> str:
    if getattr(param, "is_flag", False):
        return ""
    shown = _shown_type(param)
    if shown in TYPES:
        return TYPES[shown][0 if lang == "zh" else 1]
    return shown


def _default(param: Any) -> str | None:
    default = param.default
    if getattr(param, "is_flag", False) or default is None or isinstance(default, bool) or not param.show_default:
        return None
    return str(getattr(default, "value", default))


def _usage(command: Any, ctx: Any, lang: Lang) -> str:
    pieces = [ctx.command_path, _w("options", lang)]
    for param in command.get_params(ctx):
        if param.param_type_name != "argument":
            continue
        name = (param.name or "").upper() + ("..." if param.nargs == -1 else "")
        pieces.append(name if param.required else f"[{name}]")
    if getattr(command, "commands", None):
        pieces.append(_w("command", lang))
    return _w("usage", lang) + " ".join(pieces)


def render_help(command: Any, ctx: Any, lang: Lang) -> str:
    """The help of ``command`` as plain text at the terminal's width (at least 40 columns)."""
    width = max(40, min(shutil.get_terminal_size((100, 24)).columns, 120))
    out = io.StringIO()
    console = Console(file=out, width=width, markup=False, emoji=False, highlight=False, color_system=None)
    console.print(Text(_usage(command, ctx, lang)))
    if command.help:
        for paragraph in _paragraphs(command.help):
            console.print()
            _print_paragraph(console, paragraph)
    arguments, options = [], []
    for param in command.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        help_text = Text(param.help or "")
        if param.name == "help":
            help_text = Text(_w("help", lang))
        default = _default(param)
        if default is not None:
            help_text.append(" " + _w("default", lang).format(default))
        if param.required:
            help_text.append(" " + _w("required", lang))
        if param.param_type_name == "argument":
            arguments.append((Text((param.name or "").upper()), help_text))
        else:
            names = ", ".join(sorted(param.opts, key=len)) + "".join(f" / {s}" for s in param.secondary_opts)
            kind = _type_word(param, ctx, lang)
            options.append((Text(f"{names} {kind}".rstrip()), help_text))
    subcommands = [
        (Text(name), Text(pick(sub.short_help, lang) or _first_sentence(pick(sub.help, lang) or "")))
        for name, sub in (getattr(command, "commands", None) or {}).items()
        if not getattr(sub, "hidden", False)
    ]
    for key, rows in (("arguments_title", arguments), ("options_title", options), ("commands_title", subcommands)):
        if rows:
            console.print()
            console.print(Text(_w(key, lang), style="bold"))
            grid = Table.grid(padding=(0, 2))
            grid.add_column(no_wrap=True)
            grid.add_column(overflow="fold")
            for name, text in rows:
                grid.add_row(Text("  ").append_text(name), text)
            console.print(grid)
    if command.epilog:
        for paragraph in _paragraphs(command.epilog):
            console.print()
            _print_paragraph(console, paragraph)
    return "".join(line.rstrip() + "\n" for line in out.getvalue().splitlines())


_EXAMPLE = re.compile(r"(?:示例：|Example:)\s*tongnan-calc\b")


def _print_paragraph(console: Console, paragraph: str) -> None:
    """A paragraph at the console's width; an example's command line whole, on one line.

    A line break inside an example would make a pasted example two commands (``… --out`` and
    ``payout-2016.xlsx``): the terminal folds a long line for the eye and copies it as one line.
    """
    if _EXAMPLE.match(paragraph):
        console.print(Text(paragraph), no_wrap=True, overflow="ignore", crop=False)
    else:
        console.print(Text(paragraph))


def _first_sentence(text: str) -> str:
    first = _paragraphs(text)[0] if text.strip() else ""
    return first


# --- usage errors ------------------------------------------------------------------------------------

_LABELS = {"File": "文件", "Directory": "文件夹", "Path": "路径"}


def _path(kind: tuple[str, str]) -> tuple[re.Pattern[str], Callable[[re.Match[str]], str]]:
    english, chinese = kind
    return re.compile(
        rf"(File|Directory|Path) '(.*)' {english}\.", re.S
    ), lambda m: f"{_LABELS[m[1]]} '{m[2]}' {chinese}"


_INNER: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"Input should be a valid integer.*|'.*' is not a valid int(?:eger)?\.", re.S), lambda m: "应为整数"),
    (re.compile(r"Input should be a valid number.*|'.*' is not a valid float\.", re.S), lambda m: "应为数字"),
    (
        re.compile(r"(?:Value error, )?'(.*)' is not one of (.*?)\.?$", re.S),
        lambda m: f"'{m[1]}' 不是 {m[2].replace(', ', '、')} 之一",
    ),
    _path(("does not exist", "不存在")),
    _path(("is a directory", "是文件夹")),
    _path(("is a file", "是文件")),
    _path(("is not readable", "不可读")),
    _path(("is not writable", "不可写")),
)


def _inner_zh(message: str) -> str:
    for pattern, make in _INNER:
        match = pattern.fullmatch(message.strip())
        if match:
            return make(match)
    return message


def _suggest(text: str | None) -> str:
    return f"（可能是：{text}）" if text else ""


_OUTER: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(r"Missing (option|argument|parameter):? (.+?)\.?(?:\s+Choose from:\s*(.*))?", re.S),
        lambda m: (
            f"缺少{ {'option': '选项', 'argument': '参数', 'parameter': '参数'}[m[1]] } {m[2]}"
            + (f"（可选：{'、'.join(m[3].split())}）" if m[3] else "")
        ),
    ),
    (re.compile(r"Invalid value for (.+?): (.*)", re.S), lambda m: f"{m[1]} 的值无效：{_inner_zh(m[2])}"),
    (re.compile(r"Invalid value: (.*)", re.S), lambda m: f"值无效：{_inner_zh(m[1])}"),
    (
        re.compile(r"No such option: (\S+)(?: \(Possible options: (.*)\)| Did you mean (.*)\?)?", re.S),
        lambda m: f"没有选项 {m[1]}{_suggest(m[2] or m[3])}",
    ),
    (
        re.compile(r"No such command '(.*?)'\.(?: Did you mean (.*)\?)?", re.S),
        lambda m: f"没有命令 '{m[1]}'{_suggest(m[2])}",
    ),
    (re.compile(r"Option '(.*)' requires an argument\.", re.S), lambda m: f"选项 '{m[1]}' 后面要写一个值"),
    (re.compile(r"Option '(.*)' requires (\d+) arguments\.", re.S), lambda m: f"选项 '{m[1]}' 后面要写 {m[2]} 个值"),
    (re.compile(r"Option '(.*)' does not take a value\.", re.S), lambda m: f"选项 '{m[1]}' 不带值"),
    (re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", re.S), lambda m: f"多余的参数：{m[1]}"),
    (re.compile(r"Missing command\.", re.S), lambda m: "缺少命令"),
)


def usage_message(message: str, lang: Lang) -> str:
    """Click's usage error ``message`` in ``lang``: Chinese for each form click has; English as click says it."""
    if lang == "en":
        return message
    for pattern, make in _OUTER:
        match = pattern.fullmatch(message.strip())
        if match:
            return make(match)
    return f"命令行有误：{message}"


def show_usage_error(exc: _click.ClickException, lang: Lang) -> None:
    """One line on stderr: ``错误：<message>（运行 <command> --help 查看帮助）``; for a bare command, its help."""
    from tongnan_calc.report.screen import visible

    if type(exc).__name__ == "NoArgsIsHelpError":
        sys.stdout.write(exc.format_message())
        return
    line = ERROR_PREFIX[lang] + usage_message(exc.format_message(), lang)
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        line += _w("see_help", lang).format(command=ctx.command_path)
    sys.stderr.write(visible(line) + "\n")


def _lang_defaults(command: Any, lang: Lang) -> dict[str, Any]:
    """A click ``default_map`` giving ``lang`` as the default of every ``--lang`` in the tree below ``command``."""
    defaults: dict[str, Any] = {"lang": lang}
    for name, sub in (getattr(command, "commands", None) or {}).items():
        defaults[name] = _lang_defaults(sub, lang)
    return defaults


class TongnanGroup(TyperGroup):
    """The root command: the language is read from the command line first (see the module's text)."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        arguments = list(sys.argv[1:] if args is None else args)
        lang = argv_lang(arguments)
        localize(self, lang)
        if lang == "en" and "default_map" not in extra:
            # `tongnan-calc --lang en check …`: a --lang before the command is the command's too (each
            # command has its own --lang, whose default is zh; the help is already in English)
            extra["default_map"] = _lang_defaults(self, lang)
        try:
            result = super().main(
                arguments, prog_name, complete_var, standalone_mode=False, windows_expand_args=False, **extra
            )
        except _click.exceptions.ClickException as exc:
            if not standalone_mode:
                error = exc

                def show(file: object = None) -> None:
                    show_usage_error(error, lang)

                exc.show = show  # type: ignore[method-assign]
                raise
            show_usage_error(exc, lang)
            sys.exit(exc.exit_code)
        except Abort:
            if not standalone_mode:
                raise
            sys.stderr.write(ERROR_PREFIX[lang] + ("已中止" if lang == "zh" else "aborted") + "\n")
            sys.exit(1)
        if standalone_mode:
            sys.exit(result if isinstance(result, int) else 0)
        return result
