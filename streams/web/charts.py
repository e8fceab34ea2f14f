"""Inline SVG charts drawn on the server: no script, no library, readable at any width."""

from html import escape

from ledger.rules.money import share_text

W, H = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 36


def share_chart(points: list[tuple[str, int | None]], threshold_bp: int | None, *, title: str,
                threshold_label: str) -> str:
    """A line of shares (basis points) per period against a dashed threshold line, as SVG markup."""
    values = [bp for _, bp in points if bp is not None]
    top = max([*values, threshold_bp or 0, 1000])
    top = -(-top * 12 // 10 // 1000) * 1000  # headroom, rounded up to whole 10 percent steps
    step = (W - LEFT - RIGHT) / max(len(points) - 1, 1)

    def x(i: int) -> float:
        return LEFT + i * step

    def y(bp: int) -> float:
        return TOP + (H - TOP - BOTTOM) * (1 - max(bp, 0) / top)

    parts = [f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for tick in range(0, top + 1, max(top // 5 // 1000, 1) * 1000):
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{W - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}"/>'
                     f'<text class="axis" x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">'
                     f'{tick // 100}%</text>')
    for i, (label, _) in enumerate(points):
        parts.append(f'<text class="axis" x="{x(i):.1f}" y="{H - BOTTOM + 18}" text-anchor="middle">'
                     f'{escape(label[5:] or label)}</text>')
    if threshold_bp is not None:
        parts.append(f'<line class="threshold" x1="{LEFT}" x2="{W - RIGHT}" y1="{y(threshold_bp):.1f}" '
                     f'y2="{y(threshold_bp):.1f}"/><text class="threshold-label" x="{W - RIGHT}" '
                     f'y="{y(threshold_bp) - 6:.1f}" text-anchor="end">{escape(threshold_label)}</text>')
    drawn = [(i, bp) for i, (_, bp) in enumerate(points) if bp is not None]
    if drawn:
        line = " ".join(f"{x(i):.1f},{y(bp):.1f}" for i, bp in drawn)
        parts.append(f'<polyline class="series" points="{line}"/>')
    for i, bp in drawn:
        below = threshold_bp is not None and bp < threshold_bp
        parts.append(f'<circle class="point{" below" if below else ""}" cx="{x(i):.1f}" cy="{y(bp):.1f}" r="4">'
                     f'<title>{escape(points[i][0])}: {share_text(bp, 10_000)}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)
