mkdir ../studies-elsewhere
mv studies ../studies-elsewhere/studies
ln -s ../studies-elsewhere/studies studies
