"""A report at the terminal, at the width it is shown: ids and figures are always whole and on one
line, so an id can be pasted back into `--buyer`; words wrap between words; and when even that
leaves no room, each row becomes a block of headings and values. `--wide` prints the table as
wide as it takes."""

from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.rule import Rule
from rich.segment import Segments
from rich.table import Table
from rich.text import Text

READABLE = 10  # the narrowest a column of words may get before the rows are shown as blocks
LONG_WORD = 14  # a column of words keeps its longest word on one line up to this many cells
CODE = 16  # a value of one word up to this many cells (a date, a period, a region) is kept whole
WIDEST = 100_000

# What a column holds: words (wrapped between words), one whole value (an id, a figure: never
# wrapped, never cut), or whole values between spaces (ids in a row).
WORDS, WHOLE, WHOLE_WORDS = "words", "whole", "whole_words"


@dataclass(frozen=True)
class Sheet:
    title: str
    headings: list[str]
    rows: list[list[str]]
    holds: list[str]  # WORDS, WHOLE or WHOLE_WORDS, per column

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        widths = self.widths(options.max_width - self._frame(console, options))
        if widths is None:
            yield from self.blocks(options.max_width)
        else:
            yield self.table(widths)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.wide())

    def widths(self, room: int) -> list[int] | None:
        """Each column's width within `room` cells: whole columns as wide as their widest value, the
        rest shared by the columns of words, none narrower than it reads; None when that is too wide."""
        floors, needs = [], []
        for i, holds in enumerate(self.holds):
            cells = [row[i] for row in self.rows]
            heading = _longest_word([self.headings[i]])
            if holds == WORDS and all(len(c.split()) <= 1 and cell_len(c) <= CODE for c in cells):
                holds = WHOLE
            if holds == WORDS:
                need = max(_longest(cells), heading)
                floors.append(min(need, max(READABLE, min(_longest_word(cells), LONG_WORD))))
            else:
                need = max(_longest(cells), heading)
                floors.append(need if holds == WHOLE else max(_longest_word(cells), heading))
            needs.append(need)
        spare = room - sum(floors)
        if spare < 0:
            return None
        short = [n - f for f, n in zip(floors, needs)]
        if sum(short) <= spare:
            return needs
        return [f + s * spare // sum(short) for f, s in zip(floors, short)]  # in proportion to what each lacks

    def table(self, widths: list[int]) -> Table:
        table = Table(title=self.title)
        for heading, width in zip(self.headings, widths):
            table.add_column(heading, width=width, overflow="fold")
        for row in self.rows:
            table.add_row(*row)
        return table

    def wide(self) -> Table:
        table = Table(title=self.title)
        for heading in self.headings:
            table.add_column(heading, no_wrap=True)
        for row in self.rows:
            table.add_row(*row)
        return table

    def blocks(self, width: int) -> RenderResult:
        values = max((cell_len(c) for row in self.rows for c, h in zip(row, self.holds) if h == WHOLE), default=0)
        label = min(max(map(cell_len, self.headings)), max(width // 3, width - values - 2))
        yield Text(self.title, style="table.title", justify="center")
        for row in self.rows:
            yield Rule(style="dim")
            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="bold", width=label, overflow="fold")
            grid.add_column(overflow="fold")
            for heading, cell, holds in zip(self.headings, row, self.holds):
                grid.add_row(heading, Text(cell, no_wrap=holds == WHOLE))
            yield grid

    def _frame(self, console: Console, options: ConsoleOptions) -> int:
        """The cells a table of these columns takes besides its values: borders and padding."""
        bare = Table(title=self.title)
        for _ in self.headings:
            bare.add_column(width=1)
        return Measurement.get(console, options.update_width(WIDEST), bare).maximum - len(self.headings)


def print_wide(console: Console, table: Table) -> None:
    """`table` at its natural width whatever the terminal's: nothing wraps, nothing is cut (for a
    pager that scrolls sideways, such as `less -S`, or a file)."""
    width = Measurement.get(console, console.options.update_width(WIDEST), table).maximum
    for line in console.render_lines(table, console.options.update_width(width), pad=False):
        console.print(Segments(line), soft_wrap=True)


def _longest(cells: list[str]) -> int:
    return max(map(cell_len, cells), default=1)


def _longest_word(cells: list[str]) -> int:
    return max((cell_len(w) for c in cells for w in c.split()), default=1)
