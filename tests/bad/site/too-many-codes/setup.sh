# Each code is a page: at most 5,000 codes over all facets (here 5,007).
cat site.yaml >site.new
for f in 1 2 3 4 5; do
	echo "  extra-$f:" >>site.new
	echo "    label: Extra $f" >>site.new
	echo "    codes:" >>site.new
	i=1
	while [ $i -le 1000 ]; do
		echo "      - { id: c-$i, label: C $i }" >>site.new
		i=$((i + 1))
	done
done
mv site.new site.yaml
