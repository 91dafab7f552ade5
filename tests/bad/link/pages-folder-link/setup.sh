mkdir ../pages-elsewhere
mv pages ../pages-elsewhere/pages
ln -s ../pages-elsewhere/pages pages
