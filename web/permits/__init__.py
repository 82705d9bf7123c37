"""The building permits' pages: the engineering office's drawing and check (/permits/new/), a correction of a
case's building (/permits/cases/<id>/proposal/), and the planners' what-if (/permits/whatif/)."""
