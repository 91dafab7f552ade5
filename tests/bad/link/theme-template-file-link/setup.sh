printf 'theme: mine\n' >>site.yaml
mkdir -p themes/mine/templates
cp -R "$GAPMAP_HOME/themes/default/." themes/mine/
printf 'SECRET-KEY-LINE\n' >../secret.txt
ln -s ../../../../secret.txt themes/mine/templates/page.html
