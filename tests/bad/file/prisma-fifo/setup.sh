mkfifo prisma.yaml
