# theme: /etc once published /etc/fonts under assets/.
printf 'theme: /etc\n' >>site.yaml
