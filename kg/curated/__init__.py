"""The curated table: a person's corrections to what the PDF extraction broke.

``kg export`` writes one CSV per edition to ``data/curated/<edition key>.csv`` (UTF-8
with a BOM so that spreadsheet programs open it as UTF-8), one row per measure:

| column | content |
|---|---|
| 施策番号 | measure ID |
| 施策名 | name |
| KPI | one KPI per line |
| 課題・取組概要 | description |
| 根拠条文 | marks, ``;``-separated: ``◎10条;○11条1項2項`` (see below) |
| 府省庁名 | ``;``-separated, ◎ for the lead: ``◎総務省;経済産業省``; ``関係府省庁`` for the flag |
| 確認済 | ``yes`` (or ``はい``, ``済``, ``確認済``, ``✓``, ``○``, ``y``, ``1``) once checked |

確認済 may also read ``no``, ``いいえ`` or ``未`` (not checked); any other value is
refused with its cell, rather than silently read as "not checked".
| 元の行 | the row's line in the extract (information only) |

A cell that would start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is written with a ``'`` in front, so that a spreadsheet shows it as
text rather than running it as a formula (the OWASP CSV-injection rule); the
reader removes that ``'`` again, so the round trip is exact.

A mark the builder was not sure of carries ``(confidence|alternative…)``, e.g.
``◎34条(low|35条|33条)``; a mark without it states its column with full confidence.

When the table exists, ``kg build`` reads it over the extract, cell by cell
(each row becomes a draft that the same assembler as the extract's turns into
a measure, :mod:`kg.assemble`):
a cell left as exported keeps everything the extract gave (provenance,
confidence, findings); an edited cell is taken as a person's statement. An
edited mark keeps its source cell but gets full confidence and
``kg:reviewed``; a row marked 確認済 raises all its marks to full confidence
and drops out of the review report. Deleting a row drops the measure; adding a
row adds one, derived from the curated table.
"""
