: >site.yaml
