printf 'theme: mine\n' >>site.yaml
mkdir -p themes/mine ../templates-elsewhere
cp -R "$GAPMAP_HOME/themes/default/." themes/mine/
ln -s ../../../templates-elsewhere themes/mine/templates
