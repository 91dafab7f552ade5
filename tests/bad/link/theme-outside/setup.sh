printf 'theme: ../elsewhere\n' >>site.yaml
mkdir -p ../elsewhere
cp -R "$GAPMAP_HOME/themes/default/." ../elsewhere/
