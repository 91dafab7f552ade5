# A FIFO never written to hung the build for good.
rm studies/brown-2019.yaml
mkfifo studies/brown-2019.yaml
