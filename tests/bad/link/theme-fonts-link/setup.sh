printf 'theme: mine\n' >>site.yaml
mkdir -p themes/mine
cp -R "$GAPMAP_HOME/themes/default/css" "$GAPMAP_HOME/themes/default/js" themes/mine/
ln -s /etc/fonts themes/mine/fonts
