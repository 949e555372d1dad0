"""What staff see at a glance: report figures, their charts, the casework sections and the
county's monthly statistics.

- `figures`: a figure (labels, series, unit, table-only columns, notes) and the date
  range every figure is asked for; pure.
- `charts`: a figure drawn as SVG with pygal, with no script and no outside address.
- `casework`: the sections built from people and needs (scoped like every casework
  page), and the fairness across towns.
- `monthly`: the monthly statistics workbook for the county bureau.

Each wing adds its own sections through the registry (`core.wings.ReportSection`),
as it adds dashboard counts; the portal's `/reports` page lists every section the
viewer's role may see.
"""
