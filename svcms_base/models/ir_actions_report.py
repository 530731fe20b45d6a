"""Printing the SVCMS reports with the wkhtmltopdf that Debian and Ubuntu ship.

Their wkhtmltopdf is built on unpatched Qt: it ignores Odoo's ``--header-html``/``--footer-html`` (no page
header, no footer, no page numbers; a ``<thead>`` is not repeated on the next page either) and refuses several
documents in one call (Odoo raises "multiple documents ... unpatched QT"). For the SVCMS reports
(``report_name`` starting with ``svcms_``), and only with such a wkhtmltopdf, this model

* prints several records as one PDF per record, which Odoo's ``_render_qweb_pdf`` merges into the one PDF
  the user gets (``_render_qweb_pdf_prepare_streams``);
* draws the page header and footer of the report's layout (its ``div.header`` and ``div.footer``, with
  "page x / y") onto every page itself (``_run_wkhtmltopdf``): a second wkhtmltopdf call prints the header of
  every page on strips of paper as tall as the top margin, a third one the footers on strips as tall as the
  bottom margin, and each strip is merged into the margin of its page with the PDF library Odoo requires.

With the patched build (wkhtmltox 0.12.6.1 from the wkhtmltopdf project) Odoo's own code runs unchanged.
"""

import copy
import functools
import io
import logging
import subprocess

import lxml.html

from odoo import api, models
from odoo.tools.misc import find_in_path
from odoo.tools.pdf import NameObject, PdfFileReader, PdfFileWriter, generic

_logger = logging.getLogger(__name__)

SVCMS_REPORT_PREFIX = "svcms_"
MM_TO_PT = 72 / 25.4
# wkhtmltopdf options that the strips set themselves (option -> number of values it takes)
STRIP_REPLACED_ARGS = {
    "--page-size": 1,
    "--page-width": 1,
    "--page-height": 1,
    "--orientation": 1,
    "--margin-top": 1,
    "--margin-bottom": 1,
    "--header-spacing": 1,
    "--header-line": 0,
}
# the strips are printed without backgrounds and as tall as their content may be, never a full page
STRIP_STYLE = "html, body { height: auto !important; min-height: 0 !important; background: transparent !important; }"


@functools.lru_cache(1)
def _wkhtmltopdf_version_text():
    """`wkhtmltopdf --version`, read once per process like Odoo's own state (restart after installing)."""
    try:
        process = subprocess.run(
            [find_in_path("wkhtmltopdf"), "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return process.stdout or ""


def _pdf_call(obj, name, old_name, *args):
    """Call a pypdf method under its current name, or its PyPDF2 1.x name (Odoo supports both)."""
    method = getattr(obj, name, None) or getattr(obj, old_name)
    return method(*args)


def _page_size(page):
    """(width, height) of a PDF page in points."""
    box = page.mediabox if hasattr(page, "mediabox") else page.mediaBox
    if hasattr(box, "width"):
        return float(box.width), float(box.height)
    return float(box.getWidth()), float(box.getHeight())


def _has_class(class_name):
    return f"descendant-or-self::*[contains(concat(' ', normalize-space(@class), ' '), ' {class_name} ')]"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    def _svcms_wkhtmltopdf_patched(self):
        """True when wkhtmltopdf is the build with patched Qt (page headers, several documents per call)."""
        return "with patched qt" in _wkhtmltopdf_version_text().lower()

    def _svcms_prints_alone(self):
        """An SVCMS report and unpatched wkhtmltopdf: one record per wkhtmltopdf call, page frame drawn here."""
        self.ensure_one()
        return (self.report_name or "").startswith(SVCMS_REPORT_PREFIX) and not self._svcms_wkhtmltopdf_patched()

    # ------------------------------------------------------------------ several records: one PDF each, merged
    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        report_sudo = self._get_report(report_ref)
        if not (res_ids and len(res_ids) > 1 and report_sudo._svcms_prints_alone()):
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        # _render_qweb_pdf merges these streams, in this order, into the one PDF the user gets
        collected_streams = {}
        for res_id in dict.fromkeys(res_ids):
            collected_streams.update(
                super()._render_qweb_pdf_prepare_streams(report_ref, dict(data or {}), res_ids=[res_id])
            )
        return collected_streams

    # ------------------------------------------------------------------ page header and footer on every page
    @api.model
    def _build_wkhtmltopdf_args(
        self, paperformat_id, landscape, specific_paperformat_args=None, set_viewport_size=False
    ):
        args = super()._build_wkhtmltopdf_args(
            paperformat_id,
            landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        strip = self.env.context.get("svcms_page_strip")
        if not strip:
            return args
        kept, index = [], 0
        while index < len(args):
            if args[index] in STRIP_REPLACED_ARGS:
                index += 1 + STRIP_REPLACED_ARGS[args[index]]
                continue
            kept.append(args[index])
            index += 1
        width, height = strip
        return [
            *kept,
            *("--page-width", f"{width:.2f}mm", "--page-height", f"{height:.2f}mm"),
            *("--margin-top", "0", "--margin-bottom", "0", "--no-background"),
        ]

    @api.model
    def _run_wkhtmltopdf(
        self,
        bodies,
        report_ref=False,
        header=None,
        footer=None,
        landscape=False,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        report = self._get_report(report_ref) if report_ref else self.browse()
        if (
            not report
            or len(bodies) != 1
            or self.env.context.get("svcms_page_strip")
            or not report._svcms_prints_alone()
        ):
            return super()._run_wkhtmltopdf(
                bodies,
                report_ref=report_ref,
                header=header,
                footer=footer,
                landscape=landscape,
                specific_paperformat_args=specific_paperformat_args,
                set_viewport_size=set_viewport_size,
            )
        pdf_content = super()._run_wkhtmltopdf(
            bodies,
            report_ref=report_ref,
            landscape=landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        return report._svcms_draw_page_frame(pdf_content, header, footer, specific_paperformat_args, set_viewport_size)

    def _svcms_draw_page_frame(self, pdf_content, header, footer, specific_paperformat_args, set_viewport_size):
        """Merge the page header and footer, numbered "page x / y", into the margins of every page."""
        self.ensure_one()
        reader = PdfFileReader(io.BytesIO(pdf_content), strict=False)
        pages = list(reader.pages)
        if not pages:
            return pdf_content
        paperformat = self.get_paperformat()
        specific = specific_paperformat_args or {}
        margin_top = float(specific.get("data-report-margin-top") or (paperformat.margin_top if paperformat else 0))
        margin_bottom = float(
            specific.get("data-report-margin-bottom") or (paperformat.margin_bottom if paperformat else 0)
        )
        page_width, page_height = _page_size(pages[0])
        header_strips = self._svcms_print_strips(
            header, "minimal_layout_report_headers", len(pages), (page_width, margin_top), specific, set_viewport_size
        )
        footer_strips = self._svcms_print_strips(
            footer,
            "minimal_layout_report_footers",
            len(pages),
            (page_width, margin_bottom),
            specific,
            set_viewport_size,
        )
        if not header_strips and not footer_strips:
            return pdf_content
        writer = PdfFileWriter()
        for index, page in enumerate(pages):
            if header_strips:
                strip = header_strips[index]
                # a strip's origin is its bottom left corner: lift it to the top of the page
                strip_width, strip_height = _page_size(strip)
                lift = page_height - strip_height
                _pdf_call(strip, "add_transformation", "addTransformation", (1, 0, 0, 1, 0, lift))
                # merging clips to the strip's boxes (pypdf): move them along
                box = generic.RectangleObject([0, lift, strip_width, page_height])
                for name in ("/MediaBox", "/CropBox", "/TrimBox"):
                    strip[NameObject(name)] = box
                _pdf_call(page, "merge_page", "mergePage", strip)
            if footer_strips:
                _pdf_call(page, "merge_page", "mergePage", footer_strips[index])
            # pypdf writes merged content streams uncompressed
            _pdf_call(page, "compress_content_streams", "compressContentStreams")
            _pdf_call(writer, "add_page", "addPage", page)
        stream = io.BytesIO()
        writer.write(stream)
        return stream.getvalue()

    def _svcms_print_strips(self, frame_html, container_id, count, size, specific_paperformat_args, set_viewport_size):
        """Print the header (or footer) of `frame_html` for pages 1..count, one strip of paper per page.

        `size` is (page width in points, strip height in mm): the width of the printed pages, the height of their
        top (or bottom) margin. The strips keep the report's other wkhtmltopdf options (dpi, zoom, side margins).

        `frame_html` is the page header (or footer) document Odoo prepared for wkhtmltopdf: its minimal layout
        holds the frame of each printed document in `container_id`; a record printed alone has one.
        """
        page_width, strip_height = size
        if not frame_html or strip_height <= 0:
            return []
        root = lxml.html.fromstring(frame_html)
        container = root.xpath(f"//*[@id='{container_id}']")
        frame = container[0][0] if container and len(container[0]) else None
        if frame is None or not (frame.text_content().strip() or frame.xpath(".//img")):
            return []
        # the page numbers are written in here instead of by the layout's script, which reads them from the URL
        # that only a patched wkhtmltopdf gives
        for script in root.xpath("//script"):
            script.getparent().remove(script)
        head = root.xpath("//head")[0]
        style = lxml.html.Element("style")
        style.text = STRIP_STYLE
        head.append(style)
        body = root.xpath("//body")[0]
        body.attrib.pop("onload", None)
        body.set("class", " ".join(c for c in body.get("class", "").split() if c != "overflow-hidden"))
        for child in list(body):
            body.remove(child)
        for number in range(1, count + 1):
            strip = lxml.html.Element("div", {"class": "svcms_page_strip"})
            if number < count:
                strip.set("style", "page-break-after: always;")
            node = copy.deepcopy(frame)
            for span in node.xpath(_has_class("page")):
                span.text = str(number)
            for span in node.xpath(_has_class("topage")):
                span.text = str(count)
            strip.append(node)
            body.append(strip)
        strips_pdf = self.with_context(svcms_page_strip=(page_width / MM_TO_PT, strip_height))._run_wkhtmltopdf(
            ["<!DOCTYPE html>\n" + lxml.html.tostring(root, encoding="unicode")],
            report_ref=self.id,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        strips = list(PdfFileReader(io.BytesIO(strips_pdf), strict=False).pages)
        if len(strips) != count:
            _logger.warning(
                "Report %s: the page %s does not fit in the %s mm margin (%s strips for %s pages); not drawn.",
                self.report_name,
                "header" if "header" in container_id else "footer",
                strip_height,
                len(strips),
                count,
            )
            return []
        return strips
