from gongkai.cli import main

main()
