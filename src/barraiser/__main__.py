from barraiser.cli.main import entry

entry()
