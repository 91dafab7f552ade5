sed -i 's/columns: setting/columns: outcome/' site.yaml
