"""`python3 -m liao_conformance PATH/TO/liao-server`: the whole conformance run."""

from .suite import main

main()
