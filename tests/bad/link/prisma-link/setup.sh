printf 'root:$6$SECRET-HASH:19000:0:99999:7:::\n' >../shadow
ln -s ../shadow prisma.yaml
