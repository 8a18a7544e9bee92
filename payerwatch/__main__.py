from payerwatch.cli import main

main()
