rm site.yaml
mkfifo site.yaml
