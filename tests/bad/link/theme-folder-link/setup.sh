printf 'theme: mine\n' >>site.yaml
mkdir ../theme-elsewhere themes
cp -R "$GAPMAP_HOME/themes/default" ../theme-elsewhere/mine
ln -s ../../theme-elsewhere/mine themes/mine
