mv site.yaml ../site.yaml
ln -s ../site.yaml site.yaml
