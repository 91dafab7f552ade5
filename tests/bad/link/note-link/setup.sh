# A note linked to a file outside the content folder (an SSH key, say)
# must not be published.
printf 'SECRET-KEY-LINE\n' >../secret.txt
rm studies/smith-2020.md
ln -s ../../secret.txt studies/smith-2020.md
