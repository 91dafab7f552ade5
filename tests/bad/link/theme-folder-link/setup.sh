printf 'theme: mine\n' >>site.yaml
mkdir ../elsewhere themes
cp -R "$GAPMAP_HOME/themes/default" ../elsewhere/mine
ln -s ../../elsewhere/mine themes/mine
