rm studies/smith-2020.md
mkfifo studies/smith-2020.md
