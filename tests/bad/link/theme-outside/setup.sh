printf 'theme: ../elsewhere\n' >>site.yaml
mkdir ../elsewhere
cp -R "$GAPMAP_HOME/themes/default/." ../elsewhere/
