rm pages/about.md
mkfifo pages/about.md
