import sys

print("about to exit")
sys.exit(int(sys.argv[1]))
