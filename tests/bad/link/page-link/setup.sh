printf 'SECRET-KEY-LINE\n' >../secret.txt
rm pages/about.md
ln -s ../../secret.txt pages/about.md
