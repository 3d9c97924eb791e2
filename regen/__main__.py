from regen.cli import run

run()
