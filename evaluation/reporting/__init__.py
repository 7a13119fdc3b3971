"""The annual report: words, tables and figures built from the results tables.

The rule: no value reaches the report page as markup. The words of the catalogues are trusted;
every value put into them (anything from the data, the plan or an instrument definition: a school
type, a partnership id, an exam subject, a scale title, the programme) is not. One module,
`evaluation.reporting.escaping`, makes everything a notebook may show, and `Shown`
(`evaluation.steps.display`) takes nothing else:

- text is `escaping.Markdown`, made by `escaping.text`/`plural` (a catalogue text),
  `Markdown("literal").format`/`.join` or `escaping.escape`, which escape each value that is not
  Markdown already (HTML entities for ``& < >``, a backslash before Markdown syntax, line breaks
  as spaces; a value in a code span kept as written). ``Markdown(...)`` is written only around a
  string literal (a test checks it); a plain ``str`` handed to `Shown` is a TypeError;
- tables are `escaping.ReportTable` (``sections.styled``: every cell, header, index label, index
  name and caption escaped, whatever format is applied later) or DataFrames (escaped by pandas);
- charts are pixels (matplotlib PNGs) and images are embedded PNGs.

Table cells and CSV columns are built from the plain texts (`evaluation.wording`), never from
Markdown, so nothing is escaped twice. The rendered page and its PDF are made by `render`: the
PDF reads only ``data:`` URLs and attaches no file.
"""
