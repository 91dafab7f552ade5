printf 'theme: mine\n' >>site.yaml
mkdir -p themes/mine ../elsewhere/templates
cp -R "$GAPMAP_HOME/themes/default/." themes/mine/
ln -s ../../../elsewhere/templates themes/mine/templates
