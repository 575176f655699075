from ihltag.cli import main

main()
