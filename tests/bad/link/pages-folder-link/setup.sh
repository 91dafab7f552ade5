mkdir ../elsewhere
mv pages ../elsewhere/pages
ln -s ../elsewhere/pages pages
