# A folder gapmap did not write: never replaced.
mkdir -p ../project && echo precious >../project/notes.txt
