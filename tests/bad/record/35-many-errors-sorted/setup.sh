printf 'A note on nothing.\n' >studies/mm-middle.md
sed -i 's/^licence:.*/licence: [CC BY 4.0]/' site.yaml
