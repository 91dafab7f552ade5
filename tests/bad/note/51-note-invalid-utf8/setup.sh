printf 'Fine line.\nCaf\351\n' >studies/brown-2019.md
