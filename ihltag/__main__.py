from ihltag.launch import main

main()
