# Editors on Windows start UTF-8 files with a byte-order mark: accepted.
printf '\357\273\277title: Saved with a BOM\nyear: 2020\nadded: 2024-01-01\noutcome: pain\n' >studies/bom.yaml
printf '\357\273\277---\ntitle: Methods\n---\nHow we searched.\n' >pages/methods.md
printf '\357\273\277A note with a BOM.\n' >studies/bom.md
