# Long lists of long names make a diagram taller than 3,000 px.
{
	echo "flows:"
	echo "  - id: tall"
	echo "    databases:"
	echo "      databases:"
	i=1
	while [ $i -le 80 ]; do
		echo "        - { name: \"Database number $i with a long name that wraps over several lines of its box in the diagram\", n: 1 }"
		i=$((i + 1))
	done
	echo "      screened: 80"
} >prisma.yaml
