# 1 MiB and one byte: the limit is exact.
{ printf 'title: Huge\nsummary: '; head -c 1048576 /dev/zero | tr '\0' x; printf '\n'; } | head -c 1048577 >studies/huge.yaml
