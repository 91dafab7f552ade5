printf 'title: A NUL\000 byte\nyear: 2020\nadded: 2024-01-01\noutcome: pain\n' >studies/nul.yaml
