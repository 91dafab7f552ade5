# 100 nested flow lists: the limit is 64 levels.
{ printf 'title: Deep\nyear: 2020\nadded: 2024-01-01\noutcome: '; i=0; while [ $i -lt 100 ]; do printf '['; i=$((i+1)); done; i=0; while [ $i -lt 100 ]; do printf ']'; i=$((i+1)); done; printf '\n'; } >studies/deep.yaml
