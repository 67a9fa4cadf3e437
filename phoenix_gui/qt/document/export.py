"""Export what is on screen: the run's view (the ring, the Kubernetes nodes or the agent cards)
as PNG or SVG, the metrics time series as CSV, the
audit log as JSON lines, and an image of a view on the clipboard.

The functions do the work and raise :class:`ExportError` (an ``OSError`` naming the file) on
failure; :class:`ExportActions` wraps them in menu actions with a save dialog. SVG goes through
pyqtgraph's own ``SVGExporter`` (vector, every item of the scene); PNG is an exact grab of the
widget as shown, or pyqtgraph's ``ImageExporter`` when a different width is wanted.

View exports are clean slides: the view alone (the lesson caption lives in a strip beside
it, never in the picture) without the selection's dimming and lit member; on request the
current caption becomes the slide's title (Export ▸ "Caption as Title"). An SVG renders like the
PNG: items are put in pyqtgraph's export mode while Qt's SVG generator paints them, so the
member markers are drawn as shapes rather than as fragments of a symbol atlas (which SVG cannot
express: the whole atlas appeared at every marker).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

PathLike = str | os.PathLike[str]


class ExportError(OSError):
    """An export that failed; the message names the file and the reason."""


def export_widget_png(widget: QtWidgets.QWidget, path: PathLike) -> QtGui.QImage:
    """Save ``widget`` as shown (its size × device pixel ratio) as a PNG file."""
    image = widget.grab().toImage()
    if image.isNull() or not _save_png(image, path):
        raise ExportError(f"cannot write the image {os.fspath(path)}")
    return image


def export_plot_png(target: Any, path: PathLike, width: int | None = None) -> None:
    """Render a pyqtgraph plot/scene with ``ImageExporter`` (``width`` pixels wide)."""
    from pyqtgraph.exporters import ImageExporter  # on use: not on the way to the first frame

    exporter = ImageExporter(_exportable(target))
    if width is not None:
        exporter.parameters()["width"] = int(width)
    # toBytes: get the image and save it here; export(fileName=) ignores a failed save.
    image = exporter.export(toBytes=True)
    if not isinstance(image, QtGui.QImage) or not _save_png(image, path):
        raise ExportError(f"cannot write the image {os.fspath(path)}")


def titled(image: QtGui.QImage, title: str, background: QtGui.QColor) -> QtGui.QImage:
    """``image`` under a band holding ``title`` (wrapped), in the image's background colour."""
    width = image.width()
    font = QtGui.QFont()
    font.setPixelSize(max(14, width // 40))
    metrics = QtGui.QFontMetrics(font)
    margin = metrics.height() // 2
    flags = int(QtCore.Qt.TextFlag.TextWordWrap) | int(QtCore.Qt.AlignmentFlag.AlignLeft)
    box = metrics.boundingRect(QtCore.QRect(0, 0, width - 2 * margin, 10_000), flags, title)
    band = box.height() + 2 * margin
    out = QtGui.QImage(width, image.height() + band, QtGui.QImage.Format.Format_ARGB32)
    out.fill(background)
    painter = QtGui.QPainter(out)
    painter.setFont(font)
    painter.setPen(QtGui.QColor("#FFFFFF" if background.lightness() < 128 else "#000000"))
    painter.drawText(QtCore.QRect(margin, margin, width - 2 * margin, box.height()), flags, title)
    painter.drawImage(0, band, image)
    painter.end()
    return out


@contextmanager
def clean_slide(widget: Any) -> Iterator[None]:
    """While exporting, the ring without its selection: no lit member, nothing dimmed."""
    highlight = getattr(widget, "highlight", None)
    lit = highlight is not None and getattr(highlight, "index", None) is not None
    if highlight is not None and lit:
        highlight.clear()
    try:
        yield
    finally:
        if lit:
            widget._refresh_highlight()  # back as the user left it


def export_ring_png(widget: QtWidgets.QWidget, path: PathLike, title: str = "") -> QtGui.QImage:
    """The ring view as a slide: as shown but without the selection, with ``title`` above it
    when given."""
    with clean_slide(widget):
        image = widget.grab().toImage()
    if title:
        image = titled(image, title, _background(widget))
    if image.isNull() or not _save_png(image, path):
        raise ExportError(f"cannot write the image {os.fspath(path)}")
    return image


def _background(widget: QtWidgets.QWidget) -> QtGui.QColor:
    brush = widget.backgroundBrush() if isinstance(widget, QtWidgets.QGraphicsView) else None
    return (
        brush.color()
        if brush is not None
        else widget.palette().color(QtGui.QPalette.ColorRole.Window)
    )


def export_plot_svg(target: Any, path: PathLike, title: str = "") -> str:
    """Save a pyqtgraph plot as SVG: a PlotWidget / GraphicsView, PlotItem, ViewBox or scene.

    pyqtgraph's ``SVGExporter`` first; pyqtgraph 0.14.0 fails on the closed paths ("… Z")
    that Qt 6.11 writes (pyqtgraph issue #3495, a ValueError while it rewrites path data),
    so then Qt's own ``QSvgGenerator`` renders the same scene. Returns which one wrote the
    file: ``"pyqtgraph"`` or ``"qt"``. With a ``title`` Qt's generator is used (it draws the
    title above the picture).
    """
    with clean_slide(target):
        if not title and _is_pyqtgraph(target):
            try:
                from pyqtgraph.exporters import SVGExporter  # on use (brings xml.dom)

                _run(SVGExporter(_exportable(target)), path)
            except ValueError:
                pass
            else:
                return "pyqtgraph"
        _render_svg(target, path, title)
    return "qt"


def _export_mode(target: Any, on: bool) -> None:
    """pyqtgraph's export mode on every item of the scene (shapes, not cached sprites)."""
    scene = target.scene() if hasattr(target, "scene") else None
    if scene is None:
        return
    for item in scene.items():
        setter = getattr(item, "setExportMode", None)
        if setter is not None:
            setter(on, {"antialias": True} if on else None)


def _render_svg(target: Any, path: PathLike, title: str = "") -> None:
    from PySide6 import QtSvg  # on use: not on the way to the first frame

    out = os.fspath(path)
    generator = QtSvg.QSvgGenerator()
    generator.setFileName(out)
    generator.setTitle("PhoenixFlight")
    if isinstance(target, QtWidgets.QWidget):
        size = target.size()

        def draw(painter: QtGui.QPainter) -> None:
            # QWidget.render: a QGraphicsView (every PlotWidget) overrides render().
            QtWidgets.QWidget.render(target, painter, QtCore.QPoint(0, 0))

    else:
        if isinstance(target, QtWidgets.QGraphicsScene):
            scene, source = target, target.sceneRect()
        else:
            scene, source = target.scene(), target.sceneBoundingRect()
        size = source.size().toSize()

        def draw(painter: QtGui.QPainter) -> None:
            scene.render(painter, QtCore.QRectF(), source)

    band = 0
    if title:
        font = QtGui.QFont()
        font.setPixelSize(max(14, size.width() // 40))
        metrics = QtGui.QFontMetrics(font)
        flags = int(QtCore.Qt.TextFlag.TextWordWrap)
        margin = metrics.height() // 2
        box = metrics.boundingRect(
            QtCore.QRect(0, 0, size.width() - 2 * margin, 10_000), flags, title
        )
        band = box.height() + 2 * margin
    full = QtCore.QSize(size.width(), size.height() + band)
    generator.setSize(full)
    generator.setViewBox(QtCore.QRect(QtCore.QPoint(0, 0), full))
    painter = QtGui.QPainter()
    if not painter.begin(generator):
        raise ExportError(f"cannot write {out}")
    _export_mode(target, True)
    try:
        if title:
            background = _background(target) if isinstance(target, QtWidgets.QWidget) else None
            colour = background if background is not None else QtGui.QColor("#FFFFFF")
            painter.fillRect(QtCore.QRect(0, 0, full.width(), band), colour)
            painter.setFont(font)
            painter.setPen(QtGui.QColor("#FFFFFF" if colour.lightness() < 128 else "#000000"))
            painter.drawText(
                QtCore.QRect(margin, margin, size.width() - 2 * margin, box.height()), flags, title
            )
            painter.translate(0, band)
        draw(painter)
    finally:
        _export_mode(target, False)
        painter.end()
    if not Path(out).is_file():
        raise ExportError(f"cannot write {out}")


def copy_widget_image(widget: QtWidgets.QWidget) -> QtGui.QImage:
    """Put an image of ``widget`` on the clipboard; returns the image."""
    image = widget.grab().toImage()
    QtGui.QGuiApplication.clipboard().setImage(image)
    return image


def export_timeseries_csv(panel: Any, path: PathLike) -> None:
    """The metrics time series as CSV (the time-series panel writes it)."""
    _wrap(lambda: panel.export_csv(path), path)


def export_audit_jsonl(audit: Any, path: PathLike, time: float | None = None) -> None:
    """The audit log as JSON lines, atomically (``AuditLog.write_jsonl``), ending with a
    closing record at ``time`` (the last record's time by default): the exported file is a
    complete, sealed log that ``audit verify`` accepts on its own, while the run goes on."""
    _wrap(lambda: audit.write_jsonl(path, sealed=True, time=time), path)


def _save_png(image: QtGui.QImage, path: PathLike) -> bool:
    # The stubs want the format as bytes; PySide6 6.11 only accepts a str at run time.
    return bool(image.save(os.fspath(path), "PNG"))  # type: ignore[call-overload]


def _is_pyqtgraph(target: Any) -> bool:
    """Whether pyqtgraph's own exporter can take ``target`` (the board views are plain
    widgets that paint themselves: Qt's generator draws those)."""
    return isinstance(
        target, (QtWidgets.QGraphicsView, QtWidgets.QGraphicsItem, QtWidgets.QGraphicsScene)
    )


def _exportable(target: Any) -> Any:
    """pyqtgraph exporters take an item or a scene; widgets hand over what they show."""
    if isinstance(target, pg.PlotWidget):
        return target.getPlotItem()
    if isinstance(target, QtWidgets.QGraphicsView):
        return target.scene()
    return target


def _run(exporter: Any, path: PathLike) -> None:
    _wrap(lambda: exporter.export(fileName=os.fspath(path)), path)


def _wrap(job: Callable[[], object], path: PathLike) -> None:
    try:
        job()
    except ExportError:
        raise
    except OSError as exc:
        raise ExportError(f"cannot write {os.fspath(path)}: {exc.strerror or exc}") from exc


# (label, file filter, default suffix) of each export.
_KINDS = {
    "png": ("PNG image (*.png)", ".png"),
    "svg": ("SVG vector image (*.svg)", ".svg"),
    "csv": ("CSV table (*.csv)", ".csv"),
    "jsonl": ("JSON lines (*.jsonl)", ".jsonl"),
}


class ExportActions(QtCore.QObject):
    """Export and copy actions for a window; each source is a callable (it may change on reset).

    ``ring`` returns the view on screen (the ring, or the Kubernetes or agents view),
    ``timeseries`` the time-series panel (with ``export_csv``), ``audit`` the current
    ``AuditLog``. A source that returns None disables nothing but reports that there is nothing
    to export.
    """

    exported = QtCore.Signal(str)  # path written

    def __init__(
        self,
        parent: QtWidgets.QWidget | None,
        ring: Callable[[], QtWidgets.QWidget | None],
        timeseries: Callable[[], Any] | None = None,
        audit: Callable[[], Any] | None = None,
        caption: Callable[[], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self._caption = caption
        self.dialog_parent = parent
        self._ring = ring
        self._timeseries = timeseries
        self._audit = audit
        # Replaceable hooks (tests inject answers instead of dialogs).
        self.ask_save_path: Callable[[str, str, str], str | None] = self._ask_save_path
        self.show_error: Callable[[str], None] = self._show_error

        self.png_action = self._action("Export View as &PNG…", lambda: self._export("png"))
        self.svg_action = self._action("Export View as &SVG…", lambda: self._export("svg"))
        self.csv_action = self._action("Export &Metrics as CSV…", lambda: self._export("csv"))
        self.audit_action = self._action(
            "Export &Audit Log (JSON Lines)…", lambda: self._export("jsonl")
        )
        self.title_action = QtGui.QAction("Caption as &Title", self)
        self.title_action.setCheckable(True)
        self.title_action.setToolTip("Put the lesson caption on screen above exported view images")
        self.title_action.setEnabled(caption is not None)
        self.copy_action = self._action("&Copy View Image", self.copy_ring)
        self.copy_action.setShortcut(QtGui.QKeySequence("Ctrl+Shift+C"))
        self.csv_action.setEnabled(timeseries is not None)
        self.audit_action.setEnabled(audit is not None)

    def actions(self) -> list[QtGui.QAction]:
        return [
            self.png_action,
            self.svg_action,
            self.csv_action,
            self.audit_action,
            self.copy_action,
        ]

    def populate_menu(self, menu: QtWidgets.QMenu) -> None:
        """Fill an Export submenu (or a File menu section)."""
        for action in self.actions()[:4]:
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.title_action)
        menu.addAction(self.copy_action)

    def title(self) -> str:
        """The slide title: the caption on screen, when "Caption as Title" is checked."""
        if not self.title_action.isChecked() or self._caption is None:
            return ""
        return self._caption()

    def copy_ring(self) -> None:
        widget = self._ring()
        if widget is not None:
            copy_widget_image(widget)

    def export_to(self, kind: str, path: PathLike) -> bool:
        """Export ``kind`` (png, svg, csv, jsonl) to ``path``; errors are shown, False."""
        try:
            if kind in ("png", "svg"):
                widget = self._need(self._ring, "view")
                title = self.title()
                if kind == "png":
                    export_ring_png(widget, path, title)
                else:
                    export_plot_svg(widget, path, title)
            elif kind == "csv":
                export_timeseries_csv(self._need(self._timeseries, "time series"), path)
            elif kind == "jsonl":
                export_audit_jsonl(self._need(self._audit, "audit log"), path)
            else:
                raise ValueError(f"unknown export kind {kind!r}")
        except (ExportError, LookupError) as exc:
            self.show_error(str(exc))
            return False
        self.exported.emit(os.fspath(path))
        return True

    def _export(self, kind: str) -> None:
        name, suffix = _KINDS[kind]
        chosen = self.ask_save_path(f"Export {name.split(' (')[0]}", f"phoenixflight{suffix}", name)
        if chosen:
            if not Path(chosen).suffix:
                chosen += suffix
            self.export_to(kind, chosen)

    @staticmethod
    def _need(source: Callable[[], Any] | None, what: str) -> Any:
        value = source() if source is not None else None
        if value is None:
            raise LookupError(f"there is no {what} to export")
        return value

    def _action(self, text: str, slot: Callable[[], None]) -> QtGui.QAction:
        action = QtGui.QAction(text, self)
        action.triggered.connect(slot)
        return action

    def _ask_save_path(self, title: str, suggested: str, file_filter: str) -> str | None:
        start = str(Path.home() / suggested)
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self.dialog_parent, title, start, file_filter
        )
        return path or None

    def _show_error(self, text: str) -> None:
        box = QtWidgets.QMessageBox(
            QtWidgets.QMessageBox.Icon.Critical,
            "Export failed",
            text,
            QtWidgets.QMessageBox.StandardButton.Ok,
            self.dialog_parent,
        )
        box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
