# A 1,000 x 1,000 map took 1.2 GB before failing a template: every cell is
# a page, so a map has at most 10,000 cells (here 101 x 100).
codes() { # prefix count
	i=1
	while [ $i -le "$2" ]; do
		echo "      - { id: $1-$i, label: $1 $i }"
		i=$((i + 1))
	done
}
{
	echo "title: Too many cells"
	echo "map: { rows: outcome, columns: setting, segments: design }"
	echo "facets:"
	echo "  outcome:"
	echo "    label: Outcome"
	echo "    codes:"
	echo "      - { id: pain, label: Pain }"
	echo "      - { id: quality-of-life, label: Quality of life }"
	echo "      - { id: appointments, label: Appointments }"
	codes outcome 98
	echo "  setting:"
	echo "    label: Setting"
	echo "    codes:"
	echo "      - { id: general-practice, label: General practice }"
	echo "      - { id: community, label: Community }"
	codes setting 98
	echo "  design:"
	echo "    label: Design"
	echo "    multiple: false"
	echo "    codes: [ { id: rct, label: Randomised trial }, { id: qualitative, label: Qualitative } ]"
} >site.yaml
