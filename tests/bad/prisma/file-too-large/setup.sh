# prisma.yaml is read whole: at most 1 MiB.
{
	echo "flows:"
	echo "  - id: big"
	echo "    databases: { databases: 10, screened: 10 }"
	i=0
	while [ $i -lt 17000 ]; do
		echo "# padding padding padding padding padding padding padding padding"
		i=$((i + 1))
	done
} >prisma.yaml
