# A record saved in Latin-1: "é" is the single byte 0xE9.
printf 'title: Caf\351 culture\nyear: 2020\nadded: 2024-01-01\noutcome: pain\n' >studies/latin1.yaml
