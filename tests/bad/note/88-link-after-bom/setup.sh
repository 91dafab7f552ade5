# A page and a note saved with a byte order mark: a broken link's column is
# counted after the mark, as an editor shows the line.
printf '\357\273\277[x](nowhere.html) and [y](../gone/)\n' >pages/bom.md
printf '\357\273\277See [x](nowhere.html).\n' >studies/smith-2020.md
