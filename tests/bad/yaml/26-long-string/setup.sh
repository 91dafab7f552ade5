# One value of 300 KiB: the limit for one value is 256 KiB.
{ printf 'title: Long\nyear: 2020\nadded: 2024-01-01\noutcome: pain\nsummary: '; head -c 307200 /dev/zero | tr '\0' y; printf '\n'; } >studies/long.yaml
