from nyata.cli import main

main()
