printf 'theme: mine\n' >>site.yaml
mkdir -p themes/mine
cp -R "$GAPMAP_HOME/themes/default/." themes/mine/
printf 'SECRET-KEY-LINE\n' >../secret.txt
ln -s ../../../secret.txt themes/mine/theme.yaml
