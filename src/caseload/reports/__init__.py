"""The board pack and scrutiny report: the report model (:mod:`.model`) and the three renderers
that turn one report into files people hand round: :func:`.html.render_html`,
:func:`.pdf.render_pdf` and :func:`.workbook.render_xlsx`. Nothing is re-exported here, so that
building a report (which imports :mod:`.model`) does not load Altair, vl-convert and Typst."""
