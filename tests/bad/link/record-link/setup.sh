# A record linked to a file that is no YAML must not have its first line
# quoted in the error.
printf 'root:$6$SECRET-HASH:19000:0:99999:7:::\n' >../shadow
rm studies/brown-2019.yaml
ln -s ../../shadow studies/brown-2019.yaml
