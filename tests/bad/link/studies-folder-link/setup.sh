mkdir ../elsewhere
mv studies ../elsewhere/studies
ln -s ../elsewhere/studies studies
